import { describe, expect, it } from 'vitest';

import type { Settings } from '../config/settings.js';
import type { SupersetUser } from './superset-user.js';
import { UserLookup } from './user-lookup.service.js';
import type { UsersRepository } from './users.repository.js';

const ALICE: SupersetUser = {
  active: true,
  email: 'alice@example.com',
  firstName: 'Alice',
  groups: [],
  id: 1,
  lastName: 'Tester',
  roles: [{ id: 2, name: 'Gamma' }],
  username: 'alice',
};

/** Counts the reads of a stand-in ab_user table; `failNext` makes the next read fail. */
function usersTable() {
  const table = {
    failNext: false,
    reads: 0,
    findByEmail: (email: string) => table.read(email === ALICE.email),
    findByUsername: (username: string) => table.read(username === ALICE.username),
    async read(found: boolean): Promise<SupersetUser | null> {
      table.reads += 1;
      await new Promise((resolve) => setTimeout(resolve, 5));
      if (table.failNext) {
        table.failNext = false;
        throw new Error('connection lost');
      }
      return found ? { ...ALICE } : null;
    },
  };
  return table;
}

function lookup(table: ReturnType<typeof usersTable>, ttlSeconds: number): UserLookup {
  const settings = { MCP_ACCESS_CACHE_TTL: ttlSeconds } as Settings;
  return new UserLookup(settings, table as unknown as UsersRepository);
}

describe(UserLookup.name, () => {
  it('reads a user once while it is kept, and hands out the same object', async () => {
    const table = usersTable();
    const users = lookup(table, 10);
    const [first, second] = await Promise.all([
      users.findByUsername('alice'),
      users.findByUsername('alice'),
    ]);
    const third = await users.findByUsername('alice');
    expect(table.reads).toBe(1);
    expect(second).toBe(first);
    expect(third).toBe(first);
  });

  it('reads every time with the cache off', async () => {
    const table = usersTable();
    const users = lookup(table, 0);
    await users.findByUsername('alice');
    await users.findByUsername('alice');
    expect(table.reads).toBe(2);
  });

  it('keeps neither unknown users nor failed reads', async () => {
    const table = usersTable();
    const users = lookup(table, 10);
    await expect(users.findByUsername('nobody')).resolves.toBeNull();
    await expect(users.findByUsername('nobody')).resolves.toBeNull();
    table.failNext = true;
    await expect(users.findByEmail('alice@example.com')).rejects.toThrow('connection lost');
    await expect(users.findByEmail('alice@example.com')).resolves.toMatchObject({ id: 1 });
    expect(table.reads).toBe(4);
  });
});
