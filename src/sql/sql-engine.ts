import type { ConnectionTarget } from './connection-target.js';
import type { SqlDialect } from './checks/sql-dialect.js';

/** A JSON-safe cell: big integers beyond 2^53 and decimals are strings, bytes base64. */
export type JsonCell =
  string | number | boolean | null | readonly JsonCell[] | { readonly [key: string]: JsonCell };

export interface ResultColumn {
  readonly name: string;
  /** The database's own type name (`int8`, `numeric`, `BIGINT`, `DECIMAL(10,2)`, …). */
  readonly type: string;
  /** From the server's catalog or result metadata; `null` when the server does not say. */
  readonly nullable: boolean | null;
}

/** One statement ready to run: its text as checked, and what the checker found it to be. */
export interface PreparedStatement {
  /** The statement as the caller wrote it (one statement, no trailing `;`). */
  readonly originalSql: string;
  /** What is sent to the server (the row limit applied to the last query). */
  readonly executedSql: string;
  /** True when the statement can return rows (SELECT, VALUES, SHOW, EXPLAIN, …). */
  readonly returnsRows: boolean;
}

export interface RunRequest {
  readonly statements: readonly PreparedStatement[];
  /** Run in a read-only transaction (or read-only connection) where the engine has one. */
  readonly readOnly: boolean;
  /** Rows kept per statement; the SQL should already carry a LIMIT of `maxRows + 1`. */
  readonly maxRows: number;
  /** Server-side statement timeout for each statement. */
  readonly timeoutMs: number;
  /** Aborting cancels the running statement on the server. */
  readonly signal?: AbortSignal;
  /** Default schema (search_path / USE / DuckDB schema); `null` for the connection's default. */
  readonly schema?: string | null;
}

export interface StatementResult {
  readonly executedSql: string;
  /** `null` for statements that return no rows (DML, SET, …). */
  readonly columns: readonly ResultColumn[] | null;
  /** Rows as arrays in column order (column names may repeat). */
  readonly rows: readonly (readonly JsonCell[])[];
  /** Rows affected by DML; `null` when not reported. */
  readonly affectedRows: number | null;
  /** True when the server had more rows than `maxRows`. */
  readonly truncated: boolean;
  readonly durationMs: number;
}

export interface RunResult {
  readonly statements: readonly StatementResult[];
}

/**
 * The connections of one registered database (`dbs` row): a small pool, or a worker process for
 * SQLite. Made by a `SqlEngine`, owned and closed by `SqlConnectionPools`.
 */
export interface SqlDatabase {
  run(request: RunRequest): Promise<RunResult>;
  close(): Promise<void>;
}

export interface PoolLimits {
  /** Connections this database may hold at once. */
  readonly maxConnections: number;
  readonly idleTimeoutMs: number;
}

/** One implementation per backend (`postgresql`, `mysql`, `sqlite`, `duckdb`, …). */
export interface SqlEngine {
  /** The `dbs.sqlalchemy_uri` backends (scheme before `+driver`) this engine serves. */
  readonly backends: readonly string[];
  /** The parser dialect its statements are checked with. */
  dialectFor(target: ConnectionTarget): SqlDialect;
  open(target: ConnectionTarget, limits: PoolLimits): SqlDatabase;
}
