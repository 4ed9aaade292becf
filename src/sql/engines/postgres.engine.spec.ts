import { randomBytes } from 'node:crypto';

import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { DEFAULT_SQL_OPTIONS } from '../sql-options.js';
import { StatementChecker } from '../checks/statement-checker.service.js';
import { connectionTarget, type DatabaseRow } from '../connection-target.js';
import { SecretCipher } from '../secret-cipher.js';
import { SecretDecryptionError } from '../secret-decryption.error.js';
import type { RunRequest, SqlDatabase } from '../sql-engine.js';
import { PostgresEngine } from './postgres.engine.js';

const ADMIN = { host: '127.0.0.1', port: 5432, user: 'postgres', database: 'postgres' };
const NAME = `mcp_sql_test_${randomBytes(4).toString('hex')}`;
const ROLE = `${NAME}_role`;
const SECRET_KEY = 'test-secret-key-for-sql-specs';
const cipher = new SecretCipher(SECRET_KEY);
const checker = new StatementChecker({ ...DEFAULT_SQL_OPTIONS, secretKey: SECRET_KEY });
const engine = new PostgresEngine();
const LIMITS = { maxConnections: 3, idleTimeoutMs: 5_000 };

function row(extra: Partial<DatabaseRow> = {}): DatabaseRow {
  return {
    id: 1,
    databaseName: 'pg test',
    sqlalchemyUri: `postgresql+psycopg2://${ROLE}:XXXXXXXXXX@127.0.0.1:5432/${NAME}`,
    password: cipher.encrypt('pg-s3cret'),
    extra: JSON.stringify({ engine_params: { connect_args: { connect_timeout: 5 } } }),
    allowDml: false,
    exposeInSqllab: true,
    ...extra,
  };
}

async function admin<T>(work: (client: Client) => Promise<T>, database = ADMIN.database) {
  const client = new Client({ ...ADMIN, database });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

let db: SqlDatabase;

async function run(sql: string, options: Partial<RunRequest> & { limit?: number } = {}) {
  const verdict = await checker.check({
    sql,
    dialect: 'postgresql',
    allowDml: true,
    limit: options.limit ?? null,
  });
  if (!verdict.allowed) throw new Error(verdict.message);
  return db.run({
    statements: verdict.statements,
    readOnly: verdict.readOnly,
    maxRows: verdict.limit ?? 100_000,
    timeoutMs: 30_000,
    ...options,
  });
}

beforeAll(async () => {
  await admin(async (client) => {
    await client.query(`CREATE ROLE ${ROLE} LOGIN PASSWORD 'pg-s3cret'`);
    await client.query(`CREATE DATABASE ${NAME} OWNER ${ROLE}`);
  });
  await admin(async (client) => {
    await client.query(`SET ROLE ${ROLE}`);
    await client.query(`CREATE TABLE million AS SELECT g AS id FROM generate_series(1, 1000000) g`);
    await client.query(`CREATE TABLE typed (
      id int NOT NULL, big bigint, num numeric(30,10), d date, ts timestamp, tstz timestamptz,
      bytes bytea, nothing text, doc jsonb, tags text[])`);
    await client.query(`INSERT INTO typed VALUES (1, 9007199254740993, 12345678901234567890.0123456789,
      '2024-02-29', '2024-02-29 13:14:15.123456', '2024-02-29 13:14:15.5+02', '\\xdeadbeef', NULL,
      '{"a": [1, 2], "b": null}', '{x,y}'), (2, 42, 0.5, NULL, NULL, NULL, NULL, NULL, NULL, NULL)`);
  }, NAME);
  db = engine.open(connectionTarget(row(), cipher, { defaultConnectTimeoutMs: 5_000 }), LIMITS);
});

afterAll(async () => {
  await db?.close();
  await admin(async (client) => {
    await client.query(`DROP DATABASE IF EXISTS ${NAME} WITH (FORCE)`);
    await client.query(`DROP ROLE IF EXISTS ${ROLE}`);
  });
});

describe(PostgresEngine.name, () => {
  it('connects with the password decrypted from dbs.password by the right SECRET_KEY', async () => {
    // session_user is a disallowed function for callers; the engine itself is asked here.
    const result = await db.run({
      statements: [{ originalSql: 'x', executedSql: 'SELECT session_user', returnsRows: true }],
      readOnly: true,
      maxRows: 1,
      timeoutMs: 5_000,
    });
    expect(result.statements[0]?.rows).toEqual([[ROLE]]);
  });

  it('cannot even build the connection under the wrong SECRET_KEY', () => {
    expect(() =>
      connectionTarget(row(), new SecretCipher('another-key'), { defaultConnectTimeoutMs: 5_000 }),
    ).toThrow(SecretDecryptionError);
  });

  it('returns typed, JSON-safe values with type names and nullability', async () => {
    const result = await run('SELECT * FROM typed ORDER BY id');
    const [statement] = result.statements;
    expect(statement?.columns).toEqual([
      { name: 'id', type: 'integer', nullable: false },
      { name: 'big', type: 'bigint', nullable: true },
      { name: 'num', type: 'numeric', nullable: true },
      { name: 'd', type: 'date', nullable: true },
      { name: 'ts', type: 'timestamp without time zone', nullable: true },
      { name: 'tstz', type: 'timestamp with time zone', nullable: true },
      { name: 'bytes', type: 'bytea', nullable: true },
      { name: 'nothing', type: 'text', nullable: true },
      { name: 'doc', type: 'jsonb', nullable: true },
      { name: 'tags', type: 'text[]', nullable: true },
    ]);
    expect(statement?.rows).toEqual([
      [
        1,
        '9007199254740993',
        '12345678901234567890.0123456789',
        '2024-02-29',
        '2024-02-29T13:14:15.123456',
        '2024-02-29T11:14:15.5Z',
        Buffer.from('deadbeef', 'hex').toString('base64'),
        null,
        { a: [1, 2], b: null },
        ['x', 'y'],
      ],
      [2, 42, '0.5000000000', null, null, null, null, null, null, null],
    ]);
    expect(JSON.parse(JSON.stringify(statement?.rows))).toEqual(statement?.rows);
  });

  it('puts the row limit into the SQL and fetches only that many rows of a 1,000,000-row table', async () => {
    const result = await run('SELECT id FROM million ORDER BY id', { limit: 1000 });
    const [statement] = result.statements;
    expect(statement?.executedSql).toBe('SELECT id FROM million ORDER BY id\nLIMIT 1001');
    expect(statement?.rows).toHaveLength(1000);
    expect(statement?.truncated).toBe(true);
    // The server saw the LIMIT: its own statistics say 1001 rows left the scan.
    const plan = await run(`EXPLAIN (ANALYZE, FORMAT JSON) ${statement?.executedSql ?? ''}`);
    const top = (plan.statements[0]?.rows[0]?.[0] as [{ Plan: { 'Actual Rows': number } }])[0];
    expect(top.Plan['Actual Rows']).toBe(1001);
  });

  it.each([
    'VALUES (1), (2), (3)',
    'SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3',
    'SELECT id FROM million ORDER BY id OFFSET 10',
    'SELECT id FROM million ORDER BY id FETCH FIRST 5 ROWS ONLY',
    'WITH m AS (SELECT id FROM million LIMIT 100) SELECT id FROM m ORDER BY id',
    "SELECT id FROM million ORDER BY id LIMIT 50 -- the user's own limit",
  ])('limits %j to 2 rows on the server', async (sql) => {
    const result = await run(sql, { limit: 2 });
    expect(result.statements[0]?.rows).toHaveLength(2);
    expect(result.statements[0]?.truncated).toBe(true);
  });

  it('runs read-only statements in a read-only transaction', async () => {
    const verdict = await checker.check({
      sql: "SELECT set_config('default_transaction_read_only', 'off', true), current_setting('transaction_read_only')",
      dialect: 'postgresql',
      allowDml: false,
    });
    expect(verdict.allowed).toBe(false); // current_setting is a disallowed function…
    const result = await db.run({
      statements: [
        {
          originalSql: 'SHOW transaction_read_only',
          executedSql: 'SHOW transaction_read_only',
          returnsRows: true,
        },
      ],
      readOnly: true,
      maxRows: 10,
      timeoutMs: 5_000,
    });
    expect(result.statements[0]?.rows).toEqual([['on']]); // …so the engine is asked directly
    await expect(
      db.run({
        statements: [{ originalSql: 'x', executedSql: 'DELETE FROM typed', returnsRows: false }],
        readOnly: true,
        maxRows: 10,
        timeoutMs: 5_000,
      }),
    ).rejects.toMatchObject({
      errorType: 'GENERIC_DB_ENGINE_ERROR',
      message: expect.stringContaining('read-only transaction'),
    });
  });

  it('runs DML in a normal transaction and reports affected rows', async () => {
    const result = await run(
      'UPDATE typed SET nothing = nothing WHERE id = 2; SELECT count(*) FROM typed',
    );
    expect(result.statements.map((s) => [s.affectedRows, s.rows])).toEqual([
      [1, []],
      [null, [[2]]],
    ]);
  });

  it('enforces the timeout on the server (statement_timeout)', async () => {
    await expect(
      db.run({
        statements: [{ originalSql: 'x', executedSql: 'SELECT pg_sleep(10)', returnsRows: true }],
        readOnly: true,
        maxRows: 10,
        timeoutMs: 500,
      }),
    ).rejects.toMatchObject({ errorType: 'SQLLAB_TIMEOUT_ERROR' });
  });

  it('cancels a 10-second query on the server after 1 s, and it is gone from pg_stat_activity', async () => {
    const controller = new AbortController();
    const marker = `cancel-me-${randomBytes(4).toString('hex')}`;
    const running = db.run({
      statements: [
        { originalSql: 'x', executedSql: `SELECT pg_sleep(10), '${marker}'`, returnsRows: true },
      ],
      readOnly: true,
      maxRows: 10,
      timeoutMs: 60_000,
      signal: controller.signal,
    });
    const activity = () =>
      admin(async (client) => {
        const found = await client.query(
          "SELECT state FROM pg_stat_activity WHERE query LIKE '%' || $1 || '%' AND pid <> pg_backend_pid() AND state = 'active'",
          [marker],
        );
        return found.rowCount;
      });
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(await activity()).toBe(1);
    controller.abort();
    await expect(running).rejects.toMatchObject({ errorType: 'QUERY_CANCELLED_ERROR' });
    expect(await activity()).toBe(0);
  });

  it('reports a database that is down clearly, within its connect timeout', async () => {
    const down = engine.open(
      connectionTarget(
        row({ sqlalchemyUri: `postgresql://${ROLE}:XXXXXXXXXX@127.0.0.1:1/${NAME}` }),
        cipher,
        {
          defaultConnectTimeoutMs: 5_000,
        },
      ),
      LIMITS,
    );
    try {
      await expect(
        down.run({ statements: [], readOnly: true, maxRows: 1, timeoutMs: 1_000 }),
      ).rejects.toMatchObject({ errorType: 'CONNECTION_REFUSED_ERROR' });
    } finally {
      await down.close();
    }
  });

  it('sends each statement on its own (extended protocol): two in one text are refused by the server', async () => {
    await expect(
      db.run({
        statements: [{ originalSql: 'x', executedSql: 'SELECT 1; SELECT 2', returnsRows: true }],
        readOnly: true,
        maxRows: 10,
        timeoutMs: 5_000,
      }),
    ).rejects.toMatchObject({ message: expect.stringContaining('multiple commands') });
  });

  it('keeps driver errors free of credentials', async () => {
    const error = await run('SELECT * FROM no_such_table').catch((caught: unknown) => caught);
    expect(error).toMatchObject({ errorType: 'GENERIC_DB_ENGINE_ERROR' });
    expect(String((error as Error).message)).toContain('no_such_table');
    expect(String((error as Error).message)).not.toContain('pg-s3cret');
  });
});
