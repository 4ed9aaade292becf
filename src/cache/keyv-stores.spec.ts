import { randomUUID } from 'node:crypto';

import { Logger } from '@nestjs/common';
import { Redis } from 'ioredis';
import { Keyv } from 'keyv';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

import { MemoryKeyvStore } from './memory-keyv.store.js';
import { RedisKeyvStore } from './redis-keyv.store.js';

describe(RedisKeyvStore.name, () => {
  const prefix = `smcp-test:${randomUUID()}:`;
  let redis: Redis;

  beforeAll(() => {
    redis = new Redis('redis://127.0.0.1:6379', { lazyConnect: false, maxRetriesPerRequest: 1 });
  });

  afterAll(async () => {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  });

  it('keeps values under their own key with a TTL in milliseconds', async () => {
    const store = new RedisKeyvStore(() => redis, prefix, new Logger('test'));
    const keyv = new Keyv({ store, useKeyPrefix: false });
    await keyv.set(`${prefix}a`, { rows: [1, 2] }, 5_000);
    expect(await keyv.get(`${prefix}a`)).toEqual({ rows: [1, 2] });
    const ttl = await redis.pttl(`${prefix}a`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(5_000);
    expect(await keyv.delete(`${prefix}a`)).toBe(true);
    expect(await keyv.get(`${prefix}a`)).toBeUndefined();
  });

  it('clears only the keys under its prefix', async () => {
    const store = new RedisKeyvStore(() => redis, prefix, new Logger('test'));
    const outside = `${prefix.slice(0, -1)}-other:x`;
    await redis.set(outside, '1', 'PX', 5_000);
    await store.set(`${prefix}b`, '"x"', 5_000);
    await store.clear();
    expect(await redis.exists(`${prefix}b`)).toBe(0);
    expect(await redis.exists(outside)).toBe(1);
    await redis.del(outside);
  });

  it('answers a miss while Redis is unreachable, logging once per outage', async () => {
    const warn = vi.fn();
    const log = vi.fn();
    const logger = { log, warn } as unknown as Logger;
    // Nothing listens on port 1; no offline queue, so each command fails at once.
    const down = new Redis('redis://127.0.0.1:1', {
      enableOfflineQueue: false,
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    let connection = down;
    const store = new RedisKeyvStore(() => connection, prefix, logger);
    expect(await store.get(`${prefix}c`)).toBeUndefined();
    expect(await store.set(`${prefix}c`, '"x"', 1_000)).toBe(false);
    expect(await store.get(`${prefix}c`)).toBeUndefined();
    expect(warn).toHaveBeenCalledTimes(1);
    connection = redis;
    expect(await store.set(`${prefix}c`, '"x"', 1_000)).toBe(true);
    expect(log).toHaveBeenCalledTimes(1);
    down.disconnect();
  });
});

describe(MemoryKeyvStore.name, () => {
  it('drops entries at the end of their TTL', async () => {
    let now = 0;
    const store = new MemoryKeyvStore(10, 1_000, () => now);
    await store.set('a', 'A', 100);
    now = 99;
    expect(await store.get('a')).toBe('A');
    now = 100;
    expect(await store.get('a')).toBeUndefined();
    expect(store.size).toBe(0);
  });

  it('stays within its entry count and byte budget, least recently used first', async () => {
    const store = new MemoryKeyvStore(3, 20);
    await store.set('a', '1234567', 1_000);
    await store.set('b', '1234567', 1_000);
    await store.get('a');
    await store.set('c', '1234567', 1_000);
    expect(store.totalBytes).toBeLessThanOrEqual(20);
    expect(await store.get('b')).toBeUndefined();
    expect(await store.get('a')).toBe('1234567');
    await store.set('d', '1', 1_000);
    await store.set('e', '1', 1_000);
    expect(store.size).toBeLessThanOrEqual(3);
    expect(await store.set('huge', 'x'.repeat(40), 1_000)).toBe(false);
    expect(await store.get('huge')).toBeUndefined();
  });

  it('round-trips values through Keyv', async () => {
    const keyv = new Keyv({ store: new MemoryKeyvStore(10, 10_000), useKeyPrefix: false });
    await keyv.set('k', { a: [1, 'b'] }, 1_000);
    expect(await keyv.get('k')).toEqual({ a: [1, 'b'] });
  });
});
