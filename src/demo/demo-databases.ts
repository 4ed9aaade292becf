import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';

import { Logger } from '@nestjs/common';
import BetterSqlite3 from 'better-sqlite3';

import { loadDemoContent } from './demo-loader.js';
import { createExamplesDatabase } from './examples-data.js';
import { createMetadataSchema } from './metadata-schema.js';
import { sqliteRunner } from './sql-runner.js';

export const DEMO_METADATA_FILE = 'superset.db';
export const DEMO_EXAMPLES_FILE = 'examples.db';

export interface DemoDatabases {
  /** SQLAlchemy-style URI of the metadata database (`sqlite:///` + absolute path). */
  readonly metadataUri: string;
  readonly examplesFile: string;
  /** False when an existing metadata database was reused. */
  readonly created: boolean;
}

const logger = new Logger('DemoDatabases');

function hasUserTable(file: string): boolean {
  let db: BetterSqlite3.Database | undefined;
  try {
    db = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
    return (
      db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'ab_user'").get() !==
      undefined
    );
  } catch {
    return false;
  } finally {
    db?.close();
  }
}

function temporaryName(dir: string, file: string): string {
  return join(dir, `.${file}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
}

function removeFiles(files: readonly string[]): void {
  for (const file of files) {
    for (const path of [file, `${file}-journal`, `${file}-wal`, `${file}-shm`]) {
      rmSync(path, { force: true });
    }
  }
}

/** Writes the examples database under a temporary name and moves it into place when complete. */
function writeExamplesDatabase(dir: string, examplesFile: string): void {
  const temporary = temporaryName(dir, DEMO_EXAMPLES_FILE);
  try {
    createExamplesDatabase(temporary);
    renameSync(temporary, examplesFile);
  } catch (error) {
    removeFiles([temporary]);
    throw error;
  }
}

async function writeMetadataDatabase(
  dir: string,
  metadataFile: string,
  examplesFile: string,
  now: Date,
): Promise<void> {
  const temporary = temporaryName(dir, DEMO_METADATA_FILE);
  const db = new BetterSqlite3(temporary);
  try {
    db.pragma('foreign_keys = ON');
    const run = sqliteRunner(db);
    await createMetadataSchema(run, 'sqlite', { withGroups: true });
    await loadDemoContent(run, 'sqlite', {
      examplesUri: `sqlite:///${examplesFile}`,
      now,
      withGroups: true,
    });
    db.close();
    renameSync(temporary, metadataFile);
  } catch (error) {
    if (db.open) db.close();
    removeFiles([temporary]);
    throw error;
  }
}

/**
 * Creates the embedded demo's SQLite metadata database and examples database in `dataDir`, or
 * reuses them when a metadata database with users already exists. Both files are built under
 * temporary names and renamed into place only when complete; the metadata database is renamed
 * last, so its presence means the pair is whole.
 */
export async function ensureDemoDatabases(
  dataDir: string,
  now = new Date(),
): Promise<DemoDatabases> {
  const dir = resolve(dataDir);
  mkdirSync(dir, { recursive: true });
  const metadataFile = join(dir, DEMO_METADATA_FILE);
  const examplesFile = join(dir, DEMO_EXAMPLES_FILE);
  const result = (created: boolean): DemoDatabases => ({
    metadataUri: `sqlite:///${metadataFile}`,
    examplesFile,
    created,
  });

  if (existsSync(metadataFile)) {
    if (hasUserTable(metadataFile)) {
      if (!existsSync(examplesFile)) {
        logger.warn(`${DEMO_EXAMPLES_FILE} is missing in ${dir}; writing it again`);
        writeExamplesDatabase(dir, examplesFile);
      }
      return result(false);
    }
    logger.warn(`${DEMO_METADATA_FILE} in ${dir} has no ab_user table; rebuilding the demo`);
  }

  writeExamplesDatabase(dir, examplesFile);
  await writeMetadataDatabase(dir, metadataFile, examplesFile, now);
  return result(true);
}
