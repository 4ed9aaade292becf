import type { RateLimitStore } from './rate-limit-store.js';
import {
  slidingWindowStep,
  type RateLimitCheck,
  type RateLimitDecision,
  type SlidingWindowStep,
  type WindowCounts,
} from './sliding-window.js';

/**
 * Counts in this process: at most `maxKeys` keys, the least recently hit one evicted first (a
 * `Map` keeps insertion order, and every hit re-inserts its key), so a flood of distinct
 * principals costs bounded memory and O(1) per hit. An evicted key starts again from zero, which
 * can only make the limit more lenient for a principal idle long enough to be the oldest.
 */
export class MemoryRateLimitStore implements RateLimitStore {
  private readonly counts = new Map<string, WindowCounts>();

  constructor(private readonly maxKeys: number) {}

  /** Keys tracked now (never more than `maxKeys`). */
  get size(): number {
    return this.counts.size;
  }

  hit(
    checks: readonly RateLimitCheck[],
    windowMs: number,
    nowMs: number,
  ): Promise<RateLimitDecision> {
    return Promise.resolve(this.hitNow(checks, windowMs, nowMs));
  }

  hitNow(checks: readonly RateLimitCheck[], windowMs: number, nowMs: number): RateLimitDecision {
    const steps: SlidingWindowStep[] = checks.map((check) =>
      slidingWindowStep(this.counts.get(check.key), nowMs, windowMs, check.limit),
    );
    const refused = steps.findIndex((step) => !step.allowed);
    steps.forEach((step, index) => {
      const key = checks[index].key;
      const stored = this.counts.get(key);
      // A refused hit counts nothing, but still marks the keys it found as recently used.
      const kept = refused === -1 ? step.counted : stored;
      if (kept === undefined) return;
      this.counts.delete(key);
      this.counts.set(key, kept);
    });
    while (this.counts.size > this.maxKeys) {
      const oldest = this.counts.keys().next().value as string;
      this.counts.delete(oldest);
    }
    if (refused === -1) return { allowed: true };
    const retryAfterMs = Math.max(...steps.filter((s) => !s.allowed).map((s) => s.retryAfterMs));
    return { allowed: false, refused, retryAfterMs };
  }
}
