import type { SqlDialect } from '../checks/sql-dialect.js';
import type { ConnectionTarget } from '../connection-target.js';
import type { PoolLimits, SqlDatabase, SqlEngine } from '../sql-engine.js';
import { SqliteDatabase } from './sqlite.database.js';

export class SqliteEngine implements SqlEngine {
  readonly backends = ['sqlite'];

  dialectFor(): SqlDialect {
    return 'sqlite';
  }

  open(target: ConnectionTarget, limits: PoolLimits): SqlDatabase {
    return new SqliteDatabase(target, limits);
  }
}
