/**
 * The parser a statement is checked with: `postgresql` (libpg-query, also used for DuckDB, whose
 * parser is a fork of PostgreSQL's), or one of node-sql-parser's grammars.
 */
export type SqlDialect = 'postgresql' | 'duckdb' | 'mysql' | 'mariadb' | 'sqlite';
