import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { uuidFromDb } from '../src/superset/database/metadata-values.js';
import {
  SEEDED_STATUSES,
  seedSqlLabHistory,
  type SqlLabHistory,
} from '../src/superset/queries/sql-lab-history.fixture.js';
import { DEMO_FIXTURES, type DemoFixture, withoutMarkers } from './support/demo-fixtures.js';
import { hmacSecret, signedToken } from './support/jwt-tokens.js';
import { connectClient, type ConnectedClient } from './support/mcp-client.js';
import { startServiceProcess, type ServiceProcess } from './support/service-process.js';

const SECRET = 'e2e-sql-lab-history-secret-0123456789abcdef';
/** Queries and saved queries seeded per user: more than one default page. */
const PER_USER = 12;

interface Outcome {
  readonly isError: boolean;
  readonly text: string;
  readonly json: Record<string, any>;
}

const sortedIds = (values: Iterable<number>) => [...values].sort((a, b) => a - b);

describe.each(DEMO_FIXTURES)('SQL Lab history and saved queries on %s', (_name, createFixture) => {
  let fixture: DemoFixture;
  let service: ServiceProcess;
  let history: SqlLabHistory;
  let databaseId: number;
  let userIds: Record<string, number>;
  let demoSavedQueryId: number;
  const clients = new Map<string, ConnectedClient>();

  /** Inserts into a FAB table, whose ids come from detached sequences on Postgres. */
  async function insertFab(table: string, values: Record<string, unknown>): Promise<number> {
    const columns = Object.keys(values);
    const postgres = fixture.dialect === 'postgres';
    const [row] = await fixture.run(
      `INSERT INTO ${table} (${postgres ? 'id, ' : ''}${columns.join(', ')}) VALUES (${
        postgres ? `nextval('${table}_id_seq'), ` : ''
      }${columns.map(() => '?').join(', ')}) RETURNING id`,
      Object.values(values),
    );
    return Number(row.id);
  }

  async function grantRole(username: string, role: string): Promise<void> {
    const [found] = await fixture.run('SELECT id FROM ab_role WHERE name = ?', [role]);
    await insertFab('ab_user_role', { role_id: Number(found.id), user_id: userIds[username] });
  }

  beforeAll(async () => {
    fixture = await createFixture();
    userIds = Object.fromEntries(
      (await fixture.run('SELECT id, username FROM ab_user')).map((row) => [
        String(row.username),
        Number(row.id),
      ]),
    );
    databaseId = Number((await fixture.run('SELECT id FROM dbs'))[0].id);
    demoSavedQueryId = Number((await fixture.run('SELECT id FROM saved_query'))[0].id);
    // gamma (Gamma + sql_lab) may use the examples database in SQL Lab; sales (Gamma with one
    // dataset) gets SQL Lab but no database access, so sees the database without using it.
    const roleId = await insertFab('ab_role', { name: 'examples_sql' });
    const [databaseAccess] = await fixture.run(
      `SELECT pv.id FROM ab_permission_view pv JOIN ab_permission p ON p.id = pv.permission_id
       WHERE p.name = 'database_access'`,
    );
    await insertFab('ab_permission_view_role', {
      permission_view_id: Number(databaseAccess.id),
      role_id: roleId,
    });
    await grantRole('gamma', 'examples_sql');
    await grantRole('sales', 'sql_lab');
    history = await seedSqlLabHistory(
      fixture.run,
      fixture.dialect,
      databaseId,
      { admin: userIds.admin, gamma: userIds.gamma, sales: userIds.sales },
      PER_USER,
    );
    service = await startServiceProcess({
      ...fixture.env,
      MCP_AUTH_ENABLED: 'true',
      MCP_JWT_ALGORITHM: 'HS256',
      MCP_JWT_SECRET: SECRET,
      // Not UTC, so that reading query.changed_on (naive UTC) as local time would show.
      TZ: 'America/New_York',
    });
  });

  afterAll(async () => {
    for (const client of clients.values()) await client.close();
    await service?.stop();
    await fixture?.close();
  });

  async function as(username: string): Promise<ConnectedClient> {
    let client = clients.get(username);
    if (!client) {
      const token = await signedToken({ sub: username }, hmacSecret(SECRET), { alg: 'HS256' });
      client = await connectClient(service.url, { Authorization: `Bearer ${token}` });
      clients.set(username, client);
    }
    return client;
  }

  async function call(username: string, tool: string, request: unknown): Promise<Outcome> {
    const mcp = await as(username);
    const result = await mcp.client.callTool({
      arguments: request === undefined ? {} : { request },
      name: tool,
    });
    const text = (result.content as { text: string }[])[0].text;
    let json: Record<string, any> = {};
    try {
      json = JSON.parse(text) as Record<string, any>;
    } catch {
      // Errors are plain text.
    }
    return { isError: result.isError === true, json, text };
  }

  async function ok(username: string, tool: string, request: unknown = {}) {
    const outcome = await call(username, tool, request);
    expect(outcome.isError, outcome.text).toBe(false);
    expect(outcome.json.error_type, outcome.text).toBeUndefined();
    return outcome.json;
  }

  async function invalid(username: string, tool: string, request: unknown, field: string) {
    const outcome = await call(username, tool, request);
    expect(outcome.isError, outcome.text).toBe(true);
    expect(outcome.text).toMatch(new RegExp(`^Validation error in ${tool}`));
    expect(outcome.text).toContain(field);
  }

  async function listIds(username: string, tool: string, items: string, request = {}) {
    const page = await ok(username, tool, { page_size: 100, select_columns: ['id'], ...request });
    expect(page.count).toBe(page.total_count);
    return (page[items] as { id: number }[]).map((item) => item.id);
  }

  const savedQueryCount = async () =>
    Number((await fixture.run('SELECT COUNT(*) AS n FROM saved_query'))[0].n);

  it('lists each user their own queries, and Admin everyone', async () => {
    expect(sortedIds(await listIds('gamma', 'list_queries', 'queries'))).toEqual(
      sortedIds(history.queries.gamma),
    );
    expect(sortedIds(await listIds('sales', 'list_queries', 'queries'))).toEqual(
      sortedIds(history.queries.sales),
    );
    expect(sortedIds(await listIds('admin', 'list_queries', 'queries'))).toEqual(
      sortedIds(Object.values(history.queries).flat()),
    );
  });

  it('lists each user their own saved queries, and Admin everyone', async () => {
    expect(sortedIds(await listIds('gamma', 'list_saved_queries', 'saved_queries'))).toEqual(
      sortedIds([...history.savedQueries.gamma, demoSavedQueryId]),
    );
    expect(sortedIds(await listIds('sales', 'list_saved_queries', 'saved_queries'))).toEqual(
      sortedIds(history.savedQueries.sales),
    );
    const every = (await fixture.run('SELECT id FROM saved_query')).map((row) => Number(row.id));
    expect(sortedIds(await listIds('admin', 'list_saved_queries', 'saved_queries'))).toEqual(
      sortedIds(every),
    );
  });

  it('refuses the tools to a user without the SQL Lab permissions, in upstream words', async () => {
    for (const [tool, viewMenu] of [
      ['list_queries', 'Query'],
      ['list_saved_queries', 'SavedQuery'],
    ]) {
      const outcome = await call('alpha', tool, {});
      expect(outcome.isError).toBe(true);
      expect(outcome.text).toBe(
        `Permission denied: can_read on ${viewMenu} for user alpha (tool: ${tool})`,
      );
    }
  });

  it('defaults to the lean columns, newest first, 10 a page', async () => {
    const page = await ok('gamma', 'list_queries');
    const schema = await ok('admin', 'get_schema', { model_type: 'query' });
    expect(page).toMatchObject({
      columns_loaded: schema.default_columns,
      count: 10,
      has_next: true,
      page: 1,
      page_size: 10,
      total_count: PER_USER,
      total_pages: 2,
    });
    for (const item of page.queries) expect(Object.keys(item)).toEqual(schema.default_columns);
    // Seeded runs end later the later they were written.
    expect(page.queries.map((item: { id: number }) => item.id)).toEqual(
      [...history.queries.gamma].reverse().slice(0, 10),
    );
    expect(page.queries[0].url).toMatch(/\/sqllab\/\?queryId=\d+$/);
  });

  it('filters, searches, orders, pages and selects columns', async () => {
    const failed = await listIds('gamma', 'list_queries', 'queries', {
      filters: [{ col: 'status', opr: 'eq', value: 'failed' }],
    });
    expect(sortedIds(failed)).toEqual(
      history.queries.gamma.filter((_, i) => SEEDED_STATUSES[i % 3] === 'failed'),
    );
    // Another user's id filters nothing in: the access filter stays.
    expect(
      await listIds('gamma', 'list_queries', 'queries', {
        filters: [{ col: 'user_id', opr: 'eq', value: userIds.sales }],
      }),
    ).toEqual([]);
    expect(
      sortedIds(
        await listIds('admin', 'list_queries', 'queries', {
          filters: [{ col: 'user_id', opr: 'eq', value: userIds.sales }],
        }),
      ),
    ).toEqual(sortedIds(history.queries.sales));
    const searched = await ok('gamma', 'list_queries', {
      page_size: 100,
      search: 'gamma tab 1',
      select_columns: ['id', 'tab_name'],
    });
    expect(sortedIds(searched.queries.map((item: { id: number }) => item.id))).toEqual(
      [1, 10, 11].map((i) => history.queries.gamma[i]),
    );
    expect(withoutMarkers(searched.queries[0].tab_name)).toMatch(/^gamma tab 1/);
    const ascending = await ok('gamma', 'list_queries', {
      order_column: 'start_time',
      order_direction: 'asc',
      page: 2,
      page_size: 5,
      select_columns: ['id', 'sql', 'start_time'],
    });
    expect(ascending.queries.map((item: { id: number }) => item.id)).toEqual(
      history.queries.gamma.slice(5, 10),
    );
    expect(Object.keys(ascending.queries[0])).toEqual(['id', 'sql', 'start_time']);
    expect(ascending.queries[0].sql).toBe('SELECT 5 AS gamma_n');
    const labelled = await ok('gamma', 'list_saved_queries', {
      filters: [{ col: 'label', opr: 'sw', value: 'gamma saved 1' }],
      order_column: 'label',
      order_direction: 'asc',
      select_columns: ['id', 'label', 'sql', 'url'],
    });
    expect(
      labelled.saved_queries.map((item: { label: string }) => withoutMarkers(item.label)),
    ).toEqual(['gamma saved 1', 'gamma saved 10', 'gamma saved 11']);
    expect(labelled.saved_queries[0].url).toMatch(/\/sqllab\/\?savedQueryId=\d+$/);
    const searchedSaved = await listIds('gamma', 'list_saved_queries', 'saved_queries', {
      search: 'highest revenue',
    });
    expect(searchedSaved).toEqual([demoSavedQueryId]);
  });

  it('reads one query or saved query the caller may see, NotFound otherwise', async () => {
    const own = history.queries.gamma[1];
    const info = await ok('gamma', 'get_query_info', { identifier: own });
    expect(info).toMatchObject({
      database_id: databaseId,
      database_name: 'examples',
      executed_sql: 'SELECT 1 AS gamma_n\nLIMIT 1001',
      id: own,
      limit: 1000,
      rows: 1,
      sql: 'SELECT 1 AS gamma_n',
      status: 'failed',
      username: 'gamma',
    });
    expect(info.duration_ms).toBe(250);
    // The fixture writes changed_on (naive UTC) at the start time.
    expect(Date.parse(info.changed_on)).toBe(info.start_time);
    expect((await ok('admin', 'get_query_info', { id: String(own) })).id).toBe(own);
    for (const identifier of [history.queries.sales[0], 2_000_000_000, 'abc']) {
      const missing = await call('gamma', 'get_query_info', { identifier });
      expect(missing.isError).toBe(false);
      expect(missing.json).toMatchObject({ error_type: 'NotFound' });
    }
    const [uuidRow] = await fixture.run('SELECT uuid FROM saved_query WHERE id = ?', [
      history.savedQueries.gamma[0],
    ]);
    const uuid = uuidFromDb(uuidRow.uuid)!;
    const saved = await ok('gamma', 'get_saved_query_info', { identifier: uuid });
    expect(saved).toMatchObject({
      created_by: 'gamma',
      db_id: databaseId,
      id: history.savedQueries.gamma[0],
      sql: 'SELECT 0 AS gamma_n',
      uuid,
    });
    expect(withoutMarkers(saved.label)).toBe('gamma saved 0');
    const hidden = await call('sales', 'get_saved_query_info', { identifier: uuid });
    expect(hidden.json).toMatchObject({ error_type: 'NotFound' });
    expect(
      (await ok('admin', 'get_saved_query_info', { saved_query_id: demoSavedQueryId })).id,
    ).toBe(demoSavedQueryId);
  });

  it('refuses bad input with a validation error naming the field', async () => {
    await invalid(
      'gamma',
      'list_queries',
      { filters: [{ col: 'nope', opr: 'eq', value: 1 }] },
      'col',
    );
    await invalid('gamma', 'list_queries', { order_column: 'sql' }, 'order_column');
    await invalid('gamma', 'list_queries', { select_columns: ['password'] }, 'select_columns');
    await invalid('gamma', 'list_saved_queries', { page_size: 101 }, 'page_size');
    await invalid('gamma', 'get_query_info', {}, 'identifier');
    await invalid('gamma', 'get_saved_query_info', { identifier: 0 }, 'identifier');
    const save = { database_id: databaseId, label: 'x', sql: 'SELECT 1' };
    const before = await savedQueryCount();
    await invalid('gamma', 'save_sql_query', { ...save, label: '' }, 'label');
    await invalid('gamma', 'save_sql_query', { ...save, label: '   ' }, 'label');
    await invalid('gamma', 'save_sql_query', { ...save, label: 'x'.repeat(257) }, 'label');
    await invalid('gamma', 'save_sql_query', { database_id: databaseId, label: 'x' }, 'sql');
    await invalid('gamma', 'save_sql_query', { ...save, database_id: 0 }, 'database_id');
    await invalid('gamma', 'save_sql_query', { ...save, schema: 's'.repeat(129) }, 'schema');
    await invalid('gamma', 'save_sql_query', { ...save, sql: 'SELECT \u0000' }, 'sql');
    await invalid(
      'gamma',
      'save_sql_query',
      { ...save, schema: 'a', schema_name: 'b' },
      'schema_name',
    );
    await invalid('gamma', 'open_sql_lab_with_context', {}, 'database_connection_id');
    await invalid(
      'gamma',
      'open_sql_lab_with_context',
      { database_id: databaseId, sql: 'x'.repeat(10_001) },
      'sql',
    );
    expect(await savedQueryCount()).toBe(before);
  });

  it('saves a query as Superset does, and lists it to its owner only', async () => {
    const sql = "SELECT city, SUM(revenue) AS revenue\nFROM sales_orders\nWHERE status <> 'x'";
    const saved = await ok('gamma', 'save_sql_query', {
      database_id: databaseId,
      description: 'Revenue by city',
      label: 'Revenue by city',
      schema: 'main',
      sql,
    });
    expect(saved).toMatchObject({
      database_id: databaseId,
      description: 'Revenue by city',
      label: 'Revenue by city',
      schema_name: 'main',
      sql,
    });
    expect(saved.url).toMatch(new RegExp(`/sqllab/\\?savedQueryId=${saved.id}$`));
    const [row] = await fixture.run('SELECT * FROM saved_query WHERE id = ?', [saved.id]);
    expect(row).toMatchObject({
      changed_by_fk: userIds.gamma,
      created_by_fk: userIds.gamma,
      db_id: databaseId,
      description: 'Revenue by city',
      extra_json: '{}',
      label: 'Revenue by city',
      schema: 'main',
      sql,
      user_id: userIds.gamma,
    });
    expect(uuidFromDb(row.uuid)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-/);
    expect(row.created_on).not.toBeNull();
    expect(row.changed_on).not.toBeNull();
    expect(row.last_run).toBeNull();
    const listed = await listIds('gamma', 'list_saved_queries', 'saved_queries');
    expect(listed).toContain(saved.id);
    expect(await listIds('sales', 'list_saved_queries', 'saved_queries')).not.toContain(saved.id);
    const info = await ok('gamma', 'get_saved_query_info', { identifier: saved.id });
    expect(info).toMatchObject({ created_by: 'gamma', sql, uuid: uuidFromDb(row.uuid) });
    // Without schema or description Superset stores empty strings.
    const bare = await ok('admin', 'save_sql_query', {
      database_id: databaseId,
      label: 'bare',
      sql: 'SELECT 1',
    });
    const [bareRow] = await fixture.run(
      'SELECT schema, description FROM saved_query WHERE id = ?',
      [bare.id],
    );
    expect(bareRow).toEqual({ description: '', schema: '' });
  });

  it('refuses to save on a database the caller may not use in SQL Lab', async () => {
    const before = await savedQueryCount();
    const request = { database_id: databaseId, label: 'nope', sql: 'SELECT 1' };
    const sales = await call('sales', 'save_sql_query', request);
    expect(sales.isError).toBe(true);
    expect(sales.text).toBe(
      `Permission denied: no access to database examples (id ${databaseId}) in SQL Lab for user sales (tool: save_sql_query)`,
    );
    const alpha = await call('alpha', 'save_sql_query', request);
    expect(alpha.text).toBe(
      'Permission denied: can_write on SavedQuery for user alpha (tool: save_sql_query)',
    );
    const unknown = await call('admin', 'save_sql_query', { ...request, database_id: 999_999 });
    expect(unknown.json).toMatchObject({ error_type: 'NotFound' });
    expect(await savedQueryCount()).toBe(before);
  });

  it('builds a SQL Lab link with the SQL encoded, writing nothing', async () => {
    const before = await savedQueryCount();
    const sql = "SELECT 'a & b' AS x, 100 % 7 AS y -- é?#\nFROM t";
    const link = await ok('gamma', 'open_sql_lab_with_context', {
      database_connection_id: databaseId,
      schema: 'main',
      sql,
      title: 'My tab',
    });
    expect(link).toMatchObject({
      database_id: databaseId,
      error: null,
      schema_name: 'main',
      title: 'My tab',
    });
    const url = new URL(link.url);
    expect(url.pathname).toBe('/sqllab/');
    expect(url.searchParams.get('dbid')).toBe(String(databaseId));
    expect(url.searchParams.get('schema')).toBe('main');
    expect(url.searchParams.get('sql')).toBe(sql);
    expect(url.searchParams.get('title')).toBe('My tab');
    expect(link.url).not.toMatch(/[\s'#é]/);
    const context = await ok('gamma', 'open_sql_lab_with_context', {
      database_id: databaseId,
      dataset_in_context: 'sales_orders',
      schema_name: 'main',
    });
    expect(new URL(context.url).searchParams.get('sql')).toBe(
      "-- Context: Working with dataset 'sales_orders'\n-- Database: examples\n-- Schema: main\n\nSELECT * FROM main.sales_orders LIMIT 100;",
    );
    const hidden = await call('gamma', 'open_sql_lab_with_context', { database_id: 999_999 });
    expect(hidden.json).toMatchObject({ error_type: 'NotFound' });
    expect(await savedQueryCount()).toBe(before);
  });
});
