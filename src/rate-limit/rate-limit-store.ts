import type { RateLimitCheck, RateLimitDecision } from './sliding-window.js';

/**
 * Where sliding-window counts live. A hit is all or nothing: it counts against every check only
 * when each of them allows it, so a call refused by one limit uses up none of the others.
 */
export interface RateLimitStore {
  hit(
    checks: readonly RateLimitCheck[],
    windowMs: number,
    nowMs: number,
  ): Promise<RateLimitDecision>;
}
