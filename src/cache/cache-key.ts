import { createHash } from 'node:crypto';

import type { Caller } from '../auth/caller.js';
import type { UserAccess } from '../users/user-access.js';

/** The MCP methods whose answers may be cached, each with its own TTL. */
export type CachedMethod =
  | 'tools/list'
  | 'resources/list'
  | 'prompts/list'
  | 'resources/read'
  | 'prompts/get'
  | 'tools/call';

/** Principal part of every key when `dangerously_share_cache_across_principals` is on. */
export const SHARED_PRINCIPAL = 'shared';

/** The request keys that steer the cache; they never select what is cached. */
const CACHE_FLAGS = ['use_cache', 'force_refresh'] as const;

export interface CacheFlags {
  /** `use_cache: false`: neither read nor write the cache. */
  readonly useCache: boolean;
  /** `force_refresh: true`: skip the read, store the fresh result. */
  readonly forceRefresh: boolean;
}

/** JSON with object keys sorted at every level, so equal arguments give equal keys. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) => {
    if (inner === null || typeof inner !== 'object' || Array.isArray(inner)) return inner;
    const record = inner as Record<string, unknown>;
    return Object.fromEntries(
      Object.keys(record)
        .sort()
        .map((key) => [key, record[key]]),
    );
  });
}

/**
 * Who an entry belongs to: the user id, and a digest of the user's role and group names, token
 * scopes and permission pairs, so a changed grant or role never meets an entry made before it.
 */
export function principalKey(caller: Caller, access: UserAccess): string {
  const names = (items: readonly { name: string }[]) => items.map((item) => item.name).sort();
  const digest = sha256(
    canonicalJson({
      groups: names(caller.user.groups),
      permissions: access.permissionsDigest,
      roles: names(caller.user.roles),
      scopes: [...caller.scopes].sort(),
    }),
  );
  return `u${caller.user.id}.${digest.slice(0, 32)}`;
}

/**
 * `prefix` + method + name + a digest of the canonical arguments + principal. The arguments are
 * hashed so a key stays short whatever the caller sends.
 */
export function cacheKey(
  prefix: string,
  method: CachedMethod,
  name: string,
  args: unknown,
  principal: string,
): string {
  return `${prefix}${method}:${name}:${sha256(canonicalJson(args ?? null))}:${principal}`;
}

/** The cache flags of tool arguments, at the top level or inside the `request` wrapper. */
export function cacheFlags(args: unknown): CacheFlags {
  const scopes = [args, requestOf(args)];
  const flag = (name: (typeof CACHE_FLAGS)[number]) =>
    scopes
      .map((scope) => (isRecord(scope) ? scope[name] : undefined))
      .find((value) => typeof value === 'boolean');
  return { forceRefresh: flag('force_refresh') === true, useCache: flag('use_cache') !== false };
}

/** The arguments without the cache flags, which must not split one result into several entries. */
export function withoutCacheFlags(args: unknown): unknown {
  if (!isRecord(args)) return args;
  const stripped = strip(args);
  const request = args.request;
  return isRecord(request) ? { ...stripped, request: strip(request) } : stripped;
}

function strip(record: Record<string, unknown>): Record<string, unknown> {
  const copy = { ...record };
  for (const name of CACHE_FLAGS) delete copy[name];
  return copy;
}

function requestOf(args: unknown): unknown {
  return isRecord(args) ? args.request : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
