import { type DynamicModule, Module } from '@nestjs/common';

import { StatementChecker } from './checks/statement-checker.service.js';
import { DatabaseConnectionLoader } from './database-connection.loader.js';
import { SQL_ENGINES, SqlEngineRegistry } from './engine-registry.js';
import { DuckDbEngine } from './engines/duckdb.engine.js';
import { MysqlEngine } from './engines/mysql.engine.js';
import { PostgresEngine } from './engines/postgres.engine.js';
import { SqliteEngine } from './engines/sqlite.engine.js';
import type { SqlEngine } from './sql-engine.js';
import { SqlConnectionPools } from './sql-connection-pools.service.js';
import { SqlExecutor } from './sql-executor.service.js';
import { DEFAULT_SQL_OPTIONS, SQL_MODULE_OPTIONS, type SqlModuleOptions } from './sql-options.js';

/** Every engine this build serves; a new one is one class and one line here. */
export const DEFAULT_SQL_ENGINES: readonly SqlEngine[] = [
  new PostgresEngine(),
  new MysqlEngine(),
  new SqliteEngine(),
  new DuckDbEngine(),
];

export type SqlModuleSettings = Partial<SqlModuleOptions> & Pick<SqlModuleOptions, 'secretKey'>;

/**
 * The target-database layer: engines, pools per database id, parser-based statement checks.
 * Needs `MetadataDatabaseModule` (global) for `DatabaseConnectionLoader`.
 */
@Module({})
export class SqlModule {
  static forRoot(settings: SqlModuleSettings, engines = DEFAULT_SQL_ENGINES): DynamicModule {
    const options: SqlModuleOptions = { ...DEFAULT_SQL_OPTIONS, ...settings };
    return {
      module: SqlModule,
      providers: [
        { provide: SQL_MODULE_OPTIONS, useValue: options },
        { provide: SQL_ENGINES, useValue: engines },
        SqlEngineRegistry,
        SqlConnectionPools,
        StatementChecker,
        SqlExecutor,
        DatabaseConnectionLoader,
      ],
      exports: [
        SqlEngineRegistry,
        SqlConnectionPools,
        StatementChecker,
        SqlExecutor,
        DatabaseConnectionLoader,
      ],
    };
  }
}
