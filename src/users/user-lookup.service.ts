import { Injectable } from '@nestjs/common';

import { ExpiringLru } from '../common/expiring-lru.js';
import { InjectSettings } from '../config/inject-settings.decorator.js';
import type { Settings } from '../config/settings.js';
import type { SupersetUser } from './superset-user.js';
import { UsersRepository } from './users.repository.js';

/** Far more users than call one replica within a few seconds; each entry is a few kilobytes. */
export const ACCESS_CACHE_MAX_USERS = 1_000;

/**
 * The caller's user, roles and groups, kept for `MCP_ACCESS_CACHE_TTL` seconds so a burst of calls
 * reads them once. The same user object is handed out while it is kept, so
 * `SecurityService.accessFor` (memoised per user object) reads the permission pairs once too.
 * Nothing in this service writes `ab_*` rows: a change made in Superset is seen once the entry
 * expires, within the TTL. Unknown users are not kept, so a user created in Superset works at once.
 */
@Injectable()
export class UserLookup {
  private readonly ttlMs: number;
  private readonly entries: ExpiringLru<Promise<SupersetUser | null>>;

  constructor(
    @InjectSettings() settings: Settings,
    private readonly users: UsersRepository,
  ) {
    this.ttlMs = settings.MCP_ACCESS_CACHE_TTL * 1000;
    this.entries = new ExpiringLru(ACCESS_CACHE_MAX_USERS, this.ttlMs);
  }

  findByUsername(username: string): Promise<SupersetUser | null> {
    return this.cached(`username:${username}`, () => this.users.findByUsername(username));
  }

  findByEmail(email: string): Promise<SupersetUser | null> {
    return this.cached(`email:${email}`, () => this.users.findByEmail(email));
  }

  /** Concurrent misses for one key share one lookup; a failed or empty lookup is not kept. */
  private cached(
    key: string,
    load: () => Promise<SupersetUser | null>,
  ): Promise<SupersetUser | null> {
    if (this.ttlMs === 0) return load();
    const kept = this.entries.get(key);
    if (kept) return kept;
    const pending = load();
    this.entries.set(key, pending);
    pending.then(
      (user) => {
        if (user === null) this.entries.delete(key, pending);
      },
      () => this.entries.delete(key, pending),
    );
    return pending;
  }
}
