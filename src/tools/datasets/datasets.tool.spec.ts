import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { DatasetsRepository } from '../../superset/datasets/datasets.repository.js';
import {
  createDataToolsFixture,
  type DataToolsFixture,
  WAREHOUSE_DATASET,
  WAREHOUSE_SECRETS,
  WEBSERVER,
} from './data-tools.fixture.js';
import { DatasetsTools } from './datasets.tool.js';

const EXAMPLES = ['birth_names', 'energy_flows', 'monthly_revenue', 'sales_orders', 'web_sessions'];
const ALL = [...EXAMPLES, WAREHOUSE_DATASET].sort();
// By changed_on, newest first: the warehouse dataset was added now, the demo ones days ago.
const NEWEST_FIRST = [
  WAREHOUSE_DATASET,
  'web_sessions',
  'monthly_revenue',
  'sales_orders',
  'birth_names',
  'energy_flows',
];
const OPEN = '<UNTRUSTED-CONTENT>';

describe.each(['sqlite', 'postgres'] as const)(`${DatasetsTools.name} on %s`, (dialect) => {
  let fixture: DataToolsFixture;

  beforeAll(async () => {
    fixture = await createDataToolsFixture(dialect, [DatasetsTools], [DatasetsRepository]);
  });

  afterAll(() => fixture.close());

  async function list(request: Record<string, unknown>, username = 'admin'): Promise<any> {
    const outcome = await fixture.call('list_datasets', { request }, username);
    if (outcome.isError) throw new Error(outcome.text);
    return outcome.json;
  }

  async function names(request: Record<string, unknown>, username = 'admin'): Promise<string[]> {
    const result = await list(
      { page_size: 100, ...request, select_columns: ['table_name'] },
      username,
    );
    if (result.error_type) throw new Error(result.error);
    return (result.datasets as { table_name: string }[]).map((row) => row.table_name);
  }

  const sorted = async (request: Record<string, unknown>, username = 'admin') =>
    (await names(request, username)).sort();

  const info = async (request: Record<string, unknown>, username = 'admin'): Promise<any> => {
    const outcome = await fixture.call('get_dataset_info', { request }, username);
    if (outcome.isError) throw new Error(outcome.text);
    return outcome.json;
  };

  describe('list_datasets', () => {
    it.each([
      ['admin', ALL],
      ['alpha', ALL],
      ['sales', ['sales_orders']],
      ['grace', ['sales_orders']],
      ['schemer', EXAMPLES],
      ['gamma', []],
      ['owner', []],
    ])('shows %s exactly the datasets Superset lets them access', async (username, expected) => {
      const result = await list({ page_size: 100 }, username);
      expect((result.datasets as { table_name: string }[]).map((d) => d.table_name).sort()).toEqual(
        expected,
      );
      expect(result.total_count).toBe(expected.length);
      expect(result.count).toBe(expected.length);
    });

    it('refuses a user without can_read on Dataset in upstream words', async () => {
      const outcome = await fixture.call('list_datasets', {}, 'nobody');
      expect(outcome).toMatchObject({
        isError: true,
        text: 'Permission denied: can_read on Dataset for user nobody (tool: list_datasets)',
      });
    });

    it('answers an empty request with lean columns, newest changes first, page 1 of 10', async () => {
      const result = await list({});
      expect(result.datasets.map((d: { table_name: string }) => d.table_name)).toEqual(
        NEWEST_FIRST,
      );
      expect(Object.keys(result.datasets[0])).toEqual([
        'id',
        'table_name',
        'schema',
        'database_name',
        'description',
        'certified_by',
        'certification_details',
        'url',
        'changed_on',
        'changed_on_humanized',
      ]);
      expect(result).toMatchObject({
        count: 6,
        has_next: false,
        has_previous: false,
        page: 1,
        page_size: 10,
        total_count: 6,
        total_pages: 1,
      });
      expect(result.columns_available).toEqual(
        expect.arrayContaining(['sql', 'columns', 'metrics']),
      );
      expect(result.sortable_columns).toEqual(
        expect.arrayContaining(['id', 'table_name', 'schema', 'changed_on', 'created_on']),
      );
      const sales = result.datasets.find(
        (d: { table_name: string }) => d.table_name === 'sales_orders',
      );
      expect(sales).toMatchObject({
        certification_details: `${OPEN}\nReconciled with the ERP monthly.\n</UNTRUSTED-CONTENT>`,
        certified_by: `${OPEN}\nSales Ops\n</UNTRUSTED-CONTENT>`,
        database_name: 'examples',
        schema: 'main',
        url: `${WEBSERVER}/explore/?datasource_type=table&datasource_id=${fixture.summary.datasetIds.sales_orders}`,
      });
      expect(sales.description).toMatch(/^<UNTRUSTED-CONTENT>\nOne row per order/);
      expect(sales.changed_on_humanized).toMatch(/^(29 days|a month) ago$/);
    });

    it.each([
      [{ col: 'table_name', opr: 'eq', value: 'sales_orders' }, ['sales_orders']],
      [
        { col: 'table_name', opr: 'ne', value: 'sales_orders' },
        ALL.filter((n) => n !== 'sales_orders'),
      ],
      [{ col: 'table_name', opr: 'sw', value: 'web' }, ['web_sessions']],
      [{ col: 'table_name', opr: 'ew', value: '_names' }, ['birth_names']],
      [{ col: 'table_name', opr: 'ct', value: 'revenue' }, ['monthly_revenue']],
      [{ col: 'table_name', opr: 'ct', value: '%' }, []],
      [
        { col: 'table_name', opr: 'in', value: ['birth_names', 'web_sessions'] },
        ['birth_names', 'web_sessions'],
      ],
      [
        { col: 'table_name', opr: 'nin', value: ['birth_names', 'web_sessions'] },
        ['energy_flows', 'monthly_revenue', 'sales_orders', WAREHOUSE_DATASET],
      ],
      [{ col: 'table_name', opr: 'like', value: '%_orders' }, ['sales_orders', WAREHOUSE_DATASET]],
      [{ col: 'table_name', opr: 'ilike', value: 'SALES%' }, ['sales_orders']],
      [{ col: 'schema', opr: 'eq', value: 'main' }, EXAMPLES],
      [{ col: 'schema', opr: 'is_null' }, [WAREHOUSE_DATASET]],
      [{ col: 'schema', opr: 'is_not_null' }, EXAMPLES],
      [{ col: 'database_name', opr: 'eq', value: 'warehouse' }, [WAREHOUSE_DATASET]],
      [{ col: 'database_name', opr: 'sw', value: 'exam' }, EXAMPLES],
    ])('filters on %j', async (filter, expected) => {
      await expect(sorted({ filters: [filter] })).resolves.toEqual([...expected].sort());
    });

    it('filters on database id, creator, editor and owner ids with comparisons', async () => {
      const examplesId = fixture.summary.databaseId;
      const alpha = await fixture.userId('alpha');
      const admin = await fixture.userId('admin');
      const owner = await fixture.userId('owner');
      const filtered = (col: string, opr: string, value: unknown) =>
        sorted({ filters: [{ col, opr, value }] });
      await expect(filtered('database_id', 'eq', examplesId)).resolves.toEqual(EXAMPLES);
      await expect(filtered('database_id', 'gt', examplesId)).resolves.toEqual([WAREHOUSE_DATASET]);
      await expect(filtered('database_id', 'gte', examplesId)).resolves.toEqual(ALL);
      await expect(filtered('database_id', 'lt', examplesId)).resolves.toEqual([]);
      await expect(filtered('database_id', 'lte', String(examplesId))).resolves.toEqual(EXAMPLES);
      await expect(filtered('created_by_fk', 'eq', alpha)).resolves.toEqual([
        'monthly_revenue',
        'web_sessions',
      ]);
      await expect(filtered('changed_by_fk', 'in', [alpha])).resolves.toEqual([
        'monthly_revenue',
        'web_sessions',
      ]);
      await expect(filtered('owner', 'eq', owner)).resolves.toEqual(['birth_names']);
      await expect(filtered('editor', 'eq', alpha)).resolves.toEqual([
        'monthly_revenue',
        'sales_orders',
        'web_sessions',
      ]);
      await expect(filtered('editor', 'nin', [admin, alpha])).resolves.toEqual([WAREHOUSE_DATASET]);
      await expect(filtered('owner', 'ne', admin)).resolves.toEqual(
        ['monthly_revenue', 'web_sessions', WAREHOUSE_DATASET].sort(),
      );
    });

    it('keeps the access filter under every user filter', async () => {
      await expect(
        names({ filters: [{ col: 'database_name', opr: 'eq', value: 'warehouse' }] }, 'sales'),
      ).resolves.toEqual([]);
      const result = await list(
        { filters: [{ col: 'table_name', opr: 'sw', value: 's' }] },
        'sales',
      );
      expect(result.total_count).toBe(1);
    });

    it('returns filter, operator and value problems as isError results listing what is allowed', async () => {
      await expect(list({ filters: [{ col: 'sql', opr: 'eq', value: 'x' }] })).rejects.toThrow(
        /request\.filters\.0\.col: .*database_name, editor, owner, schema, table_name/,
      );
      await expect(list({ filters: [{ col: 'owner', opr: 'sw', value: 1 }] })).rejects.toThrow(
        /request\.filters\.0\.opr: .*eq, ne, in, nin/,
      );
      await expect(
        list({ filters: [{ col: 'database_id', opr: 'eq', value: 'one' }] }),
      ).rejects.toThrow(/request\.filters\.0\.value: .*integer/);
      const badOperator = await fixture.call(
        'list_datasets',
        { request: { filters: [{ col: 'table_name', opr: 'regex', value: 'x' }] } },
        'admin',
      );
      expect(badOperator.isError).toBe(true);
      expect(badOperator.text).toContain('Validation error in list_datasets: request.filters');
    });

    it('searches table name, schema and description case-insensitively', async () => {
      await expect(sorted({ search: 'REVENUE' })).resolves.toEqual(['monthly_revenue']);
      await expect(sorted({ search: 'MAIN' })).resolves.toEqual(EXAMPLES);
      await expect(sorted({ search: 'ignore previous' })).resolves.toEqual([WAREHOUSE_DATASET]);
      await expect(sorted({ search: '100%' })).resolves.toEqual([]);
      const both = await fixture.call(
        'list_datasets',
        { request: { search: 'x', filters: [{ col: 'schema', opr: 'eq', value: 'main' }] } },
        'admin',
      );
      expect(both.isError).toBe(true);
      expect(both.text).toContain("Cannot use both 'search' and 'filters'");
    });

    it('orders by any sortable column in either direction', async () => {
      await expect(names({ order_column: 'table_name', order_direction: 'asc' })).resolves.toEqual(
        ALL,
      );
      await expect(names({ order_column: 'table_name', order_direction: 'desc' })).resolves.toEqual(
        [...ALL].reverse(),
      );
      await expect(names({ order_column: 'changed_on', order_direction: 'asc' })).resolves.toEqual(
        [...NEWEST_FIRST].reverse(),
      );
      const byId = await list({
        order_column: 'id',
        order_direction: 'asc',
        select_columns: ['id'],
      });
      const ids = byId.datasets.map((d: { id: number }) => d.id);
      expect(ids).toEqual([...ids].sort((a, b) => a - b));
      const byDatabase = await names({ order_column: 'database_name', order_direction: 'desc' });
      expect(byDatabase[0]).toBe(WAREHOUSE_DATASET);
      await expect(list({ order_column: 'sql' })).rejects.toThrow(
        /request\.order_column: .*Sortable columns: changed_on, changed_on_humanized, /,
      );
    });

    it('pages from 1, reports the page counts and refuses pages past the end', async () => {
      const pages = [];
      for (const page of [1, 2, 3]) {
        const result = await list({
          page,
          page_size: 2,
          order_column: 'table_name',
          order_direction: 'asc',
          select_columns: ['table_name'],
        });
        expect(result).toMatchObject({
          count: 2,
          has_next: page < 3,
          has_previous: page > 1,
          page,
          page_size: 2,
          total_count: 6,
          total_pages: 3,
        });
        pages.push(...result.datasets.map((d: { table_name: string }) => d.table_name));
      }
      expect(pages).toEqual(ALL);
      await expect(list({ page: 4, page_size: 2 })).resolves.toMatchObject({
        error_type: 'PageOutOfRange',
      });
      await expect(list({}, 'gamma')).resolves.toMatchObject({ total_count: 0, total_pages: 0 });
      for (const request of [{ page: 0 }, { page_size: 101 }, { page_size: 0 }]) {
        const outcome = await fixture.call('list_datasets', { request }, 'admin');
        expect(outcome.isError).toBe(true);
      }
    });

    it('returns selected columns, heavy ones included, and rejects unknown ones', async () => {
      const result = await list({
        filters: [{ col: 'table_name', opr: 'eq', value: 'monthly_revenue' }],
        select_columns: [
          'id',
          'uuid',
          'is_virtual',
          'sql',
          'columns',
          'metrics',
          'owners',
          'edit_url',
        ],
      });
      const [dataset] = result.datasets;
      expect(Object.keys(dataset)).toEqual([
        'id',
        'uuid',
        'is_virtual',
        'sql',
        'columns',
        'metrics',
        'owners',
        'edit_url',
      ]);
      expect(dataset.is_virtual).toBe(true);
      expect(dataset.sql).toContain('FROM sales_orders');
      expect(dataset.sql.startsWith(OPEN)).toBe(true);
      expect(dataset.uuid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-/);
      expect(dataset.columns).toEqual([
        { column_name: 'month', is_dttm: true, type: 'DATE' },
        { column_name: 'region', is_dttm: false, type: 'VARCHAR(255)' },
        { column_name: 'orders', is_dttm: false, type: 'INTEGER' },
        { column_name: 'revenue', is_dttm: false, type: 'FLOAT' },
      ]);
      expect(dataset.owners).toEqual([
        {
          first_name: 'Alice',
          id: await fixture.userId('alpha'),
          last_name: 'Martin',
          username: 'alpha',
        },
      ]);
      expect(dataset.edit_url).toBe(`${WEBSERVER}/tablemodelview/list/`);
      expect(result.columns_requested).toEqual(result.columns_loaded);
      const physical = await list({
        filters: [{ col: 'table_name', opr: 'eq', value: 'sales_orders' }],
        columns: 'table_name, is_virtual, sql',
      });
      expect(physical.datasets).toEqual([
        { is_virtual: false, sql: null, table_name: 'sales_orders' },
      ]);
      await expect(list({ select_columns: ['table_name', 'password'] })).rejects.toThrow(
        'Validation error in list_datasets: request.select_columns: unknown column password. ' +
          'Allowed columns: ',
      );
    });

    it('narrows to what the caller created, edited or owns', async () => {
      await expect(sorted({ created_by_me: true }, 'alpha')).resolves.toEqual([
        'monthly_revenue',
        'web_sessions',
      ]);
      await expect(sorted({ edited_by_me: true }, 'alpha')).resolves.toEqual([
        'monthly_revenue',
        'web_sessions',
      ]);
      await expect(sorted({ owned_by_me: true }, 'alpha')).resolves.toEqual([
        'monthly_revenue',
        'sales_orders',
        'web_sessions',
      ]);
      await expect(sorted({ owned_by_me: true }, 'owner')).resolves.toEqual([]);
    });

    it('rejects unknown request fields by name', async () => {
      const outcome = await fixture.call('list_datasets', { request: { limit: 5 } }, 'admin');
      expect(outcome.isError).toBe(true);
      expect(outcome.text).toContain('limit');
    });
  });

  describe('get_dataset_info', () => {
    it('returns the default fields by id, numeric text, UUID and every alias', async () => {
      const id = fixture.summary.datasetIds.sales_orders;
      const byId = await info({ identifier: id });
      expect(Object.keys(byId)).toEqual([
        'id',
        'table_name',
        'schema',
        'database_name',
        'database_id',
        'uuid',
        'is_virtual',
        'description',
        'main_dttm_col',
        'sql',
        'url',
        'columns',
        'metrics',
        'metrics_note',
      ]);
      expect(byId).toMatchObject({
        database_id: fixture.summary.databaseId,
        database_name: 'examples',
        id,
        is_virtual: false,
        main_dttm_col: 'order_date',
        schema: 'main',
        sql: null,
        table_name: 'sales_orders',
      });
      expect(byId.metrics_note).toContain('"saved_metric": true');
      await expect(info({ identifier: String(id) })).resolves.toEqual(byId);
      await expect(info({ id })).resolves.toEqual(byId);
      await expect(info({ dataset_id: id })).resolves.toEqual(byId);
      await expect(info({ identifier: byId.uuid.toUpperCase() })).resolves.toEqual(byId);
    });

    it('describes columns and saved metrics', async () => {
      const dataset = await info({
        identifier: fixture.summary.datasetIds.sales_orders,
        column_fields: ['verbose_name', 'groupby', 'filterable', 'description', 'expression'],
      });
      const orderYear = dataset.columns.find(
        (c: { column_name: string }) => c.column_name === 'order_year',
      );
      expect(orderYear).toEqual({
        column_name: 'order_year',
        description: `${OPEN}\nCalendar year of the order date\n</UNTRUSTED-CONTENT>`,
        expression: `${OPEN}\nstrftime('%Y', order_date)\n</UNTRUSTED-CONTENT>`,
        filterable: true,
        groupby: true,
        verbose_name: `${OPEN}\nOrder year\n</UNTRUSTED-CONTENT>`,
      });
      expect(dataset.columns[0]).toMatchObject({ column_name: 'order_id', groupby: false });
      expect(dataset.metrics).toContainEqual({
        d3format: '$,.0f',
        description: `${OPEN}\nTotal order value\n</UNTRUSTED-CONTENT>`,
        expression: `${OPEN}\nSUM(revenue)\n</UNTRUSTED-CONTENT>`,
        metric_name: 'sum__revenue',
        verbose_name: `${OPEN}\nRevenue\n</UNTRUSTED-CONTENT>`,
      });
      expect(dataset.metrics).toHaveLength(5);
    });

    it('shows the SQL of a virtual dataset', async () => {
      const dataset = await info({ identifier: fixture.summary.datasetIds.monthly_revenue });
      expect(dataset.is_virtual).toBe(true);
      expect(dataset.sql).toMatch(
        /^<UNTRUSTED-CONTENT>\nSELECT date\(order_date, 'start of month'\) AS month,/,
      );
      expect(dataset.sql).toContain("WHERE status <> 'Cancelled'");
    });

    it('leaves inactive columns out', async () => {
      const dataset = await info({
        identifier: fixture.warehouseDatasetId,
        select_columns: ['columns'],
      });
      expect(dataset).toEqual({
        columns: [{ column_name: 'order_id', is_dttm: false, type: 'BIGINT' }],
      });
    });

    it('returns extra fields on request, certification from extra', async () => {
      const dataset = await info({
        identifier: fixture.summary.datasetIds.sales_orders,
        select_columns:
          'certified_by,certification_details,owners,extra,schema_perm,offset,cache_timeout,params,template_params,changed_on,changed_on_humanized,created_on,created_on_humanized,catalog,edit_url',
      });
      expect(dataset).toMatchObject({
        cache_timeout: null,
        catalog: null,
        certification_details: `${OPEN}\nReconciled with the ERP monthly.\n</UNTRUSTED-CONTENT>`,
        certified_by: `${OPEN}\nSales Ops\n</UNTRUSTED-CONTENT>`,
        extra: {
          certification: {
            certified_by: `${OPEN}\nSales Ops\n</UNTRUSTED-CONTENT>`,
            details: `${OPEN}\nReconciled with the ERP monthly.\n</UNTRUSTED-CONTENT>`,
          },
        },
        offset: 0,
        params: null,
        schema_perm: '[examples].[main]',
        template_params: null,
      });
      expect(dataset.owners.map((o: { username: string }) => o.username)).toEqual([
        'admin',
        'alpha',
      ]);
      expect(dataset.metrics_note).toBeUndefined();
      expect(Date.parse(dataset.created_on)).toBeLessThan(Date.parse(dataset.changed_on));
    });

    it('hides what the caller may not access behind the same not-found answer', async () => {
      const missing = await info({ identifier: 999_999 }, 'sales');
      const hidden = await info({ identifier: fixture.summary.datasetIds.birth_names }, 'sales');
      expect(missing).toMatchObject({ error_type: 'NotFound' });
      expect(hidden).toMatchObject({ error_type: 'NotFound', suggestions: missing.suggestions });
      expect(hidden.error).toBe(
        `No dataset found with identifier '${fixture.summary.datasetIds.birth_names}'.`,
      );
      await expect(
        info({ identifier: fixture.summary.datasetIds.sales_orders }, 'sales'),
      ).resolves.toMatchObject({
        table_name: 'sales_orders',
      });
      await expect(
        info({ identifier: fixture.summary.datasetIds.sales_orders }, 'gamma'),
      ).resolves.toMatchObject({
        error_type: 'NotFound',
      });
      await expect(
        info({ identifier: '0f0f0f0f-0000-4000-8000-000000000000' }),
      ).resolves.toMatchObject({
        error_type: 'NotFound',
      });
      await expect(info({ identifier: 'sales_orders' })).resolves.toMatchObject({
        error_type: 'NotFound',
      });
    });

    it('rejects bad requests with messages naming the problem', async () => {
      await expect(info({ identifier: 1, select_columns: ['password'] })).rejects.toThrow(
        'Validation error in get_dataset_info: request.select_columns: unknown name password. ' +
          'Allowed: id, table_name,',
      );
      await expect(info({ identifier: 1, column_fields: ['nullable'] })).rejects.toThrow(
        'request.column_fields: unknown name nullable. Allowed: column_name,',
      );
      const missing = await fixture.call('get_dataset_info', { request: {} }, 'admin');
      expect(missing).toMatchObject({ isError: true });
      expect(missing.text).toContain('identifier is required');
      const unknown = await fixture.call(
        'get_dataset_info',
        { request: { identifier: 1, table: 'x' } },
        'admin',
      );
      expect(unknown.isError).toBe(true);
      expect(unknown.text).toContain('table');
      const denied = await fixture.call(
        'get_dataset_info',
        { request: { identifier: 1 } },
        'nobody',
      );
      expect(denied.text).toBe(
        'Permission denied: can_read on Dataset for user nobody (tool: get_dataset_info)',
      );
    });

    it('never returns the connection URI or credentials of the database', async () => {
      const every = await list({
        page_size: 100,
        select_columns: (await list({})).columns_available,
      });
      const one = await info({
        identifier: fixture.warehouseDatasetId,
        select_columns: [
          'id',
          'table_name',
          'database_name',
          'database_id',
          'extra',
          'params',
          'owners',
          'columns',
          'metrics',
          'sql',
        ],
      });
      for (const output of [JSON.stringify(every), JSON.stringify(one)]) {
        for (const secret of Object.values(WAREHOUSE_SECRETS)) expect(output).not.toContain(secret);
        expect(output).not.toContain('/srv/examples-fixture');
      }
      expect(every.datasets).toHaveLength(6);
    });
  });
});

describe(`${DatasetsTools.name} on a Superset 4.0 metadata database`, () => {
  let fixture: DataToolsFixture;

  beforeAll(async () => {
    fixture = await createDataToolsFixture(
      'sqlite',
      [DatasetsTools],
      [DatasetsRepository],
      'legacy4',
    );
  });

  afterAll(() => fixture.close());

  it('lists and describes datasets without the catalog column', async () => {
    const listed = await fixture.call(
      'list_datasets',
      {
        request: {
          select_columns: ['table_name', 'catalog'],
          order_column: 'table_name',
          order_direction: 'asc',
        },
      },
      'admin',
    );
    expect((listed.json as any).datasets[0]).toEqual({ catalog: null, table_name: 'birth_names' });
    const described = await fixture.call(
      'get_dataset_info',
      {
        request: {
          identifier: fixture.summary.datasetIds.monthly_revenue,
          select_columns: ['catalog', 'sql'],
        },
      },
      'sales',
    );
    expect(described.json).toMatchObject({ error_type: 'NotFound' });
    const asAdmin = await fixture.call(
      'get_dataset_info',
      {
        request: {
          identifier: fixture.summary.datasetIds.monthly_revenue,
          select_columns: ['catalog', 'sql'],
        },
      },
      'admin',
    );
    expect((asAdmin.json as any).catalog).toBeNull();
    expect((asAdmin.json as any).sql).toContain('FROM sales_orders');
  });
});
