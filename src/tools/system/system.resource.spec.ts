import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { MetadataDialect } from '../../superset/database/metadata-dialect.js';
import { CHART_CONFIG_EXAMPLES } from './chart-config-examples.js';
import { MODEL_TYPES, modelSchema } from './model-schema.js';
import { createSystemFixture, type SystemFixture, WEBSERVER } from './system-features.fixture.js';
import { SystemResources } from './system.resource.js';

async function readJson(client: Client, uri: string): Promise<any> {
  const result = await client.readResource({ uri });
  expect(result.contents).toHaveLength(1);
  const [content] = result.contents;
  expect(content).toMatchObject({ mimeType: 'application/json', uri });
  return JSON.parse((content as { text: string }).text);
}

describe.each<MetadataDialect>(['sqlite', 'postgres'])(
  `${SystemResources.name} on %s`,
  (dialect) => {
    let fixture: SystemFixture;
    const clients = new Map<string, Client>();

    beforeAll(async () => {
      fixture = await createSystemFixture(dialect);
      for (const username of ['admin', 'sales', 'gamma', 'nobody']) {
        clients.set(username, await fixture.connect(await fixture.caller(username)));
      }
    }, 120_000);

    afterAll(() => fixture?.close());

    const client = (username: string) => clients.get(username)!;

    it('lists instance://metadata and chart://configs, and the schema template apart', async () => {
      const { resources } = await client('gamma').listResources();
      expect(resources.map((resource) => resource.uri).sort()).toEqual([
        'chart://configs',
        'instance://metadata',
      ]);
      const { resourceTemplates } = await client('gamma').listResourceTemplates();
      expect(resourceTemplates.map((template) => template.uriTemplate)).toEqual([
        'superset://schema/{model_type}',
      ]);
    });

    describe('instance://metadata', () => {
      it('gives Admin every dataset, the chart types in use and the engines', async () => {
        const metadata = await readJson(client('admin'), 'instance://metadata');
        const datasetCount = Object.keys(fixture.summary.datasetIds).length;
        expect(metadata.instance_summary.total_datasets).toBe(datasetCount);
        expect(metadata.accessible_summary.datasets).toBe(datasetCount);
        expect(metadata.available_datasets_total).toBe(datasetCount);
        expect(metadata.available_datasets).toHaveLength(Math.min(datasetCount, 20));
        expect(metadata.available_datasets[0]).toEqual({
          database_id: fixture.summary.databaseId,
          database_name: 'examples',
          id: expect.any(Number),
          schema: 'main',
          table_name: expect.any(String),
          url: `${WEBSERVER}/explore/?datasource_type=table&datasource_id=${metadata.available_datasets[0].id}`,
        });
        const rows = await fixture.query(
          'SELECT viz_type, COUNT(*) AS n FROM slices GROUP BY viz_type',
        );
        expect(metadata.chart_types_in_use).toHaveLength(rows.length);
        expect(metadata.chart_types_in_use).toEqual(
          expect.arrayContaining(
            rows.map((row) => ({ charts: Number(row.n), viz_type: String(row.viz_type) })),
          ),
        );
        expect(metadata.chart_types).toEqual(
          CHART_CONFIG_EXAMPLES.map((example) => example.viz_type),
        );
        expect(metadata.database_engines).toEqual(['sqlite']);
        expect(metadata.current_user).toEqual({ roles: ['Admin'], username: 'admin' });
        expect(metadata.tips.join('\n')).toContain('get_instance_info');
      });

      it('shows a user with one dataset grant that dataset and its charts only', async () => {
        const metadata = await readJson(client('sales'), 'instance://metadata');
        const salesId = fixture.summary.datasetIds.sales_orders;
        expect(metadata.available_datasets.map((dataset: { id: number }) => dataset.id)).toEqual([
          salesId,
        ]);
        expect(metadata.available_datasets_total).toBe(1);
        const rows = await fixture.query(
          'SELECT viz_type, COUNT(*) AS n FROM slices WHERE datasource_id = ? GROUP BY viz_type',
          [salesId],
        );
        expect(
          metadata.chart_types_in_use.map((row: { viz_type: string }) => row.viz_type).sort(),
        ).toEqual(rows.map((row) => String(row.viz_type)).sort());
        expect(metadata.data_access.dataset_ids).toEqual([salesId]);
        expect(metadata.database_engines).toEqual(['sqlite']);
        expect(metadata.instance_summary).toMatchObject({
          total_charts: rows.reduce((sum, row) => sum + Number(row.n), 0),
          total_databases: 1,
          total_datasets: 1,
        });
      });

      it('shows Gamma without data grants no datasets, chart types or engines', async () => {
        const metadata = await readJson(client('gamma'), 'instance://metadata');
        expect(metadata.available_datasets).toEqual([]);
        expect(metadata.available_datasets_total).toBe(0);
        expect(metadata.chart_types_in_use).toEqual([]);
        expect(metadata.database_engines).toEqual([]);
      });

      it('gives a user without roles only tips for the tools they have', async () => {
        const metadata = await readJson(client('nobody'), 'instance://metadata');
        expect(metadata.accessible_summary).toEqual({
          charts: null,
          dashboards: null,
          databases: null,
          datasets: null,
        });
        expect(metadata.available_datasets).toEqual([]);
        expect(metadata.instance_summary).toEqual({
          total_charts: 0,
          total_dashboards: 0,
          total_databases: 0,
          total_datasets: 0,
        });
        const tips = metadata.tips.join('\n');
        expect(tips).toContain('get_instance_info');
        expect(tips).not.toMatch(/list_dashboards|list_charts|get_dataset_info|get_schema/);
      });
    });

    describe('superset://schema/{model_type}', () => {
      it.each(MODEL_TYPES)('returns the same %s schema as get_schema', async (modelType) => {
        await expect(readJson(client('gamma'), `superset://schema/${modelType}`)).resolves.toEqual(
          modelSchema(modelType),
        );
      });

      it('returns every model type under all', async () => {
        const all = await readJson(client('admin'), 'superset://schema/all');
        expect(all.model_types).toEqual([...MODEL_TYPES]);
        for (const modelType of MODEL_TYPES) {
          expect(all.schemas[modelType]).toEqual(modelSchema(modelType));
        }
      });

      it('rejects an unknown model type, naming the valid ones', async () => {
        await expect(
          client('admin').readResource({ uri: 'superset://schema/report' }),
        ).rejects.toThrow(
          'model types: chart, dataset, dashboard, database, query, saved_query, all',
        );
      });

      it('refuses a user without Dataset can_read, as get_schema does', async () => {
        await expect(
          client('nobody').readResource({ uri: 'superset://schema/chart' }),
        ).rejects.toThrow(
          'Permission denied: can_read on Dataset for user nobody (resource: superset://schema/chart)',
        );
      });

      it('completes the model type', async () => {
        const result = await client('admin').complete({
          argument: { name: 'model_type', value: 'da' },
          ref: { type: 'ref/resource', uri: 'superset://schema/{model_type}' },
        });
        expect(result.completion.values).toEqual(['dataset', 'dashboard', 'database']);
      });
    });

    describe('chart://configs', () => {
      it('returns form_data examples whose viz_type matches, colour schemes and practices', async () => {
        const configs = await readJson(client('nobody'), 'chart://configs');
        expect(configs.examples.length).toBeGreaterThanOrEqual(8);
        for (const example of configs.examples) {
          expect(example.form_data.viz_type).toBe(example.viz_type);
          expect(example.use_for).not.toBe('');
        }
        expect(configs.color_schemes.categorical).toContain('supersetColors');
        expect(configs.time_grains).toMatchObject({ P1D: 'day', P1M: 'month' });
        expect(configs.best_practices.length).toBeGreaterThan(3);
      });

      it('uses only viz types the demo content itself saves, or Superset built-ins', async () => {
        const rows = await fixture.query('SELECT DISTINCT viz_type FROM slices');
        const demoTypes = new Set(rows.map((row) => String(row.viz_type)));
        const others = CHART_CONFIG_EXAMPLES.map((example) => example.viz_type).filter(
          (vizType) => !demoTypes.has(vizType),
        );
        expect(others).toEqual(['echarts_timeseries_scatter']);
      });
    });
  },
);

describe(`${SystemResources.name} with token scopes`, () => {
  let fixture: SystemFixture;

  beforeAll(async () => {
    fixture = await createSystemFixture('sqlite', {
      MCP_TOOL_SCOPES: { read: 'mcp:read', write: 'mcp:write' },
    });
  }, 120_000);

  afterAll(() => fixture?.close());

  it('needs the read scope, like the read tools', async () => {
    const without = await fixture.connect(await fixture.caller('admin', []));
    await expect(without.readResource({ uri: 'instance://metadata' })).rejects.toThrow(
      'Permission denied: missing scope mcp:read for user admin (resource: instance://metadata)',
    );
    await expect(without.readResource({ uri: 'chart://configs' })).rejects.toThrow(
      'missing scope mcp:read',
    );
    const withScope = await fixture.connect(await fixture.caller('admin', ['mcp:read']));
    await expect(readJson(withScope, 'instance://metadata')).resolves.toMatchObject({
      current_user: { username: 'admin' },
    });
  });
});
