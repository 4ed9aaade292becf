import type { SqlDialect } from '../checks/sql-dialect.js';
import type { ConnectionTarget } from '../connection-target.js';
import type { PoolLimits, SqlDatabase, SqlEngine } from '../sql-engine.js';
import { MysqlDatabase } from './mysql.database.js';

export class MysqlEngine implements SqlEngine {
  readonly backends = ['mysql'];

  dialectFor(target: ConnectionTarget): SqlDialect {
    return target.scheme === 'mariadb' ? 'mariadb' : 'mysql';
  }

  open(target: ConnectionTarget, limits: PoolLimits): SqlDatabase {
    return new MysqlDatabase(target, limits);
  }
}
