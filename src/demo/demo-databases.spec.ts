import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import BetterSqlite3 from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ensureDemoDatabases } from './demo-databases.js';

function scalar(file: string, sql: string): unknown {
  const db = new BetterSqlite3(file, { readonly: true });
  try {
    return Object.values(db.prepare(sql).get() as Record<string, unknown>)[0];
  } finally {
    db.close();
  }
}

function leftovers(dir: string): string[] {
  return readdirSync(dir).filter((name) => name.endsWith('.tmp') || name.includes('-journal'));
}

describe(ensureDemoDatabases.name, () => {
  let root: string;

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'smcp-demo-'));
  });

  afterAll(() => {
    rmSync(root, { recursive: true, force: true });
  });

  it('creates both databases once and reuses them afterwards', async () => {
    const dir = join(root, 'nested', 'data');
    const first = await ensureDemoDatabases(dir);
    const metadataFile = join(dir, 'superset.db');
    expect(first).toEqual({
      metadataUri: `sqlite:///${metadataFile}`,
      examplesFile: join(dir, 'examples.db'),
      created: true,
    });
    expect(first.metadataUri.startsWith('sqlite:////')).toBe(true);
    expect(scalar(metadataFile, 'SELECT COUNT(*) FROM ab_user')).toBe(8);
    expect(scalar(metadataFile, 'SELECT COUNT(*) FROM ab_group')).toBe(1);
    expect(scalar(metadataFile, 'SELECT sqlalchemy_uri FROM dbs')).toBe(
      `sqlite:///${first.examplesFile}`,
    );
    expect(scalar(first.examplesFile, 'SELECT COUNT(*) FROM sales_orders')).toBe(6000);
    expect(leftovers(dir)).toEqual([]);

    const marker = new BetterSqlite3(metadataFile);
    marker.prepare("UPDATE ab_user SET first_name = 'Kept' WHERE username = 'admin'").run();
    marker.close();

    const second = await ensureDemoDatabases(dir);
    expect(second).toEqual({ ...first, created: false });
    expect(scalar(metadataFile, "SELECT first_name FROM ab_user WHERE username = 'admin'")).toBe(
      'Kept',
    );
  }, 30_000);

  it('writes the examples database again when only it is missing', async () => {
    const dir = join(root, 'examples-missing');
    const first = await ensureDemoDatabases(dir);
    rmSync(first.examplesFile);
    const second = await ensureDemoDatabases(dir);
    expect(second.created).toBe(false);
    expect(scalar(second.examplesFile, 'SELECT COUNT(*) FROM energy_flows')).toBe(60);
    expect(leftovers(dir)).toEqual([]);
  }, 30_000);

  it('rebuilds a metadata file that has no users table', async () => {
    const dir = join(root, 'not-superset');
    mkdirSync(dir);
    writeFileSync(join(dir, 'superset.db'), 'not a database');
    const result = await ensureDemoDatabases(dir);
    expect(result.created).toBe(true);
    expect(scalar(join(dir, 'superset.db'), 'SELECT COUNT(*) FROM dashboards')).toBe(3);
  }, 30_000);

  it('leaves no half-built metadata database behind when it fails', async () => {
    const dir = join(root, 'blocked');
    mkdirSync(join(dir, 'superset.db', 'occupied'), { recursive: true });
    await expect(ensureDemoDatabases(dir)).rejects.toThrow();
    expect(leftovers(dir)).toEqual([]);
    expect(existsSync(join(dir, 'superset.db', 'occupied'))).toBe(true);
  }, 30_000);
});
