import { randomUUID } from 'node:crypto';
import { once } from 'node:events';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { loadSettings } from '../config/settings.loader.js';
import { RedisConnections, RedisUnavailableError } from '../redis/redis-connections.js';
import type { SessionStoreLimits } from './in-memory-session-store.js';
import { RedisSessionStore } from './redis-session-store.js';
import type { SessionRecord } from './session-record.js';

const MINUTE = 60_000;
const REDIS_URL = 'redis://127.0.0.1:6379/0';

const LIMITS: SessionStoreLimits = {
  maxBytes: 1024 * 1024,
  maxSessions: 1000,
  maxSessionsPerPrincipal: 3,
  ttlMs: 10 * MINUTE,
};

function record(id: string, principal: string, padding = ''): SessionRecord {
  return {
    clientCapabilities: { sampling: {} },
    clientInfo: { name: 'client', padding, version: '1' },
    createdAt: 0,
    id,
    logLevel: null,
    principal,
    protocolVersion: '2025-06-18',
    subject: null,
    userId: 1,
  };
}

function clock(): { now: () => number; advance: (ms: number) => void } {
  let time = Date.now();
  return { advance: (ms) => (time += ms), now: () => time };
}

async function connectionsTo(url: string): Promise<RedisConnections> {
  const { settings } = await loadSettings(
    { MCP_STORE_CONFIG: JSON.stringify({ CACHE_REDIS_URL: url, enabled: true }) },
    '/',
  );
  return new RedisConnections(settings);
}

describe(RedisSessionStore.name, () => {
  const prefix = `smcp_test_${randomUUID()}_`;
  let connections: RedisConnections;

  /** A store of its own (own key prefix) so that tests do not see each other's sessions. */
  async function storeWith(
    limits: Partial<SessionStoreLimits> = {},
    now?: () => number,
  ): Promise<RedisSessionStore> {
    const store = new RedisSessionStore(
      connections,
      `${prefix}${randomUUID()}:`,
      { ...LIMITS, ...limits },
      now,
    );
    await store.onModuleInit();
    store.onModuleDestroy();
    return store;
  }

  async function storedKeys(): Promise<string[]> {
    return connections.client().keys(`${prefix}*`);
  }

  beforeAll(async () => {
    connections = await connectionsTo(REDIS_URL);
    await once(connections.client(), 'ready');
  });

  afterAll(async () => {
    const keys = await storedKeys();
    if (keys.length > 0) await connections.client().del(...keys);
    await connections.onApplicationShutdown();
  });

  it('finds a session from another store on the same Redis, with its record intact', async () => {
    const keyPrefix = `${prefix}${randomUUID()}:`;
    const store = new RedisSessionStore(connections, keyPrefix, LIMITS);
    const replica = new RedisSessionStore(connections, keyPrefix, LIMITS);
    const id = randomUUID();
    expect(await store.create(record(id, 'alice'))).toBe(true);
    expect(await replica.touch(id)).toEqual(record(id, 'alice'));
  });

  it("evicts only the flooding principal's own least recently used sessions", async () => {
    const store = await storeWith();
    await store.create(record('idle', 'alice'));
    for (let index = 0; index < 200; index += 1) {
      expect(await store.create(record(`flood-${index}`, 'mallory'))).toBe(true);
    }
    expect(await store.touch('idle')).not.toBeNull();
    expect(await store.touch('flood-0')).toBeNull();
    expect(await store.touch('flood-199')).not.toBeNull();
    expect(await store.touch('flood-197')).not.toBeNull();
    expect(await store.touch('flood-196')).toBeNull();
  });

  it('keeps a principal’s recently used session over its older idle ones', async () => {
    const time = clock();
    const store = await storeWith({}, time.now);
    for (const id of ['a', 'b', 'c']) {
      await store.create(record(id, 'bob'));
      time.advance(1);
    }
    await store.touch('a');
    time.advance(1);
    await store.create(record('d', 'bob'));
    expect(await store.touch('b')).toBeNull();
    expect(await store.touch('a')).not.toBeNull();
  });

  it("refuses a new session when others' sessions fill the count, evicting nobody", async () => {
    const store = await storeWith({ maxSessions: 4 });
    for (const principal of ['p1', 'p2', 'p3', 'p4']) {
      await store.create(record(principal, principal));
    }
    expect(await store.create(record('late', 'p5'))).toBe(false);
    expect(await store.touch('late')).toBeNull();
    for (const principal of ['p1', 'p2', 'p3', 'p4']) {
      expect(await store.touch(principal)).not.toBeNull();
    }
  });

  it("refuses a new session when others' sessions fill the bytes, evicting nobody", async () => {
    const store = await storeWith({ maxBytes: 20_000 });
    expect(await store.create(record('big-1', 'p1', 'x'.repeat(8000)))).toBe(true);
    expect(await store.create(record('big-2', 'p2', 'x'.repeat(8000)))).toBe(true);
    expect(await store.create(record('big-3', 'p3', 'x'.repeat(8000)))).toBe(false);
    expect(await store.touch('big-1')).not.toBeNull();
    await store.delete('big-1');
    expect(await store.create(record('big-3', 'p3', 'x'.repeat(8000)))).toBe(true);
  });

  it('expires idle sessions, renews a used one, and makes room from expired ones', async () => {
    const time = clock();
    const store = await storeWith({ maxSessions: 2 }, time.now);
    await store.create(record('old', 'p1'));
    await store.create(record('used', 'p2'));
    time.advance(LIMITS.ttlMs - 1);
    expect(await store.touch('used')).not.toBeNull();
    time.advance(1);
    expect(await store.touch('old')).toBeNull();
    expect(await store.create(record('new', 'p3'))).toBe(true);
    expect(await store.touch('used')).not.toBeNull();
  });

  it('frees expired sessions when swept, with no session opened', async () => {
    const time = clock();
    const store = await storeWith({}, time.now);
    await store.create(record('a', 'p1'));
    await store.create(record('b', 'p2'));
    time.advance(LIMITS.ttlMs);
    expect(await store.removeExpired()).toBe(2);
    const base = (store as unknown as { base: string }).base;
    expect(await connections.client().get(`${base}bytes`)).toBe('0');
    expect(await connections.client().hlen(`${base}index`)).toBe(0);
  });

  it('sets a TTL on what a session leaves in Redis', async () => {
    const store = await storeWith();
    await store.create(record('a', 'p1'));
    const base = (store as unknown as { base: string }).base;
    const ttl = await connections.client().pttl(`${base}record:a`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(LIMITS.ttlMs);
  });

  it('does not bring back an ended session when its log level changes', async () => {
    const store = await storeWith();
    await store.create(record('a', 'p1'));
    expect(await store.delete('a')).toBe(true);
    expect(await store.delete('a')).toBe(false);
    await store.update({ ...record('a', 'p1'), logLevel: 'debug' });
    expect(await store.touch('a')).toBeNull();
  });

  it('stores a changed log level', async () => {
    const store = await storeWith();
    await store.create(record('a', 'p1'));
    await store.update({ ...record('a', 'p1'), logLevel: 'debug' });
    expect((await store.touch('a'))?.logLevel).toBe('debug');
  });

  it('rejects with RedisUnavailableError while Redis cannot be reached', async () => {
    const unreachable = await connectionsTo('redis://127.0.0.1:1/0');
    const store = new RedisSessionStore(unreachable, prefix, LIMITS);
    try {
      await expect(store.touch('a')).rejects.toBeInstanceOf(RedisUnavailableError);
      await expect(store.create(record('a', 'p1'))).rejects.toBeInstanceOf(RedisUnavailableError);
    } finally {
      await unreachable.onApplicationShutdown();
    }
  });
});
