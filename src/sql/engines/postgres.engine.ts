import type { SqlDialect } from '../checks/sql-dialect.js';
import type { ConnectionTarget } from '../connection-target.js';
import type { PoolLimits, SqlDatabase, SqlEngine } from '../sql-engine.js';
import { PostgresDatabase } from './postgres.database.js';

export class PostgresEngine implements SqlEngine {
  readonly backends = ['postgresql'];

  dialectFor(): SqlDialect {
    return 'postgresql';
  }

  open(target: ConnectionTarget, limits: PoolLimits): SqlDatabase {
    return new PostgresDatabase(target, limits);
  }
}
