import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import BetterSqlite3 from 'better-sqlite3';
import { Test } from '@nestjs/testing';
import { getRepositoryToken } from '@nestjs/typeorm';
import { DataSource, MoreThanOrEqual, type Repository } from 'typeorm';
import { describe, expect, it } from 'vitest';

import { StartupError } from '../../config/startup.error.js';
import type { MetadataSchemaVersion } from '../../demo/metadata-schema.js';
import { AbUser } from '../../users/ab-user.entity.js';
import { Slice } from '../charts/slice.entity.js';
import { Dashboard } from '../dashboards/dashboard.entity.js';
import { SupersetDatabase } from '../databases/database.entity.js';
import { SqlaTable } from '../datasets/sqla-table.entity.js';
import { KeyValue } from '../key-value/key-value.entity.js';
import { RlsFilter } from '../security/rls-filter.entity.js';
import { METADATA_DIALECT } from './inject-metadata-dialect.decorator.js';
import type { MetadataDialect } from './metadata-dialect.js';
import { MetadataDatabaseModule } from './metadata-database.module.js';
import { METADATA_ENTITIES } from './metadata-entities.js';
import { MetadataSchemaInspector } from './metadata-schema-inspector.service.js';
import type { MetadataTestDatabase } from './metadata-test-database.fixture.js';
import { useMetadataTestModule } from './metadata-test-module.fixture.js';
import { timestampToDb, uuidFromDb, uuidToDb } from './metadata-values.js';

const CREATED = '2025-10-10 08:33:45.448591';
const DASHBOARD_UUID = '0b1c2d3e-4f50-4617-8a9b-acbdcedf0011';
const TABLE_UUID = '9e8d7c6b-5a49-4382-9170-6f5e4d3c2b1a';
const STORED_PASSWORD = Buffer.from('RdFT93XLd7qOVArFM8680Q==', 'ascii');

async function seed(db: MetadataTestDatabase): Promise<void> {
  const uuid = (value: string) => uuidToDb(db.dialect, value);
  await db.execute(
    `INSERT INTO ab_user (id, first_name, last_name, username, email, active, created_on) VALUES (1, 'Ada', 'Admin', 'admin', 'admin@example.com', ?, ?)`,
    [db.dialect === 'postgres' ? true : 1, CREATED],
  );
  await db.execute(`INSERT INTO ab_role (id, name) VALUES (1, 'Admin')`);
  await db.execute(`INSERT INTO ab_user_role (id, user_id, role_id) VALUES (1, 1, 1)`);
  await db.execute(
    `INSERT INTO dbs (id, created_on, changed_on, database_name, sqlalchemy_uri, password, expose_in_sqllab, allow_dml) VALUES (1, ?, ?, 'examples', 'postgresql://u:XXXXXXXXXX@h/db', ?, ?, ?)`,
    [
      CREATED,
      CREATED,
      STORED_PASSWORD,
      db.dialect === 'postgres' ? true : 1,
      db.dialect === 'postgres' ? false : 0,
    ],
  );
  await db.execute(
    `INSERT INTO tables (id, created_on, changed_on, table_name, database_id, schema, uuid, created_by_fk) VALUES (1, ?, ?, 'birth_names', 1, 'public', ?, 1)`,
    [CREATED, CREATED, uuid(TABLE_UUID)],
  );
  await db.execute(
    `INSERT INTO table_columns (created_on, changed_on, table_id, column_name, is_dttm, type) VALUES (?, ?, 1, 'ds', ?, 'TIMESTAMP')`,
    [CREATED, CREATED, db.dialect === 'postgres' ? true : 1],
  );
  await db.execute(
    `INSERT INTO sql_metrics (created_on, changed_on, table_id, metric_name, expression) VALUES (?, ?, 1, 'count', 'COUNT(*)')`,
    [CREATED, CREATED],
  );
  await db.execute(
    `INSERT INTO slices (id, created_on, changed_on, slice_name, datasource_type, datasource_id, viz_type, params) VALUES (1, ?, ?, 'Births', 'table', 1, 'table', '{}')`,
    [CREATED, CREATED],
  );
  await db.execute(
    `INSERT INTO dashboards (id, created_on, changed_on, dashboard_title, published, uuid, json_metadata, created_by_fk) VALUES (1, ?, ?, 'World', ?, ?, '{"color_scheme": "d3"}', 1)`,
    [CREATED, CREATED, db.dialect === 'postgres' ? false : 0, uuid(DASHBOARD_UUID)],
  );
  await db.execute(`INSERT INTO dashboard_slices (dashboard_id, slice_id) VALUES (1, 1)`);
  await db.execute(`INSERT INTO dashboard_user (user_id, dashboard_id) VALUES (1, 1)`);
  await db.execute(
    `INSERT INTO row_level_security_filters (clause, filter_type, name) VALUES ('1 = 1', 'Regular', 'all rows')`,
  );
  await db.execute(`INSERT INTO rls_filter_roles (role_id, rls_filter_id) VALUES (1, 1)`);
  await db.execute(`INSERT INTO rls_filter_tables (table_id, rls_filter_id) VALUES (1, 1)`);
}

const SCENARIOS: { dialect: MetadataDialect; version: MetadataSchemaVersion }[] = [
  { dialect: 'sqlite', version: 'current' },
  { dialect: 'sqlite', version: 'legacy4' },
  { dialect: 'postgres', version: 'current' },
  { dialect: 'postgres', version: 'legacy4' },
];

describe(MetadataDatabaseModule.name, () => {
  describe.each(SCENARIOS)('$dialect $version', ({ dialect, version }) => {
    const metadata = useMetadataTestModule(dialect, { prepare: seed, version });
    const repository = <T extends object>(entity: new () => T): Repository<T> =>
      metadata.moduleRef.get<Repository<T>>(getRepositoryToken(entity));

    it('provides the dialect and an initialised data source', () => {
      expect(metadata.moduleRef.get(METADATA_DIALECT)).toBe(dialect);
      expect(metadata.moduleRef.get(DataSource).isInitialized).toBe(true);
    });

    it('maps every entity with column types both drivers take as they are', () => {
      const dataSource = metadata.moduleRef.get(DataSource);
      for (const entity of METADATA_ENTITIES) {
        expect(dataSource.hasMetadata(entity)).toBe(true);
      }
      const types = new Set(
        dataSource.entityMetadatas.flatMap((metadata) =>
          metadata.columns.map((column) => String(column.type)),
        ),
      );
      expect([...types].sort()).toEqual(['boolean', 'integer', 'text', 'varchar']);
    });

    it('reports the capabilities of the version', () => {
      const inspector = metadata.moduleRef.get(MetadataSchemaInspector);
      const current = version === 'current';
      expect(inspector.capabilities).toEqual({
        catalogs: current,
        folders: current,
        groups: current,
        themes: current,
      });
      expect(inspector.alembicVersion()).toBe(current ? '4b2a8c9d3e1f' : '17fcea065655');
      expect(inspector.hasTable('dashboards')).toBe(true);
      expect(inspector.hasColumn('dashboards', 'theme_id')).toBe(current);
      expect(inspector.hasColumn('DASHBOARDS', 'UUID')).toBe(true);
      expect(inspector.hasTable('no_such_table')).toBe(false);
    });

    it('reads a dashboard with typed values and its relations', async () => {
      const dashboard = await repository(Dashboard).findOne({
        where: { id: 1 },
        relations: { owners: true, slices: true },
      });
      expect(dashboard).toMatchObject({
        id: 1,
        dashboardTitle: 'World',
        published: false,
        uuid: DASHBOARD_UUID,
        createdByFk: 1,
        jsonMetadata: '{"color_scheme": "d3"}',
      });
      expect(dashboard?.createdOn).toEqual(new Date(2025, 9, 10, 8, 33, 45, 448));
      expect(dashboard?.owners?.map((owner) => owner.username)).toEqual(['admin']);
      expect(dashboard?.slices?.map((slice) => slice.sliceName)).toEqual(['Births']);
      expect(dashboard).not.toHaveProperty('themeId', expect.anything());
    });

    it('finds a dashboard by uuid using the stored form', async () => {
      const found = await repository(Dashboard).findOneBy({
        uuid: uuidToDb(dialect, DASHBOARD_UUID) as string,
      });
      expect(found?.id).toBe(1);
    });

    it('reads a dataset with columns, metrics, database and owners', async () => {
      const dataset = await repository(SqlaTable).findOne({
        where: { id: 1 },
        relations: { columns: true, metrics: true, database: true, owners: true },
      });
      expect(dataset).toMatchObject({
        tableName: 'birth_names',
        schema: 'public',
        uuid: TABLE_UUID,
      });
      expect(dataset?.columns?.[0]).toMatchObject({
        columnName: 'ds',
        isDttm: true,
        isActive: null,
      });
      expect(dataset?.metrics?.[0]).toMatchObject({ metricName: 'count', expression: 'COUNT(*)' });
      expect(dataset?.database).toMatchObject({
        databaseName: 'examples',
        exposeInSqllab: true,
        allowDml: false,
      });
      expect(dataset?.owners).toEqual([]);
    });

    it('selects the optional columns only when asked and present', async () => {
      const query = repository(SqlaTable).createQueryBuilder('dataset').where('dataset.id = 1');
      if (metadata.moduleRef.get(MetadataSchemaInspector).supports('catalogs')) {
        query.addSelect('dataset.catalog');
      }
      const dataset = await query.getOneOrFail();
      expect(dataset.tableName).toBe('birth_names');
      expect(dataset.catalog ?? null).toBeNull();
    });

    it('keeps secrets out of default selects and returns them as Buffers on request', async () => {
      const databases = repository(SupersetDatabase);
      const plain = await databases.findOneByOrFail({ id: 1 });
      expect(plain.password).toBeUndefined();
      const withSecret = await databases
        .createQueryBuilder('db')
        .addSelect('db.password')
        .where('db.id = :id', { id: 1 })
        .getOneOrFail();
      expect(Buffer.isBuffer(withSecret.password)).toBe(true);
      expect(withSecret.password?.equals(STORED_PASSWORD)).toBe(true);
    });

    it('reads charts with their dataset and row-level security links', async () => {
      const slice = await repository(Slice).findOne({
        where: { id: 1 },
        relations: { datasource: true, dashboards: true },
      });
      expect(slice?.datasource?.tableName).toBe('birth_names');
      expect(slice?.dashboards?.map((dashboard) => dashboard.id)).toEqual([1]);
      const filter = await repository(RlsFilter).findOne({
        where: { name: 'all rows' },
        relations: { roles: true, tables: true },
      });
      expect(filter?.roles?.map((role) => role.name)).toEqual(['Admin']);
      expect(filter?.tables?.map((table) => table.id)).toEqual([1]);
    });

    it('filters booleans and reads a user with roles', async () => {
      const users = await repository(AbUser).find({
        where: { active: true },
        relations: { roles: true },
      });
      expect(
        users.map((user) => [user.username, user.active, user.roles?.map((r) => r.name)]),
      ).toEqual([['admin', true, ['Admin']]]);
      expect(users[0]?.password).toBeUndefined();
    });

    it('writes uuid, timestamp and bytes values the way Superset stores them', async () => {
      const created = new Date(2026, 0, 2, 3, 4, 5, 60);
      const keyValues = repository(KeyValue);
      const uuid = 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee';
      const saved = await keyValues.save(
        keyValues.create({
          resource: 'app',
          value: Buffer.from('{"a":1}', 'utf8'),
          uuid: uuidToDb(dialect, uuid) as string,
          createdOn: created,
          changedOn: created,
          createdByFk: 1,
          changedByFk: 1,
          expiresOn: null,
        }),
      );
      expect(saved.id).toBeGreaterThan(0);

      const [raw] = await metadata.db.query<{ uuid: unknown; created_on: unknown }>(
        'SELECT uuid, created_on FROM key_value WHERE id = ?',
        [saved.id],
      );
      expect(uuidFromDb(raw?.uuid)).toBe(uuid);
      if (dialect === 'sqlite') {
        expect(Buffer.isBuffer(raw?.uuid) && raw.uuid.length).toBe(16);
        expect(raw?.created_on).toBe('2026-01-02 03:04:05.060000');
      } else {
        expect(raw?.created_on).toEqual(created);
      }

      const reread = await keyValues.findOneByOrFail({ id: saved.id });
      expect(reread).toMatchObject({ uuid, createdOn: created, expiresOn: null });
      expect(reread.value.toString('utf8')).toBe('{"a":1}');
    });

    it('compares timestamps written as naive text', async () => {
      const count = await repository(Dashboard)
        .createQueryBuilder('dashboard')
        .where('dashboard.changed_on >= :since', { since: timestampToDb(new Date(2025, 0, 1)) })
        .getCount();
      expect(count).toBe(1);
      await expect(
        repository(Dashboard).countBy({ changedOn: MoreThanOrEqual(new Date(2025, 9, 10, 8)) }),
      ).resolves.toBe(1);
      await expect(
        repository(Dashboard).countBy({ changedOn: MoreThanOrEqual(new Date(2025, 9, 10, 9)) }),
      ).resolves.toBe(0);
    });
  });

  describe('postgres sessions', () => {
    const metadata = useMetadataTestModule('postgres');

    it('turn JIT compilation and parallel workers off on every pooled connection', async () => {
      const dataSource = metadata.moduleRef.get(DataSource);
      const settings = await Promise.all(
        Array.from({ length: 3 }, () =>
          dataSource.query<{ name: string; setting: string }[]>(
            "SELECT name, setting FROM pg_settings WHERE name IN ('jit', 'max_parallel_workers_per_gather') ORDER BY name",
          ),
        ),
      );
      for (const connection of settings) {
        expect(connection).toEqual([
          { name: 'jit', setting: 'off' },
          { name: 'max_parallel_workers_per_gather', setting: '0' },
        ]);
      }
    });
  });

  describe('sqlite file', () => {
    const metadata = useMetadataTestModule('sqlite');

    it("turns on foreign keys and leaves the file's journal mode as Superset has it", async () => {
      const dataSource = metadata.moduleRef.get(DataSource);
      await expect(dataSource.query('PRAGMA foreign_keys')).resolves.toEqual([{ foreign_keys: 1 }]);
      await expect(dataSource.query('PRAGMA journal_mode')).resolves.toEqual([
        { journal_mode: 'delete' },
      ]);
    });
  });

  describe('a URI that does not lead to a Superset metadata database', () => {
    it('names a missing SQLite file instead of creating an empty one', () => {
      const file = join(tmpdir(), `smcp-missing-${process.pid}.db`);
      expect(() => MetadataDatabaseModule.forRoot(`sqlite:///${file}`)).toThrow(
        `SQLALCHEMY_DATABASE_URI: there is no SQLite database at ${file}`,
      );
      expect(existsSync(file)).toBe(false);
    });

    it('names a file that is not a database, with one line and the driver reason', async () => {
      const folder = mkdtempSync(join(tmpdir(), 'smcp-text-'));
      const file = join(folder, 'notes.db');
      writeFileSync(file, 'not a database\n'.repeat(100));
      try {
        const compiling = Test.createTestingModule({
          imports: [MetadataDatabaseModule.forRoot(`sqlite:///${file}`)],
        }).compile();
        await expect(compiling).rejects.toBeInstanceOf(StartupError);
        await expect(compiling).rejects.toThrow(
          `SQLALCHEMY_DATABASE_URI: cannot read the metadata database sqlite:///${file}: SqliteError: file is not a database`,
        );
      } finally {
        rmSync(folder, { force: true, recursive: true });
      }
    });

    it('refuses a database without Superset tables, naming what is missing', async () => {
      const folder = mkdtempSync(join(tmpdir(), 'smcp-empty-'));
      const file = join(folder, 'other.db');
      new BetterSqlite3(file).close();
      try {
        await expect(
          Test.createTestingModule({
            imports: [MetadataDatabaseModule.forRoot(`sqlite:///${file}`)],
          }).compile(),
        ).rejects.toThrow(
          /does not point at a Superset metadata database \(missing tables: ab_permission, .*tables\)/,
        );
      } finally {
        rmSync(folder, { force: true, recursive: true });
      }
    });
  });
});
