import { pbkdf2Sync } from 'node:crypto';

import BetterSqlite3 from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { MetadataDialect } from '../superset/database/metadata-dialect.js';
import { uuidFromDb } from '../superset/database/metadata-values.js';
import {
  createTemporaryPostgresDatabase,
  type TemporaryPostgresDatabase,
} from '../superset/database/temporary-postgres-database.fixture.js';
import { type DemoContentSummary, loadDemoContent } from './demo-loader.js';
import { createMetadataSchema, type MetadataSchemaVersion } from './metadata-schema.js';
import { postgresRunner, type SqlRunner, sqliteRunner } from './sql-runner.js';

const NOW = new Date(2026, 2, 15, 12, 30, 0);
const EXAMPLES_URI = 'sqlite:////srv/superset-mcp/examples.db';
const UUID_TABLES = [
  'dbs',
  'tables',
  'table_columns',
  'sql_metrics',
  'slices',
  'dashboards',
  'saved_query',
];

interface LayoutNode {
  readonly type?: string;
  readonly children?: string[];
  readonly meta: { readonly chartId: number; readonly uuid: string };
}

interface Harness {
  readonly run: SqlRunner;
  close(): Promise<void>;
}

function sqliteHarness(): Harness {
  const db = new BetterSqlite3(':memory:');
  db.pragma('foreign_keys = ON');
  return {
    run: sqliteRunner(db),
    close: () => Promise.resolve(void db.close()),
  };
}

async function postgresHarness(): Promise<Harness> {
  const database: TemporaryPostgresDatabase = await createTemporaryPostgresDatabase();
  return { run: postgresRunner(database.client), close: () => database.drop() };
}

const cases: readonly [MetadataDialect, MetadataSchemaVersion][] = [
  ['sqlite', 'current'],
  ['sqlite', 'legacy4'],
  ['postgres', 'current'],
  ['postgres', 'legacy4'],
];

describe.each(cases)(`${loadDemoContent.name} into %s (%s schema)`, (dialect, version) => {
  let harness: Harness;
  let run: SqlRunner;
  let summary: DemoContentSummary;
  const withGroups = version === 'current';

  const count = async (table: string, where = ''): Promise<number> =>
    Number((await run(`SELECT COUNT(*) AS n FROM "${table}" ${where}`))[0].n);

  const rolePermissions = async (role: string): Promise<Set<string>> => {
    const rows = await run(
      `SELECT p.name AS permission, v.name AS view_menu
         FROM ab_permission_view_role pvr
         JOIN ab_role r ON r.id = pvr.role_id
         JOIN ab_permission_view pv ON pv.id = pvr.permission_view_id
         JOIN ab_permission p ON p.id = pv.permission_id
         JOIN ab_view_menu v ON v.id = pv.view_menu_id
        WHERE r.name = ?`,
      [role],
    );
    return new Set(rows.map((row) => `${String(row.permission)}|${String(row.view_menu)}`));
  };

  beforeAll(async () => {
    harness = dialect === 'sqlite' ? sqliteHarness() : await postgresHarness();
    run = harness.run;
    await createMetadataSchema(run, dialect, { version });
    summary = await loadDemoContent(run, dialect, { examplesUri: EXAMPLES_URI, now: NOW });
  }, 60_000);

  afterAll(async () => {
    await harness?.close();
  });

  it('writes the expected number of rows', async () => {
    expect(await count('ab_user')).toBe(8);
    expect(await count('ab_role')).toBe(8);
    expect(await count('ab_user_role')).toBe(9);
    expect(await count('dbs')).toBe(1);
    expect(await count('tables')).toBe(5);
    expect(await count('slices')).toBe(16);
    expect(await count('dashboards')).toBe(3);
    expect(await count('dashboard_slices')).toBe(13);
    expect(await count('dashboard_roles')).toBe(1);
    expect(await count('saved_query')).toBe(1);
    expect(await count('logs')).toBeGreaterThan(90);
    expect(await count('ab_permission')).toBeGreaterThan(70);
    expect(await count('ab_permission_view')).toBeGreaterThan(200);
    if (withGroups) {
      expect(await count('ab_group')).toBe(1);
      expect(await count('ab_user_group')).toBe(1);
      expect(await count('ab_group_role')).toBe(1);
    }
    expect(Object.keys(summary.groupIds)).toEqual(withGroups ? ['analysts'] : []);
  });

  it('returns ids that match the rows', async () => {
    const users = await run('SELECT id, username FROM ab_user ORDER BY id');
    expect(Object.fromEntries(users.map((row) => [row.username, Number(row.id)]))).toEqual(
      summary.userIds,
    );
    expect(Object.keys(summary.userIds)).toEqual([
      'admin',
      'alpha',
      'gamma',
      'sales',
      'grace',
      'owner',
      'nobody',
      'inactive',
    ]);
    expect(summary.dashboardIds['sales-overview']).toBe(summary.dashboardIds['Sales Overview']);
    expect(Object.keys(summary.datasetIds)).toEqual([
      'sales_orders',
      'birth_names',
      'web_sessions',
      'energy_flows',
      'monthly_revenue',
    ]);
    const dashboards = await run('SELECT id, dashboard_title, slug, published FROM dashboards');
    for (const row of dashboards) {
      expect(summary.dashboardIds[String(row.dashboard_title)]).toBe(Number(row.id));
    }
    expect(Object.keys(summary.savedQueryIds)).toEqual(['Top cities by revenue']);
  });

  it('draws ab_* ids from their sequences on Postgres', async () => {
    if (dialect !== 'postgres') {
      expect(await count('ab_user')).toBe(8);
      return;
    }
    for (const table of ['ab_user', 'ab_role', 'ab_permission_view', 'ab_permission_view_role']) {
      const [sequence] = await run(`SELECT last_value FROM ${table}_id_seq`);
      const [max] = await run(`SELECT MAX(id) AS max FROM ${table}`);
      expect(Number(sequence.last_value)).toBe(Number(max.max));
    }
  });

  it('leaves no dangling references', async () => {
    if (dialect === 'sqlite') {
      expect(await run('PRAGMA foreign_key_check')).toEqual([]);
    }
    expect(await count('slices', 'WHERE datasource_id NOT IN (SELECT id FROM "tables")')).toBe(0);
    expect(await count('logs', 'WHERE user_id NOT IN (SELECT id FROM ab_user)')).toBe(0);
  });

  it('stores uuids as 16-byte blobs on SQLite and native uuids on Postgres', async () => {
    const seen = new Set<string>();
    for (const table of UUID_TABLES) {
      const rows = await run(`SELECT uuid FROM "${table}"`);
      expect(rows.length).toBeGreaterThan(0);
      for (const { uuid } of rows) {
        if (dialect === 'sqlite') {
          expect(Buffer.isBuffer(uuid)).toBe(true);
          expect((uuid as Buffer).length).toBe(16);
        } else {
          expect(uuid).toMatch(
            /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
          );
        }
        const text = uuidFromDb(uuid);
        expect(text).not.toBeNull();
        seen.add(`${table}/${text}`);
      }
      expect(seen.size).toBeGreaterThan(0);
    }
    if (dialect === 'postgres') {
      const [type] = await run('SELECT pg_typeof(uuid)::text AS type FROM dashboards LIMIT 1');
      expect(type.type).toBe('uuid');
    }
  });

  it('writes audit timestamps with microseconds, spread over the last 120 days', async () => {
    const rows = await run('SELECT created_on, changed_on FROM slices');
    const oldest = new Date(NOW.getTime() - 121 * 86_400_000);
    for (const row of rows) {
      for (const value of [row.created_on, row.changed_on]) {
        const date = value instanceof Date ? value : new Date(String(value).replace(' ', 'T'));
        expect(date.getTime()).toBeGreaterThan(oldest.getTime());
        expect(date.getTime()).toBeLessThanOrEqual(NOW.getTime());
        if (dialect === 'sqlite') expect(value).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}$/);
      }
    }
    const [latest] = await run('SELECT MAX(dttm) AS dttm FROM logs');
    expect(latest.dttm).not.toBeNull();
  });

  it('gives datasets and charts the permission strings Superset derives', async () => {
    const datasets = await run(
      'SELECT id, table_name, perm, schema_perm, database_id FROM "tables"',
    );
    for (const dataset of datasets) {
      expect(dataset.perm).toBe(
        `[examples].[${String(dataset.table_name)}](id:${Number(dataset.id)})`,
      );
      expect(dataset.schema_perm).toBe('[examples].[main]');
      expect(Number(dataset.database_id)).toBe(summary.databaseId);
      expect(
        await count(
          'ab_permission_view',
          `pv JOIN ab_permission p ON p.id = pv.permission_id JOIN ab_view_menu v ON v.id = pv.view_menu_id
           WHERE p.name = 'datasource_access' AND v.name = '${String(dataset.perm)}'`,
        ),
      ).toBe(1);
    }
    const byId = new Map(datasets.map((dataset) => [Number(dataset.id), dataset]));
    const charts = await run(
      'SELECT id, viz_type, params, perm, schema_perm, datasource_id, datasource_type FROM slices',
    );
    for (const chart of charts) {
      const dataset = byId.get(Number(chart.datasource_id));
      expect(dataset).toBeDefined();
      expect(chart.perm).toBe(dataset?.perm);
      expect(chart.schema_perm).toBe(dataset?.schema_perm);
      expect(chart.datasource_type).toBe('table');
      const params = JSON.parse(String(chart.params));
      expect(params.viz_type).toBe(chart.viz_type);
      expect(params.datasource).toBe(`${Number(chart.datasource_id)}__table`);
    }
    expect(new Set(charts.map((chart) => chart.viz_type)).size).toBeGreaterThanOrEqual(10);
    const [database] = await run(
      `SELECT COUNT(*) AS n FROM ab_permission_view pv
         JOIN ab_permission p ON p.id = pv.permission_id
         JOIN ab_view_menu v ON v.id = pv.view_menu_id
        WHERE p.name = 'database_access' AND v.name = ?`,
      [`[examples].(id:${summary.databaseId})`],
    );
    expect(Number(database.n)).toBe(1);
  });

  it('links every chart placed in position_json through dashboard_slices', async () => {
    const dashboards = await run('SELECT id, position_json, json_metadata FROM dashboards');
    const chartUuids = new Map(
      (await run('SELECT id, uuid FROM slices')).map((row) => [
        Number(row.id),
        uuidFromDb(row.uuid),
      ]),
    );
    let withTabs = 0;
    for (const dashboard of dashboards) {
      const layout = JSON.parse(String(dashboard.position_json)) as Record<string, LayoutNode>;
      expect(layout.DASHBOARD_VERSION_KEY).toBe('v2');
      expect(layout.ROOT_ID.children).toEqual(['GRID_ID']);
      if (Object.values(layout).some((node) => node?.type === 'TABS')) withTabs += 1;
      const placed = Object.values(layout)
        .filter((node) => node?.type === 'CHART')
        .map((node) => {
          expect(node.meta.uuid).toBe(chartUuids.get(node.meta.chartId));
          return Number(node.meta.chartId);
        });
      const linked = (
        await run('SELECT slice_id FROM dashboard_slices WHERE dashboard_id = ?', [dashboard.id])
      ).map((row) => Number(row.slice_id));
      expect(placed.length).toBeGreaterThan(0);
      expect(new Set(linked)).toEqual(new Set(placed));
      const metadata = JSON.parse(String(dashboard.json_metadata));
      for (const filter of metadata.native_filter_configuration) {
        for (const target of filter.targets) {
          if (target.datasetId !== undefined) {
            expect(Object.values(summary.datasetIds)).toContain(target.datasetId);
          }
        }
      }
    }
    expect(withTabs).toBe(1);
    const [sales] = await run('SELECT json_metadata FROM dashboards WHERE slug = ?', [
      'sales-overview',
    ]);
    const filters = JSON.parse(String(sales.json_metadata)).native_filter_configuration;
    expect(filters.map((filter: { targets: unknown[] }) => filter.targets[0])).toContainEqual({
      datasetId: summary.datasetIds.sales_orders,
      column: { name: 'region' },
    });
  });

  it('sets publication, owners and dashboard roles', async () => {
    const rows = await run(
      `SELECT d.dashboard_title AS title, d.published, u.username
         FROM dashboards d JOIN dashboard_user du ON du.dashboard_id = d.id
         JOIN ab_user u ON u.id = du.user_id`,
    );
    const draft = rows.filter((row) => row.title === 'Births Draft');
    expect(draft.map((row) => row.username)).toEqual(['owner']);
    expect([false, 0]).toContain(draft[0].published);
    const [restricted] = await run(
      `SELECT d.dashboard_title AS title, r.name AS role FROM dashboard_roles dr
         JOIN dashboards d ON d.id = dr.dashboard_id JOIN ab_role r ON r.id = dr.role_id`,
    );
    expect(restricted).toEqual({ title: 'Web Analytics', role: 'dashboard_viewers' });
    expect(await count('sqlatable_user')).toBeGreaterThanOrEqual(5);
    expect(await count('slice_user')).toBeGreaterThanOrEqual(16);
  });

  it('builds the standard roles and the custom data-access roles', async () => {
    const admin = await rolePermissions('Admin');
    const alpha = await rolePermissions('Alpha');
    const gamma = await rolePermissions('Gamma');
    const sqlLab = await rolePermissions('sql_lab');
    expect([...alpha].every((pv) => admin.has(pv))).toBe(true);
    expect([...gamma].every((pv) => alpha.has(pv))).toBe(true);
    expect([...sqlLab].every((pv) => admin.has(pv))).toBe(true);
    expect([...admin].some((pv) => /^(database|schema|datasource|catalog)_access\|/.test(pv))).toBe(
      false,
    );
    expect(admin.has('all_query_access|all_query_access')).toBe(true);
    expect(alpha.has('all_datasource_access|all_datasource_access')).toBe(true);
    expect(alpha.has('all_query_access|all_query_access')).toBe(false);
    expect(alpha.has('can_execute_sql_query|SQLLab')).toBe(false);
    expect(gamma.has('all_database_access|all_database_access')).toBe(false);
    expect(gamma.has('can_read|Dashboard')).toBe(true);
    expect(sqlLab.has('can_execute_sql_query|SQLLab')).toBe(true);
    expect(await rolePermissions('Public')).toEqual(new Set());
    expect(await rolePermissions('sales_analyst')).toEqual(
      new Set([
        `datasource_access|[examples].[sales_orders](id:${summary.datasetIds.sales_orders})`,
      ]),
    );
    expect(await rolePermissions('examples_schema')).toEqual(
      new Set(['schema_access|[examples].[main]']),
    );
    const grace = await run(
      withGroups
        ? `SELECT r.name FROM ab_user u JOIN ab_user_group ug ON ug.user_id = u.id
             JOIN ab_group_role gr ON gr.group_id = ug.group_id JOIN ab_role r ON r.id = gr.role_id
            WHERE u.username = 'grace'`
        : `SELECT r.name FROM ab_user u JOIN ab_user_role ur ON ur.user_id = u.id
             JOIN ab_role r ON r.id = ur.role_id WHERE u.username = 'grace'`,
    );
    expect(grace.map((row) => row.name)).toEqual(withGroups ? ['sales_analyst'] : ['Gamma']);
  });

  it('stores werkzeug pbkdf2 hashes of the demo password', async () => {
    const users = await run('SELECT username, password, email, active FROM ab_user');
    for (const user of users) {
      expect(user.email).toBe(`${String(user.username)}@example.com`);
      const [method, salt, hash] = String(user.password).split('$');
      expect(method).toBe('pbkdf2:sha256:600000');
      expect(pbkdf2Sync('demo', salt, 600_000, 32, 'sha256').toString('hex')).toBe(hash);
    }
    const inactive = users.find((user) => user.username === 'inactive');
    expect([false, 0]).toContain(inactive?.active);
  });

  it('registers the examples database as Superset would', async () => {
    const [database] = await run('SELECT * FROM dbs');
    expect(database).toMatchObject({
      database_name: 'examples',
      sqlalchemy_uri: EXAMPLES_URI,
      configuration_method: 'sqlalchemy_form',
    });
    const flag = (value: unknown): boolean => value === true || value === 1;
    expect(flag(database.expose_in_sqllab)).toBe(true);
    expect(flag(database.allow_dml)).toBe(false);
    expect(flag(database.allow_run_async)).toBe(false);
    expect(flag(database.allow_file_upload)).toBe(false);
    expect(JSON.parse(String(database.extra))).toEqual({
      metadata_params: {},
      engine_params: {},
      metadata_cache_timeout: {},
      schemas_allowed_for_file_upload: [],
    });
  });

  it('rolls the whole load back when it fails', async () => {
    const before = await count('ab_permission');
    await expect(
      loadDemoContent(run, dialect, { examplesUri: EXAMPLES_URI, now: NOW }),
    ).rejects.toThrow();
    expect(await count('ab_permission')).toBe(before);
    expect(await count('ab_user')).toBe(8);
  });
});
