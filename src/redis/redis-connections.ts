import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { Redis } from 'ioredis';

import { InjectSettings } from '../config/inject-settings.decorator.js';
import { redactUri } from '../config/redact.js';
import type { Settings } from '../config/settings.js';

/** Thrown by a caller of Redis while it is unreachable: clients see a retryable 503 / -32603. */
export class RedisUnavailableError extends Error {
  constructor(cause: unknown) {
    super(`Redis is unavailable: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = 'RedisUnavailableError';
  }
}

const CONNECT_TIMEOUT_MS = 2_000;
const MAX_RECONNECT_DELAY_MS = 2_000;

/**
 * The service's Redis connections, when `MCP_STORE_CONFIG.enabled` names one: one shared command
 * connection and, on demand, dedicated subscriber connections. Commands fail at once while Redis is
 * away (no offline queue, so no caller waits on a queue that only grows) and the connection keeps
 * coming back by itself; each outage is logged once, with the URL's password masked.
 */
@Injectable()
export class RedisConnections implements OnApplicationShutdown {
  private readonly logger = new Logger('Redis');
  private readonly url: string | null;
  private readonly opened: Redis[] = [];
  private shared: Redis | null = null;

  constructor(@InjectSettings() settings: Settings) {
    const store = settings.MCP_STORE_CONFIG;
    this.url = store.enabled ? store.CACHE_REDIS_URL : null;
  }

  /** Whether Redis is configured at all (the store is enabled). */
  get enabled(): boolean {
    return this.url !== null;
  }

  /** The shared command connection; throws when Redis is not configured. */
  client(): Redis {
    this.shared ??= this.open('commands');
    return this.shared;
  }

  /** A new connection for SUBSCRIBE, which cannot run other commands; closed at shutdown. */
  subscriber(purpose: string): Redis {
    return this.open(purpose);
  }

  /** Round trip to Redis; rejects with `RedisUnavailableError` when it does not answer. */
  async ping(): Promise<void> {
    try {
      await this.client().ping();
    } catch (error) {
      throw new RedisUnavailableError(error);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.allSettled(this.opened.map((connection) => connection.quit()));
    for (const connection of this.opened) connection.disconnect();
    this.opened.length = 0;
    this.shared = null;
  }

  private open(purpose: string): Redis {
    if (this.url === null) {
      throw new Error('Redis is not configured (MCP_STORE_CONFIG.enabled is false)');
    }
    const connection = new Redis(this.url, {
      connectTimeout: CONNECT_TIMEOUT_MS,
      connectionName: `superset-mcp:${purpose}`,
      enableOfflineQueue: purpose !== 'commands',
      maxRetriesPerRequest: 1,
      retryStrategy: (attempt) => Math.min(attempt * 200, MAX_RECONNECT_DELAY_MS),
    });
    let down = false;
    connection.on('error', (error: Error) => {
      if (down) return;
      down = true;
      this.logger.warn(
        `${redactUri(this.url ?? '')} (${purpose}) unreachable: ${error.message}; retrying`,
      );
    });
    connection.on('ready', () => {
      if (!down) return;
      down = false;
      this.logger.log(`${redactUri(this.url ?? '')} (${purpose}) reachable again`);
    });
    this.opened.push(connection);
    return connection;
  }
}
