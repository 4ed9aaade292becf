import { randomUUID } from 'node:crypto';
import { once } from 'node:events';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { loadSettings } from '../config/settings.loader.js';
import type { Settings } from '../config/settings.js';
import { RedisConnections, RedisUnavailableError } from '../redis/redis-connections.js';
import { ClientMessageRouter, ROUTED_ID_PREFIX } from './client-message-router.service.js';

async function settingsFor(url: string, keyPrefix: string): Promise<Settings> {
  const store = { CACHE_KEY_PREFIX: keyPrefix, CACHE_REDIS_URL: url, enabled: true };
  return (await loadSettings({ MCP_STORE_CONFIG: JSON.stringify(store) }, '/')).settings;
}

/** A router as one replica has it: its own connections to the shared Redis. */
async function replica(
  settings: Settings,
): Promise<{ router: ClientMessageRouter; close: () => Promise<void> }> {
  const connections = new RedisConnections(settings);
  const router = new ClientMessageRouter(connections, settings);
  router.onModuleInit();
  const subscriber = (router as unknown as { subscriber: import('ioredis').Redis }).subscriber;
  await once(subscriber, 'ready');
  if (connections.client().status !== 'ready') await once(connections.client(), 'ready');
  // The SUBSCRIBE was queued before the connection was ready; let it reach Redis.
  await subscriber.ping().catch(() => undefined);
  return {
    close: async () => {
      await router.onModuleDestroy();
      await connections.onApplicationShutdown();
    },
    router,
  };
}

function nextMessage(): {
  deliver: (message: Record<string, unknown>) => void;
  received: Promise<Record<string, unknown>>;
} {
  let deliver!: (message: Record<string, unknown>) => void;
  const received = new Promise<Record<string, unknown>>((resolve) => (deliver = resolve));
  return { deliver, received };
}

describe(`${ClientMessageRouter.name} across replicas`, () => {
  const session = 'a'.repeat(64);
  let a: Awaited<ReturnType<typeof replica>>;
  let b: Awaited<ReturnType<typeof replica>>;

  beforeAll(async () => {
    const settings = await settingsFor('redis://127.0.0.1:6379/0', `smcp_test_${randomUUID()}_`);
    a = await replica(settings);
    b = await replica(settings);
  });

  afterAll(async () => {
    await a.close();
    await b.close();
  });

  it('delivers an answer in this process without Redis', async () => {
    const waiting = nextMessage();
    a.router.awaitAnswer(session, `${ROUTED_ID_PREFIX}local-1`, waiting.deliver);
    const answer = { id: `${ROUTED_ID_PREFIX}local-1`, jsonrpc: '2.0', result: {} };
    expect(await a.router.deliver(session, answer)).toBe('delivered');
    expect(await waiting.received).toEqual(answer);
  });

  it('hands an answer that arrives at another replica to the request waiting here', async () => {
    const waiting = nextMessage();
    const id = `${ROUTED_ID_PREFIX}${randomUUID()}-0`;
    a.router.awaitAnswer(session, id, waiting.deliver);
    const answer = { id, jsonrpc: '2.0', result: { action: 'accept' } };
    expect(await b.router.deliver(session, answer)).toBe('published');
    expect(await waiting.received).toEqual(answer);
  });

  it('hands a cancellation that arrives at another replica to the call running here', async () => {
    const running = nextMessage();
    a.router.trackCall(session, 7, running.deliver);
    const cancel = { jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 7 } };
    expect(await b.router.deliver(session, cancel)).toBe('published');
    expect(await running.received).toEqual(cancel);
  });

  it('does not publish answers to ids no server sent, nor other notifications', async () => {
    expect(await b.router.deliver(session, { id: 1, jsonrpc: '2.0', result: {} })).toBe('none');
    expect(
      await b.router.deliver(session, { jsonrpc: '2.0', method: 'notifications/initialized' }),
    ).toBe('none');
  });
});

describe(ClientMessageRouter.name, () => {
  it('routes only in this process when Redis is not configured', async () => {
    const router = new ClientMessageRouter();
    router.onModuleInit();
    const answer = { id: `${ROUTED_ID_PREFIX}x-0`, jsonrpc: '2.0', result: {} };
    expect(await router.deliver('s', answer)).toBe('none');
  });

  it('rejects with RedisUnavailableError when it must publish and Redis is unreachable', async () => {
    const settings = await settingsFor('redis://127.0.0.1:1/0', 'smcp_test_');
    const connections = new RedisConnections(settings);
    const router = new ClientMessageRouter(connections, settings);
    try {
      const answer = { id: `${ROUTED_ID_PREFIX}x-0`, jsonrpc: '2.0', result: {} };
      await expect(router.deliver('s', answer)).rejects.toBeInstanceOf(RedisUnavailableError);
    } finally {
      await connections.onApplicationShutdown();
    }
  });
});
