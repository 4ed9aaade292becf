import { describe, expect, it } from 'vitest';

import { sizeBudget, sizeOfJson } from './response-size-estimate.js';
import { dropTailRows, rowArrayKeys } from './row-dropping.js';

const budget = (tokens: number) =>
  sizeBudget({
    enabled: true,
    excluded_tools: [],
    max_bytes: null,
    max_list_items: 100,
    token_limit: tokens,
    warn_threshold_pct: 80,
  });

const rows = Array.from({ length: 300 }, (_, index) => ({
  amount: index * 1.5,
  id: index,
  region: `Region ${index % 7}`,
}));

describe('rowArrayKeys', () => {
  it('finds rows and data, and keeps copies of equal length in step', () => {
    expect(rowArrayKeys({ rows })).toEqual(['rows']);
    expect(rowArrayKeys({ data: rows })).toEqual(['data']);
    expect(rowArrayKeys({ data: rows, rows })).toEqual(['rows', 'data']);
    expect(rowArrayKeys({ data: [1], rows })).toEqual(['rows']);
    expect(rowArrayKeys({ columns: ['a'], rows: 'none' })).toEqual([]);
  });
});

describe('dropTailRows', () => {
  it('keeps the leading rows that fit and says how many of how many were returned', () => {
    const result = { columns: ['id', 'region', 'amount'], row_count: 300, rows, success: true };
    const size = sizeOfJson(result)!;
    const limit = budget(1000);
    const dropped = dropTailRows(result, ['rows'], size, limit)!;
    expect(dropped.kept).toBeGreaterThan(10);
    expect(dropped.kept).toBeLessThan(300);
    expect(dropped.value.rows).toEqual(rows.slice(0, dropped.kept));
    expect(dropped.value).toMatchObject({
      _response_truncated: true,
      _rows_dropped: 300 - dropped.kept,
      columns: ['id', 'region', 'amount'],
      success: true,
    });
    expect((dropped.value._truncation_notes as string[])[0]).toMatch(
      new RegExp(`^Result truncated: ${dropped.kept} of 300 rows returned`),
    );
    expect(sizeOfJson(dropped.value)!.bytes).toBeLessThanOrEqual(limit.maxBytes);
    const oneMore = { ...dropped.value, rows: rows.slice(0, dropped.kept + 1) };
    expect(sizeOfJson(oneMore)!.bytes).toBeGreaterThan(limit.maxBytes);
    expect(result.rows).toHaveLength(300);
  });

  it('cuts copies of the rows in step', () => {
    const result = { data: rows, rows };
    const dropped = dropTailRows(result, ['rows', 'data'], sizeOfJson(result)!, budget(1000))!;
    expect(dropped.value.data).toEqual(dropped.value.rows);
    expect(dropped.value.rows).toHaveLength(dropped.kept);
  });

  it('gives up when not even one row fits', () => {
    const result = { rows: [{ text: 'x'.repeat(5000) }, { text: 'y' }] };
    expect(dropTailRows(result, ['rows'], sizeOfJson(result)!, budget(1000))).toBeNull();
  });
});
