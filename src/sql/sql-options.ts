import { SUPERSET_DISALLOWED_SQL_FUNCTIONS } from './checks/disallowed-functions.js';

/** Settings the SQL layer needs; the config module maps Superset's names onto these later. */
export interface SqlModuleOptions {
  /** `SQL_MAX_ROW`: the most rows one statement may return (Superset's default 100,000). */
  readonly sqlMaxRow: number;
  /** `DISALLOWED_SQL_FUNCTIONS`: per engine key (`postgresql`, `mysql`, `sqlite`, `duckdb`, …). */
  readonly disallowedSqlFunctions: Readonly<Record<string, readonly string[]>>;
  /** Connect timeout when `connect_args` has none (ms). */
  readonly connectTimeoutMs: number;
  /** Connections one registered database may hold. */
  readonly maxConnectionsPerDatabase: number;
  /** Connections all target databases together may hold (the SQLite worker counts as one). */
  readonly maxConnectionsTotal: number;
  /** Idle connections are closed after this long (ms). */
  readonly idleTimeoutMs: number;
  /** `SECRET_KEY` / `SUPERSET_SECRET_KEY`, to decrypt `dbs.password`; `null` → Superset's default. */
  readonly secretKey: string | null;
}

export const SQL_MODULE_OPTIONS = Symbol('SQL_MODULE_OPTIONS');

export const DEFAULT_SQL_OPTIONS: Omit<SqlModuleOptions, 'secretKey'> = {
  sqlMaxRow: 100_000,
  disallowedSqlFunctions: SUPERSET_DISALLOWED_SQL_FUNCTIONS,
  connectTimeoutMs: 5_000,
  maxConnectionsPerDatabase: 4,
  maxConnectionsTotal: 20,
  idleTimeoutMs: 30_000,
};
