import { randomUUID } from 'node:crypto';
import { once } from 'node:events';

import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { loadSettings } from '../config/settings.loader.js';
import { RedisConnections, RedisUnavailableError } from '../redis/redis-connections.js';
import { MAX_STORED_EVENT_BYTES, RedisEventStore } from './redis-event-store.js';
import { RequestEventStore } from './request-event-store.js';

const LIMITS = { maxEventsPerStream: 5, ttlMs: 60_000 };
const SESSION = 'a'.repeat(64);

async function connectionsTo(url: string): Promise<RedisConnections> {
  const { settings } = await loadSettings(
    { MCP_STORE_CONFIG: JSON.stringify({ CACHE_REDIS_URL: url, enabled: true }) },
    '/',
  );
  return new RedisConnections(settings);
}

const note = (n: number): JSONRPCMessage => ({
  jsonrpc: '2.0',
  method: 'notifications/progress',
  params: { progress: n, progressToken: 1 },
});

describe(RedisEventStore.name, () => {
  const prefix = `smcp_test_events_${randomUUID()}_`;
  let connections: RedisConnections;
  let store: RedisEventStore;

  beforeAll(async () => {
    connections = await connectionsTo('redis://127.0.0.1:6379/0');
    await once(connections.client(), 'ready');
    store = new RedisEventStore(connections, prefix, LIMITS);
  });

  afterAll(async () => {
    const keys = await connections.client().keys(`${prefix}*`);
    if (keys.length > 0) await connections.client().del(...keys);
    await connections.onApplicationShutdown();
  });

  it('gives back the events after an id, with their session and the last one marked', async () => {
    const stream = randomUUID();
    const first = await store.append(SESSION, stream, {} as JSONRPCMessage, false);
    const second = await store.append(SESSION, stream, note(1), false);
    const answer: JSONRPCMessage = { id: 1, jsonrpc: '2.0', result: {} };
    await store.append(SESSION, stream, answer, true);

    const tail = await store.after(first);
    expect(tail?.sessionId).toBe(SESSION);
    expect(tail?.events.map((event) => event.message)).toEqual([note(1), answer]);
    expect(tail?.events.map((event) => event.last)).toEqual([false, true]);
    expect(tail?.events[0]?.id).toBe(second);
  });

  it('keeps at most event_store_max_events per stream, with a TTL', async () => {
    const stream = randomUUID();
    const ids: string[] = [];
    for (let n = 0; n < 8; n += 1) ids.push(await store.append(SESSION, stream, note(n), false));
    expect(await store.after(ids[0])).toBeNull();
    expect((await store.after(ids[3]))?.events).toHaveLength(4);
    const ttl = await connections.client().pttl(`${prefix}${stream}`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(LIMITS.ttlMs);
  });

  it('finds nothing for malformed, unknown or foreign-looking ids', async () => {
    for (const id of ['', 'x', `${randomUUID()}_1-0`, `../${randomUUID()}_1-0`, '*_1-0']) {
      expect(await store.after(id)).toBeNull();
    }
  });

  it('replaces an answer too large to keep by an error saying so', async () => {
    const stream = randomUUID();
    const first = await store.append(SESSION, stream, {} as JSONRPCMessage, false);
    const huge: JSONRPCMessage = {
      id: 'r',
      jsonrpc: '2.0',
      result: { text: 'x'.repeat(MAX_STORED_EVENT_BYTES) },
    };
    await store.append(SESSION, stream, huge, true);
    const [event] = (await store.after(first))?.events ?? [];
    expect(event?.message).toMatchObject({ error: { code: -32603 }, id: 'r' });
  });

  it('rejects with RedisUnavailableError while Redis cannot be reached', async () => {
    const unreachable = await connectionsTo('redis://127.0.0.1:1/0');
    try {
      const down = new RedisEventStore(unreachable, prefix, LIMITS);
      await expect(down.after(`${randomUUID()}_1-0`)).rejects.toBeInstanceOf(RedisUnavailableError);
    } finally {
      await unreachable.onApplicationShutdown();
    }
  });
});

describe(RequestEventStore.name, () => {
  const prefix = `smcp_test_events_${randomUUID()}_`;
  let connections: RedisConnections;

  beforeAll(async () => {
    connections = await connectionsTo('redis://127.0.0.1:6379/0');
    await once(connections.client(), 'ready');
  });

  afterAll(async () => {
    const keys = await connections.client().keys(`${prefix}*`);
    if (keys.length > 0) await connections.client().del(...keys);
    await connections.onApplicationShutdown();
  });

  it('marks the answer to the last of its requests as the end of the stream', async () => {
    const shared = new RedisEventStore(connections, prefix, LIMITS);
    const events = new RequestEventStore(shared, SESSION, [1, 'two']);
    const stream = randomUUID();
    const priming = await events.storeEvent(stream, {} as JSONRPCMessage);
    await events.storeEvent(stream, { id: 'two', jsonrpc: '2.0', result: {} });
    let answered = false;
    void events.answered.then(() => (answered = true));
    await events.storeEvent(stream, { id: 1, jsonrpc: '2.0', result: {} });
    await events.answered;
    expect(answered).toBe(true);
    const tail = await shared.after(priming);
    expect(tail?.events.map((event) => event.last)).toEqual([false, true]);
  });

  it('ends the stream when its last unanswered request is cancelled', async () => {
    const shared = new RedisEventStore(connections, prefix, LIMITS);
    const events = new RequestEventStore(shared, SESSION, [1, 2]);
    const stream = randomUUID();
    const priming = await events.storeEvent(stream, {} as JSONRPCMessage);
    await events.storeEvent(stream, { id: 1, jsonrpc: '2.0', result: {} });
    await events.cancelled(2);
    await events.answered;
    const tail = await shared.after(priming);
    expect(tail?.events.map((event) => [event.message, event.last])).toEqual([
      [{ id: 1, jsonrpc: '2.0', result: {} }, false],
      [{}, true],
    ]);
  });

  it('still hands out an id when Redis cannot keep the event', async () => {
    const unreachable = await connectionsTo('redis://127.0.0.1:1/0');
    try {
      const events = new RequestEventStore(
        new RedisEventStore(unreachable, prefix, LIMITS),
        SESSION,
        [1],
      );
      const stream = randomUUID();
      expect(await events.storeEvent(stream, { id: 1, jsonrpc: '2.0', result: {} })).toBe(
        `${stream}_0-0`,
      );
      await events.answered;
    } finally {
      await unreachable.onApplicationShutdown();
    }
  });
});
