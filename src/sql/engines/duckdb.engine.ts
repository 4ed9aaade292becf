import type { SqlDialect } from '../checks/sql-dialect.js';
import type { ConnectionTarget } from '../connection-target.js';
import type { PoolLimits, SqlDatabase, SqlEngine } from '../sql-engine.js';
import { DuckDbDatabase } from './duckdb.database.js';

export class DuckDbEngine implements SqlEngine {
  readonly backends = ['duckdb'];

  dialectFor(): SqlDialect {
    return 'duckdb';
  }

  open(target: ConnectionTarget, limits: PoolLimits): SqlDatabase {
    return new DuckDbDatabase(target, limits);
  }
}
