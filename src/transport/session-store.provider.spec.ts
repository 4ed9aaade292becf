import { describe, expect, it } from 'vitest';

import { loadSettings } from '../config/settings.loader.js';
import { RedisConnections } from '../redis/redis-connections.js';
import { InMemorySessionStore } from './in-memory-session-store.js';
import { RedisSessionStore } from './redis-session-store.js';
import { createSessionStore } from './session-store.provider.js';

describe(createSessionStore.name, () => {
  it('keeps sessions in this process by default, without touching Redis', async () => {
    const { settings } = await loadSettings({}, '/');
    const redis = new RedisConnections(settings);
    expect(redis.enabled).toBe(false);
    expect(createSessionStore(settings, redis)).toBeInstanceOf(InMemorySessionStore);
  });

  it('keeps them in Redis when MCP_STORE_CONFIG.enabled', async () => {
    const { settings } = await loadSettings(
      { MCP_STORE_CONFIG: '{"enabled": true, "CACHE_REDIS_URL": "redis://127.0.0.1:6379/0"}' },
      '/',
    );
    expect(createSessionStore(settings, new RedisConnections(settings))).toBeInstanceOf(
      RedisSessionStore,
    );
  });
});
