import type { CachedMethod } from './cache-key.js';

/**
 * Answers one request of one caller through the result cache: the kept answer for `method`,
 * `name` and `args`, or `compute()`'s, kept for the method's TTL. Without a cache it is `compute()`.
 */
export type CachedAnswer = <T>(
  method: CachedMethod,
  name: string,
  args: unknown,
  compute: () => T | Promise<T>,
) => Promise<T>;

export const uncachedAnswer: CachedAnswer = async (_method, _name, _args, compute) => compute();
