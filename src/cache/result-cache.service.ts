import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { createCache, type Cache } from 'cache-manager';
import { Keyv } from 'keyv';

import type { Caller } from '../auth/caller.js';
import { InjectSettings } from '../config/inject-settings.decorator.js';
import type { CacheConfig, Settings } from '../config/settings.js';
import { RedisConnections } from '../redis/redis-connections.js';
import { SecurityService } from '../users/security.service.js';
import { SHARED_PRINCIPAL, cacheKey, principalKey, type CachedMethod } from './cache-key.js';
import type { CachedAnswer } from './cached-answer.js';
import { MemoryKeyvStore } from './memory-keyv.store.js';
import { RedisKeyvStore } from './redis-keyv.store.js';

/** Bounds of the in-process store; Redis entries are bounded by their TTL and max_item_size. */
export const MEMORY_CACHE_MAX_ENTRIES = 10_000;
export const MEMORY_CACHE_MAX_BYTES = 64 * 1024 * 1024;

const TTL_SECONDS: Record<CachedMethod, (config: CacheConfig) => number> = {
  'prompts/get': (config) => config.get_prompt_ttl,
  'prompts/list': (config) => config.list_prompts_ttl,
  'resources/list': (config) => config.list_resources_ttl,
  'resources/read': (config) => config.read_resource_ttl,
  'tools/call': (config) => config.call_tool_ttl,
  'tools/list': (config) => config.list_tools_ttl,
};

/**
 * The result cache of `MCP_CACHE_CONFIG`: cache-manager over a Keyv store in Redis (when
 * `MCP_STORE_CONFIG.enabled`) or in this process. Every key names its principal unless sharing
 * across principals is switched on. No store failure ever fails a request: it is a miss.
 */
@Injectable()
export class ResultCache implements OnModuleInit {
  private readonly logger = new Logger('ResultCache');
  private readonly config: CacheConfig;
  private readonly prefix: string;
  private cache: Cache | null = null;

  constructor(
    @InjectSettings() settings: Settings,
    private readonly redis: RedisConnections,
    private readonly security: SecurityService,
  ) {
    this.config = settings.MCP_CACHE_CONFIG;
    this.prefix =
      this.config.CACHE_KEY_PREFIX ?? `${settings.MCP_STORE_CONFIG.CACHE_KEY_PREFIX}cache:`;
  }

  get enabled(): boolean {
    return this.config.enabled;
  }

  onModuleInit(): void {
    if (!this.config.enabled) return;
    const store = this.redis.enabled
      ? new RedisKeyvStore(() => this.redis.client(), this.prefix, this.logger)
      : new MemoryKeyvStore(MEMORY_CACHE_MAX_ENTRIES, MEMORY_CACHE_MAX_BYTES);
    const keyv = new Keyv({ store, useKeyPrefix: false });
    keyv.on('error', () => undefined);
    this.cache = createCache({ stores: [keyv] });
    if (this.redis.enabled) this.redis.client();
    const where = this.redis.enabled ? 'Redis' : 'this process';
    const sharing = this.config.dangerously_share_cache_across_principals
      ? 'one entry shared by EVERY caller'
      : 'keys per principal';
    this.logger.log(`Result cache on, in ${where}, ${sharing}.`);
    if (this.config.dangerously_share_cache_across_principals) {
      this.logger.warn(
        'MCP_CACHE_CONFIG.dangerously_share_cache_across_principals is ON: one cached result is ' +
          'served to EVERY caller who sends the same request, whatever their Superset permissions. ' +
          "A user may receive what only another user may see. Switch it off unless every caller's " +
          'access is the same.',
      );
    }
  }

  /** Milliseconds `method`'s answers are kept; 0 when the cache is off or the method's TTL is 0. */
  ttlMs(method: CachedMethod): number {
    return this.cache ? TTL_SECONDS[method](this.config) * 1000 : 0;
  }

  /** Whether results of this tool may be kept: read-only and not excluded. */
  cachesTool(tool: { readonly name: string; readonly readOnly: boolean }): boolean {
    return (
      tool.readOnly &&
      !this.config.excluded_tools.includes(tool.name) &&
      this.ttlMs('tools/call') > 0
    );
  }

  async keyFor(method: CachedMethod, name: string, args: unknown, caller: Caller): Promise<string> {
    const principal = this.config.dangerously_share_cache_across_principals
      ? SHARED_PRINCIPAL
      : principalKey(caller, await this.security.accessFor(caller.user));
    return cacheKey(this.prefix, method, name, args, principal);
  }

  /** The kept value, or undefined on a miss or a store failure. */
  async get(key: string): Promise<unknown> {
    if (!this.cache) return undefined;
    try {
      const value = await this.cache.get<unknown>(key);
      return value === null ? undefined : value;
    } catch {
      return undefined;
    }
  }

  /** Keeps `value` for `ttlMs` when it serialises to at most `max_item_size` bytes. */
  async set(key: string, value: unknown, ttlMs: number): Promise<boolean> {
    if (!this.cache || ttlMs <= 0 || value === undefined) return false;
    if (Buffer.byteLength(JSON.stringify(value)) > this.config.max_item_size) return false;
    try {
      await this.cache.set(key, value, ttlMs);
      return true;
    } catch {
      return false;
    }
  }

  /** Answers `caller`'s list, read and get requests through the cache. */
  answerFor(caller: Caller): CachedAnswer {
    return async (method, name, args, compute) => {
      const ttl = this.ttlMs(method);
      if (ttl === 0) return compute();
      const key = await this.keyFor(method, name, args, caller);
      const kept = await this.get(key);
      if (kept !== undefined) return kept as Awaited<ReturnType<typeof compute>>;
      const value = await compute();
      await this.set(key, value, ttl);
      return value;
    };
  }
}
