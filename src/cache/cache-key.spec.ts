import { describe, expect, it } from 'vitest';

import type { Caller } from '../auth/caller.js';
import type { UserAccess } from '../users/user-access.js';
import {
  cacheFlags,
  cacheKey,
  canonicalJson,
  principalKey,
  withoutCacheFlags,
} from './cache-key.js';

function caller(id: number, roles: string[], groups: string[] = [], scopes: string[] = []): Caller {
  return {
    principal: null,
    scopes,
    user: {
      active: true,
      email: '',
      firstName: '',
      groups: groups.map((name, index) => ({ id: index + 1, name })),
      id,
      lastName: '',
      roles: roles.map((name, index) => ({ id: index + 1, name })),
      username: `user${id}`,
    },
  };
}

const access = (permissionsDigest: string) => ({ permissionsDigest }) as UserAccess;

describe('cache keys', () => {
  it('writes JSON with keys sorted at every level', () => {
    expect(canonicalJson({ b: 1, a: { d: [{ z: 1, y: 2 }], c: null } })).toBe(
      '{"a":{"c":null,"d":[{"y":2,"z":1}]},"b":1}',
    );
  });

  it('gives equal arguments in any key order the same key', () => {
    const one = cacheKey('p:', 'tools/call', 'list_charts', { a: 1, b: [2, 3] }, 'u1.x');
    const two = cacheKey('p:', 'tools/call', 'list_charts', { b: [2, 3], a: 1 }, 'u1.x');
    expect(one).toBe(two);
    expect(one).toMatch(/^p:tools\/call:list_charts:[0-9a-f]{64}:u1\.x$/);
    expect(cacheKey('p:', 'tools/call', 'list_charts', { a: 2, b: [2, 3] }, 'u1.x')).not.toBe(one);
    expect(cacheKey('p:', 'tools/call', 'list_datasets', { a: 1, b: [2, 3] }, 'u1.x')).not.toBe(
      one,
    );
  });

  it('names a different principal for another user, role, group, scope or permission set', () => {
    const base = principalKey(caller(1, ['Gamma', 'sql_lab'], ['g']), access('p'));
    expect(principalKey(caller(1, ['sql_lab', 'Gamma'], ['g']), access('p'))).toBe(base);
    expect(base).toMatch(/^u1\.[0-9a-f]{32}$/);
    const others = [
      principalKey(caller(2, ['Gamma', 'sql_lab'], ['g']), access('p')),
      principalKey(caller(1, ['Gamma'], ['g']), access('p')),
      principalKey(caller(1, ['Gamma', 'sql_lab'], []), access('p')),
      principalKey(caller(1, ['Gamma', 'sql_lab'], ['g'], ['mcp:read']), access('p')),
      principalKey(caller(1, ['Gamma', 'sql_lab'], ['g']), access('q')),
    ];
    expect(new Set([base, ...others]).size).toBe(6);
  });

  it('reads the cache flags at the top level or in the request wrapper', () => {
    expect(cacheFlags({})).toEqual({ forceRefresh: false, useCache: true });
    expect(cacheFlags({ request: { force_refresh: true, use_cache: false } })).toEqual({
      forceRefresh: true,
      useCache: false,
    });
    expect(cacheFlags({ use_cache: false })).toEqual({ forceRefresh: false, useCache: false });
    expect(cacheFlags({ request: { use_cache: 'no' } })).toEqual({
      forceRefresh: false,
      useCache: true,
    });
  });

  it('leaves the cache flags out of what selects an entry', () => {
    const args = { force_refresh: true, request: { page: 2, use_cache: true } };
    expect(withoutCacheFlags(args)).toEqual({ request: { page: 2 } });
    expect(args.request.use_cache).toBe(true);
    expect(withoutCacheFlags([1])).toEqual([1]);
  });
});
