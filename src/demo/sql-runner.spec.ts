import BetterSqlite3 from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  createTemporaryPostgresDatabase,
  type TemporaryPostgresDatabase,
} from '../superset/database/temporary-postgres-database.fixture.js';
import { postgresRunner, sqliteRunner, toPostgresPlaceholders } from './sql-runner.js';

describe(toPostgresPlaceholders.name, () => {
  it('numbers the placeholders in order', () => {
    expect(toPostgresPlaceholders('SELECT ? AS a, ? AS b WHERE x = ?')).toEqual({
      text: 'SELECT $1 AS a, $2 AS b WHERE x = $3',
      count: 3,
    });
  });

  it('leaves question marks in literals, identifiers and comments alone', () => {
    const sql = [
      `SELECT 'why?', 'it''s ?', "odd?name", E'esc\\'?', $$body ?$$, $tag$ ? $tag$, ? -- really?`,
      '/* what? */ FROM t WHERE y = ?',
    ].join('\n');
    expect(toPostgresPlaceholders(sql)).toEqual({
      text: sql.replace(', ? --', ', $1 --').replace('y = ?', 'y = $2'),
      count: 2,
    });
  });

  it('does not mistake positional parameters for dollar quotes', () => {
    expect(toPostgresPlaceholders('SELECT a$1, ?')).toEqual({ text: 'SELECT a$1, $1', count: 1 });
  });
});

describe(sqliteRunner.name, () => {
  const db = new BetterSqlite3(':memory:');
  const run = sqliteRunner(db);

  afterAll(() => {
    db.close();
  });

  it('runs scripts, writes, RETURNING and reads', async () => {
    await expect(
      run(
        'CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT, flag BOOLEAN, data BLOB); CREATE INDEX i ON t (name)',
      ),
    ).resolves.toEqual([]);
    await expect(
      run('INSERT INTO t (name, flag, data) VALUES (?, ?, ?) RETURNING id', [
        'a?',
        true,
        Buffer.from([1, 2]),
      ]),
    ).resolves.toEqual([{ id: 1 }]);
    await expect(run('INSERT INTO t (name, flag) VALUES (?, ?)', ['b', false])).resolves.toEqual(
      [],
    );
    await expect(run('SELECT name, flag, data FROM t WHERE id = ?', [1])).resolves.toEqual([
      { name: 'a?', flag: 1, data: Buffer.from([1, 2]) },
    ]);
    await expect(run('SELECT flag FROM t WHERE name = ?', ['b'])).resolves.toEqual([{ flag: 0 }]);
  });

  it('rejects on SQL errors instead of throwing synchronously', async () => {
    await expect(run('SELECT * FROM missing_table')).rejects.toThrow(/no such table/);
    await expect(run('INSERT INTO t (id) VALUES (?)', [1])).rejects.toThrow(/UNIQUE/);
  });
});

describe(postgresRunner.name, () => {
  let database: TemporaryPostgresDatabase;

  beforeAll(async () => {
    database = await createTemporaryPostgresDatabase();
  }, 30_000);

  afterAll(async () => {
    await database?.drop();
  });

  it('rewrites placeholders and returns rows', async () => {
    const run = postgresRunner(database.client);
    await expect(
      run(
        'CREATE TABLE t (id SERIAL PRIMARY KEY, name TEXT, flag BOOLEAN); CREATE INDEX i ON t (name)',
      ),
    ).resolves.toEqual([]);
    await expect(
      run("INSERT INTO t (name, flag) VALUES (?, ?) RETURNING id, 'ok?' AS note", ['a', true]),
    ).resolves.toEqual([{ id: 1, note: 'ok?' }]);
    await expect(run('SELECT name, flag FROM t WHERE id = ?', [1])).resolves.toEqual([
      { name: 'a', flag: true },
    ]);
  });

  it('refuses a parameter count that does not match the placeholders', async () => {
    const run = postgresRunner(database.client);
    await expect(run('SELECT ?', [])).rejects.toThrow('1 placeholder(s) but 0 parameter(s)');
    await expect(run('SELECT 1', [1])).rejects.toThrow('0 placeholder(s) but 1 parameter(s)');
  });
});
