import { describe, expect, it } from 'vitest';

import { untrusted } from '../common/untrusted-content.js';
import { listItemsKey, trimList } from './list-trimming.js';
import { sizeBudget, sizeOfJson, type ResponseSize } from './response-size-estimate.js';

function chartPage(count: number, page = 1, pageSize = count): Record<string, unknown> {
  const charts = Array.from({ length: count }, (_, index) => ({
    description: untrusted(`Chart number ${index} `.repeat(10)),
    id: index + 1,
    slice_name: untrusted(`Chart ${index}`),
  }));
  return {
    charts,
    columns_loaded: ['id', 'slice_name', 'description'],
    count,
    has_next: false,
    page,
    page_size: pageSize,
    total_count: 500,
  };
}

const budget = (tokens: number) =>
  sizeBudget({
    enabled: true,
    excluded_tools: [],
    max_bytes: null,
    max_list_items: 100,
    token_limit: tokens,
    warn_threshold_pct: 80,
  });

describe('listItemsKey', () => {
  it('finds the items by the tool name, or as the list of objects as long as count', () => {
    expect(listItemsKey('list_charts', chartPage(2))).toBe('charts');
    const { charts, ...rest } = chartPage(2);
    expect(listItemsKey('list_things', { ...rest, things_found: charts })).toBe('things_found');
    expect(listItemsKey('list_things', { count: 1, names: ['a'] })).toBeNull();
  });
});

describe('trimList', () => {
  it('keeps the leading items that fit and says how many were dropped and how to get them', () => {
    const envelope = chartPage(40);
    const size = sizeOfJson(envelope) as ResponseSize;
    const limit = budget(1000);
    expect(size.bytes).toBeGreaterThan(limit.maxBytes);

    const trimmed = trimList(envelope, 'charts', size, limit);

    expect(trimmed).not.toBeNull();
    const { kept, value } = trimmed!;
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThan(40);
    expect(value.charts).toEqual((envelope.charts as unknown[]).slice(0, kept));
    expect(value).toMatchObject({
      _items_dropped: 40 - kept,
      _response_truncated: true,
      count: kept,
      total_count: 500,
    });
    const [note] = value._truncation_notes as string[];
    expect(note).toContain(`Showing ${kept} of the 40 charts on this page`);
    expect(note).toContain(`items ${kept + 1}-40 of the list`);
    expect(note).toContain(`page_size ${kept}`);
    expect(sizeOfJson(value)!.bytes).toBeLessThanOrEqual(limit.maxBytes);
    expect(trimmed!.size).toEqual(sizeOfJson(value));
    // One item more would not have fitted.
    const oneMore = { ...value, charts: (envelope.charts as unknown[]).slice(0, kept + 1) };
    expect(sizeOfJson(oneMore)!.bytes).toBeGreaterThan(limit.maxBytes);
    // The tool's own result is left as it was (a cache may hold it).
    expect(envelope.charts).toHaveLength(40);
    expect(envelope.count).toBe(40);
  });

  it('places the dropped items of a later page in the whole list', () => {
    const envelope = chartPage(40, 3, 40);
    const trimmed = trimList(envelope, 'charts', sizeOfJson(envelope)!, budget(1000))!;
    const first = 80 + trimmed.kept + 1;
    expect((trimmed.value._truncation_notes as string[])[0]).toContain(
      `items ${first}-120 of the list: ask for page_size ${trimmed.kept} (item ${first} is on page ` +
        `${Math.floor((first - 1) / trimmed.kept) + 1})`,
    );
  });

  it('gives up when not even one item fits', () => {
    const envelope = chartPage(5);
    expect(trimList(envelope, 'charts', sizeOfJson(envelope)!, budget(80))).toBeNull();
  });
});
