import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  createTemporaryPostgresDatabase,
  type TemporaryPostgresDatabase,
} from '../src/superset/database/temporary-postgres-database.fixture.js';
import { runCli, type RunResult } from './support/service-process.js';

const PASSWORD = 'not-for-logs-7f3a';
const STACK_FRAME = /^\s+at /m;

/** The service run against a metadata database that cannot be used; it must end with one line. */
async function runAgainst(uri: string, args: readonly string[] = ['run']): Promise<RunResult> {
  return runCli([...args, ...(args[0] === 'run' ? ['--port', '0'] : [])], {
    MCP_DEV_USERNAME: 'admin',
    SQLALCHEMY_DATABASE_URI: uri,
  });
}

function expectOneLine(result: RunResult, line: string): void {
  expect(result.code).toBe(1);
  expect(result.stderr.trim().split('\n')).toEqual([line]);
  expect(`${result.stdout}${result.stderr}`).not.toMatch(STACK_FRAME);
  expect(`${result.stdout}${result.stderr}`).not.toContain(PASSWORD);
  expect(result.stdout).not.toMatch(/Retrying|Unable to connect/);
}

describe('a metadata database that cannot be used at start-up', () => {
  let empty: TemporaryPostgresDatabase;

  beforeAll(async () => {
    empty = await createTemporaryPostgresDatabase();
  });

  afterAll(async () => {
    await empty?.drop();
  });

  it('ends an unreachable server with one line naming the URI, password masked, and the reason', async () => {
    const result = await runAgainst(`postgresql://postgres:${PASSWORD}@127.0.0.1:1/superset`);
    expectOneLine(
      result,
      'superset-mcp: SQLALCHEMY_DATABASE_URI: cannot open the metadata database ' +
        'postgresql://postgres:XXXXXXXXXX@127.0.0.1:1/superset: connect ECONNREFUSED 127.0.0.1:1',
    );
  });

  it('ends a database that does not exist with one line and the driver reason', async () => {
    const name = `smcp_absent_${randomBytes(4).toString('hex')}`;
    const result = await runAgainst(`postgresql://postgres:${PASSWORD}@127.0.0.1:5432/${name}`);
    expectOneLine(
      result,
      'superset-mcp: SQLALCHEMY_DATABASE_URI: cannot open the metadata database ' +
        `postgresql://postgres:XXXXXXXXXX@127.0.0.1:5432/${name}: database "${name}" does not exist`,
    );
  });

  it('ends an empty database with its missing-tables line and no stack trace', async () => {
    const result = await runAgainst(empty.uri);
    expect(result.code).toBe(1);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^superset-mcp: SQLALCHEMY_DATABASE_URI does not point at a Superset metadata database \(missing tables: ab_permission, /,
    );
    expect(`${result.stdout}${result.stderr}`).not.toMatch(STACK_FRAME);
  });

  it('ends a SQLite file that is not a database with one line and the driver reason', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'smcp-e2e-text-'));
    const file = join(folder, 'notes.db');
    writeFileSync(file, 'not a database\n'.repeat(100));
    try {
      expectOneLine(
        await runAgainst(`sqlite:///${file}`),
        `superset-mcp: SQLALCHEMY_DATABASE_URI: cannot read the metadata database sqlite:///${file}: ` +
          'SqliteError: file is not a database',
      );
    } finally {
      rmSync(folder, { force: true, recursive: true });
    }
  });

  it('reports an unreachable server from the indexes command too, instead of exiting silently', async () => {
    const result = await runAgainst(`postgresql://postgres:${PASSWORD}@127.0.0.1:1/superset`, [
      'indexes',
    ]);
    expectOneLine(
      result,
      'superset-mcp: SQLALCHEMY_DATABASE_URI: cannot open the metadata database ' +
        'postgresql://postgres:XXXXXXXXXX@127.0.0.1:1/superset: connect ECONNREFUSED 127.0.0.1:1',
    );
  });
});
