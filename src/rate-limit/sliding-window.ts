/** What a store keeps for one key: its hits in the latest fixed window and in the one before. */
export interface WindowCounts {
  /** Index of the latest window: `floor(time / window length)`. */
  readonly window: number;
  readonly current: number;
  readonly previous: number;
}

/** One limit to check: `limit` hits per window under `key`. */
export interface RateLimitCheck {
  readonly key: string;
  readonly limit: number;
}

export type RateLimitDecision =
  | { readonly allowed: true }
  | {
      readonly allowed: false;
      /** Milliseconds until the refused check would allow one more hit (at least 1). */
      readonly retryAfterMs: number;
      /** Index in the checks of the first one that refused. */
      readonly refused: number;
    };

export interface SlidingWindowStep {
  readonly allowed: boolean;
  readonly retryAfterMs: number;
  /** The counts to store when every check of the hit allows it. */
  readonly counted: WindowCounts;
}

/**
 * One hit against a sliding-window counter: the count over the last `windowMs` is estimated as the
 * current fixed window's hits plus the previous window's, weighted by how much of it still lies in
 * the sliding window (Cloudflare's approximation, exact when hits are spread evenly). Windows are
 * aligned to multiples of `windowMs` since the epoch, so every replica and store agrees on them.
 * `redis-rate-limit.store.ts` runs the same arithmetic in Lua.
 */
export function slidingWindowStep(
  stored: WindowCounts | undefined,
  nowMs: number,
  windowMs: number,
  limit: number,
): SlidingWindowStep {
  let index = Math.floor(nowMs / windowMs);
  let current = 0;
  let previous = 0;
  if (stored !== undefined) {
    if (stored.window > index) {
      // Another replica's clock is ahead: keep its window rather than go back in time.
      index = stored.window;
      ({ current, previous } = stored);
    } else if (stored.window === index) {
      ({ current, previous } = stored);
    } else if (stored.window === index - 1) {
      previous = stored.current;
    }
  }
  const elapsed = Math.max(0, nowMs - index * windowMs);
  const estimate = (previous * (windowMs - elapsed)) / windowMs + current;
  if (estimate + 1 <= limit) {
    return {
      allowed: true,
      counted: { current: current + 1, previous, window: index },
      retryAfterMs: 0,
    };
  }
  return {
    allowed: false,
    counted: { current, previous, window: index },
    retryAfterMs: Math.max(1, Math.ceil(waitMs(current, previous, elapsed, windowMs, limit))),
  };
}

/** How long until the estimate leaves room for one more hit, if nobody hits meanwhile. */
function waitMs(
  current: number,
  previous: number,
  elapsed: number,
  windowMs: number,
  limit: number,
): number {
  if (current + 1 <= limit) {
    // The previous window's weight must fall to limit - 1 - current within this window.
    return windowMs - (windowMs * (limit - 1 - current)) / previous - elapsed;
  }
  // This window alone is full: wait for the next, until this one's weight falls far enough.
  return windowMs - elapsed + windowMs - (windowMs * (limit - 1)) / current;
}

/** Whole seconds for a `Retry-After` header or a message (at least 1). */
export function retryAfterSeconds(retryAfterMs: number): number {
  return Math.max(1, Math.ceil(retryAfterMs / 1000));
}
