import { once } from 'node:events';

import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';

import { redactSecrets } from '../common/redact-secrets.js';
import { InjectSettings } from '../config/inject-settings.decorator.js';
import type { Settings } from '../config/settings.js';
import { RedisConnections } from '../redis/redis-connections.js';
import { MemoryRateLimitStore } from './memory-rate-limit.store.js';
import { RedisRateLimitStore } from './redis-rate-limit.store.js';
import type { RateLimitCheck, RateLimitDecision } from './sliding-window.js';

/** Keys one process tracks at most (HTTP principals plus user × tool counters), about 12 MiB. */
export const MAX_TRACKED_KEYS = 50_000;
/** A Redis that has not answered by then counts as down for this hit. */
const REDIS_TIMEOUT_MS = 500;
/** After a failure, hits are counted in memory this long before Redis is tried again. */
const REDIS_RETRY_MS = 1_000;
/** How long start-up waits for the first connection, which refuses commands until it is ready. */
const REDIS_CONNECT_WAIT_MS = 3_000;

export type RateLimitKind = 'http' | 'tool';

/** One refused request or tool call, for metrics. */
export interface RateLimitRefusal {
  readonly kind: RateLimitKind;
  /** The tool refused, for `kind: 'tool'`. */
  readonly tool: string | null;
}

export type RateLimitRefusalListener = (refusal: RateLimitRefusal) => void;

/**
 * Sliding-window counts for `MCP_RATE_LIMIT_CONFIG`, in Redis when `MCP_STORE_CONFIG.enabled`
 * (shared by every replica) and otherwise in this process. While Redis is unreachable the limits
 * are counted in this process alone rather than not at all (each replica then allows the full
 * limit), with one warning per outage.
 */
@Injectable()
export class RateLimiter implements OnApplicationBootstrap {
  readonly enabled: boolean;
  readonly windowSeconds: number;
  private readonly logger = new Logger(RateLimiter.name);
  private readonly memory = new MemoryRateLimitStore(MAX_TRACKED_KEYS);
  private readonly redis: RedisRateLimitStore | null;
  private readonly listeners: RateLimitRefusalListener[] = [];
  private readonly refused = { http: 0, tool: 0 };
  private redisDown = false;
  private redisRetryAt = 0;

  constructor(
    @InjectSettings() settings: Settings,
    private readonly connections: RedisConnections,
  ) {
    const config = settings.MCP_RATE_LIMIT_CONFIG;
    this.enabled = config.enabled;
    this.windowSeconds = config.window_seconds;
    this.redis = connections.enabled
      ? new RedisRateLimitStore(
          () => connections.client(),
          `${settings.MCP_STORE_CONFIG.CACHE_KEY_PREFIX}ratelimit:`,
        )
      : null;
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.enabled || this.redis === null) return;
    const client = this.connections.client();
    if (client.status === 'ready') return;
    const waited = new AbortController();
    const timer = setTimeout(() => waited.abort(), REDIS_CONNECT_WAIT_MS);
    // Not ready in time: the first hits say Redis is unavailable and are counted here.
    await once(client, 'ready', { signal: waited.signal }).catch(() => undefined);
    clearTimeout(timer);
  }

  /** Refusals since start-up, by kind (the metrics module reads these). */
  refusalCounts(): { readonly http: number; readonly tool: number } {
    return { ...this.refused };
  }

  /** Calls `listener` on every refusal, synchronously; it must only count. */
  onRefusal(listener: RateLimitRefusalListener): void {
    this.listeners.push(listener);
  }

  /** Counts one hit against every check, or none when one of them refuses it. */
  async hit(
    kind: RateLimitKind,
    checks: readonly RateLimitCheck[],
    tool: string | null = null,
  ): Promise<RateLimitDecision> {
    const decision = await this.count(checks, this.windowSeconds * 1000, Date.now());
    if (!decision.allowed) {
      this.refused[kind] += 1;
      for (const listener of this.listeners) {
        try {
          listener({ kind, tool });
        } catch (error) {
          this.logger.error(`a refusal listener failed: ${String(error)}`);
        }
      }
    }
    return decision;
  }

  private async count(
    checks: readonly RateLimitCheck[],
    windowMs: number,
    nowMs: number,
  ): Promise<RateLimitDecision> {
    if (this.redis === null || nowMs < this.redisRetryAt) {
      return this.memory.hitNow(checks, windowMs, nowMs);
    }
    try {
      const decision = await withTimeout(this.redis.hit(checks, windowMs, nowMs));
      if (this.redisDown) {
        this.redisDown = false;
        this.logger.log('Redis answers again; rate limits are shared by every replica again');
      }
      return decision;
    } catch (error) {
      this.redisRetryAt = nowMs + REDIS_RETRY_MS;
      if (!this.redisDown) {
        this.redisDown = true;
        const reason = error instanceof Error ? error.message : String(error);
        this.logger.warn(
          redactSecrets(
            `Redis unavailable for rate limits (${reason}); counting in this process alone until it answers`,
          ),
        );
      }
      return this.memory.hitNow(checks, windowMs, nowMs);
    }
  }
}

async function withTimeout<T>(promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`no answer within ${REDIS_TIMEOUT_MS} ms`)),
      REDIS_TIMEOUT_MS,
    );
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
