import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { uuidFromDb } from '../src/superset/database/metadata-values.js';
import { DEMO_FIXTURES, type DemoFixture, withoutMarkers } from './support/demo-fixtures.js';
import { connectClient, type ConnectedClient } from './support/mcp-client.js';
import { startServiceProcess, type ServiceProcess } from './support/service-process.js';

/** A filterable column and the raw metadata column it compares. */
interface FilterTarget {
  readonly col: string;
  readonly sql: string;
}

/** One list tool, the table behind it, and columns suitable for each kind of operator. */
interface ListModel {
  readonly tool: string;
  readonly items: string;
  readonly modelType: string;
  readonly table: string;
  readonly text: FilterTarget;
  readonly integer: FilterTarget;
  readonly nullable: FilterTarget;
  readonly searchSql: readonly string[];
  /** A filter column with a restricted operator set, and an operator it refuses. */
  readonly refused: { readonly col: string; readonly opr: string; readonly value: unknown };
}

const LIST_MODELS: readonly ListModel[] = [
  {
    integer: { col: 'datasource_id', sql: 'datasource_id' },
    items: 'charts',
    modelType: 'chart',
    nullable: { col: 'created_by_fk', sql: 'created_by_fk' },
    refused: { col: 'dashboards', opr: 'gt', value: 1 },
    searchSql: ['slice_name', 'description'],
    table: 'slices',
    text: { col: 'slice_name', sql: 'slice_name' },
    tool: 'list_charts',
  },
  {
    integer: { col: 'created_by_fk', sql: 'created_by_fk' },
    items: 'dashboards',
    modelType: 'dashboard',
    nullable: { col: 'slug', sql: 'slug' },
    refused: { col: 'published', opr: 'sw', value: 'x' },
    searchSql: ['dashboard_title', 'slug'],
    table: 'dashboards',
    text: { col: 'dashboard_title', sql: 'dashboard_title' },
    tool: 'list_dashboards',
  },
  {
    integer: { col: 'created_by_fk', sql: 'created_by_fk' },
    items: 'datasets',
    modelType: 'dataset',
    nullable: { col: 'schema', sql: 'schema' },
    refused: { col: 'editor', opr: 'gt', value: 1 },
    searchSql: ['table_name', 'schema', 'description'],
    table: 'tables',
    text: { col: 'table_name', sql: 'table_name' },
    tool: 'list_datasets',
  },
  {
    integer: { col: 'created_by_fk', sql: 'created_by_fk' },
    items: 'databases',
    modelType: 'database',
    nullable: { col: 'changed_by_fk', sql: 'changed_by_fk' },
    refused: { col: 'allow_file_upload', opr: 'gt', value: true },
    searchSql: ['database_name'],
    table: 'dbs',
    text: { col: 'database_name', sql: 'database_name' },
    tool: 'list_databases',
  },
];

type Row = Record<string, unknown> & { id: number };

interface Outcome {
  readonly isError: boolean;
  readonly text: string;
  readonly json: Record<string, any>;
}

const ids = (values: Iterable<number>) => [...values].sort((a, b) => a - b);

/** What the caller gets for `{col, opr, value}` on `column`, computed from the raw rows. */
function expectedIds(rows: readonly Row[], column: string, opr: string, value: unknown): number[] {
  const text = (cell: unknown) =>
    typeof cell === 'string' || typeof cell === 'number' || typeof cell === 'boolean'
      ? String(cell)
      : null;
  const matches = (row: Row): boolean => {
    const cell = row[column];
    const asText = text(cell);
    switch (opr) {
      case 'eq':
        return asText !== null && asText === String(value);
      case 'ne':
        return asText === null || asText !== String(value);
      case 'in':
        return asText !== null && (value as unknown[]).map(String).includes(asText);
      case 'nin':
        return asText === null || !(value as unknown[]).map(String).includes(asText);
      case 'gt':
        return cell !== null && Number(cell) > Number(value);
      case 'gte':
        return cell !== null && Number(cell) >= Number(value);
      case 'lt':
        return cell !== null && Number(cell) < Number(value);
      case 'lte':
        return cell !== null && Number(cell) <= Number(value);
      case 'sw':
        return asText !== null && asText.startsWith(String(value));
      case 'ew':
        return asText !== null && asText.endsWith(String(value));
      case 'ct':
        return asText !== null && asText.includes(String(value));
      case 'like':
        return asText !== null && likePattern(String(value), '').test(asText);
      case 'ilike':
        return asText !== null && likePattern(String(value), 'i').test(asText);
      case 'is_null':
        return cell === null;
      case 'is_not_null':
        return cell !== null;
      default:
        throw new Error(`no oracle for ${opr}`);
    }
  };
  return ids(rows.filter(matches).map((row) => row.id));
}

function likePattern(pattern: string, flags: string): RegExp {
  const body = [...pattern]
    .map((char) =>
      char === '%' ? '.*' : char === '_' ? '.' : char.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'),
    )
    .join('');
  return new RegExp(`^${body}$`, `s${flags}`);
}

/**
 * A fragment of some value for a LIKE-family operator whose matches do not depend on letter case
 * (SQLite's LIKE ignores ASCII case, Postgres's does not), so one expectation holds on both.
 */
function caseProofFragment(rows: readonly Row[], column: string, opr: 'sw' | 'ew' | 'ct'): string {
  const values = rows.map((row) => row[column]).filter((cell) => typeof cell === 'string');
  for (const value of values) {
    const fragment =
      opr === 'sw' ? value.slice(0, 4) : opr === 'ew' ? value.slice(-4) : value.slice(1, 5);
    const sensitive = expectedIds(rows, column, opr, fragment);
    const insensitive = ids(
      rows
        .filter((row) => {
          const cell = typeof row[column] === 'string' ? row[column].toLowerCase() : null;
          const wanted = fragment.toLowerCase();
          if (cell === null) return false;
          return opr === 'sw'
            ? cell.startsWith(wanted)
            : opr === 'ew'
              ? cell.endsWith(wanted)
              : cell.includes(wanted);
        })
        .map((row) => row.id),
    );
    if (fragment.length === 4 && sensitive.join() === insensitive.join()) return fragment;
  }
  throw new Error(`no case-independent ${opr} fragment in ${column}`);
}

describe.each(DEMO_FIXTURES)('list and get contracts on %s', (_name, createFixture) => {
  let fixture: DemoFixture;
  let service: ServiceProcess;
  let mcp: ConnectedClient;

  beforeAll(async () => {
    fixture = await createFixture();
    service = await startServiceProcess({ ...fixture.env, MCP_DEV_USERNAME: 'admin' });
    mcp = await connectClient(service.url);
  });

  afterAll(async () => {
    await mcp?.close();
    await service?.stop();
    await fixture?.close();
  });

  async function callTool(name: string, args: Record<string, unknown>): Promise<Outcome> {
    const result = await mcp.client.callTool({ arguments: args, name });
    const text = (result.content as { text: string }[])[0].text;
    let json: Record<string, any> = {};
    try {
      json = JSON.parse(text) as Record<string, any>;
    } catch {
      // Validation errors are plain text.
    }
    return { isError: result.isError === true, json, text };
  }
  const call = (name: string, request: Record<string, unknown>) => callTool(name, { request });

  /** A successful call's JSON; fails the test on an error or a failure object. */
  async function ok(name: string, request: Record<string, unknown>) {
    const outcome = await call(name, request);
    expect(outcome.isError, outcome.text).toBe(false);
    expect(outcome.json.error_type, outcome.text).toBeUndefined();
    return outcome.json;
  }

  /** A failure object (returned, not thrown) of the given type. */
  async function failure(name: string, request: Record<string, unknown>, errorType: string) {
    const outcome = await call(name, request);
    expect(outcome.isError).toBe(false);
    expect(outcome.json).toMatchObject({ error_type: errorType });
    expect(typeof outcome.json.error).toBe('string');
    expect(Date.parse(outcome.json.timestamp as string)).not.toBeNaN();
    return outcome.json;
  }

  /** A request the tool refuses before running: an isError result naming the problem. */
  async function invalid(name: string, args: Record<string, unknown>, ...mentions: string[]) {
    const outcome = await callTool(name, args);
    expect(outcome.isError).toBe(true);
    expect(outcome.text).toMatch(/^Validation error in /);
    for (const mention of mentions) expect(outcome.text).toContain(mention);
  }

  describe.each(LIST_MODELS)('$tool', (model) => {
    let rows: Row[];
    let schema: Record<string, any>;

    beforeAll(async () => {
      const columns = new Set([
        'id',
        'changed_on',
        model.text.sql,
        model.integer.sql,
        model.nullable.sql,
        ...model.searchSql,
      ]);
      rows = (
        await fixture.run(
          `SELECT ${[...columns].map((column) => `"${column}"`).join(', ')} FROM ${model.table}`,
        )
      ).map((row) => ({ ...row, id: Number(row.id) }));
      schema = await ok('get_schema', { model_type: model.modelType });
    });

    const filtered = async (filters: unknown[]) => {
      const page = await ok(model.tool, { filters, page_size: 100, select_columns: ['id'] });
      expect(page.filters_applied).toEqual(filters);
      return ids(page[model.items].map((item: Row) => item.id));
    };

    it('defaults: page 1 of 10, lean columns, newest change first', async () => {
      for (const args of [{}, { request: {} }]) {
        const outcome = await callTool(model.tool, args);
        expect(outcome.isError).toBe(false);
        const page = outcome.json;
        expect(page).toMatchObject({
          columns_loaded: schema.default_columns,
          columns_requested: [],
          filters_applied: [],
          has_previous: false,
          page: 1,
          page_size: 10,
          total_count: rows.length,
          total_pages: Math.ceil(rows.length / 10),
        });
        expect(page.count).toBe(Math.min(10, rows.length));
        expect(page.has_next).toBe(rows.length > 10);
        expect(page.pagination).toMatchObject({ page: 1, page_size: 10, total_count: rows.length });
        expect(page.columns_available).toEqual(schema.all_column_names);
        expect(page.sortable_columns).toEqual(schema.sortable_columns);
        for (const item of page[model.items]) {
          expect(Object.keys(item)).toEqual(schema.default_columns);
        }
      }
      expect(schema).toMatchObject({ default_sort: 'changed_on', default_sort_direction: 'desc' });
      const page = await ok(model.tool, { page_size: 100, select_columns: ['id', 'changed_on'] });
      const items = page[model.items] as Row[];
      const newestFirst = [...items].sort(
        (a, b) =>
          Date.parse(String(b.changed_on)) - Date.parse(String(a.changed_on)) || b.id - a.id,
      );
      expect(items.map((item) => item.id)).toEqual(newestFirst.map((item) => item.id));
      expect(ids(items.map((item) => item.id))).toEqual(ids(rows.map((row) => row.id)));
    });

    it('limits: page_size 1..100, page from 1', async () => {
      const full = await ok(model.tool, { page_size: 100 });
      expect(full.count).toBe(rows.length);
      await invalid(model.tool, { request: { page_size: 101 } }, 'page_size');
      await invalid(model.tool, { request: { page_size: 0 } }, 'page_size');
      await invalid(model.tool, { request: { page: 0 } }, 'page');
      await invalid(model.tool, { request: { page: 1.5 } }, 'page');
    });

    it('pages through everything once, then reports the page past the end', async () => {
      const seen: number[] = [];
      const totalPages = Math.ceil(rows.length / 2);
      for (let page = 1; page <= totalPages; page += 1) {
        const result = await ok(model.tool, { order_column: 'id', page, page_size: 2 });
        expect(result).toMatchObject({
          has_next: page < totalPages,
          has_previous: page > 1,
          page,
          total_pages: totalPages,
        });
        seen.push(...result[model.items].map((item: Row) => item.id));
      }
      expect(seen).toEqual(ids(rows.map((row) => row.id)).reverse());
      const past = await failure(
        model.tool,
        { page: totalPages + 1, page_size: 2 },
        'PageOutOfRange',
      );
      expect(past.error).toContain(`(${totalPages})`);
      expect(past.suggestions).toEqual([`Use a page from 1 to ${totalPages}.`]);
      // An empty result is one empty page, not an error.
      const none = await ok(model.tool, {
        filters: [{ col: model.text.col, opr: 'eq', value: 'no such name' }],
      });
      expect(none).toMatchObject({ count: 0, page: 1, total_count: 0, total_pages: 0 });
    });

    it('orders by id and by change time, both ways', async () => {
      const all = ids(rows.map((row) => row.id));
      const byId = async (direction: string) => {
        const page = await ok(model.tool, {
          order_column: 'id',
          order_direction: direction,
          page_size: 100,
        });
        return (page[model.items] as Row[]).map((item) => item.id);
      };
      expect(await byId('asc')).toEqual(all);
      expect(await byId('desc')).toEqual([...all].reverse());
      for (const direction of ['asc', 'desc']) {
        const page = await ok(model.tool, {
          order_column: 'changed_on',
          order_direction: direction,
          page_size: 100,
          select_columns: ['id', 'changed_on'],
        });
        const times = page[model.items].map((item: Row) => Date.parse(String(item.changed_on)));
        const ordered = [...times].sort((a, b) => (direction === 'asc' ? a - b : b - a));
        expect(times).toEqual(ordered);
      }
      await invalid(
        model.tool,
        { request: { order_column: 'nope' } },
        'request.order_column',
        schema.sortable_columns.join(', '),
      );
      // An inherited property name is no sortable column either.
      await invalid(model.tool, { request: { order_column: 'constructor' } }, 'order_column');
      await invalid(model.tool, { request: { order_direction: 'up' } }, 'order_direction');
    });

    it('applies every text operator like the database holds the values', async () => {
      const name = String(rows[Math.floor(rows.length / 2)][model.text.sql]);
      const other = String(rows[0][model.text.sql]);
      const cases: [string, unknown][] = [
        ['eq', name],
        ['ne', name],
        ['in', [name, other]],
        ['nin', [name, other]],
        ['sw', caseProofFragment(rows, model.text.sql, 'sw')],
        ['ew', caseProofFragment(rows, model.text.sql, 'ew')],
        ['ct', caseProofFragment(rows, model.text.sql, 'ct')],
        // Wildcards in sw/ew/ct are literal: nothing holds a '%'.
        ['ct', '%'],
        ['like', `${caseProofFragment(rows, model.text.sql, 'sw')}%`],
        ['ilike', `%${caseProofFragment(rows, model.text.sql, 'ct').toUpperCase()}%`],
      ];
      for (const [opr, value] of cases) {
        const expected = expectedIds(rows, model.text.sql, opr, value);
        await expect(
          filtered([{ col: model.text.col, opr, value }]),
          `${opr} ${JSON.stringify(value)}`,
        ).resolves.toEqual(expected);
      }
      expect(expectedIds(rows, model.text.sql, 'eq', name).length).toBeGreaterThan(0);
    });

    it('applies every comparison operator on an integer column', async () => {
      const values = rows.map((row) => row[model.integer.sql]).filter((value) => value !== null);
      const value = Number(values.sort()[Math.floor(values.length / 2)]);
      for (const opr of ['eq', 'ne', 'gt', 'gte', 'lt', 'lte']) {
        await expect(
          filtered([{ col: model.integer.col, opr, value }]),
          `${opr} ${value}`,
        ).resolves.toEqual(expectedIds(rows, model.integer.sql, opr, value));
      }
      for (const opr of ['in', 'nin']) {
        await expect(filtered([{ col: model.integer.col, opr, value: [value] }])).resolves.toEqual(
          expectedIds(rows, model.integer.sql, opr, [value]),
        );
      }
      await invalid(
        model.tool,
        { request: { filters: [{ col: model.integer.col, opr: 'eq', value: 'abc' }] } },
        'request.filters.0.value',
        model.integer.col,
      );
    });

    it('applies is_null and is_not_null, and ANDs several filters', async () => {
      for (const opr of ['is_null', 'is_not_null']) {
        await expect(filtered([{ col: model.nullable.col, opr }])).resolves.toEqual(
          expectedIds(rows, model.nullable.sql, opr, null),
        );
      }
      const name = String(rows[0][model.text.sql]);
      const both = await filtered([
        { col: model.text.col, opr: 'eq', value: name },
        { col: model.nullable.col, opr: 'is_not_null' },
      ]);
      const expected = expectedIds(rows, model.text.sql, 'eq', name).filter((id) =>
        expectedIds(rows, model.nullable.sql, 'is_not_null', null).includes(id),
      );
      expect(both).toEqual(expected);
    });

    it('refuses a filter column or operator it does not know as an error, listing the allowed ones', async () => {
      await invalid(
        model.tool,
        { request: { filters: [{ col: 'password', opr: 'eq', value: 'x' }] } },
        'request.filters.0.col',
        Object.keys(schema.filter_columns).join(', '),
      );
      await invalid(
        model.tool,
        { request: { filters: JSON.stringify([{ col: 'constructor', opr: 'eq', value: 1 }]) } },
        'request.filters.0.col',
      );
      await invalid(
        model.tool,
        { request: { filters: [{ ...model.refused }] } },
        'request.filters.0.opr',
        schema.filter_columns[model.refused.col].operators.join(', '),
      );
      await invalid(
        model.tool,
        { request: { filters: [{ col: model.text.col, opr: 'regex', value: 'x' }] } },
        'request.filters.0.opr',
        '"ilike"',
      );
    });

    it('searches case-insensitively, never together with filters', async () => {
      const word = caseProofFragment(rows, model.text.sql, 'ct');
      const page = await ok(model.tool, {
        page_size: 100,
        search: word.toUpperCase(),
        select_columns: ['id'],
      });
      const expected = ids(
        rows
          .filter((row) =>
            model.searchSql.some((column) =>
              String((row[column] as string | null) ?? '')
                .toLowerCase()
                .includes(word.toLowerCase()),
            ),
          )
          .map((row) => row.id),
      );
      expect(ids(page[model.items].map((item: Row) => item.id))).toEqual(expected);
      expect(expected.length).toBeGreaterThan(0);
      await invalid(
        model.tool,
        { request: { filters: [{ col: model.text.col, opr: 'eq', value: 'x' }], search: 'x' } },
        "Cannot use both 'search' and 'filters'",
      );
    });

    it('rejects a request field it does not know, naming it', async () => {
      await invalid(model.tool, { request: { page_size: 5, pagesize: 5 } }, 'pagesize');
      await invalid(model.tool, { request: {}, extra: true }, 'extra');
    });

    it("accepts upstream's cache-control keys, documented with what acts on them", async () => {
      const page = await ok(model.tool, {
        force_refresh: true,
        page_size: 1,
        refresh_metadata: true,
        use_cache: false,
      });
      expect(page.count).toBe(1);
      await invalid(model.tool, { request: { use_cache: 'yes' } }, 'request.use_cache');
      const tools = await mcp.client.listTools();
      const tool = tools.tools.find((candidate) => candidate.name === model.tool)!;
      const request = JSON.stringify(tool.inputSchema);
      for (const key of ['use_cache', 'force_refresh', 'refresh_metadata']) {
        expect(request).toContain(`"${key}"`);
      }
      expect(request).toMatch(/Acted on when the result cache \(MCP_CACHE_CONFIG\) is on/);
      expect(request).toMatch(/this service does not act on it/);
      // The limits are in the tool's JSON schema too, and filter columns are enumerated.
      for (const limit of [
        '"maxLength":1000',
        '"maxLength":500',
        '"maxItems":1000',
        '"maxItems":20',
        '"maximum":2147483647',
      ]) {
        expect(request, limit).toContain(limit);
      }
      expect(request).toContain(JSON.stringify(Object.keys(schema.filter_columns)));
    });

    it('sortable_columns name only columns the rows carry', async () => {
      expect(schema.sortable_columns.length).toBeGreaterThan(0);
      for (const name of schema.sortable_columns) expect(schema.all_column_names).toContain(name);
      const page = await ok(model.tool, { page_size: 1 });
      for (const name of page.sortable_columns) expect(page.columns_available).toContain(name);
      // Upstream's name for the change time is still accepted, though no row carries it.
      const aliased = await ok(model.tool, {
        order_column: 'changed_on_delta_humanized',
        page_size: 100,
        select_columns: ['id'],
      });
      const byChange = await ok(model.tool, {
        order_column: 'changed_on',
        page_size: 100,
        select_columns: ['id'],
      });
      expect(aliased[model.items]).toEqual(byChange[model.items]);
    });

    it('refuses values the metadata database cannot take as validation errors naming the limit', async () => {
      const integer = model.integer.col;
      const text = model.text.col;
      const cases: [string, Record<string, unknown>, string[]][] = [
        [
          'int above int32',
          { filters: [{ col: integer, opr: 'eq', value: 2 ** 31 }] },
          ['request.filters.0.value', '2147483647'],
        ],
        [
          'int below int32',
          { filters: [{ col: integer, opr: 'gt', value: -(2 ** 31) - 1 }] },
          ['request.filters.0.value', '-2147483648'],
        ],
        [
          '20 digits',
          { filters: [{ col: integer, opr: 'eq', value: '99999999999999999999' }] },
          ['request.filters.0.value', '2147483647'],
        ],
        [
          'in list above int32',
          { filters: [{ col: integer, opr: 'in', value: [1, 2 ** 40] }] },
          ['request.filters.0.value', '2147483647'],
        ],
        ['NUL in search', { search: 'a\u0000b' }, ['request.search', 'NUL']],
        [
          'NUL in a value',
          { filters: [{ col: text, opr: 'eq', value: 'a\u0000b' }] },
          ['request.filters.0.value', 'NUL'],
        ],
        [
          'NUL in a list',
          { filters: [{ col: text, opr: 'nin', value: ['a', 'b\u0000'] }] },
          ['request.filters.0.value.1', 'NUL'],
        ],
        [
          'like ending in \\',
          { filters: [{ col: text, opr: 'like', value: 'abc\\' }] },
          ['request.filters.0.value', 'backslash'],
        ],
        [
          'ilike ending in \\',
          { filters: [{ col: text, opr: 'ilike', value: '%\\' }] },
          ['request.filters.0.value', 'backslash'],
        ],
        [
          'a 60,000-character ct',
          { filters: [{ col: text, opr: 'ct', value: 'x'.repeat(60_000) }] },
          ['request.filters.0.value', '1000 characters'],
        ],
        [
          'a 60,000-character like',
          { filters: [{ col: text, opr: 'like', value: '%a'.repeat(30_000) }] },
          ['request.filters.0.value', '1000 characters'],
        ],
        [
          'a 60,000-character search',
          { search: 'x'.repeat(60_000) },
          ['request.search', '500 characters'],
        ],
        [
          'an in list of 40,000',
          {
            filters: [
              { col: text, opr: 'in', value: Array.from({ length: 40_000 }, (_, i) => `v${i}`) },
            ],
          },
          ['request.filters.0.value', '1000 items'],
        ],
        [
          'a nin list of 40,000',
          {
            filters: [
              { col: integer, opr: 'nin', value: Array.from({ length: 40_000 }, (_, i) => i) },
            ],
          },
          ['request.filters.0.value', '1000 items'],
        ],
        [
          '50 filters',
          { filters: Array.from({ length: 50 }, () => ({ col: integer, opr: 'eq', value: 1 })) },
          ['request.filters', '20'],
        ],
        ['page beyond int32', { page: 2 ** 53 - 1 }, ['request.page', '2147483647']],
      ];
      for (const [name, request, mentions] of cases) {
        const outcome = await callTool(model.tool, { request });
        expect(outcome.isError, name).toBe(true);
        expect(outcome.text, name).toMatch(/^Validation error in /);
        expect(outcome.text, name).not.toMatch(/Internal error/);
        for (const mention of mentions) expect(outcome.text, name).toContain(mention);
      }
      // The bounds themselves are fine, and a backslash-escaped pattern matches literally.
      for (const value of [2 ** 31 - 1, -(2 ** 31)]) {
        await ok(model.tool, { filters: [{ col: integer, opr: 'lte', value }] });
      }
      const none = await ok(model.tool, {
        filters: [{ col: text, opr: 'like', value: '%\\%' }],
        select_columns: ['id'],
      });
      expect(none.count).toBe(0);
      expect(schema.limits).toMatchObject({
        filter_value_max_length: 1000,
        filters_max_items: 20,
        in_list_max_items: 1000,
        integer_max: 2147483647,
        integer_min: -2147483648,
        search_max_length: 500,
      });
    });

    it('takes select_columns as a list, CSV, JSON text or the alias columns', async () => {
      const wanted = ['id', schema.default_columns[1] as string, 'changed_on'];
      for (const selectColumns of [
        { select_columns: wanted },
        { select_columns: wanted.join(', ') },
        { select_columns: JSON.stringify(wanted) },
        { columns: wanted },
      ]) {
        const page = await ok(model.tool, selectColumns);
        expect(page.columns_loaded).toEqual(wanted);
        expect(page.columns_requested).toEqual(wanted);
        for (const item of page[model.items]) expect(Object.keys(item)).toEqual(wanted);
      }
      const every = await ok(model.tool, { select_columns: schema.all_column_names });
      expect(Object.keys(every[model.items][0] as object)).toEqual(schema.all_column_names);
      await invalid(
        model.tool,
        { request: { select_columns: ['id', 'secret'] } },
        'request.select_columns: unknown column secret',
        schema.all_column_names.join(', '),
      );
      await invalid(model.tool, { request: { columns: 'id,constructor' } }, 'request.columns');
      await invalid(
        model.tool,
        { request: { columns: ['id'], select_columns: ['id'] } },
        'columns',
      );
    });

    it('accepts filters and the whole request as JSON text', async () => {
      const name = String(rows[0][model.text.sql]);
      const filters = [{ col: model.text.col, opr: 'eq', value: name }];
      const asText = await ok(model.tool, {
        filters: JSON.stringify(filters),
        select_columns: ['id'],
      });
      expect(asText.filters_applied).toEqual(filters);
      const outcome = await callTool(model.tool, {
        request: JSON.stringify({ filters, select_columns: ['id'] }),
      });
      expect(outcome.json.total_count).toBe(asText.total_count);
      await invalid(model.tool, { request: { filters: '[{"col": 1}' } }, 'filters');
    });
  });

  describe('get tools', () => {
    const firstRow = async (sql: string) => {
      const [row] = await fixture.run(sql);
      return { ...row, id: Number(row.id), uuid: uuidFromDb(row.uuid) ?? '' };
    };

    it('get_chart_info: id, numeric text, UUID in either case and the aliases', async () => {
      const chart = await firstRow(
        "SELECT id, uuid, slice_name FROM slices WHERE slice_name = 'Total Revenue'",
      );
      for (const request of [
        { identifier: chart.id },
        { identifier: String(chart.id) },
        { identifier: chart.uuid },
        { identifier: chart.uuid.toUpperCase() },
        { id: chart.id },
        { chart_id: chart.uuid },
      ]) {
        const info = await ok('get_chart_info', request);
        expect(info).toMatchObject({ id: chart.id, uuid: chart.uuid });
        expect(withoutMarkers(info.slice_name)).toBe('Total Revenue');
      }
      for (const identifier of [999_999, 'not-a-uuid', '00000000-0000-4000-8000-000000000000']) {
        await failure('get_chart_info', { identifier }, 'NotFound');
      }
      await invalid('get_chart_info', { request: {} }, 'identifier');
      await invalid('get_chart_info', { request: { identifier: 1, slice: 1 } }, 'slice');
    });

    it('get_chart_info: form_data only when asked for, and says what it left out', async () => {
      const lean = await ok('get_chart_info', { identifier: 1 });
      expect(lean.form_data).toBeUndefined();
      expect(lean.omitted_fields).toContain('form_data');
      expect(lean.filters).toBeTypeOf('object');
      for (const request of [
        { identifier: 1, include_form_data: true },
        { identifier: 1, select_columns: ['form_data'] },
      ]) {
        const full = await ok('get_chart_info', request);
        expect(full.form_data).toMatchObject({ viz_type: lean.viz_type });
        expect(full.omitted_fields).not.toContain('form_data');
      }
    });

    it('get_dashboard_info: id, UUID, slug, slugified title and the aliases', async () => {
      const sales = await firstRow("SELECT id, uuid FROM dashboards WHERE slug = 'sales-overview'");
      for (const request of [
        { identifier: sales.id },
        { identifier: sales.uuid },
        { identifier: 'sales-overview' },
        { id: sales.id },
        { dashboard_id: 'sales-overview' },
      ]) {
        const info = await ok('get_dashboard_info', request);
        expect(info).toMatchObject({ id: sales.id, slug: 'sales-overview', uuid: sales.uuid });
        expect(info.warnings).toBeUndefined();
      }
      // "Births Draft" has no slug; its slugified title finds it, with a warning.
      const draft = await firstRow(
        "SELECT id, uuid FROM dashboards WHERE dashboard_title = 'Births Draft'",
      );
      const byTitle = await ok('get_dashboard_info', { identifier: 'births-draft' });
      expect(byTitle.id).toBe(draft.id);
      expect(byTitle.warnings[0]).toContain(String(draft.id));
      await failure('get_dashboard_info', { identifier: 'no-such-dashboard' }, 'NotFound');
      await invalid('get_dashboard_info', { request: {} }, 'identifier');
    });

    it('get_dashboard_info: raw fields only on request, listed in omitted_fields', async () => {
      const lean = await ok('get_dashboard_info', { identifier: 'sales-overview' });
      expect(lean.position_json).toBeUndefined();
      expect(Object.keys(lean.omitted_fields as object)).toContain('position_json');
      expect(lean.charts.length).toBe(lean.chart_count);
      expect(lean.native_filters.length).toBeGreaterThan(0);
      const full = await ok('get_dashboard_info', {
        identifier: 'sales-overview',
        select_columns: ['position_json', 'json_metadata'],
      });
      expect(full.position_json).toHaveProperty('ROOT_ID');
      expect(full.json_metadata).toBeTypeOf('object');
      expect(Object.keys(full.omitted_fields as object)).not.toContain('position_json');
      await invalid(
        'get_dashboard_info',
        { request: { identifier: 'sales-overview', select_columns: ['secret'] } },
        'request.select_columns: unknown name secret',
        'position_json',
      );
    });

    it('get_dashboard_layout: by id and slug, charts in reading order', async () => {
      const byId = await ok('get_dashboard_layout', { identifier: 2 });
      const bySlug = await ok('get_dashboard_layout', { identifier: 'web-analytics' });
      expect(bySlug.chart_ids).toEqual(byId.chart_ids);
      expect(bySlug.tabs.length).toBeGreaterThan(0);
      expect(bySlug.tabs.flatMap((tab: { chart_ids: number[] }) => tab.chart_ids)).toEqual(
        bySlug.chart_ids,
      );
      await failure('get_dashboard_layout', { identifier: 999_999 }, 'NotFound');
    });

    it('get_dataset_info: id, UUID, aliases, select_columns and column_fields', async () => {
      const dataset = await firstRow(
        "SELECT id, uuid FROM tables WHERE table_name = 'sales_orders'",
      );
      for (const request of [
        { identifier: dataset.id },
        { identifier: dataset.uuid },
        { dataset_id: dataset.id },
        { id: dataset.uuid },
      ]) {
        await expect(ok('get_dataset_info', request)).resolves.toMatchObject({
          id: dataset.id,
          table_name: 'sales_orders',
          uuid: dataset.uuid,
        });
      }
      const picked = await ok('get_dataset_info', {
        column_fields: ['column_name', 'verbose_name'],
        identifier: dataset.id,
        select_columns: 'id,table_name,columns',
      });
      expect(Object.keys(picked)).toEqual(['id', 'table_name', 'columns']);
      for (const column of picked.columns) {
        expect(Object.keys(column as object)).toEqual(['column_name', 'verbose_name']);
      }
      await invalid(
        'get_dataset_info',
        { request: { identifier: dataset.id, select_columns: ['secret'] } },
        'request.select_columns: unknown name secret',
        'table_name',
      );
      await failure('get_dataset_info', { identifier: 999_999 }, 'NotFound');
    });

    const GET_TOOLS: readonly [string, readonly string[]][] = [
      ['get_chart_info', ['identifier', 'id', 'chart_id']],
      ['get_dashboard_info', ['identifier', 'id', 'dashboard_id']],
      ['get_dashboard_layout', ['identifier', 'id', 'dashboard_id']],
      ['get_dataset_info', ['identifier', 'id', 'dataset_id']],
      ['get_database_info', ['identifier', 'id', 'database_id']],
    ];

    it('every get tool refuses identifiers the metadata database cannot take, naming the limit', async () => {
      const cases: [string, unknown, string][] = [
        ['2^31', 2 ** 31, '2147483647'],
        ['2^53 - 1', 2 ** 53 - 1, '2147483647'],
        ['-2^31 - 1', -(2 ** 31) - 1, '2147483647'],
        ['20 digits', '99999999999999999999', '2147483647'],
        ['a NUL', 'sales\u0000overview', 'NUL'],
        ['50,000 characters', 'x'.repeat(50_000), '500 characters'],
      ];
      for (const [tool, keys] of GET_TOOLS) {
        for (const key of keys) {
          for (const [name, identifier, limit] of cases) {
            const outcome = await call(tool, { [key]: identifier });
            const label = `${tool} ${key} ${name}`;
            expect(outcome.isError, label).toBe(true);
            expect(outcome.text, label).toMatch(/^Validation error in /);
            expect(outcome.text, label).toContain(`request.${key}`);
            expect(outcome.text, label).toContain(limit);
          }
        }
        // The largest id is a well-formed id that names nothing.
        await failure(tool, { identifier: 2 ** 31 - 1 }, 'NotFound');
        await failure(tool, { identifier: String(2 ** 31 - 1) }, 'NotFound');
      }
    });

    it("every get tool accepts upstream's cache-control keys", async () => {
      for (const [tool] of GET_TOOLS) {
        const info = await ok(tool, {
          force_refresh: true,
          identifier: 1,
          refresh_metadata: false,
          use_cache: true,
        });
        expect(info.id, tool).toBe(1);
        await invalid(tool, { request: { identifier: 1, cache: true } }, 'cache');
      }
    });

    it('form_data_key and permalink_key are refused as not supported yet, naming the key', async () => {
      for (const [tool, request, key] of [
        ['get_chart_info', { form_data_key: 'abc' }, 'form_data_key'],
        ['get_chart_info', { form_data_key: 'abc', identifier: 1 }, 'form_data_key'],
        ['get_dashboard_info', { permalink_key: 'abc' }, 'permalink_key'],
        ['get_dashboard_layout', { identifier: 1, permalink_key: 'abc' }, 'permalink_key'],
      ] as const) {
        const outcome = await call(tool, request);
        expect(outcome.isError, `${tool} ${key}`).toBe(true);
        expect(outcome.text).toContain(key);
        expect(outcome.text).toContain('not supported yet');
      }
      // Elsewhere they are unknown keys.
      await invalid(
        'get_dataset_info',
        { request: { identifier: 1, permalink_key: 'x' } },
        'permalink_key',
      );
    });

    it('get_database_info: id, UUID and aliases, never the URI or a password', async () => {
      const database = await firstRow("SELECT id, uuid FROM dbs WHERE database_name = 'examples'");
      for (const request of [
        { identifier: database.id },
        { identifier: database.uuid },
        { database_id: database.id },
        { id: database.uuid },
      ]) {
        const info = await ok('get_database_info', request);
        expect(info).toMatchObject({ database_name: 'examples', id: database.id });
        expect(JSON.stringify(info)).not.toMatch(/sqlite:\/\/|password/i);
      }
      await failure('get_database_info', { identifier: 999_999 }, 'NotFound');
      await invalid('get_database_info', { request: { identifier: 1, uri: true } }, 'uri');
    });
  });

  describe('every tool under hostile arguments', () => {
    /** Values a metadata database cannot take, or that are merely unexpected. */
    const HOSTILE: readonly [string, unknown][] = [
      ['2^31', 2 ** 31],
      ['-2^31 - 1', -(2 ** 31) - 1],
      ['2^53 - 1', Number.MAX_SAFE_INTEGER],
      ['1e300', 1e300],
      ['20 digits', '99999999999999999999'],
      ['NUL', 'a\u0000b'],
      ['control characters', '\u0001\u001b[2J\u007f'],
      ['trailing backslash', 'abc\\'],
      ['60,000 characters', 'x'.repeat(60_000)],
      ['40,000 numbers', Array.from({ length: 40_000 }, (_, index) => index)],
      ['an object', { nested: [{}] }],
      ['null', null],
    ];

    /** What no answer may carry: an internal error, or a leaked stack, file path or SQL. */
    function expectNoLeak(label: string, outcome: Outcome): void {
      expect(outcome.text, label).not.toMatch(/Internal error/);
      expect(outcome.text, label).not.toMatch(/\bat .+\.(js|ts):\d+/);
      expect(outcome.text, label).not.toMatch(/\/(work|tmp|home)\//);
      expect(outcome.text, label).not.toMatch(
        /\b(SELECT|INSERT|UPDATE) .+ FROM\b|QueryFailedError|SQLITE_/,
      );
    }

    it('answers every hostile value in every request field without an internal error or a leak', async () => {
      const { tools } = await mcp.client.listTools();
      let calls = 0;
      for (const tool of tools) {
        const request = (tool.inputSchema.properties as Record<string, any> | undefined)?.request;
        const fields = Object.keys(
          (request?.properties as Record<string, unknown> | undefined) ??
            (request?.anyOf?.[0]?.properties as Record<string, unknown> | undefined) ??
            {},
        );
        const base: Record<string, unknown> = fields.includes('identifier')
          ? { identifier: 1 }
          : fields.includes('model_type')
            ? { model_type: 'chart' }
            : {};
        for (const field of fields) {
          const outcomes = await Promise.all(
            HOSTILE.map(([, value]) => call(tool.name, { ...base, [field]: value })),
          );
          outcomes.forEach((outcome, index) =>
            expectNoLeak(`${tool.name} ${field} ${HOSTILE[index][0]}`, outcome),
          );
          calls += outcomes.length;
        }
      }
      expect(calls).toBeGreaterThan(100);
    }, 240_000);

    it('answers every hostile filter in every list tool without an internal error or a leak', async () => {
      for (const model of LIST_MODELS) {
        for (const col of [model.text.col, model.integer.col, 'constructor']) {
          for (const opr of ['eq', 'in', 'like', 'gt']) {
            const outcomes = await Promise.all(
              HOSTILE.map(([, value]) => call(model.tool, { filters: [{ col, opr, value }] })),
            );
            outcomes.forEach((outcome, index) =>
              expectNoLeak(`${model.tool} ${col} ${opr} ${HOSTILE[index][0]}`, outcome),
            );
          }
        }
      }
    }, 240_000);
  });
});
