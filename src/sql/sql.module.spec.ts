import { mkdtempSync, rmSync } from 'node:fs';
import { type AddressInfo, createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import BetterSqlite3 from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';

import { useMetadataTestModule } from '../superset/database/metadata-test-module.fixture.js';
import { DatabaseConnectionLoader } from './database-connection.loader.js';
import { SecretCipher } from './secret-cipher.js';
import { SqlConnectionPools } from './sql-connection-pools.service.js';
import { SqlExecutor } from './sql-executor.service.js';
import { SqlModule } from './sql.module.js';

const SECRET_KEY = 'module-spec-secret-key';
const cipher = new SecretCipher(SECRET_KEY);
const dir = mkdtempSync(join(tmpdir(), 'mcp-sql-module-'));
const examples = join(dir, 'examples.db');

const seed = new BetterSqlite3(examples);
seed.exec(`CREATE TABLE birth_names (name TEXT NOT NULL, num INTEGER NOT NULL);
  INSERT INTO birth_names VALUES ('Ada', 3), ('Grace', 5), ('Linus', 8);`);
seed.close();

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const INSERT =
  "INSERT INTO dbs (id, database_name, sqlalchemy_uri, password, extra, allow_dml, expose_in_sqllab, allow_file_upload, created_on, changed_on) VALUES (?, ?, ?, ?, ?, ?, ?, 1, '2026-01-01 00:00:00', '2026-01-01 00:00:00')";

describe(SqlModule.name, () => {
  const metadata = useMetadataTestModule('sqlite', {
    imports: [SqlModule.forRoot({ secretKey: SECRET_KEY, connectTimeoutMs: 2_000 })],
    prepare: async (db) => {
      await db.execute(INSERT, [1, 'examples', `sqlite:///${examples}`, null, null, 0, 1]);
      await db.execute(INSERT, [
        2,
        'warehouse',
        'postgresql+psycopg2://analyst:XXXXXXXXXX@127.0.0.1:5432/warehouse',
        cipher.encrypt('s3cret'),
        JSON.stringify({
          engine_params: { connect_args: { connect_timeout: 3, sslmode: 'disable' } },
        }),
        0,
        1,
      ]);
      await db.execute(INSERT, [3, 'lake', 'trino://user@trino:8080/hive', null, null, 0, 1]);
      await db.execute(INSERT, [4, 'hidden', `sqlite:///${examples}`, null, null, 0, 0]);
      await db.execute(INSERT, [
        5,
        'other key',
        'postgresql://analyst:XXXXXXXXXX@127.0.0.1/warehouse',
        new SecretCipher('the-other-install').encrypt('s3cret'),
        null,
        0,
        1,
      ]);
    },
  });

  const load = async (id: number) => {
    const row = await metadata.moduleRef.get(DatabaseConnectionLoader).load(id);
    if (!row) throw new Error(`no dbs row ${id}`);
    return row;
  };

  it('runs SQL on a registered SQLite database end to end, with the limit in the SQL', async () => {
    const executor = metadata.moduleRef.get(SqlExecutor);
    const outcome = await executor.execute({
      database: await load(1),
      sql: 'SELECT name, num FROM birth_names ORDER BY num DESC',
      limit: 2,
    });
    expect(outcome.status).toBe('done');
    if (outcome.status !== 'done') return;
    expect(outcome.verdict.statements[0]?.executedSql).toBe(
      'SELECT name, num FROM birth_names ORDER BY num DESC\nLIMIT 3',
    );
    expect(outcome.result.statements[0]).toMatchObject({
      columns: [
        { name: 'name', type: 'TEXT', nullable: false },
        { name: 'num', type: 'INTEGER', nullable: false },
      ],
      rows: [
        ['Linus', 8],
        ['Grace', 5],
      ],
      truncated: true,
    });
  });

  it('loads the encrypted password and decrypts it with SECRET_KEY', async () => {
    const row = await load(2);
    expect(Buffer.isBuffer(row.password)).toBe(true);
    const open = metadata.moduleRef.get(SqlConnectionPools).open(row);
    expect(open.target).toMatchObject({
      backend: 'postgresql',
      driver: 'psycopg2',
      username: 'analyst',
      password: 's3cret',
      database: 'warehouse',
      connectTimeoutMs: 3_000,
      connectArgs: { sslmode: 'disable', connect_timeout: 3 },
    });
    expect(open.dialect).toBe('postgresql');
  });

  it('says clearly when the password was encrypted with another SECRET_KEY', async () => {
    const pools = metadata.moduleRef.get(SqlConnectionPools);
    const row = await load(5);
    expect(() => pools.open(row)).toThrow(/database 5 .*cannot decrypt: check SECRET_KEY/);
  });

  it('names the supported backends for one it does not serve', async () => {
    const executor = metadata.moduleRef.get(SqlExecutor);
    await expect(
      executor.execute({ database: await load(3), sql: 'SELECT 1' }),
    ).rejects.toMatchObject({
      errorType: 'UNSUPPORTED_BACKEND_ERROR',
      message:
        "running SQL on 'trino' databases is not supported yet; supported backends: duckdb, mysql, postgresql, sqlite",
    });
  });

  it('refuses databases not exposed in SQL Lab, and refused SQL never reaches the database', async () => {
    const executor = metadata.moduleRef.get(SqlExecutor);
    const hidden = await executor.execute({ database: await load(4), sql: 'SELECT 1' });
    expect(hidden).toMatchObject({
      status: 'refused',
      verdict: { message: expect.stringContaining('not exposed') },
    });
    const dml = await executor.execute({ database: await load(1), sql: 'DELETE FROM birth_names' });
    expect(dml).toMatchObject({
      status: 'refused',
      verdict: { errorType: 'DML_NOT_ALLOWED_ERROR' },
    });
    const dry = await executor.execute({
      database: await load(1),
      sql: 'SELECT 1',
      limit: 5,
      dryRun: true,
    });
    expect(dry).toMatchObject({
      status: 'checked',
      verdict: { statements: [{ executedSql: 'SELECT 1\nLIMIT 6' }] },
    });
  });

  it('keeps one pool per database id and re-creates it when the dbs row changes', async () => {
    const pools = metadata.moduleRef.get(SqlConnectionPools);
    const row = await load(2);
    const first = pools.open(row);
    expect(pools.open(await load(2))).toBe(first);
    await metadata.db.execute('UPDATE dbs SET password = ? WHERE id = 2', [
      cipher.encrypt('rotated'),
    ]);
    const second = pools.open(await load(2));
    expect(second).not.toBe(first);
    expect(second.target.password).toBe('rotated');
  });

  it('gives a clear error within the connect timeout when a database is down, and stays up', async () => {
    // A server that accepts connections and never answers: a hung database.
    const sockets: Socket[] = [];
    const silent = createServer((socket) => void sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as AddressInfo;
    try {
      const pools = metadata.moduleRef.get(SqlConnectionPools);
      await metadata.db.execute(
        `UPDATE dbs SET sqlalchemy_uri = 'postgresql://analyst:XXXXXXXXXX@127.0.0.1:${port}/warehouse' WHERE id = 2`,
      );
      const row = await load(2);
      await expect(
        pools.run(row, { statements: [], readOnly: true, maxRows: 1, timeoutMs: 1_000 }),
      ).rejects.toMatchObject({ errorType: 'CONNECTION_DATABASE_TIMEOUT' });
      expect(pools.connectionsInUse).toBe(0);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });
});

describe('SqlModule limits and shutdown', () => {
  const metadata = useMetadataTestModule('sqlite', {
    imports: [
      SqlModule.forRoot({ secretKey: null, connectTimeoutMs: 300, maxConnectionsTotal: 1 }),
    ],
    prepare: async (db) => {
      await db.execute(INSERT, [1, 'examples', `sqlite:///${examples}`, null, null, 0, 1]);
      await db.execute(INSERT, [2, 'examples again', `sqlite:///${examples}`, null, null, 0, 1]);
    },
  });
  const LONG =
    'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c';

  it('caps connections across databases, and cancels running queries and closes every pool on shutdown', async () => {
    const loader = metadata.moduleRef.get(DatabaseConnectionLoader);
    const pools = metadata.moduleRef.get(SqlConnectionPools);
    const [one, two] = await Promise.all([loader.load(1), loader.load(2)]);
    if (!one || !two) throw new Error('rows missing');
    const statement = { originalSql: LONG, executedSql: LONG, returnsRows: true };
    const long = pools.run(one, {
      statements: [statement],
      readOnly: true,
      maxRows: 1,
      timeoutMs: 60_000,
    });
    long.catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(pools.connectionsInUse).toBe(1);
    await expect(
      pools.run(two, { statements: [statement], readOnly: true, maxRows: 1, timeoutMs: 1_000 }),
    ).rejects.toMatchObject({ errorType: 'CONNECTION_LIMIT_ERROR' });
    await metadata.moduleRef.close();
    // Shutdown cancels what is still running, then closes the pools.
    await expect(long).rejects.toMatchObject({ errorType: 'QUERY_CANCELLED_ERROR' });
    expect(pools.connectionsInUse).toBe(0);
  });
});
