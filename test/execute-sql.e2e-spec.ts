import { join } from 'node:path';
import { createServer } from 'node:net';

import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { loadDemoContent } from '../src/demo/demo-loader.js';
import { createExamplesDatabase } from '../src/demo/examples-data.js';
import { createMetadataSchema } from '../src/demo/metadata-schema.js';
import { postgresRunner } from '../src/demo/sql-runner.js';
import { SecretCipher } from '../src/sql/secret-cipher.js';
import {
  createTemporaryPostgresDatabase,
  type TemporaryPostgresDatabase,
} from '../src/superset/database/temporary-postgres-database.fixture.js';
import { hmacSecret, signedToken } from './support/jwt-tokens.js';
import { type ConnectedClient, connectClient, toolJson } from './support/mcp-client.js';
import {
  startServiceProcess,
  temporaryDataDir,
  type ServiceProcess,
} from './support/service-process.js';

const SECRET_KEY = 'execute-sql-e2e-secret-key';
const JWT_SECRET = 'execute-sql-e2e-jwt-secret-0123456789abcdef';
const TARGET_PASSWORD = 'S3cret-target-pw';

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function executeSql(mcp: ConnectedClient, request: Record<string, unknown>) {
  return mcp.client.callTool({ arguments: { request }, name: 'execute_sql' });
}

async function sql(mcp: ConnectedClient, request: Record<string, unknown>) {
  return toolJson(await executeSql(mcp, request));
}

describe('execute_sql on a Postgres metadata database and a real Postgres target', () => {
  const data = temporaryDataDir();
  let metadata: TemporaryPostgresDatabase;
  let target: TemporaryPostgresDatabase;
  let service: ServiceProcess;
  const clients: ConnectedClient[] = [];
  const ids = { warehouse: 0, dml: 0, hidden: 0, down: 0, lake: 0 };

  const connectAs = async (username: string) => {
    const token = await signedToken({ sub: username }, hmacSecret(JWT_SECRET), { alg: 'HS256' });
    const mcp = await connectClient(service.url, { Authorization: `Bearer ${token}` });
    clients.push(mcp);
    return mcp;
  };

  const queryRows = async () =>
    (
      await metadata.client.query<{
        client_id: string;
        database_id: number;
        user_id: number;
        status: string;
        schema: string | null;
        sql: string;
        executed_sql: string | null;
        rows: number | null;
        limit: number | null;
        start_time: string;
        end_time: string | null;
        error_message: string | null;
        select_as_cta: boolean;
      }>('SELECT * FROM query ORDER BY id')
    ).rows;

  beforeAll(async () => {
    [metadata, target] = await Promise.all([
      createTemporaryPostgresDatabase(),
      createTemporaryPostgresDatabase(),
    ]);
    await target.client.query(`
      CREATE TABLE orders (
        id bigint PRIMARY KEY, customer text NOT NULL, amount numeric(10, 2),
        placed_at timestamptz, paid boolean);
      INSERT INTO orders VALUES
        (1, 'Ada', 12.50, '2024-03-01T10:00:00Z', true),
        (2, 'Grace', NULL, NULL, false),
        (9007199254740993, 'Linus', 99999999.99, '2024-03-02T11:30:00.123456Z', true);`);
    const run = postgresRunner(metadata.client);
    await createMetadataSchema(run, 'postgres');
    const examplesFile = join(data.dir, 'examples.db');
    createExamplesDatabase(examplesFile);
    await loadDemoContent(run, 'postgres', { examplesUri: `sqlite:///${examplesFile}` });
    const cipher = new SecretCipher(SECRET_KEY);
    const register = async (
      name: string,
      uri: string,
      flags: { allowDml?: boolean; expose?: boolean } = {},
    ) => {
      const inserted = await metadata.client.query<{ id: number }>(
        `INSERT INTO dbs (created_on, changed_on, database_name, sqlalchemy_uri, password,
           allow_dml, expose_in_sqllab, allow_file_upload, extra)
         VALUES (now(), now(), $1, $2, $3, $4, $5, false, '{}') RETURNING id`,
        [name, uri, cipher.encrypt(TARGET_PASSWORD), flags.allowDml ?? false, flags.expose ?? true],
      );
      return inserted.rows[0].id;
    };
    const targetUri = (port = 5432) =>
      `postgresql+psycopg2://postgres:XXXXXXXXXX@127.0.0.1:${port}/${target.name}`;
    ids.warehouse = await register('warehouse', targetUri());
    ids.dml = await register('warehouse_dml', targetUri(), { allowDml: true });
    ids.hidden = await register('hidden', targetUri(), { expose: false });
    ids.down = await register('down', targetUri(await closedPort()));
    ids.lake = await register('lake', 'trino://user@trino.example:8080/hive');
    service = await startServiceProcess({
      SQLALCHEMY_DATABASE_URI: metadata.uri,
      SECRET_KEY,
      MCP_AUTH_ENABLED: 'true',
      MCP_JWT_ALGORITHM: 'HS256',
      MCP_JWT_SECRET: JWT_SECRET,
      // Superset's list forbids pg_sleep; this test needs a long query to cancel.
      DISALLOWED_SQL_FUNCTIONS: JSON.stringify({ postgresql: ['version', 'pg_read_file'] }),
    });
  }, 120_000);

  afterAll(async () => {
    for (const mcp of clients) await mcp.close().catch(() => undefined);
    await service?.stop();
    await Promise.all([metadata?.drop(), target?.drop()]);
    data.remove();
  });

  it('runs a SELECT with typed, JSON-safe values and writes a successful query row', async () => {
    const admin = await connectAs('admin');
    const before = (await queryRows()).length;
    const result = await sql(admin, {
      database_id: ids.warehouse,
      sql: 'SELECT id, customer, amount, placed_at, paid FROM orders ORDER BY id',
      schema: 'public',
    });
    expect(result).toMatchObject({ success: true, error: null, row_count: 3 });
    expect(result.columns).toEqual([
      { name: 'id', type: 'bigint', is_nullable: false },
      { name: 'customer', type: 'text', is_nullable: false },
      { name: 'amount', type: 'numeric', is_nullable: true },
      { name: 'placed_at', type: 'timestamp with time zone', is_nullable: true },
      { name: 'paid', type: 'boolean', is_nullable: true },
    ]);
    expect(result.rows).toEqual([
      {
        id: 1,
        customer: 'Ada',
        amount: '12.50',
        placed_at: '2024-03-01T10:00:00Z',
        paid: true,
      },
      { id: 2, customer: 'Grace', amount: null, placed_at: null, paid: false },
      {
        id: '9007199254740993',
        customer: 'Linus',
        amount: '99999999.99',
        placed_at: '2024-03-02T11:30:00.123456Z',
        paid: true,
      },
    ]);
    expect(result.statements).toHaveLength(1);
    expect(result.multi_statement_warning).toBeNull();
    const rows = await queryRows();
    expect(rows).toHaveLength(before + 1);
    const row = rows.at(-1)!;
    expect(row).toMatchObject({
      database_id: ids.warehouse,
      status: 'success',
      schema: 'public',
      rows: 3,
      select_as_cta: false,
      error_message: null,
    });
    expect(row.client_id).toMatch(/^[\w-]{11}$/);
    expect(row.executed_sql).toContain('FROM orders');
    expect(Number(row.end_time)).toBeGreaterThanOrEqual(Number(row.start_time));
    const { rows: users } = await metadata.client.query<{ id: number }>(
      "SELECT id FROM ab_user WHERE username = 'admin'",
    );
    expect(row.user_id).toBe(users[0].id);
  });

  it('puts the row limit into the SQL: 10 of 10,000,000 generated rows', async () => {
    const admin = await connectAs('admin');
    const result = await sql(admin, {
      database_id: ids.warehouse,
      sql: 'SELECT g FROM generate_series(1, 10000000) AS g',
      limit: 10,
    });
    expect(result).toMatchObject({ success: true, row_count: 10, truncated: true });
    expect(result.rows).toHaveLength(10);
    expect(result.statements[0].executed_sql).toMatch(/LIMIT 11\s*$/);
    expect((await queryRows()).at(-1)).toMatchObject({ status: 'success', rows: 10, limit: 10 });
  });

  it('runs several statements, the last one giving rows, with a warning when several do', async () => {
    const admin = await connectAs('admin');
    const result = await sql(admin, {
      database_id: ids.warehouse,
      sql: "SELECT 1 AS a; SELECT 'two' AS b, 2 AS b",
    });
    expect(result.success).toBe(true);
    expect(result.rows).toEqual([{ b: 'two', b__1: 2 }]);
    expect(result.statements).toHaveLength(2);
    expect(result.statements[0].data.rows).toEqual([{ a: 1 }]);
    expect(result.multi_statement_warning).toMatch(/2 statements returned rows/);
  });

  it.each([
    ['DML without allow_dml', 'warehouse', 'DELETE FROM orders', 'DML_NOT_ALLOWED_ERROR'],
    ['DDL', 'dml', 'DROP TABLE orders', 'DML_NOT_ALLOWED_ERROR'],
    [
      'DDL hidden after a comment',
      'dml',
      '/* SELECT */ CREATE TABLE x (a int)',
      'DML_NOT_ALLOWED_ERROR',
    ],
    ['a disallowed function', 'warehouse', 'SELECT version()', 'SYNTAX_ERROR'],
    ['unparseable SQL', 'warehouse', 'SELEC 1 FROM', 'INVALID_SQL_ERROR'],
    ['a database hidden from SQL Lab', 'hidden', 'SELECT 1', 'DML_NOT_ALLOWED_ERROR'],
  ] as const)('refuses %s', async (_what, database, text, errorType) => {
    const admin = await connectAs('admin');
    const result = await sql(admin, { database_id: ids[database], sql: text });
    expect(result).toMatchObject({ success: false, error_type: errorType });
    expect(result.error).toEqual(expect.any(String));
    expect((await queryRows()).at(-1)).toMatchObject({ status: 'failed', sql: text });
    const { rows } = await target.client.query('SELECT count(*)::int AS n FROM orders');
    expect(rows[0].n).toBe(3);
  });

  it('runs DML where the database allows it', async () => {
    const admin = await connectAs('admin');
    const result = await sql(admin, {
      database_id: ids.dml,
      sql: "UPDATE orders SET customer = 'Ada L.' WHERE id = 1",
    });
    expect(result).toMatchObject({ success: true, affected_rows: 1, rows: null });
    const { rows } = await target.client.query('SELECT customer FROM orders WHERE id = 1');
    expect(rows[0].customer).toBe('Ada L.');
  });

  it('cancels a 10-second query on the server when the client cancels the call', async () => {
    const admin = await connectAs('admin');
    const controller = new AbortController();
    const call = admin.client.callTool(
      {
        arguments: { request: { database_id: ids.warehouse, sql: 'SELECT pg_sleep(10)' } },
        name: 'execute_sql',
      },
      undefined,
      { signal: controller.signal },
    );
    const sleeping = async () =>
      (
        await target.client.query<{ n: number }>(
          "SELECT count(*)::int AS n FROM pg_stat_activity WHERE query LIKE '%pg_sleep(10)%' AND pid <> pg_backend_pid() AND state = 'active'",
        )
      ).rows[0].n;
    for (let i = 0; i < 50 && (await sleeping()) === 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(await sleeping()).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    controller.abort('user cancelled');
    await expect(call).rejects.toThrow();
    let left = 1;
    for (let i = 0; i < 50 && left > 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      left = await sleeping();
    }
    expect(left).toBe(0);
    let status = '';
    for (let i = 0; i < 50 && status !== 'stopped'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      status = (await queryRows()).at(-1)!.status;
    }
    expect(status).toBe('stopped');
  });

  it('lets one user run two queries at once, not three', async () => {
    const admin = await connectAs('admin');
    const controllers = [new AbortController(), new AbortController()];
    const calls = controllers.map((controller, index) =>
      admin.client
        .callTool(
          {
            arguments: {
              request: { database_id: ids.warehouse, sql: `SELECT pg_sleep(10) AS s${index}` },
            },
            name: 'execute_sql',
          },
          undefined,
          { signal: controller.signal },
        )
        .catch(() => undefined),
    );
    const sleeping = async () =>
      (
        await target.client.query<{ n: number }>(
          "SELECT count(*)::int AS n FROM pg_stat_activity WHERE query LIKE '%pg_sleep(10) AS s%' AND pid <> pg_backend_pid() AND state = 'active'",
        )
      ).rows[0].n;
    for (let i = 0; i < 50 && (await sleeping()) < 2; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(await sleeping()).toBe(2);
    const third = await sql(admin, { database_id: ids.warehouse, sql: 'SELECT 1' });
    expect(third).toMatchObject({ success: false, error_type: 'CONCURRENT_QUERY_LIMIT_ERROR' });
    for (const controller of controllers) controller.abort();
    await Promise.all(calls);
    let left = 2;
    for (let i = 0; i < 50 && left > 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      left = await sleeping();
    }
    expect(left).toBe(0);
    let again: Record<string, any> = {};
    for (let i = 0; i < 50 && again.success !== true; i++) {
      again = await sql(admin, { database_id: ids.warehouse, sql: 'SELECT 1 AS one' });
      if (again.success !== true) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(again.rows).toEqual([{ one: 1 }]);
  });

  it('stops a query at its timeout and records timed_out', async () => {
    const admin = await connectAs('admin');
    const result = await sql(admin, {
      database_id: ids.warehouse,
      sql: 'SELECT pg_sleep(20)',
      timeout: 1,
    });
    expect(result).toMatchObject({ success: false, error_type: 'SQLLAB_TIMEOUT_ERROR' });
    expect((await queryRows()).at(-1)).toMatchObject({ status: 'timed_out' });
  });

  it('reports progress while a query runs', async () => {
    const admin = await connectAs('admin');
    const progress: unknown[] = [];
    const result = toolJson(
      await admin.client.callTool(
        {
          arguments: {
            request: { database_id: ids.warehouse, sql: 'SELECT pg_sleep(5) AS slept' },
          },
          name: 'execute_sql',
        },
        undefined,
        { onprogress: (update) => progress.push(update) },
      ),
    );
    expect(result.success).toBe(true);
    expect(progress.length).toBeGreaterThanOrEqual(1);
    expect(progress[0]).toMatchObject({ message: expect.stringMatching(/running for \d+s/) });
  });

  it('renders template_params only when given', async () => {
    const admin = await connectAs('admin');
    const text =
      "SELECT '{{ current_username() }}' AS who, {{ n }} AS n, '{{ url_param('c') }}' AS c, " +
      "count(*) AS k FROM orders WHERE customer IN ({{ filter_values('customer') }})";
    const result = await sql(admin, {
      database_id: ids.warehouse,
      sql: text,
      template_params: {
        n: 7,
        url_params: { c: "it's" },
        filter_values: { customer: ['Grace', 'Linus'] },
      },
    });
    expect(result.rows).toEqual([{ who: 'admin', n: 7, c: "it's", k: 2 }]);
    expect((await queryRows()).at(-1)!.sql).toContain("IN ('Grace', 'Linus')");
    const refused = await sql(admin, {
      database_id: ids.warehouse,
      sql: "SELECT '{{ ''.__class__ }}'",
      template_params: {},
    });
    expect(refused).toMatchObject({ success: false, error_type: 'INVALID_TEMPLATE_PARAMS_ERROR' });
    const untouched = await sql(admin, {
      database_id: ids.warehouse,
      sql: "SELECT '{{ x }}' AS t",
    });
    expect(untouched.rows).toEqual([{ t: '{{ x }}' }]);
  });

  it('returns the checked statements on dry_run without running them or writing a row', async () => {
    const admin = await connectAs('admin');
    const before = (await queryRows()).length;
    const result = await sql(admin, {
      database_id: ids.warehouse,
      sql: 'SELECT * FROM orders',
      limit: 2,
      dry_run: true,
    });
    expect(result).toMatchObject({ success: true, dry_run: true, rows: [] });
    expect(result.statements[0].executed_sql).toMatch(/SELECT \* FROM orders\s+LIMIT 3/);
    const unlimited = await sql(admin, {
      database_id: ids.warehouse,
      sql: 'SELECT * FROM orders LIMIT 5',
      dry_run: true,
    });
    // The SQL's own LIMIT stands, wrapped under SQL_MAX_ROW (+1 to tell truncation).
    expect(unlimited.statements[0].executed_sql).toMatch(/\) AS mcp_limited\s+LIMIT 100001$/);
    expect(await queryRows()).toHaveLength(before);
  });

  it("refuses users without Superset's SQL Lab permission or database access", async () => {
    const alpha = await connectAs('alpha'); // no can_execute_sql_query
    const denied = await executeSql(alpha, { database_id: ids.warehouse, sql: 'SELECT 1' });
    expect(denied.isError).toBe(true);
    expect(JSON.stringify(denied.content)).toMatch(/can_execute_sql_query on SQLLab/);
    const gamma = await connectAs('gamma'); // sql_lab role, no database_access
    const noAccess = await sql(gamma, { database_id: ids.warehouse, sql: 'SELECT 1' });
    expect(noAccess).toMatchObject({
      success: false,
      error_type: 'DATABASE_SECURITY_ACCESS_ERROR',
    });
    const missing = await sql(gamma, { database_id: 999_999, sql: 'SELECT 1' });
    expect(missing.error_type).toBe('DATABASE_NOT_FOUND_ERROR');
  });

  it('names the supported engines for a backend it cannot run', async () => {
    const admin = await connectAs('admin');
    const result = await sql(admin, { database_id: ids.lake, sql: 'SELECT 1' });
    expect(result).toMatchObject({ success: false, error_type: 'UNSUPPORTED_BACKEND_ERROR' });
    expect(result.error).toMatch(/supported backends: duckdb, mysql, postgresql, sqlite/);
  });

  it('gives a clear error for a database that is down, and keeps serving', async () => {
    const admin = await connectAs('admin');
    const result = await sql(admin, { database_id: ids.down, sql: 'SELECT 1' });
    expect(result.success).toBe(false);
    expect(result.error_type).toMatch(/^CONNECTION_/);
    expect(JSON.stringify(result)).not.toContain(TARGET_PASSWORD);
    expect(JSON.stringify(result)).not.toMatch(/postgresql(\+psycopg2)?:\/\//);
    expect(service.output()).not.toContain(TARGET_PASSWORD);
    expect((await queryRows()).at(-1)).toMatchObject({ status: 'failed' });
    const again = await sql(admin, { database_id: ids.warehouse, sql: 'SELECT 1 AS one' });
    expect(again.rows).toEqual([{ one: 1 }]);
    expect(service.child.exitCode).toBeNull();
  });

  it('validates the request with clear errors', async () => {
    const admin = await connectAs('admin');
    for (const request of [
      { database_id: ids.warehouse, sql: 'SELECT 1', limit: 10_001 },
      { database_id: ids.warehouse, sql: 'SELECT 1', timeout: 301 },
      { database_id: ids.warehouse, sql: 'x'.repeat(100_001) },
      { database_id: ids.warehouse, sql: '  ' },
      { database_id: ids.warehouse, sql: 'SELECT 1', unknown: true },
    ]) {
      const result = await executeSql(admin, request);
      expect(result.isError).toBe(true);
    }
  });
});

describe('execute_sql on the embedded demo (SQLite metadata, SQLite examples)', () => {
  const data = temporaryDataDir();
  let service: ServiceProcess;

  beforeAll(async () => {
    service = await startServiceProcess({ SUPERSET_MCP_DATA_DIR: data.dir });
  }, 120_000);

  afterAll(async () => {
    await service?.stop();
    data.remove();
  });

  it('queries the examples database and writes the query row to the SQLite metadata DB', async () => {
    const mcp = await connectClient(service.url);
    try {
      const tools = await mcp.client.listTools();
      const tool = tools.tools.find((candidate) => candidate.name === 'execute_sql');
      expect(tool?.annotations).toMatchObject({ readOnlyHint: false, openWorldHint: true });
      const list = toolJson(
        await mcp.client.callTool({ arguments: { request: {} }, name: 'list_databases' }),
      );
      const examples = list.databases[0];
      expect(examples.backend).toBe('sqlite');
      const result = await sql(mcp, {
        database_id: examples.id,
        query:
          'SELECT region, count(*) AS orders FROM sales_orders GROUP BY region ORDER BY region',
        limit: 2,
      });
      expect(result).toMatchObject({ success: true, row_count: 2 });
      expect(Object.keys(result.rows[0])).toEqual(['region', 'orders']);
      expect(result.rows[0].orders).toEqual(expect.any(Number));
      const refused = await sql(mcp, { database_id: examples.id, sql: 'DELETE FROM sales_orders' });
      expect(refused.error_type).toBe('DML_NOT_ALLOWED_ERROR');
    } finally {
      await mcp.close();
    }
    const db = new Database(join(data.dir, 'superset.db'), { readonly: true });
    try {
      const rows = db
        .prepare(
          'SELECT status, rows, "limit", client_id, start_time, end_time FROM query ORDER BY id',
        )
        .all() as {
        status: string;
        rows: number | null;
        limit: number | null;
        client_id: string;
      }[];
      expect(rows.map((row) => row.status)).toEqual(['success', 'failed']);
      expect(rows[0]).toMatchObject({ rows: 2, limit: 2 });
      expect(rows[0].client_id).toHaveLength(11);
    } finally {
      db.close();
    }
  });
});
