import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { MetadataDialect } from '../../superset/database/metadata-dialect.js';
import { modelSchema } from './model-schema.js';
import { SchemaTools } from './schema.tool.js';
import { createSystemFixture, type SystemFixture } from './system-features.fixture.js';
import { SystemTools } from './system.tool.js';

describe.each<MetadataDialect>(['sqlite', 'postgres'])('system tools on %s', (dialect) => {
  let fixture: SystemFixture;
  let totals: { dashboards: number; charts: number; datasets: number; databases: number };
  let salesCharts: number;

  const count = async (sql: string, parameters: unknown[] = []) =>
    Number((await fixture.query(sql, parameters))[0].n);

  beforeAll(async () => {
    fixture = await createSystemFixture(dialect);
    totals = {
      charts: await count('SELECT COUNT(*) AS n FROM slices'),
      dashboards: await count('SELECT COUNT(*) AS n FROM dashboards'),
      databases: await count('SELECT COUNT(*) AS n FROM dbs'),
      datasets: await count('SELECT COUNT(*) AS n FROM tables'),
    };
    salesCharts = await count('SELECT COUNT(*) AS n FROM slices WHERE datasource_id = ?', [
      fixture.summary.datasetIds.sales_orders,
    ]);
  }, 120_000);

  afterAll(() => fixture?.close());

  async function instanceInfo(username: string): Promise<any> {
    const outcome = await fixture.callTool(
      'get_instance_info',
      { request: {} },
      await fixture.caller(username),
    );
    if (outcome.isError) throw new Error(outcome.text);
    return outcome.json;
  }

  /** No count above zero, no name, no engine: nothing of the instance shows through. */
  function expectSeesNothing(info: any): void {
    expect(info.instance_summary).toEqual({
      avg_charts_per_dashboard: 0,
      total_charts: 0,
      total_dashboards: 0,
      total_databases: 0,
      total_datasets: 0,
      total_roles: null,
      total_tags: 0,
      total_users: null,
    });
    expect(Object.values(info.recent_activity)).toEqual(
      Object.values(info.recent_activity).map(() => 0),
    );
    expect(info.dashboard_breakdown).toEqual({
      certified: 0,
      published: 0,
      unpublished: 0,
      with_charts: 0,
      without_charts: 0,
    });
    expect(info.database_breakdown).toEqual({ by_type: {} });
    expect(info.popular_content).toEqual({ top_creators: [], top_tags: [] });
  }

  describe(SystemTools.name, () => {
    it('keeps the instance totals and shows Admin everything as reachable', async () => {
      const info = await instanceInfo('admin');
      expect(info.instance_summary).toMatchObject({
        total_charts: totals.charts,
        total_dashboards: totals.dashboards,
        total_databases: totals.databases,
        total_datasets: totals.datasets,
      });
      expect(info.accessible_summary).toEqual(totals);
      expect(info.data_access).toEqual({
        all_databases: true,
        all_datasources: true,
        catalogs: [],
        database_ids: [],
        dataset_ids: [],
        schemas: [],
      });
      expect(info.current_user).toMatchObject({ roles: ['Admin'], username: 'admin' });
      expect(info.instance_summary.total_users).toBe(
        await count('SELECT COUNT(*) AS n FROM ab_user'),
      );
      expect(info.instance_summary.total_roles).toBe(
        await count('SELECT COUNT(*) AS n FROM ab_role'),
      );
      expect(info.popular_content.top_creators.length).toBeGreaterThan(0);
    });

    it('shows Alpha all data but only the published dashboards', async () => {
      const info = await instanceInfo('alpha');
      expect(info.accessible_summary).toEqual({ ...totals, dashboards: 2 });
      expect(info.data_access).toMatchObject({ all_databases: true, all_datasources: true });
      expect(info.instance_summary).toMatchObject({
        total_charts: totals.charts,
        total_dashboards: 2,
        total_databases: totals.databases,
        total_datasets: totals.datasets,
        total_roles: null,
        total_users: null,
      });
      expect(info.dashboard_breakdown).toMatchObject({ published: 2, unpublished: 0 });
    });

    it('shows Gamma without data grants nothing, in every figure', async () => {
      const info = await instanceInfo('gamma');
      expectSeesNothing(info);
      expect(info.accessible_summary).toEqual({
        charts: 0,
        dashboards: 0,
        databases: 0,
        datasets: 0,
      });
      expect(info.data_access).toEqual({
        all_databases: false,
        all_datasources: false,
        catalogs: [],
        database_ids: [],
        dataset_ids: [],
        schemas: [],
      });
    });

    it.each(['sales', 'grace'])(
      'scopes %s to the sales dataset, its charts and its database',
      async (username) => {
        const info = await instanceInfo(username);
        expect(info.accessible_summary).toEqual({
          charts: salesCharts,
          dashboards: 1,
          databases: 1,
          datasets: 1,
        });
        expect(info.data_access).toMatchObject({
          all_datasources: false,
          dataset_ids: [fixture.summary.datasetIds.sales_orders],
          schemas: [],
        });
        expect(info.instance_summary).toMatchObject({
          total_charts: salesCharts,
          total_dashboards: 1,
          total_databases: 1,
          total_datasets: 1,
          total_roles: null,
          total_users: null,
        });
        const creators = await fixture.query(
          'SELECT DISTINCT u.username FROM slices s JOIN ab_user u ON u.id = s.created_by_fk WHERE s.datasource_id = ?',
          [fixture.summary.datasetIds.sales_orders],
        );
        expect([...info.popular_content.top_creators].sort()).toEqual(
          creators.map((row) => String(row.username)).sort(),
        );
      },
    );

    it('shows an owner their unpublished dashboard and no data', async () => {
      const info = await instanceInfo('owner');
      expect(info.accessible_summary).toEqual({
        charts: 0,
        dashboards: 1,
        databases: 0,
        datasets: 0,
      });
    });

    it('reports null for every kind a user without roles may not read', async () => {
      const info = await instanceInfo('nobody');
      expect(info.accessible_summary).toEqual({
        charts: null,
        dashboards: null,
        databases: null,
        datasets: null,
      });
      expect(info.current_user.roles).toEqual([]);
      expectSeesNothing(info);
    });
  });

  describe(SchemaTools.name, () => {
    it.each(['chart', 'dataset', 'dashboard', 'database'] as const)(
      'returns the %s schema inside the request wrapper',
      async (modelType) => {
        const outcome = await fixture.callTool(
          'get_schema',
          { request: { model_type: modelType } },
          await fixture.caller('gamma'),
        );
        expect(outcome).toEqual({ isError: false, json: modelSchema(modelType) });
      },
    );

    it('rejects an unknown model type and unknown fields by name', async () => {
      const caller = await fixture.caller('admin');
      const unknownType = await fixture.callTool(
        'get_schema',
        { request: { model_type: 'report' } },
        caller,
      );
      expect(unknownType).toMatchObject({ isError: true });
      expect(unknownType.isError && unknownType.text).toMatch(
        /^Validation error in get_schema: request\.model_type/,
      );
      const unknownField = await fixture.callTool(
        'get_schema',
        { request: { model_type: 'chart', verbose: true } },
        caller,
      );
      expect(unknownField.isError && unknownField.text).toContain('verbose');
    });

    it("refuses a user without Dataset can_read in upstream's words", async () => {
      const outcome = await fixture.callTool(
        'get_schema',
        { request: { model_type: 'chart' } },
        await fixture.caller('nobody'),
      );
      expect(outcome).toEqual({
        isError: true,
        text: 'Permission denied: can_read on Dataset for user nobody (tool: get_schema)',
      });
    });
  });
});
