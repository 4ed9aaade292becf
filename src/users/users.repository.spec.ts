import { beforeAll, describe, expect, it } from 'vitest';

import { SettingsModule } from '../config/settings.module.js';
import type { Settings } from '../config/settings.js';
import type { MetadataSchemaVersion } from '../demo/metadata-schema.js';
import type { MetadataDialect } from '../superset/database/metadata-dialect.js';
import type { MetadataTestDatabase } from '../superset/database/metadata-test-database.fixture.js';
import { useMetadataTestModule } from '../superset/database/metadata-test-module.fixture.js';
import { UsersModule } from './users.module.js';
import { UsersRepository } from './users.repository.js';

async function seedUsers(db: MetadataTestDatabase, withGroups: boolean): Promise<void> {
  const bool = (value: boolean | null) =>
    value === null ? null : db.dialect === 'postgres' ? value : Number(value);
  const users: [number, string, boolean | null][] = [
    [1, 'alice', true],
    [2, 'bob', false],
    [3, 'carol', null],
    [4, 'dave', true],
  ];
  for (const [id, username, active] of users) {
    await db.execute(
      'INSERT INTO ab_user (id, first_name, last_name, username, email, active) VALUES (?, ?, ?, ?, ?, ?)',
      [id, username.toUpperCase(), 'Tester', username, `${username}@example.com`, bool(active)],
    );
  }
  const roles: [number, string][] = [
    [1, 'Admin'],
    [2, 'Gamma'],
    [3, 'sql_lab'],
    [4, 'Alpha'],
  ];
  for (const [id, name] of roles) {
    await db.execute('INSERT INTO ab_role (id, name) VALUES (?, ?)', [id, name]);
  }
  const userRoles: [number, number][] = [
    [1, 2],
    [2, 4],
  ];
  for (const [index, [userId, roleId]] of userRoles.entries()) {
    await db.execute('INSERT INTO ab_user_role (id, user_id, role_id) VALUES (?, ?, ?)', [
      index + 1,
      userId,
      roleId,
    ]);
  }
  if (!withGroups) {
    return;
  }
  await db.execute(`INSERT INTO ab_group (id, name, label) VALUES (1, 'analysts', 'Analysts')`);
  await db.execute(`INSERT INTO ab_group (id, name) VALUES (2, 'empty')`);
  const groupRoles: [number, number][] = [
    [1, 3],
    [1, 2],
  ];
  for (const [index, [groupId, roleId]] of groupRoles.entries()) {
    await db.execute('INSERT INTO ab_group_role (id, group_id, role_id) VALUES (?, ?, ?)', [
      index + 1,
      groupId,
      roleId,
    ]);
  }
  const userGroups: [number, number][] = [
    [1, 1],
    [1, 2],
    [4, 1],
  ];
  for (const [index, [userId, groupId]] of userGroups.entries()) {
    await db.execute('INSERT INTO ab_user_group (id, user_id, group_id) VALUES (?, ?, ?)', [
      index + 1,
      userId,
      groupId,
    ]);
  }
}

const SCENARIOS: { dialect: MetadataDialect; version: MetadataSchemaVersion }[] = [
  { dialect: 'sqlite', version: 'current' },
  { dialect: 'sqlite', version: 'legacy4' },
  { dialect: 'postgres', version: 'current' },
  { dialect: 'postgres', version: 'legacy4' },
];

describe(UsersRepository.name, () => {
  describe.each(SCENARIOS)('$dialect $version', ({ dialect, version }) => {
    const withGroups = version === 'current';
    const metadata = useMetadataTestModule(dialect, {
      imports: [SettingsModule.forRoot({} as Settings), UsersModule],
      prepare: (db) => seedUsers(db, withGroups),
      version,
    });
    let users: UsersRepository;

    beforeAll(() => {
      users = metadata.moduleRef.get(UsersRepository);
    });

    it('combines direct and group roles without duplicates, sorted by name', async () => {
      await expect(users.findByUsername('alice')).resolves.toEqual({
        id: 1,
        username: 'alice',
        firstName: 'ALICE',
        lastName: 'Tester',
        email: 'alice@example.com',
        active: true,
        roles: withGroups
          ? [
              { id: 2, name: 'Gamma' },
              { id: 3, name: 'sql_lab' },
            ]
          : [{ id: 2, name: 'Gamma' }],
        groups: withGroups
          ? [
              { id: 1, name: 'analysts' },
              { id: 2, name: 'empty' },
            ]
          : [],
      });
    });

    it('gives a user roles through a group alone', async () => {
      const dave = await users.findByUsername('dave');
      expect(dave?.roles.map((role) => role.name)).toEqual(withGroups ? ['Gamma', 'sql_lab'] : []);
    });

    it('reports inactive and unset active flags as inactive', async () => {
      await expect(users.findByUsername('bob')).resolves.toMatchObject({
        active: false,
        roles: [{ id: 4, name: 'Alpha' }],
      });
      await expect(users.findByUsername('carol')).resolves.toMatchObject({
        active: false,
        roles: [],
      });
    });

    it('returns null for a missing user and matches usernames case-sensitively', async () => {
      await expect(users.findByUsername('nobody')).resolves.toBeNull();
      await expect(users.findByUsername('Alice')).resolves.toBeNull();
    });

    it('finds a user by email', async () => {
      await expect(users.findByEmail('bob@example.com')).resolves.toMatchObject({
        id: 2,
        username: 'bob',
      });
      await expect(users.findByEmail('missing@example.com')).resolves.toBeNull();
    });

    it('counts active users', async () => {
      await expect(users.countActive()).resolves.toBe(2);
    });
  });
});
