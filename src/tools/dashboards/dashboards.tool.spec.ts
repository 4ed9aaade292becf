import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import Database from 'better-sqlite3';
import { DiscoveryModule } from '@nestjs/core';
import { Test, type TestingModule } from '@nestjs/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { SettingsModule } from '../../config/settings.module.js';
import type { Settings } from '../../config/settings.js';
import { loadDemoContent, type DemoContentSummary } from '../../demo/demo-loader.js';
import { createMetadataSchema } from '../../demo/metadata-schema.js';
import { postgresRunner, sqliteRunner, type SqlRunner } from '../../demo/sql-runner.js';
import { DashboardsRepository } from '../../superset/dashboards/dashboards.repository.js';
import type { MetadataDialect } from '../../superset/database/metadata-dialect.js';
import { MetadataDatabaseModule } from '../../superset/database/metadata-database.module.js';
import { timestampToDb, uuidToDb } from '../../superset/database/metadata-values.js';
import { createTemporaryPostgresDatabase } from '../../superset/database/temporary-postgres-database.fixture.js';
import { SupersetUrls } from '../../superset/superset-urls.service.js';
import { UsersModule } from '../../users/users.module.js';
import { UsersRepository } from '../../users/users.repository.js';
import { ModelLister } from '../listing/model-lister.service.js';
import { ToolCallObservers } from '../tool-call-observers.service.js';
import { ToolExecutor } from '../tool-executor.service.js';
import { ToolRegistry } from '../tool-registry.service.js';
import { DashboardsTools } from './dashboards.tool.js';
import { toolCallFixture } from '../tool-call.fixture.js';

const WEBSERVER = 'http://superset.test:8088';
const WORLD_BANK = "World Bank's Data";
const WORLD_BANK_UUID = '0f4b8a8e-4a57-4d1c-9a47-5c1b2e3d4f50';

interface DemoDatabase {
  readonly uri: string;
  readonly run: SqlRunner;
  close(): Promise<void>;
}

async function demoDatabase(dialect: MetadataDialect): Promise<DemoDatabase> {
  if (dialect === 'postgres') {
    const database = await createTemporaryPostgresDatabase();
    const run = postgresRunner(database.client);
    await createMetadataSchema(run, 'postgres');
    return { close: () => database.drop(), run, uri: database.uri };
  }
  const folder = mkdtempSync(join(tmpdir(), 'smcp-dashboards-'));
  const file = join(folder, 'superset.db');
  const db = new Database(file);
  const run = sqliteRunner(db);
  await createMetadataSchema(run, 'sqlite');
  return {
    close: () => {
      db.close();
      rmSync(folder, { force: true, recursive: true });
      return Promise.resolve();
    },
    run,
    uri: `sqlite:///${file}`,
  };
}

function settings(dashboardRbac: boolean, maxListItems = 100): Settings {
  return {
    AUTH_ROLE_ADMIN: 'Admin',
    FEATURE_FLAGS: { DASHBOARD_RBAC: dashboardRbac },
    MCP_DISABLED_TOOLS: [],
    MCP_RBAC_ENABLED: true,
    MCP_RESPONSE_SIZE_CONFIG: { max_list_items: maxListItems },
    MCP_TOOL_SCOPES: { read: null, write: null },
    SUPERSET_WEBSERVER_ADDRESS: WEBSERVER,
  } as unknown as Settings;
}

/** The text inside an untrusted-content block. */
function plain(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const match = /^<UNTRUSTED-CONTENT>\n([\s\S]*)\n<\/UNTRUSTED-CONTENT>$/.exec(value);
  return match ? match[1] : value;
}

type Json = Record<string, any>;

describe(DashboardsTools.name, () => {
  describe.each(['sqlite', 'postgres'] as const)('on %s', (dialect) => {
    let database: DemoDatabase;
    let summary: DemoContentSummary;
    let worldBankId: number;

    beforeAll(async () => {
      database = await demoDatabase(dialect);
      summary = await loadDemoContent(database.run, dialect, {
        examplesUri: 'sqlite:////tmp/examples.db',
      });
      const { run } = database;
      // gamma also holds the role that dashboard_roles grants "Web Analytics" to.
      const userRoleId =
        dialect === 'postgres'
          ? "nextval('ab_user_role_id_seq')"
          : '(SELECT MAX(id) + 1 FROM ab_user_role)';
      await run(`INSERT INTO ab_user_role (id, user_id, role_id) VALUES (${userRoleId}, ?, ?)`, [
        summary.userIds.gamma,
        summary.roleIds.dashboard_viewers,
      ]);
      // A web_sessions chart linked to "Sales Overview" (outside its layout): sales may not see it.
      await run('INSERT INTO dashboard_slices (dashboard_id, slice_id) VALUES (?, ?)', [
        summary.dashboardIds['Sales Overview'],
        summary.chartIds['Daily Sessions'],
      ]);
      await run(
        "INSERT INTO favstar (user_id, class_name, obj_id, dttm) VALUES (?, 'Dashboard', ?, ?)",
        [summary.userIds.sales, summary.dashboardIds['Sales Overview'], timestampToDb(new Date())],
      );
      // A published dashboard without charts, slug or readable layout, owned by admin.
      const now = timestampToDb(new Date());
      await run(
        'INSERT INTO dashboards (created_on, changed_on, created_by_fk, changed_by_fk, ' +
          'dashboard_title, position_json, json_metadata, css, published, uuid) ' +
          'VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
        [
          now,
          now,
          summary.userIds.admin,
          summary.userIds.admin,
          WORLD_BANK,
          '{"ROOT_ID": ',
          null,
          '.header { display: none; }',
          true,
          uuidToDb(dialect, WORLD_BANK_UUID),
        ],
      );
      const [row] = await run('SELECT id FROM dashboards WHERE dashboard_title = ?', [WORLD_BANK]);
      worldBankId = Number(row.id);
      await run('INSERT INTO dashboard_user (user_id, dashboard_id) VALUES (?, ?)', [
        summary.userIds.admin,
        worldBankId,
      ]);
    });

    afterAll(() => database.close());

    const id = (title: string) => summary.dashboardIds[title];

    async function chartIdsOver(table: string, dashboardTitle: string): Promise<number[]> {
      const rows = await database.run(
        'SELECT s.id AS id FROM slices s JOIN dashboard_slices ds ON ds.slice_id = s.id ' +
          'WHERE ds.dashboard_id = ? AND s.datasource_id = ? ORDER BY s.id',
        [id(dashboardTitle), summary.datasetIds[table]],
      );
      return rows.map((row) => Number(row.id));
    }

    async function chartIdsOn(dashboardTitle: string): Promise<number[]> {
      const rows = await database.run(
        'SELECT slice_id FROM dashboard_slices WHERE dashboard_id = ? ORDER BY slice_id',
        [id(dashboardTitle)],
      );
      return rows.map((row) => Number(row.slice_id));
    }

    function harness(dashboardRbac: boolean, maxListItems = 100) {
      let moduleRef: TestingModule;
      let registry: ToolRegistry;
      let executor: ToolExecutor;
      let users: UsersRepository;

      beforeAll(async () => {
        moduleRef = await Test.createTestingModule({
          imports: [
            DiscoveryModule,
            SettingsModule.forRoot(settings(dashboardRbac, maxListItems)),
            MetadataDatabaseModule.forRoot(database.uri),
            UsersModule,
          ],
          providers: [
            DashboardsRepository,
            DashboardsTools,
            ModelLister,
            SupersetUrls,
            ToolCallObservers,
            ToolExecutor,
            ToolRegistry,
          ],
        }).compile();
        await moduleRef.init();
        registry = moduleRef.get(ToolRegistry);
        executor = moduleRef.get(ToolExecutor);
        users = moduleRef.get(UsersRepository);
      });

      afterAll(() => moduleRef.close());

      /** Calls a tool as the user; the parsed JSON result, or `{isError, text}` for an error result. */
      return async function call(username: string, tool: string, args: unknown): Promise<Json> {
        const user = await users.findByUsername(username);
        if (!user) throw new Error(`no demo user ${username}`);
        const toolCall = toolCallFixture(tool, user);
        const result = await executor.execute(registry.get(tool)!, args, toolCall);
        const text = (result.content[0] as { text: string }).text;
        if (result.isError) return { isError: true, text };
        return JSON.parse(text) as Json;
      };
    }

    const titles = (response: Json): unknown[] =>
      (response.dashboards as Json[]).map((item) => plain(item.dashboard_title));

    describe.each([false, true])('with DASHBOARD_RBAC=%s', (dashboardRbac) => {
      const call = harness(dashboardRbac);
      const list = (username: string, request: Json = {}) =>
        call(username, 'list_dashboards', { request });

      it('lists for each demo user what Superset lists, with the counts', async () => {
        const expected: Record<string, string[]> = {
          admin: [WORLD_BANK, 'Sales Overview', 'Web Analytics', 'Births Draft'],
          // all_datasource_access lists published dashboards even without charts.
          alpha: [WORLD_BANK, 'Sales Overview', 'Web Analytics'],
          gamma: dashboardRbac ? ['Web Analytics'] : [],
          grace: ['Sales Overview'],
          nobody: [],
          owner: ['Births Draft'],
          sales: ['Sales Overview'],
        };
        for (const [username, dashboards] of Object.entries(expected)) {
          if (username === 'nobody') continue;
          const response = await list(username);
          expect(titles(response), username).toEqual(dashboards);
          expect(response.count, username).toBe(dashboards.length);
          expect(response.total_count, username).toBe(dashboards.length);
        }
      });

      it('refuses a user without can_read on Dashboard, in upstream words', async () => {
        await expect(list('nobody')).resolves.toEqual({
          isError: true,
          text: 'Permission denied: can_read on Dashboard for user nobody (tool: list_dashboards)',
        });
      });

      it('returns lean default columns and the list envelope', async () => {
        const response = await list('admin');
        const first = (response.dashboards as Json[])[0];
        expect(Object.keys(first)).toEqual([
          'id',
          'dashboard_title',
          'slug',
          'url',
          'published',
          'changed_on',
          'changed_on_humanized',
        ]);
        expect(first.url).toBe(`${WEBSERVER}/superset/dashboard/${worldBankId}/`);
        expect(first.dashboard_title).toBe(
          `<UNTRUSTED-CONTENT>\n${WORLD_BANK}\n</UNTRUSTED-CONTENT>`,
        );
        expect(first.changed_on_humanized).toBe('just now');
        expect(response).toMatchObject({
          columns_requested: [],
          filters_applied: [],
          has_next: false,
          has_previous: false,
          page: 1,
          page_size: 10,
          total_pages: 1,
        });
        expect(response.columns_available).toEqual(
          expect.arrayContaining(['chart_count', 'owners', 'uuid', 'certified_by']),
        );
        expect(response.sortable_columns).toEqual(
          expect.arrayContaining(['changed_on_humanized', 'dashboard_title', 'id']),
        );
        // Only columns rows carry; upstream's changed_on_delta_humanized is an unlisted alias.
        for (const name of response.sortable_columns as string[]) {
          expect(response.columns_available).toContain(name);
        }
      });

      it('loads chart_count (charts the caller can see) and owners when selected', async () => {
        const columns = ['id', 'chart_count', 'owners', 'uuid', 'certified_by', 'description'];
        const admin = await list('admin', { select_columns: columns });
        const sales = (admin.dashboards as Json[]).find((d) => d.id === id('Sales Overview'))!;
        expect(Object.keys(sales)).toEqual(columns);
        expect(sales.chart_count).toBe((await chartIdsOn('Sales Overview')).length);
        expect(sales.owners).toEqual(['admin', 'alpha']);
        expect(plain(sales.certified_by)).toBe('Sales Ops');
        expect(plain(sales.description)).toBe('Revenue, regions and products at a glance.');
        expect(sales.uuid).toMatch(/^[0-9a-f-]{36}$/);
        const world = (admin.dashboards as Json[]).find((d) => d.id === worldBankId)!;
        expect(world).toMatchObject({ chart_count: 0, uuid: WORLD_BANK_UUID });

        const asSales = await list('sales', { select_columns: 'id,chart_count' });
        expect(asSales.dashboards).toEqual([
          {
            chart_count: (await chartIdsOver('sales_orders', 'Sales Overview')).length,
            id: id('Sales Overview'),
          },
        ]);
      });

      it('orders by any sortable column and rejects others', async () => {
        const byTitle = await list('admin', {
          order_column: 'dashboard_title',
          order_direction: 'asc',
        });
        expect(titles(byTitle)).toEqual([
          'Births Draft',
          'Sales Overview',
          'Web Analytics',
          WORLD_BANK,
        ]);
        const byId = await list('admin', { order_column: 'id', order_direction: 'desc' });
        expect((byId.dashboards as Json[]).map((d) => d.id as unknown)).toEqual(
          [id('Sales Overview'), id('Web Analytics'), id('Births Draft'), worldBankId].sort(
            (a, b) => b - a,
          ),
        );
        const oldestFirst = await list('admin', {
          order_column: 'changed_on_delta_humanized',
          order_direction: 'asc',
        });
        expect(titles(oldestFirst)).toEqual([
          'Births Draft',
          'Web Analytics',
          'Sales Overview',
          WORLD_BANK,
        ]);
        const wrong = await list('admin', { order_column: 'css' });
        expect(wrong.isError).toBe(true);
        expect(wrong.text).toContain('request.order_column');
        expect(wrong.text).toContain('dashboard_title');
      });

      it('pages from 1 and fails past the last page', async () => {
        const second = await list('admin', { page: 2, page_size: 3 });
        expect(second).toMatchObject({
          count: 1,
          has_next: false,
          has_previous: true,
          page: 2,
          page_size: 3,
          total_count: 4,
          total_pages: 2,
        });
        const first = await list('admin', { page: 1, page_size: 3 });
        expect(first).toMatchObject({ count: 3, has_next: true });
        const past = await list('admin', { page: 3, page_size: 3 });
        expect(past).toMatchObject({ error_type: 'PageOutOfRange' });
        expect(past.error).toContain('last page (2)');
        const tooLarge = await list('admin', { page_size: 101 });
        expect(tooLarge.isError).toBe(true);
        expect(tooLarge.text).toMatch(/request\.page_size/);
      });

      it('searches titles and slugs, case-insensitively', async () => {
        await expect(list('admin', { search: 'SALES' }).then(titles)).resolves.toEqual([
          'Sales Overview',
        ]);
        await expect(list('admin', { search: 'web-anal' }).then(titles)).resolves.toEqual([
          'Web Analytics',
        ]);
        await expect(list('admin', { search: "bank's" }).then(titles)).resolves.toEqual([
          WORLD_BANK,
        ]);
        await expect(list('sales', { search: 'births' }).then(titles)).resolves.toEqual([]);
        const both = await list('admin', {
          filters: [{ col: 'slug', opr: 'is_null' }],
          search: 'x',
        });
        expect(both.isError).toBe(true);
        expect(both.text).toContain("Cannot use both 'search' and 'filters'");
      });

      it.each([
        [{ col: 'dashboard_title', opr: 'eq', value: 'Sales Overview' }, ['Sales Overview']],
        [
          { col: 'dashboard_title', opr: 'ne', value: 'Sales Overview' },
          [WORLD_BANK, 'Web Analytics', 'Births Draft'],
        ],
        [{ col: 'dashboard_title', opr: 'sw', value: 'Web' }, ['Web Analytics']],
        [{ col: 'dashboard_title', opr: 'ew', value: 'Draft' }, ['Births Draft']],
        [{ col: 'dashboard_title', opr: 'ct', value: "k's D" }, [WORLD_BANK]],
        [{ col: 'dashboard_title', opr: 'like', value: '%Over%' }, ['Sales Overview']],
        [{ col: 'dashboard_title', opr: 'ilike', value: '%births%' }, ['Births Draft']],
        [
          { col: 'dashboard_title', opr: 'in', value: ['Births Draft', 'Web Analytics'] },
          ['Web Analytics', 'Births Draft'],
        ],
        [
          { col: 'dashboard_title', opr: 'nin', value: ['Births Draft', 'Web Analytics'] },
          [WORLD_BANK, 'Sales Overview'],
        ],
        [{ col: 'dashboard_title', opr: 'is_null' }, []],
        [
          { col: 'dashboard_title', opr: 'is_not_null' },
          [WORLD_BANK, 'Sales Overview', 'Web Analytics', 'Births Draft'],
        ],
        [{ col: 'published', opr: 'eq', value: false }, ['Births Draft']],
        [{ col: 'published', opr: 'ne', value: true }, ['Births Draft']],
        [
          { col: 'published', opr: 'eq', value: 'true' },
          [WORLD_BANK, 'Sales Overview', 'Web Analytics'],
        ],
        [{ col: 'slug', opr: 'is_null' }, [WORLD_BANK, 'Births Draft']],
        [{ col: 'slug', opr: 'eq', value: 'web-analytics' }, ['Web Analytics']],
        [{ col: 'slug', opr: 'sw', value: 'sales' }, ['Sales Overview']],
      ])('filters admin’s list with %j', async (filter, expected) => {
        await expect(list('admin', { filters: [filter] }).then(titles)).resolves.toEqual(expected);
      });

      it('filters by people (user ids) and by your favourites', async () => {
        const users = summary.userIds;
        const by = (filter: Json) => list('admin', { filters: [filter] }).then(titles);
        await expect(by({ col: 'editor', opr: 'eq', value: users.owner })).resolves.toEqual([
          'Births Draft',
        ]);
        await expect(
          by({ col: 'editor', opr: 'in', value: [users.alpha, users.owner] }),
        ).resolves.toEqual(['Sales Overview', 'Web Analytics', 'Births Draft']);
        await expect(by({ col: 'editor', opr: 'nin', value: [users.admin] })).resolves.toEqual([
          'Web Analytics',
          'Births Draft',
        ]);
        await expect(by({ col: 'editor', opr: 'ne', value: users.alpha })).resolves.toEqual([
          WORLD_BANK,
          'Births Draft',
        ]);
        await expect(by({ col: 'created_by_fk', opr: 'eq', value: users.alpha })).resolves.toEqual([
          'Web Analytics',
        ]);
        await expect(
          by({ col: 'changed_by_fk', opr: 'in', value: [String(users.owner), users.alpha] }),
        ).resolves.toEqual(['Web Analytics', 'Births Draft']);
        await expect(by({ col: 'created_by_fk', opr: 'gt', value: 0 })).resolves.toHaveLength(4);
        await expect(by({ col: 'created_by_fk', opr: 'lt', value: 0 })).resolves.toEqual([]);
        await expect(by({ col: 'favorite', opr: 'eq', value: true })).resolves.toEqual([]);
        await expect(
          list('sales', { filters: [{ col: 'favorite', opr: 'eq', value: true }] }).then(titles),
        ).resolves.toEqual(['Sales Overview']);
        await expect(
          list('sales', { filters: [{ col: 'favorite', opr: 'eq', value: false }] }).then(titles),
        ).resolves.toEqual([]);
      });

      it('rejects unknown filter columns, wrong operators and wrong values as errors', async () => {
        const column = await list('admin', { filters: [{ col: 'css', opr: 'eq', value: 'x' }] });
        expect(column.isError).toBe(true);
        expect(column.text).toContain('request.filters.0.col');
        expect(column.text).toContain('dashboard_title');
        const operator = await list('admin', {
          filters: [{ col: 'published', opr: 'sw', value: 'x' }],
        });
        expect(operator.isError).toBe(true);
        expect(operator.text).toContain('request.filters.0.opr');
        expect(operator.text).toContain('eq, ne');
        const value = await list('admin', {
          filters: [{ col: 'editor', opr: 'eq', value: 'alpha' }],
        });
        expect(value.isError).toBe(true);
        expect(value.text).toContain('request.filters.0.value');
        const unknownField = await list('admin', { owned_by_me: true });
        expect(unknownField.isError).toBe(true);
        expect(unknownField.text).toContain('owned_by_me');
      });

      it('narrows to what you created or changed last', async () => {
        await expect(list('owner', { created_by_me: true }).then(titles)).resolves.toEqual([
          'Births Draft',
        ]);
        await expect(list('alpha', { edited_by_me: true }).then(titles)).resolves.toEqual([
          'Web Analytics',
        ]);
        await expect(list('sales', { created_by_me: true }).then(titles)).resolves.toEqual([]);
      });

      const info = (username: string, request: Json) =>
        call(username, 'get_dashboard_info', { request });

      it('finds a dashboard by id, UUID, slug and alias fields', async () => {
        const salesId = id('Sales Overview');
        const byId = await info('admin', { identifier: salesId });
        expect(plain(byId.dashboard_title)).toBe('Sales Overview');
        const byUuid = await info('admin', { identifier: byId.uuid.toUpperCase() });
        expect(byUuid.id).toBe(salesId);
        await expect(info('admin', { identifier: 'sales-overview' })).resolves.toMatchObject({
          id: salesId,
        });
        await expect(info('admin', { id: String(salesId) })).resolves.toMatchObject({
          id: salesId,
        });
        await expect(info('admin', { dashboard_id: 'web-analytics' })).resolves.toMatchObject({
          id: id('Web Analytics'),
        });
        expect(byId.warnings).toBeUndefined();
        const missing = await info('admin', {});
        expect(missing.isError).toBe(true);
        expect(missing.text).toContain('identifier is required');
      });

      it('falls back to a slugified title, with a warning', async () => {
        const world = await info('admin', { identifier: 'world-banks-data' });
        expect(world.id).toBe(worldBankId);
        expect(world.warnings).toEqual([expect.stringContaining(`used dashboard ${worldBankId}`)]);
        const draft = await info('owner', { identifier: 'Births-Draft' });
        expect(draft.id).toBe(id('Births Draft'));
        expect(draft.warnings).toHaveLength(1);
        await expect(info('alpha', { identifier: 'births-draft' })).resolves.toMatchObject({
          error_type: 'NotFound',
        });
      });

      it('answers not found alike for missing and for hidden dashboards', async () => {
        const missing = await info('admin', { identifier: 987654 });
        const hidden = await info('sales', { identifier: id('Births Draft') });
        const hiddenUuid = await info('sales', { identifier: WORLD_BANK_UUID });
        for (const failure of [missing, hidden, hiddenUuid]) {
          expect(Object.keys(failure).sort()).toEqual([
            'error',
            'error_type',
            'suggestions',
            'timestamp',
          ]);
          expect(failure.error_type).toBe('NotFound');
        }
        expect(hidden.error).toBe(`No dashboard found with identifier '${id('Births Draft')}'.`);
        await expect(info('admin', { identifier: 'no-such-dashboard' })).resolves.toMatchObject({
          error_type: 'NotFound',
        });
        await expect(info('owner', { identifier: 'sales-overview' })).resolves.toMatchObject({
          error_type: 'NotFound',
        });
      });

      it('returns upstream’s default fields, native filters and omitted fields', async () => {
        const dashboard = await info('admin', { identifier: 'sales-overview' });
        expect(Object.keys(dashboard)).toEqual([
          'id',
          'dashboard_title',
          'slug',
          'description',
          'certified_by',
          'certification_details',
          'published',
          'is_managed_externally',
          'external_url',
          'created_on',
          'changed_on',
          'uuid',
          'embedded_uuid',
          'url',
          'created_on_humanized',
          'changed_on_humanized',
          'created_by',
          'changed_by',
          'owners',
          'chart_count',
          'charts',
          'native_filters',
          'cross_filters_enabled',
          'omitted_fields',
        ]);
        expect(dashboard).toMatchObject({
          changed_on_humanized: expect.stringMatching(/ days ago$/),
          cross_filters_enabled: true,
          embedded_uuid: null,
          is_managed_externally: false,
          owners: ['admin', 'alpha'],
          published: true,
          slug: 'sales-overview',
          url: `${WEBSERVER}/superset/dashboard/sales-overview/`,
        });
        expect(plain(dashboard.certification_details)).toBe('Reviewed every quarter.');
        const salesDataset = summary.datasetIds.sales_orders;
        expect(
          dashboard.native_filters.map((filter: Json) => ({ ...filter, name: plain(filter.name) })),
        ).toEqual([
          {
            filter_type: 'filter_select',
            id: expect.stringMatching(/^NATIVE_FILTER-/),
            name: 'Region',
            targets: [{ column: 'region', dataset_id: salesDataset }],
          },
          {
            filter_type: 'filter_select',
            id: expect.stringMatching(/^NATIVE_FILTER-/),
            name: 'Product line',
            targets: [{ column: 'product_line', dataset_id: salesDataset }],
          },
          {
            filter_type: 'filter_time',
            id: expect.stringMatching(/^NATIVE_FILTER-/),
            name: 'Order date',
            targets: [],
          },
        ]);
        expect(Object.keys(dashboard.omitted_fields)).toEqual(['json_metadata', 'position_json']);
        expect(dashboard.omitted_fields.position_json).toContain('get_dashboard_layout');
        expect(dashboard).not.toHaveProperty('css');
        expect(dashboard).not.toHaveProperty('position_json');
      });

      it('adds css, json_metadata and position_json on request and rejects unknown fields', async () => {
        const world = await info('admin', {
          identifier: worldBankId,
          select_columns: ['css', 'json_metadata', 'position_json'],
        });
        expect(plain(world.css)).toBe('.header { display: none; }');
        expect(world.json_metadata).toEqual({});
        expect(world.position_json).toEqual({});
        expect(world.omitted_fields).toEqual({});
        expect(world).toMatchObject({ chart_count: 0, charts: [], native_filters: [], slug: null });
        const sales = await info('admin', {
          identifier: 'sales-overview',
          select_columns: ['position_json'],
        });
        expect(sales.position_json.DASHBOARD_VERSION_KEY).toBe('v2');
        expect(Object.keys(sales.omitted_fields)).toEqual(['json_metadata']);
        const wrong = await info('admin', { identifier: 1, select_columns: ['filter_state'] });
        expect(wrong.isError).toBe(true);
        expect(wrong.text).toContain('request.select_columns: unknown name filter_state');
      });

      it('summarises only the charts the caller can see', async () => {
        const all = await chartIdsOn('Sales Overview');
        const admin = await info('admin', { identifier: 'sales-overview' });
        expect(admin.chart_count).toBe(all.length);
        expect(admin.charts.map((chart: Json) => chart.id as unknown)).toEqual(all);
        const first = admin.charts[0] as Json;
        expect(Object.keys(first).sort()).toEqual([
          'datasource_name',
          'description',
          'id',
          'slice_name',
          'url',
          'viz_type',
        ]);
        expect(first.url).toBe(`${WEBSERVER}/explore/?slice_id=${first.id}`);
        expect(first.slice_name).toMatch(/^<UNTRUSTED-CONTENT>\n/);

        const visibleToSales = await chartIdsOver('sales_orders', 'Sales Overview');
        expect(visibleToSales.length).toBeLessThan(all.length);
        const sales = await info('sales', { identifier: 'sales-overview' });
        expect(sales.chart_count).toBe(visibleToSales.length);
        expect(sales.charts.map((chart: Json) => chart.id as unknown)).toEqual(visibleToSales);
        expect(new Set(sales.charts.map((chart: Json) => chart.datasource_name as string))).toEqual(
          new Set(['main.sales_orders']),
        );

        const owner = await info('owner', { identifier: id('Births Draft') });
        expect(owner).toMatchObject({ chart_count: 0, charts: [], published: false });
      });

      if (dashboardRbac) {
        it('opens a role-granted dashboard without opening its charts', async () => {
          const gamma = await info('gamma', { identifier: 'web-analytics' });
          expect(gamma).toMatchObject({ chart_count: 0, charts: [], id: id('Web Analytics') });
          await expect(info('sales', { identifier: 'web-analytics' })).resolves.toMatchObject({
            error_type: 'NotFound',
          });
        });
      } else {
        it('hides a dashboard whose charts the caller cannot read', async () => {
          await expect(info('gamma', { identifier: 'web-analytics' })).resolves.toMatchObject({
            error_type: 'NotFound',
          });
        });
      }

      const layout = (username: string, request: Json) =>
        call(username, 'get_dashboard_layout', { request });

      it('reads the tabbed Web Analytics layout as a tree', async () => {
        const web = await layout('alpha', { identifier: 'web-analytics' });
        expect(web).toMatchObject({
          has_layout: true,
          id: id('Web Analytics'),
          url: `${WEBSERVER}/superset/dashboard/web-analytics/`,
        });
        expect(plain(web.header)).toBe('Web Analytics');
        expect(web.layout).toHaveLength(1);
        const tabs = web.layout[0] as Json;
        expect(tabs.type).toBe('TABS');
        expect(tabs.children.map((tab: Json) => [tab.type as unknown, plain(tab.title)])).toEqual([
          ['TAB', 'Traffic'],
          ['TAB', 'Conversion'],
        ]);
        const [traffic, conversion] = tabs.children as Json[];
        expect(traffic.children).toHaveLength(1);
        const trafficRow = traffic.children[0] as Json;
        expect(trafficRow.type).toBe('ROW');
        expect(
          trafficRow.children.map((chart: Json): unknown[] => [
            chart.type as unknown,
            plain(chart.name),
            chart.width as unknown,
            chart.height as unknown,
            chart.accessible as unknown,
          ]),
        ).toEqual([
          ['CHART', 'Daily Sessions', 4, 50, true],
          ['CHART', 'Sessions by Device', 8, 50, true],
        ]);
        expect(conversion.children).toHaveLength(2);
        const charts = summary.chartIds;
        const inOrder = [
          'Daily Sessions',
          'Sessions by Device',
          'Conversion Rate',
          'Top Landing Pages',
          'Session Duration Distribution',
        ].map((name) => charts[name]);
        expect(web.chart_ids).toEqual(inOrder);
        expect(
          web.tabs.map((tab: Json): unknown[] => [
            plain(tab.title),
            tab.parent_tab_id as unknown,
            tab.chart_ids as unknown,
          ]),
        ).toEqual([
          ['Traffic', null, inOrder.slice(0, 2)],
          ['Conversion', null, inOrder.slice(2)],
        ]);
        expect(web).not.toHaveProperty('note');
      });

      it('keeps inaccessible charts in place without their names, and marks markdown', async () => {
        const draft = await layout('owner', { id: id('Births Draft') });
        const firstRow = draft.layout[0] as Json;
        const [markdown, chart] = firstRow.children as Json[];
        expect(markdown.type).toBe('MARKDOWN');
        expect(markdown.text).toMatch(/^<UNTRUSTED-CONTENT>\n# Baby names/);
        expect(chart).toMatchObject({
          accessible: false,
          chart_id: summary.chartIds['Popular Names'],
          name: null,
          type: 'CHART',
          width: 8,
        });
        expect(draft.chart_ids).toHaveLength(3);
        const asAdmin = await layout('admin', { dashboard_id: id('Births Draft') });
        expect(plain((asAdmin.layout[0] as Json).children[1].name)).toBe('Popular Names');
        if (dashboardRbac) {
          const gamma = await layout('gamma', { identifier: 'web-analytics' });
          expect(gamma.chart_ids).toHaveLength(5);
          expect(JSON.stringify(gamma.layout)).not.toContain('Daily Sessions');
        }
      });

      it('survives a broken layout and refuses hidden dashboards', async () => {
        const world = await layout('admin', { identifier: worldBankId });
        expect(world).toMatchObject({
          chart_ids: [],
          has_layout: false,
          layout: [],
          tabs: [],
        });
        expect(world.note).toContain('not a readable JSON object');
        await expect(layout('sales', { identifier: 'web-analytics' })).resolves.toMatchObject({
          error_type: 'NotFound',
        });
      });
    });

    describe('with max_list_items=2', () => {
      const call = harness(false, 2);

      it('caps the chart summary and says how to page the rest', async () => {
        const all = await chartIdsOn('Sales Overview');
        const dashboard = await call('admin', 'get_dashboard_info', {
          request: { identifier: 'sales-overview' },
        });
        expect(dashboard.chart_count).toBe(all.length);
        expect(dashboard.charts.map((chart: Json) => chart.id as unknown)).toEqual(all.slice(0, 2));
        expect(dashboard.warnings).toEqual([
          expect.stringContaining(
            `[{"col": "dashboards", "opr": "eq", "value": ${id('Sales Overview')}}]`,
          ),
        ]);
      });
    });
  });
});
