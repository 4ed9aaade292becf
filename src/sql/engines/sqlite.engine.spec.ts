import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import BetterSqlite3 from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { StatementChecker } from '../checks/statement-checker.service.js';
import { connectionTarget, type DatabaseRow } from '../connection-target.js';
import { SecretCipher } from '../secret-cipher.js';
import type { PreparedStatement, RunRequest, SqlDatabase } from '../sql-engine.js';
import { DEFAULT_SQL_OPTIONS } from '../sql-options.js';
import { SqliteEngine } from './sqlite.engine.js';

const dir = mkdtempSync(join(tmpdir(), 'mcp-sqlite-'));
const file = join(dir, 'examples.db');
const cipher = new SecretCipher('test-secret-key-for-sql-specs');
const checker = new StatementChecker({ ...DEFAULT_SQL_OPTIONS, secretKey: 'x' });
const engine = new SqliteEngine();
const LIMITS = { maxConnections: 2, idleTimeoutMs: 5_000 };
const OPTIONS = { defaultConnectTimeoutMs: 5_000 };

function row(extra: Partial<DatabaseRow> = {}): DatabaseRow {
  return {
    id: 4,
    databaseName: 'examples',
    sqlalchemyUri: `sqlite:///${file}`,
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

let db: SqlDatabase & { busyProcessIds?: number[] };

async function run(sql: string, options: Partial<RunRequest> & { limit?: number } = {}, on = db) {
  const verdict = await checker.check({
    sql,
    dialect: 'sqlite',
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

beforeAll(() => {
  const setup = new BetterSqlite3(file);
  setup.exec(`CREATE TABLE million (id INTEGER PRIMARY KEY);
    WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 1000000)
    INSERT INTO million SELECT x FROM c;
    CREATE TABLE typed (id INTEGER NOT NULL, big INTEGER, num REAL, d DATE, ts TIMESTAMP,
      bytes BLOB, empty TEXT);
    INSERT INTO typed VALUES (1, 9007199254740993, 0.5, '2024-02-29', '2024-02-29 13:14:15',
      x'DEADBEEF', NULL);`);
  setup.close();
  db = engine.open(connectionTarget(row(), cipher, OPTIONS), LIMITS);
});

afterAll(async () => {
  await db?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** True while some connection holds a lock on the file (a write lock cannot be taken). */
function locked(): boolean {
  const probe = new BetterSqlite3(file, { timeout: 0 });
  try {
    probe.exec('BEGIN EXCLUSIVE');
    probe.exec('ROLLBACK');
    return false;
  } catch {
    return true;
  } finally {
    probe.close();
  }
}

describe(SqliteEngine.name, () => {
  it('returns typed, JSON-safe values with declared types and NOT NULL', async () => {
    const result = await run('SELECT *, 1 + 1 AS two FROM typed');
    const [statement] = result.statements;
    expect(statement?.columns).toEqual([
      { name: 'id', type: 'INTEGER', nullable: false },
      { name: 'big', type: 'INTEGER', nullable: true },
      { name: 'num', type: 'REAL', nullable: true },
      { name: 'd', type: 'DATE', nullable: true },
      { name: 'ts', type: 'TIMESTAMP', nullable: true },
      { name: 'bytes', type: 'BLOB', nullable: true },
      { name: 'empty', type: 'TEXT', nullable: true },
      { name: 'two', type: 'INTEGER', nullable: null },
    ]);
    expect(statement?.rows).toEqual([
      [
        1,
        '9007199254740993',
        0.5,
        '2024-02-29',
        '2024-02-29 13:14:15',
        Buffer.from('deadbeef', 'hex').toString('base64'),
        null,
        2,
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
    'SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3',
    'SELECT id FROM million ORDER BY id LIMIT 50 OFFSET 5',
    'WITH m AS (SELECT id FROM million LIMIT 100) SELECT id FROM m ORDER BY id',
    'SELECT id FROM million ORDER BY id -- a comment',
  ])('limits %j to 2 rows on the server', async (sql) => {
    const result = await run(sql, { limit: 2 });
    expect(result.statements[0]?.rows).toHaveLength(2);
    expect(result.statements[0]?.truncated).toBe(true);
  });

  it('opens the file read-only for read-only scripts', async () => {
    await expect(
      db.run({
        statements: [{ ...raw('DELETE FROM typed'), returnsRows: false }],
        readOnly: true,
        maxRows: 1,
        timeoutMs: 5_000,
      }),
    ).rejects.toMatchObject({ message: expect.stringContaining('readonly') });
  });

  it('runs DML in a transaction and reports affected rows', async () => {
    const result = await run('UPDATE typed SET empty = NULL; SELECT count(*) FROM typed');
    expect(result.statements.map((s) => [s.affectedRows, s.rows])).toEqual([
      [1, []],
      [null, [[1]]],
    ]);
  });

  const LONG = 'SELECT count(*) FROM million a, million b';

  it('stops a statement at its timeout', async () => {
    await expect(
      db.run({ statements: [raw(LONG)], readOnly: true, maxRows: 1, timeoutMs: 300 }),
    ).rejects.toMatchObject({ errorType: 'SQLLAB_TIMEOUT_ERROR' });
  });

  it('cancels a long computation after 1 s: the host process is gone and the file unlocked', async () => {
    const controller = new AbortController();
    const running = db.run({
      statements: [raw(LONG)],
      readOnly: true,
      maxRows: 1,
      timeoutMs: 60_000,
      signal: controller.signal,
    });
    running.catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const [pid] = db.busyProcessIds ?? [];
    expect(pid).toBeGreaterThan(0);
    expect(locked()).toBe(true);
    controller.abort();
    await expect(running).rejects.toMatchObject({ errorType: 'QUERY_CANCELLED_ERROR' });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(() => process.kill(pid ?? 0, 0)).toThrow();
    expect(locked()).toBe(false);
    expect((await run('SELECT 42')).statements[0]?.rows).toEqual([[42]]);
  });

  it('reports a missing file clearly', async () => {
    const missing = engine.open(
      connectionTarget(
        row({ sqlalchemyUri: `sqlite:///${join(dir, 'missing.db')}` }),
        cipher,
        OPTIONS,
      ),
      LIMITS,
    );
    try {
      await expect(
        missing.run({
          statements: [raw('SELECT 1')],
          readOnly: true,
          maxRows: 1,
          timeoutMs: 5_000,
        }),
      ).rejects.toMatchObject({ errorType: 'CONNECTION_REFUSED_ERROR' });
    } finally {
      await missing.close();
    }
  });
});
