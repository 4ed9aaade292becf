import type { ModuleMetadata } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { afterAll, beforeAll } from 'vitest';

import type { MetadataSchemaOptions } from '../../demo/metadata-schema.js';
import type { MetadataDialect } from './metadata-dialect.js';
import { MetadataDatabaseModule } from './metadata-database.module.js';
import {
  createMetadataTestDatabase,
  type MetadataTestDatabase,
} from './metadata-test-database.fixture.js';

export interface MetadataTestModuleOptions extends MetadataSchemaOptions {
  /** Runs on the new database before the module connects (seed rows, break an index, …). */
  readonly prepare?: (db: MetadataTestDatabase) => Promise<void>;
  readonly imports?: ModuleMetadata['imports'];
  readonly providers?: ModuleMetadata['providers'];
}

/** The database and the module compiled over it; read them inside tests, not at collection. */
export interface MetadataTestModule {
  readonly db: MetadataTestDatabase;
  readonly moduleRef: TestingModule;
}

/**
 * A throw-away metadata database with `MetadataDatabaseModule` over it, created before the
 * enclosing describe block's tests and closed and dropped after them.
 */
export function useMetadataTestModule(
  dialect: MetadataDialect,
  { prepare, imports = [], providers = [], ...schema }: MetadataTestModuleOptions = {},
): MetadataTestModule {
  let db: MetadataTestDatabase | undefined;
  let moduleRef: TestingModule | undefined;

  beforeAll(async () => {
    db = await createMetadataTestDatabase(dialect, schema);
    await prepare?.(db);
    moduleRef = await Test.createTestingModule({
      imports: [MetadataDatabaseModule.forRoot(db.uri), ...imports],
      providers,
    }).compile();
  });

  afterAll(async () => {
    await moduleRef?.close();
    await db?.close();
  });

  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('the metadata test module is not created yet');
    return value;
  };
  return {
    get db() {
      return started(db);
    },
    get moduleRef() {
      return started(moduleRef);
    },
  };
}
