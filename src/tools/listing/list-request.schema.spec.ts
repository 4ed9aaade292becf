import { describe, expect, it } from 'vitest';
import { z } from 'zod';

import { describeIssues } from '../tool-executor.service.js';
import { CHART_LIST } from '../charts/chart-list.columns.js';
import { DASHBOARD_LIST } from '../dashboards/dashboard-list.columns.js';
import { listRequestSchema } from './list-request.schema.js';
import { identifierSchema, REQUEST_LIMITS } from './request-limits.js';

const ListCharts = listRequestSchema(CHART_LIST, {});

/** `path: message` of each issue, as the tool executor reports them. */
function problems(schema: z.ZodType, value: unknown): string[] {
  const parsed = schema.safeParse(value);
  if (parsed.success) return [];
  return describeIssues(parsed.error).split('; ');
}

describe(listRequestSchema.name, () => {
  it.each([
    ['an integer above int32', { col: 'datasource_id', opr: 'eq', value: 2 ** 31 }],
    ['an integer below int32', { col: 'datasource_id', opr: 'lt', value: -(2 ** 31) - 1 }],
    ['digits above int32', { col: 'created_by_fk', opr: 'eq', value: '99999999999999999999' }],
    ['an id list item above int32', { col: 'dashboards', opr: 'in', value: [1, 2 ** 31] }],
  ])('refuses %s as a filter value, naming the range', (_name, filter) => {
    const found = problems(ListCharts, { filters: [filter] });
    expect(found).toEqual([
      expect.stringMatching(/^filters\.0\.value: .*-2147483648 to 2147483647/),
    ]);
  });

  it('takes the int32 bounds themselves', () => {
    for (const value of [2 ** 31 - 1, -(2 ** 31), '2147483647']) {
      expect(
        problems(ListCharts, { filters: [{ col: 'datasource_id', opr: 'eq', value }] }),
      ).toEqual([]);
    }
  });

  it('refuses NUL characters in search and filter values', () => {
    expect(problems(ListCharts, { search: 'a\u0000b' })).toEqual([
      expect.stringMatching(/^search: must not contain NUL/),
    ]);
    for (const value of ['a\u0000b', ['x', 'a\u0000b']]) {
      const opr = Array.isArray(value) ? 'in' : 'eq';
      expect(problems(ListCharts, { filters: [{ col: 'slice_name', opr, value }] })).toEqual([
        expect.stringMatching(/^filters\.0\.value(\.1)?: must not contain NUL/),
      ]);
    }
  });

  it('refuses a like or ilike pattern ending in a lone backslash', () => {
    for (const opr of ['like', 'ilike']) {
      expect(
        problems(ListCharts, { filters: [{ col: 'slice_name', opr, value: 'abc\\' }] }),
      ).toEqual([expect.stringMatching(/^filters\.0\.value: .*lone backslash/)]);
      expect(
        problems(ListCharts, { filters: [{ col: 'slice_name', opr, value: 'abc\\\\' }] }),
      ).toEqual([]);
    }
    // sw/ew/ct escape their value, so a trailing backslash is just a character.
    expect(
      problems(ListCharts, { filters: [{ col: 'slice_name', opr: 'ew', value: 'a\\' }] }),
    ).toEqual([]);
  });

  it('refuses long text, long lists and too many filters, naming the limit', () => {
    const long = 'x'.repeat(REQUEST_LIMITS.filter_value_max_length + 1);
    expect(
      problems(ListCharts, { filters: [{ col: 'slice_name', opr: 'ct', value: long }] }),
    ).toEqual([expect.stringMatching(/^filters\.0\.value: must be at most 1000 characters/)]);
    expect(problems(ListCharts, { search: 'x'.repeat(501) })).toEqual([
      expect.stringMatching(/^search: must be at most 500 characters/),
    ]);
    for (const opr of ['in', 'nin']) {
      const value = Array.from({ length: 40_000 }, (_, index) => index);
      expect(problems(ListCharts, { filters: [{ col: 'datasource_id', opr, value }] })).toEqual([
        expect.stringMatching(/^filters\.0\.value: must have at most 1000 items/),
      ]);
    }
    expect(problems(ListCharts, { select_columns: 'id,'.repeat(5_000) })).toEqual([
      expect.stringMatching(/^select_columns: must be at most 10000 characters/),
    ]);
    const many = Array.from({ length: 21 }, () => ({ col: 'id', opr: 'eq', value: 1 }));
    expect(problems(ListCharts, { filters: many }).join()).toContain('filters');
  });

  it('checks filters given as JSON text the same way', () => {
    const text = JSON.stringify([{ col: 'datasource_id', opr: 'eq', value: 2 ** 31 }]);
    expect(problems(ListCharts, { filters: text })).toEqual([
      expect.stringMatching(/^filters\.0\.value: .*2147483647/),
    ]);
  });

  it('refuses an unknown filter column, operator or order_column, listing the allowed ones', () => {
    expect(problems(ListCharts, { filters: [{ col: 'password', opr: 'eq', value: 1 }] })).toEqual([
      expect.stringMatching(/^filters\.0\.col: .*Filterable columns: changed_by_fk, .*viz_type/),
    ]);
    expect(
      problems(ListCharts, { filters: [{ col: 'constructor', opr: 'eq', value: 1 }] }),
    ).toHaveLength(1);
    expect(problems(ListCharts, { filters: [{ col: 'dashboards', opr: 'gt', value: 1 }] })).toEqual(
      [
        "filters.0.opr: operator 'gt' is not supported on 'dashboards'. Its operators: eq, ne, in, nin",
      ],
    );
    expect(problems(ListCharts, { select_columns: ['id', 'constructor'] })).toEqual([
      expect.stringMatching(
        /^select_columns: unknown column constructor\. Allowed columns: cache_timeout, /,
      ),
    ]);
    for (const order of ['nope', 'constructor', '__proto__']) {
      expect(problems(ListCharts, { order_column: order })).toEqual([
        expect.stringMatching(
          /^order_column: cannot sort charts by .*\. Sortable columns: changed_on, /,
        ),
      ]);
    }
  });

  it('accepts upstream cache-control keys, still refusing unknown ones', () => {
    expect(
      problems(ListCharts, { force_refresh: true, refresh_metadata: false, use_cache: true }),
    ).toEqual([]);
    expect(problems(ListCharts, { use_cache: 'yes' })).toHaveLength(1);
    expect(problems(ListCharts, { no_such_key: true })).toHaveLength(1);
  });

  it('accepts the alias changed_on_delta_humanized but advertises only columns rows carry', () => {
    expect(
      problems(listRequestSchema(DASHBOARD_LIST, {}), {
        order_column: 'changed_on_delta_humanized',
      }),
    ).toEqual([]);
    for (const spec of [CHART_LIST, DASHBOARD_LIST]) {
      for (const name of Object.keys(spec.sortColumns)) expect(spec.columns).toHaveProperty(name);
    }
  });
});

describe(identifierSchema.name, () => {
  const Identifier = identifierSchema('Chart id or UUID.');

  it.each([
    ['2^31', 2 ** 31, /1 to 2147483647/],
    ['0', 0, /1 to 2147483647/],
    ['-1', -1, /1 to 2147483647/],
    ['20 digits', '99999999999999999999', /1 to 2147483647/],
    ['a NUL', 'a\u0000b', /NUL/],
    ['50,000 characters', 'x'.repeat(50_000), /at most 500 characters/],
  ])('refuses %s, naming the limit', (_name, value, message) => {
    const found = problems(Identifier, value);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(message);
  });

  it('takes ids up to int32, digits, UUIDs and slugs', () => {
    for (const value of [1, 2 ** 31 - 1, '2147483647', ' 12 ', 'sales-overview']) {
      expect(problems(Identifier, value)).toEqual([]);
    }
  });

  it('puts the bounds in the JSON schema', () => {
    const schema = JSON.stringify(z.toJSONSchema(Identifier, { io: 'input' }));
    expect(schema).toContain('"maximum":2147483647');
    expect(schema).toContain('"maxLength":500');
  });
});
