import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { MetadataDialect } from '../superset/database/metadata-dialect.js';
import {
  createTemporaryPostgresDatabase,
  type TemporaryPostgresDatabase,
} from '../superset/database/temporary-postgres-database.fixture.js';
import {
  createMetadataSchema,
  CURRENT_ALEMBIC_HEAD,
  LEGACY4_ALEMBIC_HEAD,
  type MetadataSchemaVersion,
} from './metadata-schema.js';

interface Harness {
  readonly dialect: MetadataDialect;
  run(sql: string): Promise<void>;
  rows(sql: string): Promise<Record<string, unknown>[]>;
  tables(): Promise<string[]>;
  columns(table: string): Promise<string[]>;
  close(): Promise<void>;
}

/** Runs synchronous driver work so that a throw becomes a rejected promise. */
function settle<T>(work: () => T): Promise<T> {
  return new Promise((resolve) => resolve(work()));
}

function sqliteHarness(): Harness {
  const db = new Database(':memory:');
  db.pragma('foreign_keys = ON');
  return {
    dialect: 'sqlite',
    run: (sql) => settle(() => void db.exec(sql)),
    rows: (sql) => settle(() => db.prepare(sql).all() as Record<string, unknown>[]),
    tables: () =>
      settle(() =>
        (
          db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).all() as {
            name: string;
          }[]
        ).map((row) => row.name),
      ),
    columns: (table) =>
      settle(() =>
        (db.pragma(`table_info("${table}")`) as { name: string }[]).map((row) => row.name),
      ),
    close: () => settle(() => void db.close()),
  };
}

async function postgresHarness(): Promise<Harness> {
  const database: TemporaryPostgresDatabase = await createTemporaryPostgresDatabase();
  const { client } = database;
  return {
    dialect: 'postgres',
    run: async (sql) => {
      await client.query(sql);
    },
    rows: async (sql) => (await client.query<Record<string, unknown>>(sql)).rows,
    tables: async () =>
      (
        await client.query<{ table_name: string }>(
          `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()`,
        )
      ).rows.map((row) => row.table_name),
    columns: async (table) =>
      (
        await client.query<{ column_name: string }>(
          `SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1`,
          [table],
        )
      ).rows.map((row) => row.column_name),
    close: () => database.drop(),
  };
}

const CORE_TABLES = [
  'ab_user',
  'ab_role',
  'ab_user_role',
  'ab_permission',
  'ab_view_menu',
  'ab_permission_view',
  'ab_permission_view_role',
  'dashboards',
  'dashboard_slices',
  'dashboard_user',
  'dashboard_roles',
  'slices',
  'slice_user',
  'tables',
  'table_columns',
  'sql_metrics',
  'sqlatable_user',
  'dbs',
  'key_value',
  'logs',
  'saved_query',
  'query',
  'tab_state',
  'tag',
  'tagged_object',
  'favstar',
  'embedded_dashboards',
  'row_level_security_filters',
  'rls_filter_roles',
  'rls_filter_tables',
  'css_templates',
  'alembic_version',
];
const GROUP_TABLES = ['ab_group', 'ab_user_group', 'ab_group_role'];

const NOW = `'2025-10-10 08:33:45.448591'`;
const DASHBOARD_UUID = '5f8c2a4e-1b3d-4c6e-9f0a-7b2d4e6f8a1c';

function uuidLiteral(dialect: MetadataDialect, uuid: string): string {
  return dialect === 'postgres' ? `'${uuid}'` : `X'${uuid.replaceAll('-', '')}'`;
}

function insertUser(id: string, username: string): string {
  return (
    `INSERT INTO ab_user (id, first_name, last_name, username, email, active) ` +
    `VALUES (${id}, 'A', 'B', '${username}', '${username}@example.com', true)`
  );
}

const SCENARIOS: { dialect: MetadataDialect; version: MetadataSchemaVersion }[] = [
  { dialect: 'sqlite', version: 'current' },
  { dialect: 'sqlite', version: 'legacy4' },
  { dialect: 'postgres', version: 'current' },
  { dialect: 'postgres', version: 'legacy4' },
];

describe(createMetadataSchema.name, () => {
  describe.each(SCENARIOS)('$dialect $version', ({ dialect, version }) => {
    let db: Harness;

    beforeAll(async () => {
      db = dialect === 'sqlite' ? sqliteHarness() : await postgresHarness();
      await createMetadataSchema((sql) => db.run(sql), dialect, { version });
    });

    afterAll(async () => {
      await db?.close();
    });

    it('creates every table of the version', async () => {
      const tables = await db.tables();
      expect(tables).toEqual(expect.arrayContaining(CORE_TABLES));
      for (const table of [...GROUP_TABLES, 'themes']) {
        expect(tables.includes(table)).toBe(version === 'current');
      }
    });

    it('records the alembic head of the version', async () => {
      await expect(db.rows('SELECT version_num FROM alembic_version')).resolves.toEqual([
        { version_num: version === 'current' ? CURRENT_ALEMBIC_HEAD : LEGACY4_ALEMBIC_HEAD },
      ]);
    });

    it('has the version-dependent columns only in the current schema', async () => {
      const present = version === 'current';
      expect((await db.columns('tables')).includes('catalog')).toBe(present);
      expect((await db.columns('tables')).includes('folders')).toBe(present);
      expect((await db.columns('tables')).includes('currency_code_column')).toBe(present);
      expect((await db.columns('slices')).includes('catalog_perm')).toBe(present);
      expect((await db.columns('dashboards')).includes('theme_id')).toBe(present);
      expect((await db.columns('table_columns')).includes('datetime_format')).toBe(present);
      expect(await db.columns('dashboards')).toEqual(
        expect.arrayContaining(['uuid', 'json_metadata', 'published']),
      );
    });

    it('can run a second time without changing anything', async () => {
      await expect(
        createMetadataSchema((sql) => db.run(sql), dialect, { version }),
      ).resolves.toBeUndefined();
      await expect(db.rows('SELECT count(*) AS n FROM alembic_version')).resolves.toEqual([
        { n: dialect === 'postgres' ? '1' : 1 },
      ]);
    });

    it('rejects a duplicate username and a duplicate email', async () => {
      const id = (n: number) => (dialect === 'postgres' ? `nextval('ab_user_id_seq')` : String(n));
      await db.run(insertUser(id(100), 'unique_check'));
      await expect(
        db.run(
          `INSERT INTO ab_user (id, first_name, last_name, username, email) VALUES (${id(101)}, 'A', 'B', 'unique_check', 'other@example.com')`,
        ),
      ).rejects.toThrow(/unique/i);
      await expect(
        db.run(
          `INSERT INTO ab_user (id, first_name, last_name, username, email) VALUES (${id(102)}, 'A', 'B', 'other', 'unique_check@example.com')`,
        ),
      ).rejects.toThrow(/unique/i);
    });

    it('requires a table name and a database for a dataset', async () => {
      await expect(
        db.run(
          `INSERT INTO tables (created_on, changed_on, database_id) VALUES (${NOW}, ${NOW}, 1)`,
        ),
      ).rejects.toThrow(/null/i);
    });

    it('enforces the chart datasource type check', async () => {
      await expect(
        db.run(
          `INSERT INTO slices (created_on, changed_on, datasource_type) VALUES (${NOW}, ${NOW}, 'druid')`,
        ),
      ).rejects.toThrow(/ck_chart_datasource|constraint/i);
    });

    it('fills the real server defaults on dbs', async () => {
      await db.run(
        `INSERT INTO dbs (created_on, changed_on, database_name, sqlalchemy_uri) VALUES (${NOW}, ${NOW}, 'defaults_db', 'sqlite://')`,
      );
      const [row] = await db.rows(
        `SELECT allow_file_upload, is_managed_externally, configuration_method FROM dbs WHERE database_name = 'defaults_db'`,
      );
      const [yes, no] = dialect === 'postgres' ? [true, false] : [1, 0];
      expect(row).toEqual({
        allow_file_upload: yes,
        is_managed_externally: no,
        configuration_method: 'sqlalchemy_form',
      });
    });

    it('keeps ab_user.username at the width of the version', async () => {
      const long = 'u'.repeat(100);
      const insert = insertUser(dialect === 'postgres' ? `nextval('ab_user_id_seq')` : '200', long);
      if (dialect === 'sqlite' || version === 'current') {
        await expect(db.run(insert)).resolves.toBeUndefined();
      } else {
        await expect(db.run(insert)).rejects.toThrow(/too long/);
      }
    });
  });

  describe('sqlite specifics', () => {
    let db: Harness;

    beforeAll(async () => {
      db = sqliteHarness();
      await createMetadataSchema((sql) => db.run(sql), 'sqlite');
    });

    afterAll(async () => {
      await db.close();
    });

    it('assigns FAB and Superset ids from the rowid', async () => {
      await db.run(
        `INSERT INTO ab_user (first_name, last_name, username, email) VALUES ('A', 'B', 'rowid', 'r@example.com')`,
      );
      await db.run(
        `INSERT INTO dbs (created_on, changed_on, database_name, sqlalchemy_uri) VALUES (${NOW}, ${NOW}, 'x', 'sqlite://')`,
      );
      await expect(
        db.rows(`SELECT typeof(id) AS t FROM ab_user WHERE username = 'rowid'`),
      ).resolves.toEqual([{ t: 'integer' }]);
    });

    it('stores a uuid as a 16-byte blob', async () => {
      await db.run(
        `INSERT INTO dashboards (created_on, changed_on, dashboard_title, uuid) VALUES (${NOW}, ${NOW}, 'd', ${uuidLiteral('sqlite', DASHBOARD_UUID)})`,
      );
      await expect(
        db.rows(`SELECT typeof(uuid) AS t, length(uuid) AS n FROM dashboards`),
      ).resolves.toEqual([{ t: 'blob', n: 16 }]);
    });

    it('keeps created_on and changed_on NOT NULL on the 2015 tables only', async () => {
      await expect(
        db.run(`INSERT INTO dashboards (dashboard_title) VALUES ('no audit')`),
      ).rejects.toThrow(/NOT NULL.*created_on/);
      await expect(
        db.run(`INSERT INTO tag (name, type) VALUES ('owner:1', 'owner')`),
      ).resolves.toBeUndefined();
    });

    it('makes dataset table names globally unique', async () => {
      await db.run(
        `INSERT INTO tables (created_on, changed_on, table_name, database_id, schema) VALUES (${NOW}, ${NOW}, 'same', 1, 'a')`,
      );
      await expect(
        db.run(
          `INSERT INTO tables (created_on, changed_on, table_name, database_id, schema) VALUES (${NOW}, ${NOW}, 'same', 1, 'b')`,
        ),
      ).rejects.toThrow(/UNIQUE constraint failed: tables.table_name/);
    });

    it('declares the uuid columns as NUMERIC(16) or BINARY(16)', async () => {
      const types = await db.rows(
        `SELECT m.name AS tbl, p.type AS type FROM sqlite_master m JOIN pragma_table_info(m.name) p ` +
          `WHERE m.type = 'table' AND p.name = 'uuid' ORDER BY m.name`,
      );
      expect(types).toContainEqual({ tbl: 'dashboards', type: 'NUMERIC(16)' });
      expect(types).toContainEqual({ tbl: 'themes', type: 'BINARY(16)' });
      expect(types).toContainEqual({ tbl: 'css_templates', type: 'BINARY(16)' });
    });
  });

  describe('postgres specifics', () => {
    let db: Harness;

    beforeAll(async () => {
      db = await postgresHarness();
      await createMetadataSchema((sql) => db.run(sql), 'postgres');
    });

    afterAll(async () => {
      await db?.close();
    });

    it('rejects an ab_user insert without id and accepts one from the sequence', async () => {
      await expect(
        db.run(
          `INSERT INTO ab_user (first_name, last_name, username, email) VALUES ('A', 'B', 'noid', 'n@example.com')`,
        ),
      ).rejects.toThrow(/null value in column "id"/);
      await db.run(insertUser(`nextval('ab_user_id_seq')`, 'seq'));
      await expect(db.rows(`SELECT id FROM ab_user WHERE username = 'seq'`)).resolves.toEqual([
        { id: 1 },
      ]);
    });

    it('leaves FAB sequences unowned and gives Superset tables an owned default sequence', async () => {
      const defaults = await db.rows(
        `SELECT table_name, column_default FROM information_schema.columns ` +
          `WHERE table_schema = current_schema() AND column_name = 'id' AND table_name IN ('ab_role', 'dashboards')`,
      );
      expect(defaults).toContainEqual({ table_name: 'ab_role', column_default: null });
      expect(defaults).toContainEqual({
        table_name: 'dashboards',
        column_default: `nextval('dashboards_id_seq'::regclass)`,
      });
      await expect(
        db.rows(
          `SELECT c.relname FROM pg_class c WHERE c.relkind = 'S' AND c.relname = 'ab_role_id_seq' ` +
            `AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype = 'a')`,
        ),
      ).resolves.toEqual([{ relname: 'ab_role_id_seq' }]);
    });

    it('uses native uuid columns with named unique constraints', async () => {
      await expect(
        db.rows(
          `SELECT data_type FROM information_schema.columns WHERE table_name = 'dashboards' AND column_name = 'uuid'`,
        ),
      ).resolves.toEqual([{ data_type: 'uuid' }]);
      const insert = `INSERT INTO dashboards (dashboard_title, uuid) VALUES ('d', ${uuidLiteral('postgres', DASHBOARD_UUID)})`;
      await db.run(insert);
      await expect(db.run(insert)).rejects.toThrow(/uq_dashboards_uuid/);
    });

    it('makes the dashboard slug unique', async () => {
      await db.run(`INSERT INTO dashboards (dashboard_title, slug) VALUES ('a', 'sales')`);
      await expect(
        db.run(`INSERT INTO dashboards (dashboard_title, slug) VALUES ('b', 'sales')`),
      ).rejects.toThrow(/idx_unique_slug/);
    });

    it('cascades deleting a user to its role links', async () => {
      await db.run(`INSERT INTO ab_role (id, name) VALUES (nextval('ab_role_id_seq'), 'Gamma')`);
      await db.run(insertUser(`nextval('ab_user_id_seq')`, 'cascade'));
      await db.run(
        `INSERT INTO ab_user_role (id, user_id, role_id) SELECT nextval('ab_user_role_id_seq'), u.id, r.id ` +
          `FROM ab_user u, ab_role r WHERE u.username = 'cascade' AND r.name = 'Gamma'`,
      );
      await db.run(`DELETE FROM ab_user WHERE username = 'cascade'`);
      await expect(db.rows(`SELECT count(*)::int AS n FROM ab_user_role`)).resolves.toEqual([
        { n: 0 },
      ]);
    });
  });
});
