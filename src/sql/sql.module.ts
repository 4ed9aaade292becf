import { type DynamicModule, Module, type Provider } from '@nestjs/common';

import { SETTINGS } from '../config/inject-settings.decorator.js';
import type { Settings } from '../config/settings.js';

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
    return SqlModule.withOptions({ provide: SQL_MODULE_OPTIONS, useValue: options }, engines);
  }

  /** The layer configured from the service's `Settings` (SQL_MAX_ROW, DISALLOWED_SQL_FUNCTIONS, SECRET_KEY). */
  static forSettings(engines = DEFAULT_SQL_ENGINES): DynamicModule {
    return SqlModule.withOptions(
      {
        provide: SQL_MODULE_OPTIONS,
        inject: [SETTINGS],
        useFactory: (settings: Settings): SqlModuleOptions => ({
          ...DEFAULT_SQL_OPTIONS,
          sqlMaxRow: settings.SQL_MAX_ROW,
          disallowedSqlFunctions:
            settings.DISALLOWED_SQL_FUNCTIONS ?? DEFAULT_SQL_OPTIONS.disallowedSqlFunctions,
          secretKey: settings.SECRET_KEY,
        }),
      },
      engines,
    );
  }

  private static withOptions(
    options: Provider<SqlModuleOptions>,
    engines: readonly SqlEngine[],
  ): DynamicModule {
    return {
      module: SqlModule,
      providers: [
        options,
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
