import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { SqlRunner } from '../src/demo/sql-runner.js';
import { uuidFromDb } from '../src/superset/database/metadata-values.js';
import { DEMO_FIXTURES, type DemoFixture, withoutMarkers } from './support/demo-fixtures.js';
import { connectClient, toolJson, type ConnectedClient } from './support/mcp-client.js';
import { startServiceProcess, type ServiceProcess } from './support/service-process.js';

/** The read tools that need a Superset class permission, and the view menu of their `can_read`. */
const GATED_TOOLS = {
  get_chart_info: 'Chart',
  get_dashboard_info: 'Dashboard',
  get_dashboard_layout: 'Dashboard',
  get_database_info: 'Database',
  get_dataset_info: 'Dataset',
  get_schema: 'Dataset',
  list_charts: 'Chart',
  list_dashboards: 'Dashboard',
  list_databases: 'Database',
  list_datasets: 'Dataset',
} as const;
type GatedTool = keyof typeof GATED_TOOLS;
const UNGATED_TOOLS = ['get_instance_info', 'health_check'];

const EVERY_DATASET = [
  'birth_names',
  'energy_flows',
  'monthly_revenue',
  'sales_orders',
  'web_sessions',
];

/** What one user sees of the demo content; null for a user whose roles grant no read at all. */
interface Sight {
  readonly roles: readonly string[];
  readonly charts: number;
  /** Tables of the datasets whose charts and metadata the user may read. */
  readonly datasets: readonly string[];
  readonly dashboards: readonly string[];
  readonly databases: readonly string[];
}

const SALES_ONLY = {
  charts: 7,
  dashboards: ['Sales Overview'],
  databases: ['examples'],
  datasets: ['sales_orders'],
};

const NOTHING = { charts: 0, dashboards: [], databases: [], datasets: [] };

/**
 * The matrix, with DASHBOARD_RBAC off (Superset's default). Charts follow dataset access only
 * (ChartFilter): owning a chart or dataset does not list it. Dashboards: owners always, others
 * when published and one chart is over a dataset they may access (DashboardAccessFilter).
 */
const MATRIX: Readonly<Record<string, Sight | null>> = {
  admin: {
    charts: 16,
    dashboards: ['Births Draft', 'Sales Overview', 'Web Analytics'],
    databases: ['examples'],
    datasets: EVERY_DATASET,
    roles: ['Admin'],
  },
  alpha: {
    charts: 16,
    dashboards: ['Sales Overview', 'Web Analytics'],
    databases: ['examples'],
    datasets: EVERY_DATASET,
    roles: ['Alpha'],
  },
  // Gamma with datasource_access on one dataset, by a role of their own…
  sales: { ...SALES_ONLY, roles: ['Gamma', 'sales_analyst'] },
  // …and through the role of a group.
  grace: { ...SALES_ONLY, roles: ['Gamma', 'sales_analyst'] },
  // Gamma owning the unpublished "Births Draft" and the charts on it, without data access.
  owner: { ...NOTHING, dashboards: ['Births Draft'], roles: ['Gamma'] },
  // Gamma and sql_lab without any data grant.
  gamma: { ...NOTHING, roles: ['Gamma', 'dashboard_viewers', 'sql_lab'] },
  nobody: null,
};

interface CatalogueEntry {
  readonly id: number;
  readonly uuid: string;
  readonly name: string;
  /** Charts: the table of their dataset. */
  readonly dataset?: string;
  readonly slug?: string | null;
}

/** Ground truth read straight from the metadata database. */
interface Catalogue {
  readonly charts: CatalogueEntry[];
  readonly dashboards: CatalogueEntry[];
  readonly datasets: CatalogueEntry[];
  readonly databases: CatalogueEntry[];
  /** Chart ids on each dashboard (dashboard_slices). */
  readonly chartsOn: Map<number, number[]>;
}

async function readCatalogue(run: SqlRunner): Promise<Catalogue> {
  const entries = async (sql: string) =>
    (await run(sql)).map((row) => ({
      dataset: typeof row.dataset === 'string' ? row.dataset : undefined,
      id: Number(row.id),
      name: String(row.name),
      slug: row.slug === undefined ? undefined : (row.slug as string | null),
      uuid: uuidFromDb(row.uuid) ?? '',
    }));
  const chartsOn = new Map<number, number[]>();
  for (const link of await run('SELECT dashboard_id, slice_id FROM dashboard_slices')) {
    const list = chartsOn.get(Number(link.dashboard_id)) ?? [];
    list.push(Number(link.slice_id));
    chartsOn.set(Number(link.dashboard_id), list);
  }
  return {
    charts: await entries(
      'SELECT s.id, s.uuid, s.slice_name AS name, t.table_name AS dataset FROM slices s JOIN tables t ON t.id = s.datasource_id',
    ),
    chartsOn,
    dashboards: await entries('SELECT id, uuid, dashboard_title AS name, slug FROM dashboards'),
    databases: await entries('SELECT id, uuid, database_name AS name FROM dbs'),
    datasets: await entries('SELECT id, uuid, table_name AS name FROM tables'),
  };
}

const sorted = (values: Iterable<string>) => [...values].sort();
const ids = (values: Iterable<number>) => [...values].sort((a, b) => a - b);

describe.each(DEMO_FIXTURES)('RBAC matrix over %s', (_name, createFixture) => {
  let fixture: DemoFixture;
  let catalogue: Catalogue;

  beforeAll(async () => {
    fixture = await createFixture();
    // gamma also holds the role DASHBOARD_RBAC opens "Web Analytics" to; without the flag the
    // role grants nothing, so the matrix above is the demo's.
    // FAB's own tables take ids from detached sequences on Postgres.
    const [idColumn, idValue] =
      fixture.dialect === 'postgres' ? ['id, ', "nextval('ab_user_role_id_seq'), "] : ['', ''];
    await fixture.run(
      `INSERT INTO ab_user_role (${idColumn}user_id, role_id) SELECT ${idValue}u.id, r.id FROM ab_user u, ab_role r WHERE u.username = 'gamma' AND r.name = 'dashboard_viewers'`,
    );
    catalogue = await readCatalogue(fixture.run);
  });

  afterAll(() => fixture?.close());

  it('reads the demo content as ground truth', () => {
    expect(catalogue.charts).toHaveLength(16);
    expect(sorted(catalogue.datasets.map((dataset) => dataset.name))).toEqual(EVERY_DATASET);
    expect(catalogue.dashboards).toHaveLength(3);
  });

  describe.each(Object.entries(MATRIX))('as %s', (username, sight) => {
    let service: ServiceProcess;
    let mcp: ConnectedClient;

    beforeAll(async () => {
      service = await startServiceProcess({ ...fixture.env, MCP_DEV_USERNAME: username });
      mcp = await connectClient(service.url);
    });

    afterAll(async () => {
      await mcp?.close();
      await service?.stop();
    });

    const call = async (name: string, request: Record<string, unknown> = {}) =>
      mcp.client.callTool({ arguments: { request }, name });
    const json = async (name: string, request: Record<string, unknown> = {}) =>
      toolJson(await call(name, request));
    const listed = async (tool: GatedTool, items: string, column: string) => {
      const page = await json(tool, { page_size: 100, select_columns: ['id', column] });
      expect(page.count).toBe(page.total_count);
      return (page[items] as Record<string, unknown>[]).map((item) => ({
        id: item.id as number,
        name: withoutMarkers(item[column]) as string,
      }));
    };

    it('tools/list shows the read tools the roles allow', async () => {
      const names = (await mcp.client.listTools()).tools.map((tool) => tool.name);
      expect(names).toEqual(expect.arrayContaining(UNGATED_TOOLS));
      if (sight) {
        expect(names).toEqual(expect.arrayContaining(Object.keys(GATED_TOOLS)));
      } else {
        for (const tool of Object.keys(GATED_TOOLS)) expect(names).not.toContain(tool);
      }
    });

    it('health_check and get_instance_info answer everyone, as the caller', async () => {
      const health = toolJson(await mcp.client.callTool({ arguments: {}, name: 'health_check' }));
      expect(health.status).toBe('healthy');
      const info = await json('get_instance_info');
      expect(info.current_user.username).toBe(username);
      expect(sorted(info.current_user.roles)).toEqual(sorted(sight?.roles ?? []));
      expect(info.accessible_summary).toEqual(
        sight
          ? {
              charts: sight.charts,
              dashboards: sight.dashboards.length,
              databases: sight.databases.length,
              datasets: sight.datasets.length,
            }
          : { charts: null, dashboards: null, databases: null, datasets: null },
      );
      // Every figure counts only what the caller may see; users and roles only for Admin.
      const admin = sight?.roles.includes('Admin') ?? false;
      expect(info.instance_summary).toMatchObject({
        total_charts: sight?.charts ?? 0,
        total_dashboards: sight?.dashboards.length ?? 0,
        total_databases: sight?.databases.length ?? 0,
        total_datasets: sight?.datasets.length ?? 0,
        total_roles: admin ? expect.any(Number) : null,
        total_users: admin ? expect.any(Number) : null,
      });
      const breakdown = info.dashboard_breakdown;
      expect(breakdown.published + breakdown.unpublished).toBe(sight?.dashboards.length ?? 0);
      if (!sight?.charts) expect(info.popular_content.top_creators).toEqual([]);
    });

    if (!sight) {
      it.each(Object.entries(GATED_TOOLS))(
        'denies %s in upstream words',
        async (tool, viewMenu) => {
          const request = tool.startsWith('list_')
            ? {}
            : tool === 'get_schema'
              ? { model_type: 'chart' }
              : { identifier: 1 };
          const result = await call(tool, request);
          expect(result.isError).toBe(true);
          expect((result.content as { text: string }[])[0].text).toBe(
            `Permission denied: can_read on ${viewMenu} for user ${username} (tool: ${tool})`,
          );
        },
      );
      return;
    }

    it(`list_charts counts ${sight.charts} charts, all over readable datasets`, async () => {
      const charts = await listed('list_charts', 'charts', 'datasource_name');
      expect(charts).toHaveLength(sight.charts);
      const expected = catalogue.charts.filter((chart) => sight.datasets.includes(chart.dataset!));
      expect(ids(charts.map((chart) => chart.id))).toEqual(ids(expected.map((chart) => chart.id)));
      for (const chart of charts) {
        expect(sight.datasets).toContain(String(chart.name).replace(/^main\./, ''));
      }
    });

    it(`list_dashboards shows ${sight.dashboards.length}`, async () => {
      const dashboards = await listed('list_dashboards', 'dashboards', 'dashboard_title');
      expect(sorted(dashboards.map((dashboard) => dashboard.name))).toEqual(sight.dashboards);
    });

    it(`list_datasets shows ${sight.datasets.length}`, async () => {
      const datasets = await listed('list_datasets', 'datasets', 'table_name');
      expect(sorted(datasets.map((dataset) => dataset.name))).toEqual(sorted(sight.datasets));
    });

    it(`list_databases shows ${sight.databases.length}`, async () => {
      const databases = await listed('list_databases', 'databases', 'database_name');
      expect(sorted(databases.map((database) => database.name))).toEqual(sight.databases);
    });

    /** Every object of a kind by id and UUID: found exactly when listed; otherwise like a missing one. */
    async function expectGetAgrees(
      tool: GatedTool,
      entries: readonly CatalogueEntry[],
      visible: (entry: CatalogueEntry) => boolean,
      found: (entry: CatalogueEntry, result: Record<string, any>) => void,
    ) {
      const missing = await json(tool, { identifier: 999_999 });
      expect(missing.error_type).toBe('NotFound');
      for (const entry of entries) {
        const keys: (number | string)[] = [entry.id, entry.uuid];
        if (entry.slug) keys.push(entry.slug);
        for (const identifier of keys) {
          const result = await json(tool, { identifier });
          if (visible(entry)) {
            expect(result.error_type, `${tool} ${identifier}`).toBeUndefined();
            found(entry, result);
          } else {
            expect(result.error_type, `${tool} ${identifier}`).toBe('NotFound');
            expect(result.error).toBe(missing.error.replace('999999', String(identifier)));
          }
        }
      }
    }

    it('get_chart_info finds exactly the listed charts, by id and UUID', async () => {
      await expectGetAgrees(
        'get_chart_info',
        catalogue.charts,
        (chart) => sight.datasets.includes(chart.dataset!),
        (chart, result) => {
          expect(result.id).toBe(chart.id);
          expect(result.uuid).toBe(chart.uuid);
          expect(withoutMarkers(result.slice_name)).toBe(chart.name);
        },
      );
    });

    it('get_dashboard_info finds exactly the listed dashboards, by id, UUID and slug', async () => {
      const readableCharts = new Set(
        catalogue.charts
          .filter((chart) => sight.datasets.includes(chart.dataset!))
          .map((chart) => chart.id),
      );
      await expectGetAgrees(
        'get_dashboard_info',
        catalogue.dashboards,
        (dashboard) => sight.dashboards.includes(dashboard.name),
        (dashboard, result) => {
          expect(result.id).toBe(dashboard.id);
          expect(withoutMarkers(result.dashboard_title)).toBe(dashboard.name);
          // The chart summary only names charts the user may read.
          const onIt = (catalogue.chartsOn.get(dashboard.id) ?? []).filter((id) =>
            readableCharts.has(id),
          );
          expect(result.chart_count).toBe(onIt.length);
          expect(ids(result.charts.map((chart: { id: number }) => chart.id))).toEqual(ids(onIt));
        },
      );
    });

    it('get_dashboard_layout agrees with the list and hides unreadable chart names', async () => {
      await expectGetAgrees(
        'get_dashboard_layout',
        catalogue.dashboards,
        (dashboard) => sight.dashboards.includes(dashboard.name),
        (dashboard, result) => {
          expect(result.id).toBe(dashboard.id);
          const charts: Record<string, any>[] = [];
          const walk = (nodes: Record<string, any>[]) => {
            for (const node of nodes) {
              if (node.type === 'CHART') charts.push(node);
              walk(node.children ?? []);
            }
          };
          walk(result.layout);
          expect(ids(charts.map((chart) => chart.chart_id as number))).toEqual(
            ids(catalogue.chartsOn.get(dashboard.id) ?? []),
          );
          for (const chart of charts) {
            const known = catalogue.charts.find((entry) => entry.id === chart.chart_id)!;
            const readable = sight.datasets.includes(known.dataset!);
            expect(chart.accessible).toBe(readable);
            expect(chart.name === null ? null : withoutMarkers(chart.name)).toBe(
              readable ? known.name : null,
            );
          }
        },
      );
    });

    it('get_dataset_info finds exactly the listed datasets, by id and UUID', async () => {
      await expectGetAgrees(
        'get_dataset_info',
        catalogue.datasets,
        (dataset) => sight.datasets.includes(dataset.name),
        (dataset, result) => {
          expect(result.id).toBe(dataset.id);
          expect(result.table_name).toBe(dataset.name);
          expect(result.columns.length).toBeGreaterThan(0);
        },
      );
    });

    it('get_database_info finds exactly the listed databases, by id and UUID', async () => {
      await expectGetAgrees(
        'get_database_info',
        catalogue.databases,
        (database) => sight.databases.includes(database.name),
        (database, result) => {
          expect(result.id).toBe(database.id);
          expect(JSON.stringify(result)).not.toContain('sqlite:///');
        },
      );
    });

    it('get_schema describes every model type', async () => {
      for (const modelType of ['chart', 'dataset', 'dashboard', 'database']) {
        const schema = await json('get_schema', { model_type: modelType });
        expect(schema.error_type).toBeUndefined();
        expect(schema.default_columns.length).toBeGreaterThan(0);
      }
    });
  });

  describe('with DASHBOARD_RBAC on', () => {
    let service: ServiceProcess;
    let mcp: ConnectedClient;

    beforeAll(async () => {
      service = await startServiceProcess({
        ...fixture.env,
        FEATURE_FLAGS: '{"DASHBOARD_RBAC": true}',
        MCP_DEV_USERNAME: 'gamma',
      });
      mcp = await connectClient(service.url);
    });

    afterAll(async () => {
      await mcp?.close();
      await service?.stop();
    });

    it('opens a published dashboard to a role in dashboard_roles, without its charts', async () => {
      const list = toolJson(
        await mcp.client.callTool({
          arguments: { request: { select_columns: ['id', 'dashboard_title'] } },
          name: 'list_dashboards',
        }),
      );
      expect(list.total_count).toBe(1);
      expect(withoutMarkers(list.dashboards[0].dashboard_title)).toBe('Web Analytics');
      const info = toolJson(
        await mcp.client.callTool({
          arguments: { request: { identifier: 'web-analytics' } },
          name: 'get_dashboard_info',
        }),
      );
      expect(info).toMatchObject({ chart_count: 0, charts: [], id: list.dashboards[0].id });
      const charts = toolJson(
        await mcp.client.callTool({ arguments: { request: {} }, name: 'list_charts' }),
      );
      expect(charts.total_count).toBe(0);
    });
  });
});
