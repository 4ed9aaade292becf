import { describe, expect, it } from 'vitest';

import { sizeBudget, sizeOfJson } from './response-size-estimate.js';
import { tooLargeMessage } from './too-large-message.js';

const budget = (extra: { max_bytes?: number } = {}) =>
  sizeBudget({
    enabled: true,
    excluded_tools: [],
    max_bytes: extra.max_bytes ?? null,
    max_list_items: 100,
    token_limit: 1000,
    warn_threshold_pct: 80,
  });

describe('tooLargeMessage', () => {
  it("is upstream's refusal, with suggestions worked out from the request and the result", () => {
    const value = { all_column_names: ['a'], columns: 'x'.repeat(6000), filters: 'y'.repeat(1000) };
    const size = sizeOfJson(value)!;
    const message = tooLargeMessage(
      'get_schema',
      { request: { model_type: 'chart' } },
      value,
      size,
      budget(),
    );
    expect(message).toBe(
      [
        `Response too large: ~${size.tokens} tokens (limit: 1000)`,
        '',
        'This response would overwhelm the LLM context window.',
        'Please modify your query to reduce the response size:',
        '1. Ask for one model_type at a time and keep only the columns you need from it.',
        '',
        'Tool: get_schema',
        `Reduction needed: ~${Math.ceil((1 - 3500 / size.bytes) * 100)}%`,
      ].join('\n'),
    );
  });

  it('suggests a smaller page_size, select_columns with the largest columns, and filters', () => {
    const items = Array.from({ length: 50 }, (_, id) => ({ description: 'd'.repeat(200), id }));
    const value = { charts: items, count: 50 };
    const message = tooLargeMessage(
      'list_charts',
      { request: { filters: [], page_size: 50, select_columns: [] } },
      value,
      sizeOfJson(value),
      budget(),
    );
    expect(message).toMatch(/^1\. Reduce page_size from 50 to \d+ or less\.$/m);
    expect(message).toMatch(
      /^2\. Ask only for the fields you need with select_columns; the largest here are description \(~\d+ tokens\), id/m,
    );
    expect(message).toContain('3. Narrow the results with filters or search.');
  });

  it('names max_bytes when that is the limit, and a result it could not measure', () => {
    const value = { text: 'x'.repeat(3000) };
    expect(
      tooLargeMessage('get_thing', {}, value, sizeOfJson(value), budget({ max_bytes: 1000 })),
    ).toMatch(/^Response too large: 3011 bytes \(~861 tokens\) \(limit: 1000 bytes\)/);
    const unmeasured = tooLargeMessage('get_thing', {}, { big: 1n }, null, budget());
    expect(unmeasured).toMatch(
      /^Response too large: its size could not be estimated \(limit: 1000\)/,
    );
    expect(unmeasured).toContain('1. Ask for less at a time');
    expect(unmeasured).not.toContain('Reduction needed');
  });
});
