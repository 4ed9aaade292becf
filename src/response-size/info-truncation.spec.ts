import { describe, expect, it } from 'vitest';

import { untrusted } from '../common/untrusted-content.js';
import { truncateInfo } from './info-truncation.js';
import { sizeBudget, sizeOfJson } from './response-size-estimate.js';

const budget = (tokens: number) =>
  sizeBudget({
    enabled: true,
    excluded_tools: [],
    max_bytes: null,
    max_list_items: 100,
    token_limit: tokens,
    warn_threshold_pct: 80,
  });

function dashboardInfo(): Record<string, unknown> {
  return {
    charts: Array.from({ length: 150 }, (_, index) => ({
      id: index,
      slice_name: `Chart ${index}`,
    })),
    description: untrusted('A long description. '.repeat(100)),
    id: 1,
    json_metadata: {
      native_filter_configuration: [{ description: 'd'.repeat(2000), id: 'NATIVE_FILTER-1' }],
    },
    position_json: Object.fromEntries(
      Array.from({ length: 60 }, (_, index) => [`CHART-${index}`, { chartId: index }]),
    ),
  };
}

describe('truncateInfo', () => {
  it('stops at the first phase that fits: long top-level strings cut, fenced', () => {
    const info = { description: untrusted('x'.repeat(3000)), id: 1 };
    const truncated = truncateInfo('get_chart_info', info, sizeOfJson(info)!, budget(400), 100)!;
    expect(truncated.value.description).toBe(
      untrusted(`${'x'.repeat(500)}… [truncated from 3000 chars]`),
    );
    expect(truncated.notes).toEqual(['Cut to 500 characters: description (3041 characters).']);
    expect(truncated.value).toMatchObject({ _response_truncated: true, id: 1 });
    expect((truncated.value._truncation_notes as string[])[0]).toContain(
      'The whole get_chart_info response',
    );
    expect(truncated.size.bytes).toBeLessThanOrEqual(budget(400).maxBytes);
    expect(info.description.length).toBe(3041);
  });

  it('goes on to cut top-level lists to max_list_items', () => {
    const info = dashboardInfo();
    const limit = budget(2500);
    const truncated = truncateInfo('get_dashboard_info', info, sizeOfJson(info)!, limit, 100)!;
    expect(truncated.notes[1]).toBe(
      'Cut to the first 100 items: charts (50 of 150 items dropped).',
    );
    expect(truncated.value.charts).toHaveLength(100);
    expect(truncated.size.bytes).toBeLessThanOrEqual(limit.maxBytes);
  });

  it('summarizes lists and big objects, and finally empties collections, until it fits', () => {
    const info = dashboardInfo();
    const summarized = truncateInfo(
      'get_dashboard_info',
      info,
      sizeOfJson(info)!,
      budget(1000),
      100,
    )!;
    expect(summarized.value.charts).toHaveLength(10);
    expect(summarized.value.position_json).toEqual({
      _message: '60 keys left out to fit the response size limit.',
      _truncated: true,
    });
    expect(summarized.notes.join(' ')).toContain(
      'Strings longer than 500 characters cut inside: json_metadata',
    );
    expect(summarized.size.bytes).toBeLessThanOrEqual(budget(1000).maxBytes);

    const emptied = truncateInfo('get_dashboard_info', info, sizeOfJson(info)!, budget(400), 100)!;
    // The largest collections go first; the small summary of position_json is kept.
    expect(emptied.value).toMatchObject({
      charts: [],
      id: 1,
      json_metadata: {},
      position_json: { _truncated: true },
    });
    expect(emptied.notes.at(-1)).toBe('Emptied to fit: json_metadata, charts.');
    expect(emptied.size.bytes).toBeLessThanOrEqual(budget(400).maxBytes);
  });

  it('gives up when even empty collections do not fit', () => {
    const info = dashboardInfo();
    expect(
      truncateInfo('get_dashboard_info', info, sizeOfJson(info)!, budget(300), 100),
    ).toBeNull();
  });
});
