import { createHash } from 'node:crypto';
import { once } from 'node:events';

import { Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { ReplyError, type Redis } from 'ioredis';

import { RedisUnavailableError, type RedisConnections } from '../redis/redis-connections.js';
import type { SessionStoreLimits } from './in-memory-session-store.js';
import type { SessionRecord } from './session-record.js';
import type { SessionStore } from './session-store.js';

/** What a stored session costs beyond its JSON: its keys, index entries and sorted-set members. */
const ENTRY_OVERHEAD_BYTES = 512;
const LONGEST_SWEEP_INTERVAL_MS = 60_000;
/** Expired sessions one create or one timer tick removes: bounds the time a script holds Redis. */
const SWEEP_BATCH_ON_CREATE = 100;
const SWEEP_BATCH_ON_TIMER = 1000;
const FIRST_CONNECT_WAIT_MS = 5_000;

/**
 * Keys under `<base>`: `all` (sorted set: id by expiry), `index` (hash: id -> "bytes:owner"),
 * `bytes` (total), `record:<id>` (the JSON) and `owner:<owner>` (sorted set: a principal's ids by
 * expiry, i.e. by last use). Expiry is decided by the scores, from the caller's clock; Redis TTLs on
 * the record and owner keys only clean up after a store nobody uses any more.
 */
const SCRIPT = `
local all, index, total = KEYS[1], KEYS[2], KEYS[3]
local op, base, now, ttl = ARGV[1], ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4])

local function split(info)
  local sep = string.find(info, ':', 1, true)
  return tonumber(string.sub(info, 1, sep - 1)), string.sub(info, sep + 1)
end

local function remove(id)
  local info = redis.call('HGET', index, id)
  redis.call('ZREM', all, id)
  redis.call('DEL', base .. 'record:' .. id)
  if not info then return 0 end
  local bytes, owner = split(info)
  redis.call('HDEL', index, id)
  redis.call('ZREM', base .. 'owner:' .. owner, id)
  redis.call('DECRBY', total, bytes)
  return 1
end

local function renew(id, owner)
  local expiresAt = now + ttl
  redis.call('PEXPIRE', base .. 'record:' .. id, ttl)
  redis.call('ZADD', all, expiresAt, id)
  redis.call('ZADD', base .. 'owner:' .. owner, expiresAt, id)
  redis.call('PEXPIRE', base .. 'owner:' .. owner, ttl)
end

local function live(id)
  local expiresAt = redis.call('ZSCORE', all, id)
  local json = redis.call('GET', base .. 'record:' .. id)
  local info = redis.call('HGET', index, id)
  if not expiresAt or not json or not info or tonumber(expiresAt) <= now then
    remove(id)
    return nil
  end
  return json, info
end

local function sweep(limit)
  local expired = redis.call('ZRANGEBYSCORE', all, '-inf', now, 'LIMIT', 0, limit)
  for _, id in ipairs(expired) do remove(id) end
  return #expired
end

if op == 'create' then
  local id, owner, json, bytes = ARGV[5], ARGV[6], ARGV[7], tonumber(ARGV[8])
  local perOwner, maxSessions, maxBytes = tonumber(ARGV[9]), tonumber(ARGV[10]), tonumber(ARGV[11])
  sweep(tonumber(ARGV[12]))
  local own = base .. 'owner:' .. owner
  while redis.call('ZCARD', own) >= perOwner do
    local oldest = redis.call('ZRANGE', own, 0, 0)[1]
    if remove(oldest) == 0 then redis.call('ZREM', own, oldest) end
  end
  local stored = tonumber(redis.call('GET', total) or '0')
  if redis.call('ZCARD', all) >= maxSessions or stored + bytes > maxBytes then return 0 end
  redis.call('SET', base .. 'record:' .. id, json)
  redis.call('HSET', index, id, bytes .. ':' .. owner)
  redis.call('INCRBY', total, bytes)
  renew(id, owner)
  return 1
elseif op == 'touch' then
  local id = ARGV[5]
  local json, info = live(id)
  if not json then return false end
  local _, owner = split(info)
  renew(id, owner)
  return json
elseif op == 'update' then
  local id, json, bytes = ARGV[5], ARGV[6], tonumber(ARGV[7])
  local current, info = live(id)
  if not current then return 0 end
  local oldBytes, owner = split(info)
  redis.call('SET', base .. 'record:' .. id, json)
  redis.call('HSET', index, id, bytes .. ':' .. owner)
  redis.call('INCRBY', total, bytes - oldBytes)
  renew(id, owner)
  return 1
elseif op == 'delete' then
  return remove(ARGV[5])
elseif op == 'sweep' then
  return sweep(tonumber(ARGV[5]))
end
return redis.error_reply('unknown session store operation')
`;
const SCRIPT_SHA = createHash('sha1').update(SCRIPT).digest('hex');

/**
 * Keeps sessions in Redis so that every replica finds them. One Lua script does each operation
 * atomically, with the same rules as the in-memory store: a timed expiry renewed on use, a quota per
 * principal whose own least recently used sessions make room, and a bound on count and bytes in all.
 * While Redis is unreachable every operation rejects with `RedisUnavailableError`.
 */
export class RedisSessionStore implements SessionStore, OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(RedisSessionStore.name);
  private readonly base: string;
  private sweepTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly connections: RedisConnections,
    keyPrefix: string,
    private readonly limits: SessionStoreLimits,
    private readonly now: () => number = Date.now,
  ) {
    this.base = `${keyPrefix}session:`;
  }

  /** Waits (briefly) for the first connection, so the first request does not find it still opening. */
  async onModuleInit(): Promise<void> {
    const client = this.connections.client();
    if (client.status !== 'ready') {
      await Promise.race([
        once(client, 'ready'),
        new Promise((resolve) => setTimeout(resolve, FIRST_CONNECT_WAIT_MS).unref()),
      ]);
    }
    const interval = Math.min(this.limits.ttlMs, LONGEST_SWEEP_INTERVAL_MS);
    this.sweepTimer = setInterval(() => {
      this.removeExpired().catch((error: unknown) => {
        if (!(error instanceof RedisUnavailableError)) {
          this.logger.warn(`Sweeping expired sessions failed: ${String(error)}`);
        }
      });
    }, interval);
    this.sweepTimer.unref();
  }

  onModuleDestroy(): void {
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    this.sweepTimer = null;
  }

  async create(record: SessionRecord): Promise<boolean> {
    const json = JSON.stringify(record);
    const created = await this.run(
      'create',
      record.id,
      ownerKey(record.principal),
      json,
      entryBytes(json),
      this.limits.maxSessionsPerPrincipal,
      this.limits.maxSessions,
      this.limits.maxBytes,
      SWEEP_BATCH_ON_CREATE,
    );
    return created === 1;
  }

  async update(record: SessionRecord): Promise<void> {
    const json = JSON.stringify(record);
    await this.run('update', record.id, json, entryBytes(json));
  }

  async touch(id: string): Promise<SessionRecord | null> {
    const json = await this.run('touch', id);
    return typeof json === 'string' ? (JSON.parse(json) as SessionRecord) : null;
  }

  async delete(id: string): Promise<boolean> {
    return (await this.run('delete', id)) === 1;
  }

  async count(): Promise<number> {
    try {
      return await this.connections.client().zcard(`${this.base}all`);
    } catch (error) {
      throw new RedisUnavailableError(error);
    }
  }

  /** Removes a batch of expired sessions; the timer calls it, tests may too. */
  async removeExpired(): Promise<number> {
    return Number(await this.run('sweep', SWEEP_BATCH_ON_TIMER));
  }

  private async run(op: string, ...args: (string | number)[]): Promise<unknown> {
    const client = this.connections.client();
    const keys = [`${this.base}all`, `${this.base}index`, `${this.base}bytes`];
    const argv = [op, this.base, this.now(), this.limits.ttlMs, ...args];
    try {
      try {
        return await client.evalsha(SCRIPT_SHA, keys.length, ...keys, ...argv);
      } catch (error) {
        if (!isNoScript(error)) throw error;
        return await evalScript(client, keys, argv);
      }
    } catch (error) {
      // A reply error is a bug in the script or a misconfigured server, not an outage.
      if (error instanceof ReplyError) throw error;
      throw new RedisUnavailableError(error);
    }
  }
}

function evalScript(client: Redis, keys: string[], argv: (string | number)[]): Promise<unknown> {
  return client.eval(SCRIPT, keys.length, ...keys, ...argv);
}

function isNoScript(error: unknown): boolean {
  return error instanceof Error && error.message.startsWith('NOSCRIPT');
}

/** Principals can be long (a token subject); their keys are fixed-length digests. */
function ownerKey(principal: string): string {
  return createHash('sha256').update(principal).digest('hex').slice(0, 32);
}

function entryBytes(json: string): number {
  return Buffer.byteLength(json) + ENTRY_OVERHEAD_BYTES;
}
