import { randomBytes } from 'node:crypto';

import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { MemoryRateLimitStore } from './memory-rate-limit.store.js';
import type { RateLimitStore } from './rate-limit-store.js';
import { RedisRateLimitStore } from './redis-rate-limit.store.js';

const WINDOW = 60_000;
/** The start of a window, so that times below read as offsets into it. */
const T0 = WINDOW * 30_000_000;
const REDIS_URL = 'redis://127.0.0.1:6379/0';

let redis: Redis;
const prefix = `superset_mcp_test_${randomBytes(6).toString('hex')}:ratelimit:`;

beforeAll(() => {
  redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
});

afterAll(async () => {
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
});

const stores: [string, () => RateLimitStore][] = [
  ['memory', () => new MemoryRateLimitStore(1000)],
  [
    'redis',
    () => new RedisRateLimitStore(() => redis, `${prefix}${randomBytes(4).toString('hex')}:`),
  ],
];

describe.each(stores)('sliding-window counts (%s store)', (_name, newStore) => {
  const allowedAt = async (store: RateLimitStore, key: string, limit: number, at: number) =>
    (await store.hit([{ key, limit }], WINDOW, at)).allowed;

  it('allows `limit` hits in a window, refuses the next and says when one more fits', async () => {
    const store = newStore();
    for (const at of [1000, 2000, 3000]) expect(await allowedAt(store, 'a', 3, T0 + at)).toBe(true);
    // The next window must have begun and the three hits' weight fallen to two: 20 s into it.
    expect(await store.hit([{ key: 'a', limit: 3 }], WINDOW, T0 + 4000)).toEqual({
      allowed: false,
      refused: 0,
      retryAfterMs: 76_000,
    });
    expect(await allowedAt(store, 'a', 3, T0 + 79_999)).toBe(false);
    // Refused hits were not counted, or this one would be refused too.
    expect(await allowedAt(store, 'a', 3, T0 + 80_000)).toBe(true);
  });

  it("weighs the previous window's hits by how much of it the sliding window still covers", async () => {
    const store = newStore();
    for (let i = 0; i < 4; i += 1) expect(await allowedAt(store, 'b', 4, T0 + i)).toBe(true);
    // Half way into the next window the four count as two: two more fit.
    expect(await allowedAt(store, 'b', 4, T0 + WINDOW + 30_000)).toBe(true);
    expect(await allowedAt(store, 'b', 4, T0 + WINDOW + 30_000)).toBe(true);
    expect(await store.hit([{ key: 'b', limit: 4 }], WINDOW, T0 + WINDOW + 30_000)).toEqual({
      allowed: false,
      refused: 0,
      retryAfterMs: 15_000,
    });
    expect(await allowedAt(store, 'b', 4, T0 + WINDOW + 44_999)).toBe(false);
    expect(await allowedAt(store, 'b', 4, T0 + WINDOW + 45_000)).toBe(true);
  });

  it('forgets hits older than the previous window', async () => {
    const store = newStore();
    expect(await allowedAt(store, 'c', 1, T0)).toBe(true);
    expect(await allowedAt(store, 'c', 1, T0 + WINDOW + 59_999)).toBe(false);
    expect(await allowedAt(store, 'c', 1, T0 + 2 * WINDOW)).toBe(true);
  });

  it('counts a hit against every check or, when one refuses, against none', async () => {
    const store = newStore();
    const both = [
      { key: 'all-tools', limit: 10 },
      { key: 'one-tool', limit: 1 },
    ];
    expect(await store.hit(both, WINDOW, T0)).toEqual({ allowed: true });
    const refused = await store.hit(both, WINDOW, T0 + 1);
    expect(refused).toMatchObject({ allowed: false, refused: 1 });
    // 'all-tools' holds one hit, not two.
    expect(await allowedAt(store, 'all-tools', 2, T0 + 2)).toBe(true);
    expect(await allowedAt(store, 'all-tools', 2, T0 + 3)).toBe(false);
  });

  it('keeps keys apart', async () => {
    const store = newStore();
    expect(await allowedAt(store, 'd1', 1, T0)).toBe(true);
    expect(await allowedAt(store, 'd1', 1, T0)).toBe(false);
    expect(await allowedAt(store, 'd2', 1, T0)).toBe(true);
  });

  it('counts a hit from a replica whose clock is behind in the newer window, not an older one', async () => {
    const store = newStore();
    expect(await allowedAt(store, 'e', 2, T0 + WINDOW + 1000)).toBe(true);
    expect(await allowedAt(store, 'e', 2, T0 + WINDOW - 1000)).toBe(true);
    expect(await allowedAt(store, 'e', 2, T0 + WINDOW + 2000)).toBe(false);
  });
});

describe(RedisRateLimitStore.name, () => {
  it('keeps each counter under the prefix and lets it expire within two windows', async () => {
    const keyPrefix = `${prefix}ttl:`;
    const store = new RedisRateLimitStore(() => redis, keyPrefix);
    await store.hit([{ key: 'user:7', limit: 5 }], WINDOW, Date.now());
    expect(await redis.keys(`${keyPrefix}*`)).toEqual([`${keyPrefix}user:7`]);
    const ttl = await redis.pttl(`${keyPrefix}user:7`);
    expect(ttl).toBeGreaterThan(WINDOW);
    expect(ttl).toBeLessThanOrEqual(2 * WINDOW);
  });

  it('loads its script again when Redis has forgotten it', async () => {
    const store = new RedisRateLimitStore(() => redis, `${prefix}flush:`);
    await store.hit([{ key: 'k', limit: 5 }], WINDOW, T0);
    await redis.script('FLUSH');
    expect(await store.hit([{ key: 'k', limit: 5 }], WINDOW, T0)).toEqual({ allowed: true });
  });
});

describe(MemoryRateLimitStore.name, () => {
  it('tracks at most maxKeys keys however many principals hit it, keeping recently hit ones', () => {
    const store = new MemoryRateLimitStore(1000);
    // Hit every 500 principals, so never the least recently used: 200 hits, then one more fits.
    const hot = [{ key: 'hot', limit: 201 }];
    let largest = 0;
    for (let i = 0; i < 100_000; i += 1) {
      store.hitNow([{ key: `principal:${i}`, limit: 5 }], WINDOW, T0 + 1);
      if (i % 500 === 0) expect(store.hitNow(hot, WINDOW, T0 + 1).allowed).toBe(true);
      largest = Math.max(largest, store.size);
    }
    expect(largest).toBe(1000);
    expect(store.hitNow(hot, WINDOW, T0 + 1).allowed).toBe(true);
    expect(store.hitNow(hot, WINDOW, T0 + 1).allowed).toBe(false);
  });
});
