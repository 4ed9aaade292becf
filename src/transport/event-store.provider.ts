import type { Provider } from '@nestjs/common';

import { SETTINGS } from '../config/inject-settings.decorator.js';
import type { Settings } from '../config/settings.js';
import { RedisConnections } from '../redis/redis-connections.js';
import { RedisEventStore } from './redis-event-store.js';

export const EVENT_STORE = Symbol('EVENT_STORE');

/** Resumable SSE streams need a store every replica reads: only with the Redis store; else null. */
export function createEventStore(
  settings: Settings,
  redis: RedisConnections,
): RedisEventStore | null {
  const store = settings.MCP_STORE_CONFIG;
  if (!store.enabled) return null;
  return new RedisEventStore(redis, store.event_store_prefix, {
    maxEventsPerStream: store.event_store_max_events,
    ttlMs: store.event_store_ttl * 1000,
  });
}

export const eventStoreProvider: Provider = {
  inject: [SETTINGS, RedisConnections],
  provide: EVENT_STORE,
  useFactory: createEventStore,
};
