import { accessSync, constants, existsSync } from 'node:fs';

import { type DynamicModule, Global, Module } from '@nestjs/common';
import { getDataSourceToken, TypeOrmModule } from '@nestjs/typeorm';
import type { DataSource, DataSourceOptions } from 'typeorm';

import { redactUri } from '../../config/redact.js';
import { StartupError } from '../../config/startup.error.js';
import type { Database } from 'better-sqlite3';

import { METADATA_DIALECT } from './inject-metadata-dialect.decorator.js';
import { driverReason, openMetadataDatabase } from './metadata-database-connection.js';
import {
  type MetadataConnection,
  type MetadataDialect,
  parseMetadataUri,
} from './metadata-dialect.js';
import { METADATA_ENTITIES } from './metadata-entities.js';
import { MetadataIndexAdvisor } from './metadata-index-advisor.service.js';
import { MetadataSchemaInspector } from './metadata-schema-inspector.service.js';

const SQLITE_MEMORY = ':memory:';

/**
 * TypeORM over Superset's metadata database. Superset owns the schema: nothing is synchronised
 * or migrated, and repositories check `MetadataSchemaInspector` before naming optional columns.
 */
@Global()
@Module({})
export class MetadataDatabaseModule {
  static forRoot(uri: string): DynamicModule {
    const connection = parseMetadataUri(uri);
    if (
      connection.dialect === 'sqlite' &&
      connection.options.database !== SQLITE_MEMORY &&
      !existsSync(connection.options.database)
    ) {
      // better-sqlite3 would create an empty file; a typo must not leave one behind.
      throw new StartupError(
        `SQLALCHEMY_DATABASE_URI: there is no SQLite database at ${connection.options.database}`,
      );
    }
    const repositories = TypeOrmModule.forFeature(METADATA_ENTITIES);
    return {
      exports: [repositories, METADATA_DIALECT, MetadataSchemaInspector, MetadataIndexAdvisor],
      imports: [
        TypeOrmModule.forRootAsync({
          dataSourceFactory: (options) =>
            openMetadataDatabase(uri, options ?? dataSourceOptions(connection)),
          useFactory: () => ({
            ...dataSourceOptions(connection),
            // Nest's default is ten attempts three seconds apart, each logged with a stack: a
            // wrong URI took 32 s to report. The one attempt's failure is a StartupError.
            retryAttempts: 0,
            toRetry: () => false,
          }),
        }),
        repositories,
      ],
      module: MetadataDatabaseModule,
      providers: [
        MetadataIndexAdvisor,
        { provide: METADATA_DIALECT, useValue: connection.dialect },
        {
          inject: [getDataSourceToken(), METADATA_DIALECT],
          provide: MetadataSchemaInspector,
          useFactory: async (dataSource: DataSource, dialect: MetadataDialect) => {
            const inspector = new MetadataSchemaInspector(dataSource, dialect);
            await inspector.refresh().catch((error: unknown) => {
              // A file that is not a database, or a role that may not read the catalog.
              throw new StartupError(
                `SQLALCHEMY_DATABASE_URI: cannot read the metadata database ${redactUri(uri)}: ${driverReason(error)}`,
                { cause: error },
              );
            });
            inspector.assertSupersetSchema();
            return inspector;
          },
        },
      ],
    };
  }
}

function dataSourceOptions(connection: MetadataConnection): DataSourceOptions {
  const common = {
    entities: METADATA_ENTITIES,
    logging: false,
    migrationsRun: false,
    synchronize: false,
  } as const;
  if (connection.dialect === 'postgres') {
    return {
      ...connection.options,
      ...common,
      applicationName: 'superset-mcp',
      // The service's queries are short lookups over a page of rows, and PostgreSQL misjudges
      // them: it costs the access filters' per-row subqueries high enough to JIT-compile them (up
      // to 190 ms on a 17 ms query), and, estimating a `LIKE '%…%'` search to match almost
      // nothing, starts parallel workers (~8 ms) for a bounded count that reads a few hundred
      // rows (docs/PERFORMANCE.md). Both off for this service's sessions only.
      extra: { max: 10, options: '-c jit=off -c max_parallel_workers_per_gather=0' },
    };
  }
  const file = connection.options.database;
  const inMemory = file === SQLITE_MEMORY;
  const readonly = !inMemory && existsSync(file) && !isWritable(file);
  return {
    ...connection.options,
    ...common,
    // No WAL: switching journal mode would change the file Superset itself uses.
    fileMustExist: !inMemory,
    prepareDatabase: (db: Database) => {
      db.pragma('foreign_keys = ON');
    },
    readonly,
  };
}

function isWritable(path: string): boolean {
  try {
    accessSync(path, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}
