import { beforeAll, describe, expect, it } from 'vitest';

import { DEFAULT_SQL_OPTIONS } from '../sql-options.js';
import type { SqlDialect } from './sql-dialect.js';
import { StatementChecker, type StatementVerdict } from './statement-checker.service.js';

const checker = new StatementChecker({ ...DEFAULT_SQL_OPTIONS, secretKey: 'unused' });

beforeAll(async () => {
  await checker.onModuleInit();
});

async function verdict(dialect: SqlDialect, sql: string, allowDml = false, limit?: number) {
  return checker.check({ sql, dialect, allowDml, limit });
}

function outcome(result: StatementVerdict): string {
  return result.allowed ? (result.readOnly ? 'read' : 'dml') : result.errorType;
}

const PG: SqlDialect = 'postgresql';
const MY: SqlDialect = 'mysql';
const LITE: SqlDialect = 'sqlite';
const DUCK: SqlDialect = 'duckdb';

/** [dialect, sql, outcome without allow_dml, outcome with allow_dml] */
const SAFETY_TABLE: [SqlDialect, string, string, string][] = [
  // read-only
  [PG, 'SELECT 1', 'read', 'read'],
  [PG, 'WITH x AS (SELECT 1 AS a) SELECT a FROM x', 'read', 'read'],
  [PG, 'VALUES (1), (2)', 'read', 'read'],
  [PG, 'TABLE pg_namespace', 'read', 'read'],
  [PG, 'EXPLAIN SELECT 1', 'read', 'read'],
  [PG, 'SHOW search_path', 'read', 'read'],
  [PG, 'EXPLAIN DELETE FROM t', 'read', 'read'],
  [MY, 'SELECT 1', 'read', 'read'],
  [MY, 'SHOW TABLES', 'read', 'read'],
  [MY, 'EXPLAIN SELECT 1', 'read', 'read'],
  [LITE, 'SELECT 1', 'read', 'read'],
  [DUCK, 'SELECT 1', 'read', 'read'],
  // DML
  [PG, 'INSERT INTO t VALUES (1)', 'DML_NOT_ALLOWED_ERROR', 'dml'],
  [PG, 'UPDATE t SET a = 1', 'DML_NOT_ALLOWED_ERROR', 'dml'],
  [PG, 'DELETE FROM t', 'DML_NOT_ALLOWED_ERROR', 'dml'],
  [
    PG,
    'MERGE INTO t USING s ON t.id = s.id WHEN MATCHED THEN DELETE',
    'DML_NOT_ALLOWED_ERROR',
    'dml',
  ],
  [PG, 'SELECT * INTO new_table FROM t', 'DML_NOT_ALLOWED_ERROR', 'dml'],
  [PG, 'WITH d AS (DELETE FROM t RETURNING *) SELECT * FROM d', 'DML_NOT_ALLOWED_ERROR', 'dml'],
  [
    PG,
    'SELECT * FROM (WITH d AS (UPDATE t SET a = 1 RETURNING a) SELECT * FROM d) q',
    'DML_NOT_ALLOWED_ERROR',
    'dml',
  ],
  [PG, 'SELECT * FROM t FOR UPDATE', 'DML_NOT_ALLOWED_ERROR', 'dml'],
  [PG, 'EXPLAIN ANALYZE DELETE FROM t', 'DML_NOT_ALLOWED_ERROR', 'dml'],
  [MY, 'INSERT INTO t VALUES (1)', 'DML_NOT_ALLOWED_ERROR', 'dml'],
  [MY, 'REPLACE INTO t VALUES (1)', 'DML_NOT_ALLOWED_ERROR', 'dml'],
  [MY, 'UPDATE t SET a = 1', 'DML_NOT_ALLOWED_ERROR', 'dml'],
  [MY, "SELECT * INTO OUTFILE '/tmp/x' FROM t", 'DML_NOT_ALLOWED_ERROR', 'dml'],
  [MY, 'SELECT a FROM t FOR UPDATE', 'DML_NOT_ALLOWED_ERROR', 'dml'],
  [LITE, 'DELETE FROM t', 'DML_NOT_ALLOWED_ERROR', 'dml'],
  [DUCK, 'INSERT INTO t SELECT 1', 'DML_NOT_ALLOWED_ERROR', 'dml'],
  // DDL and other commands: always refused
  [PG, 'CREATE TABLE x (a int)', 'DML_NOT_ALLOWED_ERROR', 'DML_NOT_ALLOWED_ERROR'],
  [PG, 'CREATE TABLE x AS SELECT 1', 'DML_NOT_ALLOWED_ERROR', 'DML_NOT_ALLOWED_ERROR'],
  [PG, 'ALTER TABLE t ADD COLUMN b int', 'DML_NOT_ALLOWED_ERROR', 'DML_NOT_ALLOWED_ERROR'],
  [PG, 'DROP TABLE t', 'DML_NOT_ALLOWED_ERROR', 'DML_NOT_ALLOWED_ERROR'],
  [PG, 'TRUNCATE t', 'DML_NOT_ALLOWED_ERROR', 'DML_NOT_ALLOWED_ERROR'],
  [PG, 'GRANT SELECT ON t TO public', 'DML_NOT_ALLOWED_ERROR', 'DML_NOT_ALLOWED_ERROR'],
  [PG, "COPY t TO '/tmp/x'", 'DML_NOT_ALLOWED_ERROR', 'DML_NOT_ALLOWED_ERROR'],
  [PG, "COPY (SELECT 1) TO PROGRAM 'id'", 'DML_NOT_ALLOWED_ERROR', 'DML_NOT_ALLOWED_ERROR'],
  [PG, 'SET statement_timeout = 0', 'DML_NOT_ALLOWED_ERROR', 'DML_NOT_ALLOWED_ERROR'],
  [PG, 'CALL p()', 'DML_NOT_ALLOWED_ERROR', 'DML_NOT_ALLOWED_ERROR'],
  [PG, 'DO $$ BEGIN PERFORM 1; END $$', 'DML_NOT_ALLOWED_ERROR', 'DML_NOT_ALLOWED_ERROR'],
  [PG, 'BEGIN', 'DML_NOT_ALLOWED_ERROR', 'DML_NOT_ALLOWED_ERROR'],
  [PG, 'VACUUM t', 'DML_NOT_ALLOWED_ERROR', 'DML_NOT_ALLOWED_ERROR'],
  [PG, 'LOCK TABLE t', 'DML_NOT_ALLOWED_ERROR', 'DML_NOT_ALLOWED_ERROR'],
  [PG, 'CREATE EXTENSION dblink', 'DML_NOT_ALLOWED_ERROR', 'DML_NOT_ALLOWED_ERROR'],
  [MY, 'CREATE TABLE x (a int)', 'DML_NOT_ALLOWED_ERROR', 'DML_NOT_ALLOWED_ERROR'],
  [MY, 'DROP TABLE t', 'DML_NOT_ALLOWED_ERROR', 'DML_NOT_ALLOWED_ERROR'],
  [MY, 'TRUNCATE TABLE t', 'DML_NOT_ALLOWED_ERROR', 'DML_NOT_ALLOWED_ERROR'],
  [MY, 'GRANT SELECT ON t TO u', 'DML_NOT_ALLOWED_ERROR', 'DML_NOT_ALLOWED_ERROR'],
  [MY, 'SET @a = 1', 'DML_NOT_ALLOWED_ERROR', 'DML_NOT_ALLOWED_ERROR'],
  [MY, 'CALL p()', 'DML_NOT_ALLOWED_ERROR', 'DML_NOT_ALLOWED_ERROR'],
  [LITE, "ATTACH DATABASE '/tmp/x.db' AS x", 'DML_NOT_ALLOWED_ERROR', 'DML_NOT_ALLOWED_ERROR'],
  [LITE, 'CREATE TABLE x (a int)', 'DML_NOT_ALLOWED_ERROR', 'DML_NOT_ALLOWED_ERROR'],
  [LITE, 'PRAGMA journal_mode = DELETE', 'INVALID_SQL_ERROR', 'INVALID_SQL_ERROR'],
  // DuckDB-only syntax the PostgreSQL grammar does not know fails closed
  [DUCK, "ATTACH '/tmp/x.db' AS x", 'INVALID_SQL_ERROR', 'INVALID_SQL_ERROR'],
  [DUCK, "COPY t TO '/tmp/x.csv'", 'DML_NOT_ALLOWED_ERROR', 'DML_NOT_ALLOWED_ERROR'],
  // scripts: every statement is judged
  [PG, 'SELECT 1; SELECT 2', 'read', 'read'],
  [PG, 'SELECT 1; DROP TABLE t', 'DML_NOT_ALLOWED_ERROR', 'DML_NOT_ALLOWED_ERROR'],
  [PG, 'SELECT 1; DELETE FROM t', 'DML_NOT_ALLOWED_ERROR', 'dml'],
  [MY, 'SELECT 1; SELECT 2;', 'read', 'read'],
  [MY, 'SELECT 1; DROP TABLE t', 'DML_NOT_ALLOWED_ERROR', 'DML_NOT_ALLOWED_ERROR'],
  [LITE, 'SELECT 1; UPDATE t SET a = 1', 'DML_NOT_ALLOWED_ERROR', 'dml'],
  // keywords hidden in comments, string literals and dollar quotes are just text
  [PG, "SELECT 'DROP TABLE t; DELETE FROM t' AS s", 'read', 'read'],
  [PG, 'SELECT 1 -- ; DROP TABLE t', 'read', 'read'],
  [PG, 'SELECT /* ; DELETE FROM t; */ 1', 'read', 'read'],
  [PG, 'SELECT $$; DROP TABLE t; $$ AS s', 'read', 'read'],
  [PG, 'SELECT $tag$ $$; DROP TABLE t $tag$', 'read', 'read'],
  [PG, "SELECT E'\\'; DROP TABLE t; --' AS s", 'read', 'read'],
  [MY, 'SELECT \'a;b\' AS s; SELECT "DROP TABLE t;" AS d', 'read', 'read'],
  [MY, 'SELECT 1 -- ; DROP TABLE t\n; SELECT 2', 'read', 'read'],
  [MY, 'SELECT 1 # ; DROP TABLE t\n', 'read', 'read'],
  [MY, "SELECT 'it''s; DROP TABLE t' AS s", 'read', 'read'],
  [LITE, "SELECT '; DELETE FROM t' /* ; DROP TABLE t */", 'read', 'read'],
  // unparseable SQL fails closed
  [PG, 'SELEC 1', 'INVALID_SQL_ERROR', 'INVALID_SQL_ERROR'],
  [PG, "SELECT 'unterminated", 'INVALID_SQL_ERROR', 'INVALID_SQL_ERROR'],
  [MY, 'SELECT FROM WHERE', 'INVALID_SQL_ERROR', 'INVALID_SQL_ERROR'],
  [LITE, 'DELETE', 'INVALID_SQL_ERROR', 'INVALID_SQL_ERROR'],
  [PG, '', 'INVALID_SQL_ERROR', 'INVALID_SQL_ERROR'],
  [PG, '-- only a comment', 'INVALID_SQL_ERROR', 'INVALID_SQL_ERROR'],
  // disallowed functions, anywhere in the tree, qualified or not
  [PG, 'SELECT version()', 'SYNTAX_ERROR', 'SYNTAX_ERROR'],
  [PG, 'SELECT pg_catalog.version()', 'SYNTAX_ERROR', 'SYNTAX_ERROR'],
  // names compare case-insensitively, quoted or not (stricter than PostgreSQL itself)
  [PG, 'SELECT "VERSION"()', 'SYNTAX_ERROR', 'SYNTAX_ERROR'],
  [PG, "SELECT * FROM pg_read_file('/etc/passwd')", 'SYNTAX_ERROR', 'SYNTAX_ERROR'],
  [PG, "SELECT upper(lower(pg_catalog.pg_ls_dir('.')))", 'SYNTAX_ERROR', 'SYNTAX_ERROR'],
  [
    PG,
    'SELECT a FROM t WHERE a IN (SELECT inet_server_addr()::text)',
    'SYNTAX_ERROR',
    'SYNTAX_ERROR',
  ],
  [
    PG,
    "WITH x AS (SELECT query_to_xml('select 1', true, true, '')) SELECT * FROM x",
    'SYNTAX_ERROR',
    'SYNTAX_ERROR',
  ],
  [PG, 'SELECT current_user', 'SYNTAX_ERROR', 'SYNTAX_ERROR'],
  [PG, "SELECT lo_import('/etc/passwd')", 'SYNTAX_ERROR', 'SYNTAX_ERROR'],
  [PG, 'SELECT pg_sleep(1)', 'SYNTAX_ERROR', 'SYNTAX_ERROR'],
  [PG, 'SELECT 1; SELECT version()', 'SYNTAX_ERROR', 'SYNTAX_ERROR'],
  [MY, 'SELECT VERSION()', 'SYNTAX_ERROR', 'SYNTAX_ERROR'],
  [MY, 'SELECT `mysql`.`version`()', 'SYNTAX_ERROR', 'SYNTAX_ERROR'],
  [
    MY,
    "SELECT a FROM t WHERE b IN (SELECT load_file('/etc/passwd'))",
    'SYNTAX_ERROR',
    'SYNTAX_ERROR',
  ],
  [MY, 'SELECT x FROM (SELECT sleep(10) AS x) q', 'SYNTAX_ERROR', 'SYNTAX_ERROR'],
  [MY, 'SELECT benchmark(1000000, md5(1))', 'SYNTAX_ERROR', 'SYNTAX_ERROR'],
  [LITE, 'SELECT sqlite_version()', 'SYNTAX_ERROR', 'SYNTAX_ERROR'],
  [LITE, "SELECT load_extension('x')", 'SYNTAX_ERROR', 'SYNTAX_ERROR'],
  [DUCK, "SELECT * FROM read_csv('/etc/passwd')", 'SYNTAX_ERROR', 'SYNTAX_ERROR'],
  [DUCK, "SELECT getenv('HOME')", 'SYNTAX_ERROR', 'SYNTAX_ERROR'],
];

describe(StatementChecker.name, () => {
  it.each(SAFETY_TABLE)(
    '%s: %j → %s / with allow_dml %s',
    async (dialect, sql, without, withDml) => {
      expect(outcome(await verdict(dialect, sql, false))).toBe(without);
      expect(outcome(await verdict(dialect, sql, true))).toBe(withDml);
    },
  );

  it('says where parsing failed', async () => {
    const result = await verdict(PG, 'SELECT 1,\n  FROM WHERE');
    expect(result).toMatchObject({ allowed: false, errorType: 'INVALID_SQL_ERROR', line: 2 });
    expect(!result.allowed && result.message).toMatch(/line 2, column \d+.*syntax error/);
    const mysql = await verdict(MY, 'SELECT a\nFROM t WHERE');
    expect(mysql).toMatchObject({ allowed: false, line: 2 });
  });

  it('names the disallowed functions and the statement', async () => {
    const result = await verdict(PG, 'SELECT 1; SELECT pg_catalog.version(), pg_sleep(1)');
    expect(result).toMatchObject({
      allowed: false,
      statementIndex: 1,
      disallowedFunctions: ['pg_sleep', 'version'],
      message: 'SQL statement contains disallowed function(s): pg_sleep, version',
    });
  });

  it('splits scripts at the real statement ends only', async () => {
    const result = await verdict(MY, "SELECT 'a;b' AS s; -- c; d\nSELECT 2 /* ; */;\n", false, 10);
    expect(result.allowed && result.statements.map((s) => s.originalSql)).toEqual([
      "SELECT 'a;b' AS s",
      '-- c; d\nSELECT 2 /* ; */',
    ]);
    const pg = await verdict(PG, 'SELECT $$a;b$$; SELECT 2 -- end', false, 10);
    expect(pg.allowed && pg.statements.map((s) => s.originalSql)).toEqual([
      'SELECT $$a;b$$',
      'SELECT 2 -- end',
    ]);
  });

  it('puts the row limit (+1, to see truncation) into the last query only', async () => {
    const result = await verdict(PG, 'SELECT 1; SELECT * FROM t -- note', false, 100);
    expect(result.allowed && result.statements.map((s) => s.executedSql)).toEqual([
      'SELECT 1',
      'SELECT * FROM t -- note\nLIMIT 101',
    ]);
    const limited = await verdict(PG, 'SELECT * FROM t LIMIT 5000', false, 100);
    expect(limited.allowed && limited.statements[0]?.executedSql).toBe(
      'SELECT * FROM (\nSELECT * FROM t LIMIT 5000\n) AS mcp_limited\nLIMIT 101',
    );
    const shown = await verdict(PG, 'SHOW search_path', false, 100);
    expect(shown.allowed && shown.statements[0]?.executedSql).toBe('SHOW search_path');
  });

  it('caps the limit at SQL_MAX_ROW', async () => {
    const small = new StatementChecker({ ...DEFAULT_SQL_OPTIONS, sqlMaxRow: 50, secretKey: 'x' });
    const result = await small.check({
      sql: 'SELECT 1',
      dialect: LITE,
      allowDml: false,
      limit: 10_000,
    });
    expect(result).toMatchObject({ allowed: true, limit: 50 });
    expect(result.allowed && result.statements[0]?.executedSql).toBe('SELECT 1\nLIMIT 51');
  });
});
