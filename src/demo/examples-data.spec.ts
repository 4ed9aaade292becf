import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import BetterSqlite3 from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  createExamplesDatabase,
  EXAMPLE_TABLE_DEFINITIONS,
  type ExampleTable,
  generateExampleTables,
  SeededRandom,
} from './examples-data.js';

function tableNamed(tables: readonly ExampleTable[], name: string): ExampleTable {
  const table = tables.find((candidate) => candidate.name === name);
  if (!table) throw new Error(`no table ${name}`);
  return table;
}

function column(table: ExampleTable, name: string): unknown[] {
  const index = table.columns.findIndex((candidate) => candidate.name === name);
  return table.rows.map((row) => row[index]);
}

describe(SeededRandom.name, () => {
  it('repeats the same sequence for the same seed', () => {
    const first = new SeededRandom(42);
    const second = new SeededRandom(42);
    const a = Array.from({ length: 5 }, () => first.next());
    const b = Array.from({ length: 5 }, () => second.next());
    expect(a).toEqual(b);
    expect(new SeededRandom(43).next()).not.toBe(a[0]);
    expect(a.every((value) => value >= 0 && value < 1)).toBe(true);
  });
});

describe(generateExampleTables.name, () => {
  const tables = generateExampleTables();

  it('is deterministic for a seed and differs across seeds', () => {
    expect(generateExampleTables()).toEqual(tables);
    expect(tableNamed(generateExampleTables(7), 'sales_orders').rows).not.toEqual(
      tableNamed(tables, 'sales_orders').rows,
    );
  });

  it('produces the stated table sizes', () => {
    expect(tables.map((table) => [table.name, table.rows.length])).toEqual([
      ['sales_orders', 6000],
      ['birth_names', 8000],
      ['web_sessions', 10000],
      ['energy_flows', 60],
    ]);
    for (const table of tables) {
      for (const row of table.rows) expect(row).toHaveLength(table.columns.length);
    }
  });

  it('spreads sales orders over three years with consistent amounts', () => {
    const sales = tableNamed(tables, 'sales_orders');
    const dates = column(sales, 'order_date') as string[];
    expect(dates[0] >= '2023-01-01').toBe(true);
    expect(dates[dates.length - 1] <= '2025-12-31').toBe(true);
    expect(new Set(dates.map((date) => date.slice(0, 4)))).toEqual(
      new Set(['2023', '2024', '2025']),
    );
    expect(new Set(column(sales, 'order_id')).size).toBe(6000);
    const index = (name: string) => sales.columns.findIndex((c) => c.name === name);
    for (const row of sales.rows) {
      const quantity = row[index('quantity')] as number;
      const unitPrice = row[index('unit_price')] as number;
      expect(row[index('revenue')]).toBeCloseTo(quantity * unitPrice, 2);
      const shipDate = row[index('ship_date')] as string | null;
      if (shipDate !== null) expect(shipDate > (row[index('order_date')] as string)).toBe(true);
    }
    expect(new Set(column(sales, 'region'))).toEqual(
      new Set(['North America', 'EMEA', 'APAC', 'LATAM']),
    );
    expect(new Set(column(sales, 'deal_size'))).toEqual(new Set(['Small', 'Medium', 'Large']));
  });

  it('keeps web sessions plausible', () => {
    const sessions = tableNamed(tables, 'web_sessions');
    const converted = column(sessions, 'converted') as number[];
    const rate = converted.filter((value) => value === 1).length / converted.length;
    expect(rate).toBeGreaterThan(0.01);
    expect(rate).toBeLessThan(0.25);
    expect((column(sessions, 'session_start') as string[])[0]).toMatch(
      /^2025-07-\d\d \d\d:\d\d:\d\d$/,
    );
    expect(
      (column(sessions, 'pages_viewed') as number[]).every((pages) => pages >= 1 && pages <= 40),
    ).toBe(true);
  });

  it('makes energy flows an acyclic graph with positive values', () => {
    const flows = tableNamed(tables, 'energy_flows');
    const edges = flows.rows.map(([source, target]) => [source as string, target as string]);
    const visiting = new Set<string>();
    const done = new Set<string>();
    const hasCycle = (node: string): boolean => {
      if (done.has(node)) return false;
      if (visiting.has(node)) return true;
      visiting.add(node);
      const cyclic = edges.filter(([source]) => source === node).some(([, t]) => hasCycle(t));
      visiting.delete(node);
      done.add(node);
      return cyclic;
    };
    expect(edges.some(([source]) => hasCycle(source))).toBe(false);
    expect((column(flows, 'value') as number[]).every((value) => value > 0)).toBe(true);
  });
});

describe(createExamplesDatabase.name, () => {
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'smcp-examples-'));
  });

  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes every table with its rows and can rewrite the file', () => {
    const file = join(dir, 'examples.db');
    createExamplesDatabase(file);
    createExamplesDatabase(file);

    const db = new BetterSqlite3(file, { readonly: true });
    try {
      for (const definition of EXAMPLE_TABLE_DEFINITIONS) {
        const columns = db.prepare(`PRAGMA table_info("${definition.name}")`).all() as {
          name: string;
          type: string;
        }[];
        expect(columns.map(({ name, type }) => ({ name, type }))).toEqual(definition.columns);
      }
      const counts = db
        .prepare(
          `SELECT (SELECT COUNT(*) FROM sales_orders) AS sales,
                  (SELECT COUNT(*) FROM birth_names) AS births,
                  (SELECT COUNT(*) FROM web_sessions) AS sessions,
                  (SELECT COUNT(*) FROM energy_flows) AS flows`,
        )
        .get();
      expect(counts).toEqual({ sales: 6000, births: 8000, sessions: 10000, flows: 60 });
      const revenue = db.prepare('SELECT ROUND(SUM(revenue)) AS total FROM sales_orders').get() as {
        total: number;
      };
      expect(revenue.total).toBeGreaterThan(1_000_000);
    } finally {
      db.close();
    }
  });
});
