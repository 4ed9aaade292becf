import { describe, expect, it } from 'vitest';

import {
  buildDemoContent,
  type DemoContent,
  type DemoIdLookup,
  demoToken,
  demoUuid,
  renderChartParams,
  renderJsonMetadata,
  renderPositionJson,
  werkzeugPbkdf2Hash,
} from './demo-content.js';
import { DEMO_USERNAMES } from './demo-users.js';
import { EXAMPLE_TABLE_DEFINITIONS } from './examples-data.js';

const NOW = new Date(2026, 2, 15, 12, 0, 0);
const EXAMPLES_URI = 'sqlite:////data/examples.db';

function build(now = NOW): DemoContent {
  return buildDemoContent({ now, examplesUri: EXAMPLES_URI });
}

function fakeIds(content: DemoContent): DemoIdLookup {
  return {
    chart: (name) => {
      const index = content.charts.findIndex((chart) => chart.name === name);
      if (index < 0) throw new Error(`no chart ${name}`);
      return { id: 100 + index, uuid: content.charts[index].uuid, name };
    },
    dataset: (table) => 10 + content.datasets.findIndex((dataset) => dataset.tableName === table),
  };
}

interface LayoutNode {
  readonly id: string;
  readonly type: string;
  readonly children?: readonly string[];
  readonly parents?: readonly string[];
  readonly meta?: Record<string, unknown>;
}

describe(werkzeugPbkdf2Hash.name, () => {
  it('matches hashlib.pbkdf2_hmac as werkzeug uses it', () => {
    expect(werkzeugPbkdf2Hash('demo', 'abcdefghijklmnop')).toBe(
      'pbkdf2:sha256:600000$abcdefghijklmnop$29bb674a17a06e3f032d6aa41015f4dcdee273fcfaec3da5f92bfa699f6588c2',
    );
  });
});

describe(demoUuid.name, () => {
  it('derives stable, distinct v4-shaped uuids', () => {
    expect(demoUuid('chart', 'a')).toBe(demoUuid('chart', 'a'));
    expect(demoUuid('chart', 'a')).not.toBe(demoUuid('dashboard', 'a'));
    expect(demoUuid('chart', 'a')).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(demoToken('x', 10)).toMatch(/^[A-Za-z0-9]{10}$/);
  });
});

describe(buildDemoContent.name, () => {
  const content = build();

  it('is the same for the same reference time', () => {
    expect(build()).toEqual(content);
  });

  it('has exactly the active users DEMO_USERNAMES names', () => {
    expect(content.users.filter((user) => user.active).map((user) => user.username)).toEqual(
      DEMO_USERNAMES,
    );
  });

  it('has the users, roles and group the brief describes', () => {
    expect(
      content.users.map((user) => [user.username, user.roles, user.groups, user.active]),
    ).toEqual([
      ['admin', ['Admin'], [], true],
      ['alpha', ['Alpha'], [], true],
      ['gamma', ['Gamma', 'sql_lab'], [], true],
      ['sales', ['Gamma', 'sales_analyst'], [], true],
      ['grace', ['Gamma'], ['analysts'], true],
      ['owner', ['Gamma'], [], true],
      ['nobody', [], [], true],
      ['inactive', ['Alpha'], [], false],
    ]);
    expect(content.roles.map((role) => role.name)).toEqual([
      'Admin',
      'Public',
      'Alpha',
      'Gamma',
      'sql_lab',
      'sales_analyst',
      'examples_schema',
      'dashboard_viewers',
    ]);
    expect(content.groups).toEqual([
      expect.objectContaining({ name: 'analysts', label: 'Analysts', roles: ['sales_analyst'] }),
    ]);
    const permissionNames = new Set(content.permissionViews.map(([permission]) => permission));
    expect(permissionNames.size).toBeGreaterThanOrEqual(60);
    expect(content.permissionViews.length).toBeGreaterThanOrEqual(180);
  });

  it('keeps every audit timestamp within the last 120 days', () => {
    const dated = [
      ...content.users,
      content.database,
      ...content.datasets,
      ...content.charts,
      ...content.dashboards,
      ...content.savedQueries,
    ];
    const oldest = NOW.getTime() - 121 * 86_400_000;
    for (const item of dated) {
      expect(item.createdOn.getTime()).toBeGreaterThan(oldest);
      expect(item.changedOn.getTime()).toBeLessThanOrEqual(NOW.getTime());
      expect(item.changedOn.getTime()).toBeGreaterThanOrEqual(item.createdOn.getTime());
    }
    for (const log of content.logs) {
      expect(log.dttm.getTime()).toBeLessThanOrEqual(NOW.getTime());
      expect(log.dttm.getTime()).toBeGreaterThan(oldest);
    }
    expect(
      content.logs.filter((log) => NOW.getTime() - log.dttm.getTime() < 7 * 86_400_000).length,
    ).toBeGreaterThan(0);
  });

  it('describes every physical examples table as a dataset with its columns', () => {
    for (const table of EXAMPLE_TABLE_DEFINITIONS) {
      const dataset = content.datasets.find((candidate) => candidate.tableName === table.name);
      expect(dataset?.schema).toBe('main');
      expect(
        dataset?.columns
          .filter((column) => column.expression === null)
          .map((c) => [c.name, c.type]),
      ).toEqual(table.columns.map((column) => [column.name, column.type]));
      expect(dataset?.metrics.find((metric) => metric.name === 'count')?.expression).toBe(
        'COUNT(*)',
      );
    }
    expect(content.datasets.filter((dataset) => dataset.sql !== null)).toHaveLength(1);
  });

  it('has ten or more viz types, and charts that refer to existing datasets and metrics', () => {
    expect(new Set(content.charts.map((chart) => chart.vizType)).size).toBeGreaterThanOrEqual(10);
    expect(content.charts.filter((chart) => chart.certifiedBy !== null)).toHaveLength(1);
    for (const chart of content.charts) {
      const dataset = content.datasets.find((candidate) => candidate.tableName === chart.dataset);
      expect(dataset).toBeDefined();
      const savedMetrics = new Set(dataset?.metrics.map((metric) => metric.name));
      const metrics = [chart.formData.metric, ...((chart.formData.metrics as unknown[]) ?? [])];
      for (const metric of metrics.filter((value) => typeof value === 'string')) {
        expect(savedMetrics).toContain(metric);
      }
      const params = JSON.parse(renderChartParams(chart, 42));
      expect(Object.keys(params).slice(0, 2)).toEqual(['datasource', 'viz_type']);
      expect(params).toMatchObject({ datasource: '42__table', viz_type: chart.vizType });
    }
  });

  it('has unique uuids across every object', () => {
    const uuids = [
      content.database.uuid,
      ...content.datasets.flatMap((dataset) => [
        dataset.uuid,
        ...dataset.columns.map((column) => column.uuid),
        ...dataset.metrics.map((metric) => metric.uuid),
      ]),
      ...content.charts.map((chart) => chart.uuid),
      ...content.dashboards.map((dashboard) => dashboard.uuid),
      ...content.savedQueries.map((query) => query.uuid),
    ];
    expect(new Set(uuids).size).toBe(uuids.length);
  });
});

describe(renderPositionJson.name, () => {
  const content = build();
  const ids = fakeIds(content);

  it('renders a consistent v2 tree for every dashboard, one of them with tabs', () => {
    let tabbed = 0;
    for (const dashboard of content.dashboards) {
      const layout = JSON.parse(renderPositionJson(dashboard, ids)) as Record<
        string,
        LayoutNode | string
      >;
      expect(layout.DASHBOARD_VERSION_KEY).toBe('v2');
      const nodes = Object.entries(layout).filter(
        (entry): entry is [string, LayoutNode] => typeof entry[1] !== 'string',
      );
      expect((layout.HEADER_ID as LayoutNode).meta?.text).toBe(dashboard.title);
      for (const [id, node] of nodes) {
        expect(node.id).toBe(id);
        for (const child of node.children ?? []) {
          const childNode = layout[child] as LayoutNode;
          expect(childNode.parents).toEqual([...(node.parents ?? []), id]);
        }
        if (node.type === 'CHART') {
          const chart = ids.chart(String(node.meta?.sliceName));
          expect(node.meta).toMatchObject({ chartId: chart.id, uuid: chart.uuid });
        }
      }
      if (nodes.some(([, node]) => node.type === 'TABS')) tabbed += 1;
      expect(renderPositionJson(dashboard, ids)).toBe(JSON.stringify(layout));
    }
    expect(tabbed).toBe(1);
  });
});

describe(renderJsonMetadata.name, () => {
  it('targets native filters at the sales dataset', () => {
    const content = build();
    const sales = content.dashboards.find((dashboard) => dashboard.slug === 'sales-overview');
    if (!sales) throw new Error('no sales dashboard');
    const ids = fakeIds(content);
    const metadata = JSON.parse(renderJsonMetadata(sales, ids));
    const salesId = ids.dataset('sales_orders');
    expect(
      metadata.native_filter_configuration.map(
        (filter: { filterType: string }) => filter.filterType,
      ),
    ).toEqual(['filter_select', 'filter_select', 'filter_time']);
    expect(metadata.native_filter_configuration[0].targets).toEqual([
      { datasetId: salesId, column: { name: 'region' } },
    ]);
    expect(metadata.native_filter_configuration[0].id).toMatch(/^NATIVE_FILTER-[A-Za-z0-9]{10}$/);
    expect(metadata.cross_filters_enabled).toBe(true);
    expect(Object.keys(metadata.chart_configuration)).toHaveLength(5);
  });
});
