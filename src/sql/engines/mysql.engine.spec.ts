import { randomBytes } from 'node:crypto';

import { createConnection, type Connection } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { StatementChecker } from '../checks/statement-checker.service.js';
import { connectionTarget, type DatabaseRow } from '../connection-target.js';
import { SecretCipher } from '../secret-cipher.js';
import { SecretDecryptionError } from '../secret-decryption.error.js';
import type { PreparedStatement, RunRequest, SqlDatabase } from '../sql-engine.js';
import { DEFAULT_SQL_OPTIONS } from '../sql-options.js';
import { MysqlEngine } from './mysql.engine.js';

const NAME = `mcp_sql_test_${randomBytes(4).toString('hex')}`;
const USER = NAME.slice(0, 30);
const PASSWORD = 'my-s3cret;@:/';
const SECRET_KEY = 'test-secret-key-for-sql-specs';
const cipher = new SecretCipher(SECRET_KEY);
const checker = new StatementChecker({ ...DEFAULT_SQL_OPTIONS, secretKey: SECRET_KEY });
const engine = new MysqlEngine();
const LIMITS = { maxConnections: 3, idleTimeoutMs: 5_000 };
const OPTIONS = { defaultConnectTimeoutMs: 5_000 };

function row(extra: Partial<DatabaseRow> = {}): DatabaseRow {
  return {
    id: 2,
    databaseName: 'mariadb test',
    sqlalchemyUri: `mysql+pymysql://${USER}:XXXXXXXXXX@127.0.0.1:3306/${NAME}?charset=utf8mb4`,
    password: cipher.encrypt(PASSWORD),
    extra: JSON.stringify({ engine_params: { connect_args: { connect_timeout: 5 } } }),
    allowDml: false,
    exposeInSqllab: true,
    ...extra,
  };
}

async function root<T>(work: (connection: Connection) => Promise<T>): Promise<T> {
  const connection = await createConnection({ host: '127.0.0.1', port: 3306, user: 'root' });
  try {
    return await work(connection);
  } finally {
    await connection.end();
  }
}

const raw = (sql: string): PreparedStatement => ({
  originalSql: sql,
  executedSql: sql,
  returnsRows: true,
});

let db: SqlDatabase;

async function run(sql: string, options: Partial<RunRequest> & { limit?: number } = {}) {
  const verdict = await checker.check({
    sql,
    dialect: 'mariadb',
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
  await root(async (connection) => {
    await connection.query(`CREATE DATABASE ${NAME}`);
    await connection.query(`CREATE USER '${USER}'@'127.0.0.1' IDENTIFIED BY ?`, [PASSWORD]);
    await connection.query(`GRANT ALL ON ${NAME}.* TO '${USER}'@'127.0.0.1'`);
    await connection.query(`USE ${NAME}`);
    await connection.query(
      'CREATE TABLE million (id INT NOT NULL PRIMARY KEY) AS SELECT seq AS id FROM seq_1_to_1000000',
    );
    await connection.query(`CREATE TABLE typed (
      id INT NOT NULL, big BIGINT, ubig BIGINT UNSIGNED, num DECIMAL(30,10), d DATE, dt DATETIME(6),
      ts TIMESTAMP(3) NULL, bytes VARBINARY(8), nothing TEXT, doc JSON)`);
    await connection.query(`SET time_zone = '+02:00'`);
    await connection.query(`INSERT INTO typed VALUES
      (1, 9007199254740993, 18446744073709551615, 12345678901234567890.0123456789, '2024-02-29',
       '2024-02-29 13:14:15.123456', '2024-02-29 13:14:15.500', x'DEADBEEF', NULL, '{"a": [1, 2]}'),
      (2, 42, 1, 0.5, NULL, NULL, NULL, NULL, NULL, NULL)`);
  });
  db = engine.open(connectionTarget(row(), cipher, OPTIONS), LIMITS);
});

afterAll(async () => {
  await db?.close();
  await root(async (connection) => {
    await connection.query(`DROP DATABASE IF EXISTS ${NAME}`);
    await connection.query(`DROP USER IF EXISTS '${USER}'@'127.0.0.1'`);
  });
});

describe(MysqlEngine.name, () => {
  it('connects with the password decrypted from dbs.password by the right SECRET_KEY', async () => {
    const result = await db.run({
      statements: [raw('SELECT CURRENT_USER()')],
      readOnly: true,
      maxRows: 1,
      timeoutMs: 5_000,
    });
    expect(result.statements[0]?.rows).toEqual([[`${USER}@127.0.0.1`]]);
  });

  it('fails under the wrong SECRET_KEY, and the server refuses a wrong password', async () => {
    expect(() => connectionTarget(row(), new SecretCipher('another-key'), OPTIONS)).toThrow(
      SecretDecryptionError,
    );
    const wrong = engine.open(
      connectionTarget(row({ password: cipher.encrypt('not-it') }), cipher, OPTIONS),
      LIMITS,
    );
    try {
      await expect(
        wrong.run({ statements: [raw('SELECT 1')], readOnly: true, maxRows: 1, timeoutMs: 1_000 }),
      ).rejects.toMatchObject({ errorType: 'CONNECTION_ACCESS_DENIED_ERROR' });
    } finally {
      await wrong.close();
    }
  });

  it('returns typed, JSON-safe values with type names and nullability', async () => {
    const result = await run('SELECT * FROM typed ORDER BY id');
    const [statement] = result.statements;
    expect(statement?.columns).toEqual([
      { name: 'id', type: 'INT', nullable: false },
      { name: 'big', type: 'BIGINT', nullable: true },
      { name: 'ubig', type: 'BIGINT', nullable: true },
      { name: 'num', type: 'DECIMAL', nullable: true },
      { name: 'd', type: 'DATE', nullable: true },
      { name: 'dt', type: 'DATETIME', nullable: true },
      { name: 'ts', type: 'TIMESTAMP', nullable: true },
      { name: 'bytes', type: 'VARBINARY', nullable: true },
      { name: 'nothing', type: 'TEXT', nullable: true },
      { name: 'doc', type: 'JSON', nullable: true },
    ]);
    expect(statement?.rows).toEqual([
      [
        1,
        '9007199254740993',
        '18446744073709551615',
        '12345678901234567890.0123456789',
        '2024-02-29',
        '2024-02-29T13:14:15.123456',
        '2024-02-29T11:14:15.500Z',
        Buffer.from('deadbeef', 'hex').toString('base64'),
        null,
        { a: [1, 2] },
      ],
      [2, 42, 1, '0.5000000000', null, null, null, null, null, null],
    ]);
  });

  it('puts the row limit into the SQL and fetches only that many rows of a 1,000,000-row table', async () => {
    const result = await run('SELECT id FROM million ORDER BY id', { limit: 1000 });
    const [statement] = result.statements;
    expect(statement?.executedSql).toBe('SELECT id FROM million ORDER BY id\nLIMIT 1001');
    expect(statement?.rows).toHaveLength(1000);
    expect(statement?.truncated).toBe(true);
  });

  it.each([
    'SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3',
    'SELECT id FROM million ORDER BY id LIMIT 5, 50',
    'WITH m AS (SELECT id FROM million LIMIT 100) SELECT id FROM m ORDER BY id',
    'SELECT id FROM million ORDER BY id # a comment',
  ])('limits %j to 2 rows on the server', async (sql) => {
    const result = await run(sql, { limit: 2 });
    expect(result.statements[0]?.rows).toHaveLength(2);
    expect(result.statements[0]?.truncated).toBe(true);
  });

  it('runs read-only statements in a read-only transaction', async () => {
    await expect(
      db.run({
        statements: [{ ...raw('DELETE FROM typed'), returnsRows: false }],
        readOnly: true,
        maxRows: 1,
        timeoutMs: 5_000,
      }),
    ).rejects.toMatchObject({
      errorType: 'GENERIC_DB_ENGINE_ERROR',
      message: expect.stringContaining('READ ONLY'),
    });
  });

  it('runs DML in a normal transaction and reports affected rows', async () => {
    const result = await run(
      'UPDATE typed SET nothing = NULL WHERE id = 2; SELECT COUNT(*) FROM typed',
    );
    // mysql2 connects with CLIENT_FOUND_ROWS: matched rows count as affected.
    expect(result.statements.map((s) => [s.affectedRows, s.rows])).toEqual([
      [1, []],
      [null, [[2]]],
    ]);
  });

  it('enforces the timeout on the server (max_statement_time)', async () => {
    await expect(
      db.run({
        statements: [raw('SELECT COUNT(*) FROM million a, million b')],
        readOnly: true,
        maxRows: 1,
        timeoutMs: 500,
      }),
    ).rejects.toMatchObject({ errorType: 'SQLLAB_TIMEOUT_ERROR' });
  });

  it('cancels a 10-second query with KILL QUERY after 1 s, and it is gone from the processlist', async () => {
    const controller = new AbortController();
    const marker = `cancel_me_${randomBytes(4).toString('hex')}`;
    const running = db.run({
      statements: [raw(`SELECT SLEEP(10) AS ${marker}`)],
      readOnly: true,
      maxRows: 1,
      timeoutMs: 60_000,
      signal: controller.signal,
    });
    const active = () =>
      root(async (connection) => {
        const [rows] = await connection.query(
          "SELECT COUNT(*) AS n FROM information_schema.processlist WHERE info LIKE ? AND command = 'Query' AND id <> CONNECTION_ID()",
          [`%${marker}%`],
        );
        return Number((rows as { n: number }[])[0]?.n);
      });
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(await active()).toBe(1);
    controller.abort();
    await expect(running).rejects.toMatchObject({ errorType: 'QUERY_CANCELLED_ERROR' });
    expect(await active()).toBe(0);
  });

  it('never sends two statements in one text (multipleStatements off)', async () => {
    await expect(
      db.run({
        statements: [raw('SELECT 1; SELECT 2')],
        readOnly: true,
        maxRows: 1,
        timeoutMs: 5_000,
      }),
    ).rejects.toMatchObject({ errorType: 'GENERIC_DB_ENGINE_ERROR' });
  });

  it('reports a database that is down clearly, within its connect timeout', async () => {
    const down = engine.open(
      connectionTarget(
        row({ sqlalchemyUri: `mysql://${USER}:XXXXXXXXXX@127.0.0.1:1/${NAME}` }),
        cipher,
        OPTIONS,
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
});
