import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { StatementChecker } from '../checks/statement-checker.service.js';
import { connectionTarget, type DatabaseRow } from '../connection-target.js';
import { SecretCipher } from '../secret-cipher.js';
import type { PreparedStatement, RunRequest, SqlDatabase } from '../sql-engine.js';
import { DEFAULT_SQL_OPTIONS } from '../sql-options.js';
import { DuckDbEngine } from './duckdb.engine.js';

const dir = mkdtempSync(join(tmpdir(), 'mcp-duckdb-'));
const file = join(dir, 'warehouse.duckdb');
const cipher = new SecretCipher('test-secret-key-for-sql-specs');
const checker = new StatementChecker({ ...DEFAULT_SQL_OPTIONS, secretKey: 'x' });
const engine = new DuckDbEngine();
const LIMITS = { maxConnections: 2, idleTimeoutMs: 5_000 };

function row(extra: Partial<DatabaseRow> = {}): DatabaseRow {
  return {
    id: 3,
    databaseName: 'duckdb test',
    sqlalchemyUri: `duckdb:///${file}`,
    extra: null,
    allowDml: false,
    exposeInSqllab: true,
    ...extra,
  };
}

const raw = (sql: string): PreparedStatement => ({
  originalSql: sql,
  executedSql: sql,
  returnsRows: true,
});

let db: SqlDatabase;

async function run(sql: string, options: Partial<RunRequest> & { limit?: number } = {}, on = db) {
  const verdict = await checker.check({
    sql,
    dialect: 'duckdb',
    allowDml: true,
    limit: options.limit ?? null,
  });
  if (!verdict.allowed) throw new Error(verdict.message);
  return on.run({
    statements: verdict.statements,
    readOnly: verdict.readOnly,
    maxRows: verdict.limit ?? 100_000,
    timeoutMs: 30_000,
    ...options,
  });
}

beforeAll(async () => {
  const instance = await DuckDBInstance.create(file);
  const connection = await DuckDBConnection.create(instance);
  await connection.run('CREATE TABLE million AS SELECT range AS id FROM range(1000000)');
  await connection.run(`CREATE TABLE typed AS SELECT 1 AS id, 9007199254740993::BIGINT AS big,
    12345678901234567890.0123456789::DECIMAL(38,10) AS num, DATE '2024-02-29' AS d,
    TIMESTAMP '2024-02-29 13:14:15.123456' AS ts, TIMESTAMPTZ '2024-02-29 13:14:15.5+02' AS tstz,
    '\\xDE\\xAD\\xBE\\xEF'::BLOB AS bytes, NULL::VARCHAR AS nothing, [1, 2] AS list, {'a': 1} AS struct`);
  connection.closeSync();
  instance.closeSync();
  db = engine.open(connectionTarget(row(), cipher, { defaultConnectTimeoutMs: 5_000 }), LIMITS);
});

afterAll(async () => {
  await db?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe(DuckDbEngine.name, () => {
  it('returns typed, JSON-safe values with type names', async () => {
    const result = await run('SELECT * FROM typed');
    const [statement] = result.statements;
    expect(statement?.columns?.map((column) => column.type)).toEqual([
      'INTEGER',
      'BIGINT',
      'DECIMAL(38,10)',
      'DATE',
      'TIMESTAMP',
      'TIMESTAMP WITH TIME ZONE',
      'BLOB',
      'VARCHAR',
      'INTEGER[]',
      'STRUCT("a" INTEGER)',
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
        [1, 2],
        { a: 1 },
      ],
    ]);
  });

  it('puts the row limit into the SQL and reads only that many rows of a 1,000,000-row table', async () => {
    const result = await run('SELECT id FROM million ORDER BY id', { limit: 1000 });
    const [statement] = result.statements;
    expect(statement?.executedSql).toBe('SELECT id FROM million ORDER BY id\nLIMIT 1001');
    expect(statement?.rows).toHaveLength(1000);
    expect(statement?.truncated).toBe(true);
  });

  it.each([
    'VALUES (1), (2), (3)',
    'SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3',
    'SELECT id FROM million ORDER BY id OFFSET 10',
    'WITH m AS (SELECT id FROM million LIMIT 100) SELECT id FROM m ORDER BY id',
    "SELECT id FROM million ORDER BY id LIMIT 50 -- the user's own limit",
  ])('limits %j to 2 rows on the server', async (sql) => {
    const result = await run(sql, { limit: 2 });
    expect(result.statements[0]?.rows).toHaveLength(2);
    expect(result.statements[0]?.truncated).toBe(true);
  });

  it('opens the file read-only unless the database allows DML, and never reads other files', async () => {
    await expect(
      db.run({
        statements: [{ ...raw('DELETE FROM typed'), returnsRows: false }],
        readOnly: false,
        maxRows: 1,
        timeoutMs: 5_000,
      }),
    ).rejects.toMatchObject({ message: expect.stringContaining('read-only') });
    await expect(
      db.run({
        statements: [raw("SELECT * FROM read_text('/etc/hostname')")],
        readOnly: true,
        maxRows: 1,
        timeoutMs: 5_000,
      }),
    ).rejects.toMatchObject({ message: expect.stringContaining('disabled by configuration') });
  });

  it('runs DML when allowed and reports affected rows; read-only scripts stay read-only', async () => {
    await db.close();
    const writable = engine.open(
      connectionTarget(row({ allowDml: true }), cipher, { defaultConnectTimeoutMs: 5_000 }),
      LIMITS,
    );
    try {
      const result = await run(
        'UPDATE typed SET nothing = NULL; SELECT count(*) FROM typed',
        {},
        writable,
      );
      expect(result.statements.map((s) => [s.affectedRows, s.rows])).toEqual([
        [1, []],
        [null, [[1]]],
      ]);
      await expect(
        writable.run({
          statements: [{ ...raw('DELETE FROM typed'), returnsRows: false }],
          readOnly: true,
          maxRows: 1,
          timeoutMs: 5_000,
        }),
      ).rejects.toMatchObject({ message: expect.stringContaining('read-only') });
    } finally {
      await writable.close();
    }
    db = engine.open(connectionTarget(row(), cipher, { defaultConnectTimeoutMs: 5_000 }), LIMITS);
  });

  const LONG = 'SELECT count(*) FROM range(1000000000000) t(x) WHERE x % 7 = 3';

  it('stops a statement at its timeout (interrupt)', async () => {
    await expect(
      db.run({ statements: [raw(LONG)], readOnly: true, maxRows: 1, timeoutMs: 300 }),
    ).rejects.toMatchObject({ errorType: 'SQLLAB_TIMEOUT_ERROR' });
  });

  it('cancels a long computation after 1 s with the connection interrupt', async () => {
    const controller = new AbortController();
    const running = db.run({
      statements: [raw(LONG)],
      readOnly: true,
      maxRows: 1,
      timeoutMs: 60_000,
      signal: controller.signal,
    });
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    controller.abort();
    await expect(running).rejects.toMatchObject({ errorType: 'QUERY_CANCELLED_ERROR' });
    // The database is usable right away: nothing is left running on it.
    const after = await run('SELECT 42');
    expect(after.statements[0]?.rows).toEqual([[42]]);
  });
});
