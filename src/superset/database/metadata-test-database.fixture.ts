import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import Database from 'better-sqlite3';

import { createMetadataSchema, type MetadataSchemaOptions } from '../../demo/metadata-schema.js';
import type { MetadataDialect } from './metadata-dialect.js';
import { createTemporaryPostgresDatabase } from './temporary-postgres-database.fixture.js';

/** A throw-away Superset-shaped metadata database for tests. */
export interface MetadataTestDatabase {
  readonly dialect: MetadataDialect;
  /** SQLAlchemy-style URI for `MetadataDatabaseModule.forRoot`. */
  readonly uri: string;
  /** Runs one statement; write `?` placeholders for either dialect. */
  execute(sql: string, parameters?: readonly unknown[]): Promise<void>;
  query<T = Record<string, unknown>>(sql: string, parameters?: readonly unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

/** Creates the schema in a new SQLite file under the OS temp folder or in a new Postgres database. */
export async function createMetadataTestDatabase(
  dialect: MetadataDialect,
  options: MetadataSchemaOptions = {},
): Promise<MetadataTestDatabase> {
  return dialect === 'postgres' ? postgresTestDatabase(options) : sqliteTestDatabase(options);
}

async function sqliteTestDatabase(options: MetadataSchemaOptions): Promise<MetadataTestDatabase> {
  const folder = mkdtempSync(join(tmpdir(), 'smcp-metadata-'));
  const file = join(folder, 'superset.db');
  const db = new Database(file);
  await createMetadataSchema((sql) => settle(() => db.exec(sql)), 'sqlite', options);
  return {
    dialect: 'sqlite',
    uri: `sqlite:///${file}`,
    execute: (sql, parameters = []) => settle(() => void db.prepare(sql).run(...parameters)),
    query: <T>(sql: string, parameters: readonly unknown[] = []) =>
      settle(() => db.prepare(sql).all(...parameters) as T[]),
    close: () =>
      settle(() => {
        db.close();
        rmSync(folder, { recursive: true, force: true });
      }),
  };
}

/** Runs synchronous driver work so that a throw becomes a rejected promise. */
function settle<T>(work: () => T): Promise<T> {
  return new Promise((resolve) => resolve(work()));
}

async function postgresTestDatabase(options: MetadataSchemaOptions): Promise<MetadataTestDatabase> {
  const database = await createTemporaryPostgresDatabase();
  const { client } = database;
  await createMetadataSchema((sql) => client.query(sql), 'postgres', options);
  const numbered = (sql: string): string => {
    let index = 0;
    return sql.replace(/\?/g, () => `$${++index}`);
  };
  return {
    dialect: 'postgres',
    uri: database.uri,
    execute: async (sql, parameters = []) =>
      void (await client.query(numbered(sql), [...parameters])),
    query: async <T>(sql: string, parameters: readonly unknown[] = []) =>
      (await client.query(numbered(sql), [...parameters])).rows as T[],
    close: () => database.drop(),
  };
}
