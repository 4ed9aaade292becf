import { join } from 'node:path';

import Database from 'better-sqlite3';

import { DEMO_METADATA_FILE, ensureDemoDatabases } from '../../src/demo/demo-databases.js';
import { loadDemoContent } from '../../src/demo/demo-loader.js';
import { createExamplesDatabase } from '../../src/demo/examples-data.js';
import { createMetadataSchema } from '../../src/demo/metadata-schema.js';
import { postgresRunner, sqliteRunner, type SqlRunner } from '../../src/demo/sql-runner.js';
import type { MetadataDialect } from '../../src/superset/database/metadata-dialect.js';
import { createTemporaryPostgresDatabase } from '../../src/superset/database/temporary-postgres-database.fixture.js';
import { temporaryDataDir } from './service-process.js';

/** A metadata database holding the demo content, for services started against it. */
export interface DemoFixture {
  readonly dialect: MetadataDialect;
  /** Environment that points a service at this metadata database. */
  readonly env: Record<string, string>;
  /** Runs SQL (`?` placeholders) on the metadata database, for ground truth and set-up. */
  readonly run: SqlRunner;
  close(): Promise<void>;
}

/** The embedded demo (SQLite), created once in a data folder every service started with `env` shares. */
export async function sqliteDemoFixture(): Promise<DemoFixture> {
  const data = temporaryDataDir();
  await ensureDemoDatabases(data.dir);
  const db = new Database(join(data.dir, DEMO_METADATA_FILE));
  return {
    close: () => {
      db.close();
      data.remove();
      return Promise.resolve();
    },
    dialect: 'sqlite',
    env: { SUPERSET_MCP_DATA_DIR: data.dir },
    run: sqliteRunner(db),
  };
}

/** The same demo content loaded into a temporary Postgres database, dropped by `close`. */
export async function postgresDemoFixture(): Promise<DemoFixture> {
  const data = temporaryDataDir();
  const database = await createTemporaryPostgresDatabase();
  try {
    const run = postgresRunner(database.client);
    await createMetadataSchema(run, 'postgres');
    const examplesFile = join(data.dir, 'examples.db');
    createExamplesDatabase(examplesFile);
    await loadDemoContent(run, 'postgres', { examplesUri: `sqlite:///${examplesFile}` });
    return {
      close: async () => {
        await database.drop();
        data.remove();
      },
      dialect: 'postgres',
      env: { SQLALCHEMY_DATABASE_URI: database.uri },
      run,
    };
  } catch (error) {
    await database.drop();
    data.remove();
    throw error;
  }
}

/** Both fixtures, for `describe.each`: every e2e check runs on SQLite and on Postgres. */
export const DEMO_FIXTURES: readonly (readonly [string, () => Promise<DemoFixture>])[] = [
  ['the embedded demo (SQLite)', sqliteDemoFixture],
  ['a Postgres fixture', postgresDemoFixture],
];

/** Text without the `<UNTRUSTED-CONTENT>` markers tools put around user-written text. */
export function withoutMarkers(text: unknown): unknown {
  return typeof text === 'string'
    ? text.replace(/^<UNTRUSTED-CONTENT>\n|\n<\/UNTRUSTED-CONTENT>$/g, '')
    : text;
}
