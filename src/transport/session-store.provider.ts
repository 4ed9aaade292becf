import type { Provider } from '@nestjs/common';

import { SETTINGS } from '../config/inject-settings.decorator.js';
import type { Settings } from '../config/settings.js';
import { RedisConnections } from '../redis/redis-connections.js';
import { InMemorySessionStore } from './in-memory-session-store.js';
import { RedisSessionStore } from './redis-session-store.js';
import { SESSION_STORE, type SessionStore } from './session-store.js';

const MAX_STORED_SESSIONS = 10_000;
const MAX_STORED_SESSION_BYTES = 32 * 1024 * 1024;
/** One Redis store serves every replica, so it holds more than one process would. */
const MAX_REDIS_SESSIONS = 100_000;
const MAX_REDIS_SESSION_BYTES = 256 * 1024 * 1024;

/** Sessions in this process by default; in Redis, shared by every replica, when the store is on. */
export function createSessionStore(settings: Settings, redis: RedisConnections): SessionStore {
  const store = settings.MCP_STORE_CONFIG;
  const common = {
    maxSessionsPerPrincipal: settings.MCP_MAX_SESSIONS_PER_PRINCIPAL,
    ttlMs: store.session_ttl * 1000,
  };
  if (!store.enabled) {
    return new InMemorySessionStore({
      ...common,
      maxBytes: MAX_STORED_SESSION_BYTES,
      maxSessions: MAX_STORED_SESSIONS,
    });
  }
  return new RedisSessionStore(redis, store.CACHE_KEY_PREFIX, {
    ...common,
    maxBytes: MAX_REDIS_SESSION_BYTES,
    maxSessions: MAX_REDIS_SESSIONS,
  });
}

export const sessionStoreProvider: Provider = {
  inject: [SETTINGS, RedisConnections],
  provide: SESSION_STORE,
  useFactory: createSessionStore,
};
