import { createHash } from 'node:crypto';

import type { Redis } from 'ioredis';

import type { RateLimitStore } from './rate-limit-store.js';
import type { RateLimitCheck, RateLimitDecision } from './sliding-window.js';

/**
 * `slidingWindowStep` over every key, in one atomic script: KEYS are the counters (hashes of
 * window index `w`, current count `c`, previous count `p`), ARGV the time in ms, the window in ms
 * and one limit per key. Counts only when every key allows the hit; answers {index of the first
 * refusing key from 1, or 0; milliseconds to wait}. A key expires when its counts stop mattering.
 */
const HIT_SCRIPT = `
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local states = {}
local refused = 0
local wait = 0
for i, key in ipairs(KEYS) do
  local limit = tonumber(ARGV[i + 2])
  local stored = redis.call('HMGET', key, 'w', 'c', 'p')
  local index = math.floor(now / window)
  local current = 0
  local previous = 0
  local w = tonumber(stored[1])
  if w ~= nil then
    if w > index then
      index = w
      current = tonumber(stored[2]) or 0
      previous = tonumber(stored[3]) or 0
    elseif w == index then
      current = tonumber(stored[2]) or 0
      previous = tonumber(stored[3]) or 0
    elseif w == index - 1 then
      previous = tonumber(stored[2]) or 0
    end
  end
  local elapsed = math.max(0, now - index * window)
  local estimate = previous * (window - elapsed) / window + current
  if estimate + 1 > limit then
    if refused == 0 then refused = i end
    local ms
    if current + 1 <= limit then
      ms = window - window * (limit - 1 - current) / previous - elapsed
    else
      ms = window - elapsed + window - window * (limit - 1) / current
    end
    wait = math.max(wait, math.max(1, math.ceil(ms)))
  end
  states[i] = {index, current, previous}
end
if refused > 0 then return {refused, wait} end
for i, key in ipairs(KEYS) do
  local state = states[i]
  redis.call('HSET', key, 'w', state[1], 'c', state[2] + 1, 'p', state[3])
  redis.call('PEXPIRE', key, math.max(1, (state[1] + 2) * window - now))
end
return {0, 0}
`;
const HIT_SCRIPT_SHA = createHash('sha1').update(HIT_SCRIPT).digest('hex');

/** Counts shared by every replica using the same Redis and key prefix. */
export class RedisRateLimitStore implements RateLimitStore {
  constructor(
    private readonly redis: () => Redis,
    private readonly keyPrefix: string,
  ) {}

  async hit(
    checks: readonly RateLimitCheck[],
    windowMs: number,
    nowMs: number,
  ): Promise<RateLimitDecision> {
    const keys = checks.map((check) => this.keyPrefix + check.key);
    const args = [
      String(Math.floor(nowMs)),
      String(windowMs),
      ...checks.map((c) => String(c.limit)),
    ];
    const [refused, retryAfterMs] = (await this.run(keys, args)) as [number, number];
    if (refused === 0) return { allowed: true };
    return { allowed: false, refused: refused - 1, retryAfterMs };
  }

  private async run(keys: readonly string[], args: readonly string[]): Promise<unknown> {
    const redis = this.redis();
    try {
      return await redis.evalsha(HIT_SCRIPT_SHA, keys.length, ...keys, ...args);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      return redis.eval(HIT_SCRIPT, keys.length, ...keys, ...args);
    }
  }
}
