import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { DatabasesRepository, backendOf } from '../../superset/databases/databases.repository.js';
import {
  createDataToolsFixture,
  type DataToolsFixture,
  WAREHOUSE_DATABASE,
  WAREHOUSE_DATABASE_UUID,
  WAREHOUSE_SECRETS,
  WEBSERVER,
} from '../datasets/data-tools.fixture.js';
import { DatabasesTools } from './databases.tool.js';

const BOTH = ['examples', WAREHOUSE_DATABASE];
const SECRET_KEYS = ['sqlalchemy_uri', 'password', 'encrypted_extra', 'server_cert', 'extra'];

describe(backendOf.name, () => {
  it.each([
    ['postgresql+psycopg2://u:XXXXXXXXXX@h:5432/db', 'postgresql'],
    ['postgresql://h/db', 'postgresql'],
    ['postgres://h/db', 'postgresql'],
    ['mysql+mysqldb://u@h/db', 'mysql'],
    ['sqlite:////srv/superset/examples.db', 'sqlite'],
    ['mssql+pyodbc://u@dsn', 'mssql'],
    ['BigQuery://project', 'bigquery'],
    ['not a uri', null],
    [null, null],
  ])('reads the engine of %s without the driver', (uri, backend) => {
    expect(backendOf(uri)).toBe(backend);
  });
});

describe.each(['sqlite', 'postgres'] as const)(`${DatabasesTools.name} on %s`, (dialect) => {
  let fixture: DataToolsFixture;

  beforeAll(async () => {
    fixture = await createDataToolsFixture(dialect, [DatabasesTools], [DatabasesRepository]);
  });

  afterAll(() => fixture.close());

  async function list(request: Record<string, unknown>, username = 'admin'): Promise<any> {
    const outcome = await fixture.call('list_databases', { request }, username);
    if (outcome.isError) throw new Error(outcome.text);
    return outcome.json;
  }

  async function names(request: Record<string, unknown>, username = 'admin'): Promise<string[]> {
    const result = await list({ ...request, select_columns: ['database_name'] }, username);
    if (result.error_type) throw new Error(result.error);
    return (result.databases as { database_name: string }[]).map((row) => row.database_name);
  }

  const info = async (request: Record<string, unknown>, username = 'admin'): Promise<any> => {
    const outcome = await fixture.call('get_database_info', { request }, username);
    if (outcome.isError) throw new Error(outcome.text);
    return outcome.json;
  };

  describe('list_databases', () => {
    it.each([
      ['admin', { examples: 5, warehouse: 1 }],
      ['alpha', { examples: 5, warehouse: 1 }],
      ['sales', { examples: 1 }],
      ['grace', { examples: 1 }],
      ['schemer', { examples: 5 }],
      ['gamma', {}],
      ['owner', {}],
    ])(
      'shows %s only accessible databases and the datasets they can use there',
      async (username, expected) => {
        const result = await list(
          { order_column: 'database_name', order_direction: 'asc' },
          username,
        );
        const counts = Object.fromEntries(
          (result.databases as { database_name: string; dataset_count: number }[]).map((row) => [
            row.database_name,
            row.dataset_count,
          ]),
        );
        expect(counts).toEqual(expected);
        expect(result.total_count).toBe(Object.keys(expected).length);
      },
    );

    it('refuses a user without can_read on Database in upstream words', async () => {
      const outcome = await fixture.call('list_databases', { request: {} }, 'nobody');
      expect(outcome).toMatchObject({
        isError: true,
        text: 'Permission denied: can_read on Database for user nobody (tool: list_databases)',
      });
    });

    it('answers an empty request with lean columns, newest changes first', async () => {
      const outcome = await fixture.call('list_databases', {}, 'admin');
      const result = outcome.json as any;
      expect(result.databases.map((d: { database_name: string }) => d.database_name)).toEqual([
        WAREHOUSE_DATABASE,
        'examples',
      ]);
      const [warehouse, examples] = result.databases;
      expect(Object.keys(examples)).toEqual([
        'id',
        'database_name',
        'backend',
        'expose_in_sqllab',
        'allow_dml',
        'dataset_count',
        'url',
        'changed_on',
        'changed_on_humanized',
      ]);
      expect(examples).toMatchObject({
        allow_dml: false,
        backend: 'sqlite',
        dataset_count: 5,
        expose_in_sqllab: true,
        id: fixture.summary.databaseId,
        url: `${WEBSERVER}/databaseview/list/`,
      });
      expect(warehouse).toMatchObject({
        allow_dml: true,
        backend: 'postgresql',
        expose_in_sqllab: false,
      });
      expect(result).toMatchObject({
        count: 2,
        has_next: false,
        page: 1,
        page_size: 10,
        total_count: 2,
        total_pages: 1,
      });
      expect(result.sortable_columns).toEqual(
        expect.arrayContaining(['id', 'database_name', 'changed_on', 'created_on']),
      );
    });

    it('summarises capabilities from the flags and the harmless extra switches', async () => {
      const result = await list({
        filters: [{ col: 'database_name', opr: 'eq', value: WAREHOUSE_DATABASE }],
        select_columns: [
          'capabilities',
          'allow_ctas',
          'allow_cvas',
          'allow_run_async',
          'allow_file_upload',
        ],
      });
      expect(result.databases[0]).toEqual({
        allow_ctas: true,
        allow_cvas: false,
        allow_file_upload: true,
        allow_run_async: true,
        capabilities: {
          async_queries: true,
          cost_estimate: true,
          create_table_as: true,
          create_view_as: false,
          data_preview: false,
          dml: true,
          file_upload: true,
          sql_lab: false,
          summary:
            'postgresql: hidden from SQL Lab; data-changing SQL allowed; CREATE TABLE AS allowed; ' +
            'queries run asynchronously; file upload allowed.',
          virtual_table_explore: true,
        },
      });
    });

    it('filters on every filter column', async () => {
      const admin = await fixture.userId('admin');
      const filtered = (col: string, opr: string, value?: unknown) =>
        names({
          filters: [{ col, opr, value }],
          order_column: 'database_name',
          order_direction: 'asc',
        });
      await expect(filtered('database_name', 'eq', 'examples')).resolves.toEqual(['examples']);
      await expect(filtered('database_name', 'ne', 'examples')).resolves.toEqual([
        WAREHOUSE_DATABASE,
      ]);
      await expect(filtered('database_name', 'sw', 'ware')).resolves.toEqual([WAREHOUSE_DATABASE]);
      await expect(filtered('database_name', 'ew', 'ples')).resolves.toEqual(['examples']);
      await expect(filtered('database_name', 'ct', 'a')).resolves.toEqual(BOTH);
      await expect(filtered('database_name', 'in', BOTH)).resolves.toEqual(BOTH);
      await expect(filtered('database_name', 'nin', ['examples'])).resolves.toEqual([
        WAREHOUSE_DATABASE,
      ]);
      await expect(filtered('database_name', 'like', 'ex%')).resolves.toEqual(['examples']);
      await expect(filtered('database_name', 'ilike', 'WARE%')).resolves.toEqual([
        WAREHOUSE_DATABASE,
      ]);
      await expect(filtered('database_name', 'gt', 'f')).resolves.toEqual([WAREHOUSE_DATABASE]);
      await expect(filtered('database_name', 'is_not_null')).resolves.toEqual(BOTH);
      await expect(filtered('expose_in_sqllab', 'eq', false)).resolves.toEqual([
        WAREHOUSE_DATABASE,
      ]);
      await expect(filtered('expose_in_sqllab', 'ne', 'false')).resolves.toEqual(['examples']);
      await expect(filtered('allow_file_upload', 'eq', true)).resolves.toEqual([
        WAREHOUSE_DATABASE,
      ]);
      await expect(filtered('created_by_fk', 'eq', admin)).resolves.toEqual(BOTH);
      await expect(filtered('changed_by_fk', 'ne', admin)).resolves.toEqual([]);
      await expect(
        names(
          { filters: [{ col: 'database_name', opr: 'eq', value: WAREHOUSE_DATABASE }] },
          'sales',
        ),
      ).resolves.toEqual([]);
    });

    it('returns filter problems as isError results listing what is allowed', async () => {
      await expect(
        list({ filters: [{ col: 'sqlalchemy_uri', opr: 'ct', value: 'secret' }] }),
      ).rejects.toThrow(
        'request.filters.0.col: not a filter column of databases. Filterable columns: ' +
          'allow_file_upload, changed_by_fk, created_by_fk, database_name, expose_in_sqllab',
      );
      await expect(
        list({ filters: [{ col: 'expose_in_sqllab', opr: 'sw', value: 't' }] }),
      ).rejects.toThrow(/request\.filters\.0\.opr: .*eq, ne/);
      await expect(
        list({ filters: [{ col: 'expose_in_sqllab', opr: 'eq', value: 'maybe' }] }),
      ).rejects.toThrow(/request\.filters\.0\.value: .*boolean/);
    });

    it('searches database names case-insensitively', async () => {
      await expect(names({ search: 'WARE' })).resolves.toEqual([WAREHOUSE_DATABASE]);
      await expect(names({ search: 'secret-host' })).resolves.toEqual([]);
    });

    it('orders, pages and refuses pages past the end', async () => {
      await expect(
        names({ order_column: 'database_name', order_direction: 'asc' }),
      ).resolves.toEqual(BOTH);
      await expect(names({ order_column: 'id', order_direction: 'desc' })).resolves.toEqual([
        WAREHOUSE_DATABASE,
        'examples',
      ]);
      await expect(names({ order_column: 'created_on', order_direction: 'asc' })).resolves.toEqual(
        BOTH,
      );
      const second = await list({
        order_column: 'database_name',
        order_direction: 'asc',
        page: 2,
        page_size: 1,
      });
      expect(second).toMatchObject({
        count: 1,
        has_next: false,
        has_previous: true,
        total_pages: 2,
      });
      expect(second.databases[0].database_name).toBe(WAREHOUSE_DATABASE);
      await expect(list({ page: 3, page_size: 1 })).resolves.toMatchObject({
        error_type: 'PageOutOfRange',
      });
      await expect(list({ order_column: 'backend' })).rejects.toThrow(
        /request\.order_column: .*Sortable columns: /,
      );
      await expect(list({ select_columns: ['sqlalchemy_uri'] })).rejects.toThrow(
        'request.select_columns: unknown column sqlalchemy_uri',
      );
    });
  });

  describe('get_database_info', () => {
    it('finds a database by id, numeric text, UUID and aliases', async () => {
      const id = fixture.warehouseDatabaseId;
      const byId = await info({ identifier: id });
      expect(byId).toMatchObject({
        allow_ctas: true,
        allow_dml: true,
        backend: 'postgresql',
        database_name: WAREHOUSE_DATABASE,
        dataset_count: 1,
        force_ctas_schema: null,
        id,
        impersonate_user: false,
        url: `${WEBSERVER}/databaseview/list/`,
        uuid: WAREHOUSE_DATABASE_UUID,
      });
      expect(byId.capabilities.summary).toMatch(/^postgresql: /);
      expect(byId.changed_on_humanized).toMatch(/^(just now|a minute ago|\d+ minutes ago)$/);
      await expect(info({ identifier: String(id) })).resolves.toMatchObject({ id });
      await expect(info({ id })).resolves.toMatchObject({ id });
      await expect(info({ database_id: id })).resolves.toMatchObject({ id });
      await expect(
        info({ identifier: WAREHOUSE_DATABASE_UUID.toUpperCase() }),
      ).resolves.toMatchObject({ id });
    });

    it('counts only the datasets the caller may use', async () => {
      const examples = { identifier: fixture.summary.databaseId };
      await expect(info(examples, 'admin')).resolves.toMatchObject({ dataset_count: 5 });
      await expect(info(examples, 'sales')).resolves.toMatchObject({ dataset_count: 1 });
      await expect(info(examples, 'schemer')).resolves.toMatchObject({ dataset_count: 5 });
    });

    it('hides what the caller may not access behind the same not-found answer', async () => {
      const hidden = await info({ identifier: fixture.warehouseDatabaseId }, 'sales');
      const missing = await info({ identifier: 424_242 }, 'sales');
      expect(hidden).toMatchObject({
        error: `No database found with identifier '${fixture.warehouseDatabaseId}'.`,
        error_type: 'NotFound',
        suggestions: missing.suggestions,
      });
      await expect(
        info({ identifier: fixture.summary.databaseId }, 'gamma'),
      ).resolves.toMatchObject({
        error_type: 'NotFound',
      });
      await expect(info({ identifier: 'examples' })).resolves.toMatchObject({
        error_type: 'NotFound',
      });
      await expect(
        info({ identifier: '00000000-0000-4000-8000-000000000000' }),
      ).resolves.toMatchObject({
        error_type: 'NotFound',
      });
    });

    it('rejects bad requests and callers without the permission', async () => {
      const missing = await fixture.call('get_database_info', { request: {} }, 'admin');
      expect(missing.text).toContain('identifier is required');
      const unknown = await fixture.call(
        'get_database_info',
        { request: { identifier: 1, select_columns: ['x'] } },
        'admin',
      );
      expect(unknown.isError).toBe(true);
      expect(unknown.text).toContain('select_columns');
      const denied = await fixture.call(
        'get_database_info',
        { request: { identifier: 1 } },
        'nobody',
      );
      expect(denied.text).toBe(
        'Permission denied: can_read on Database for user nobody (tool: get_database_info)',
      );
    });
  });

  it('never returns a URI, host, user name, password, encrypted extra or certificate', async () => {
    const all = await list({ select_columns: (await list({})).columns_available });
    const one = await info({ identifier: fixture.warehouseDatabaseId });
    const byUuid = await info({ identifier: WAREHOUSE_DATABASE_UUID });
    expect(all.databases).toHaveLength(2);
    for (const output of [JSON.stringify(all), JSON.stringify(one), JSON.stringify(byUuid)]) {
      for (const secret of Object.values(WAREHOUSE_SECRETS)) expect(output).not.toContain(secret);
      expect(output).not.toContain('XXXXXXXXXX');
      expect(output).not.toContain('/srv/examples-fixture');
      expect(output).not.toMatch(/(postgresql|sqlite)(\+\w+)?:\/\//);
    }
    for (const item of [...all.databases, one]) {
      for (const key of SECRET_KEYS) expect(item).not.toHaveProperty(key);
    }
  });
});
