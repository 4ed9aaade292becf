import { z } from 'zod';

import {
  FILTER_OPERATORS,
  filterOperators,
  sortedNames,
  sortSql,
  type FilterColumn,
  type ListSpec,
} from './list-spec.js';
import {
  boundedText,
  cacheControlFields,
  columnName,
  INTEGER_RANGE_MESSAGE,
  inIntegerRange,
  REQUEST_LIMITS,
} from './request-limits.js';

export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 10;

const filterText = boundedText(REQUEST_LIMITS.filter_value_max_length);

// One flat union, so a value no branch takes is reported by the branch of its type (too long,
// NUL, too many items) rather than as a bare "Invalid input".
const filterValue = z.union([
  filterText,
  z.number(),
  z.boolean(),
  z.null(),
  z
    .array(z.union([filterText, z.number(), z.boolean()]))
    .max(
      REQUEST_LIMITS.in_list_max_items,
      `must have at most ${REQUEST_LIMITS.in_list_max_items} items`,
    ),
]);

/** A filter as the request gives it, before the model's spec has checked it. */
export interface ListFilter {
  col: string;
  opr: (typeof FILTER_OPERATORS)[number];
  value?: string | number | boolean | null | (string | number | boolean)[];
}

const VALUE_DESCRIPTION =
  `Value; a list for in/nin (at most ${REQUEST_LIMITS.in_list_max_items} items); omit for ` +
  `is_null/is_not_null. Text at most ${REQUEST_LIMITS.filter_value_max_length} characters, no ` +
  `NUL characters; integers from ${REQUEST_LIMITS.integer_min} to ${REQUEST_LIMITS.integer_max}. ` +
  'In like/ilike patterns % and _ are wildcards and \\ escapes the next character (a pattern ' +
  'may not end in a lone \\); sw/ew/ct match their value literally.';

/** `{col, opr, value}` for one model: `col` one of its filter columns, `opr` one `col` allows. */
export function listFilterSchema(spec: ListSpec) {
  const names = sortedNames(spec.filterColumns) as [string, ...string[]];
  return z
    .strictObject({
      col: z
        .enum(names, {
          error: () =>
            `not a filter column of ${spec.itemsKey}. Filterable columns: ${names.join(', ')}`,
        })
        .describe('Column to filter on; get_schema lists the operators each accepts.'),
      opr: z.enum(FILTER_OPERATORS).describe('Operator.'),
      value: filterValue.optional().describe(VALUE_DESCRIPTION),
    })
    .superRefine((filter, context) => {
      // Length and NUL characters are the value schema's to report; the rest is the column's.
      const problem = filterProblem(spec.filterColumns[filter.col], filter, false);
      if (problem)
        context.addIssue({ code: 'custom', message: problem.message, path: [problem.field] });
    });
}

/**
 * What is wrong with a filter on `column` — an operator the column does not take, or a value the
 * column (or the database) cannot compare — and which field of the filter it is in; null if
 * nothing. The request schema reports it as a validation error; the lister refuses it again.
 */
export function filterProblem(
  column: FilterColumn | undefined,
  filter: ListFilter,
  checkText = true,
): { field: 'col' | 'opr' | 'value'; message: string } | null {
  if (!column) return { field: 'col', message: `'${filter.col}' is not a filter column` };
  const operators = filterOperators(column);
  if (!operators.includes(filter.opr)) {
    return {
      field: 'opr',
      message: `operator '${filter.opr}' is not supported on '${filter.col}'. Its operators: ${operators.join(', ')}`,
    };
  }
  if (filter.opr === 'is_null' || filter.opr === 'is_not_null') return null;
  const invalid = (expected: string) => ({
    field: 'value' as const,
    message: `'${filter.opr}' on '${filter.col}' needs ${expected}`,
  });
  const list = filter.opr === 'in' || filter.opr === 'nin';
  if (list !== Array.isArray(filter.value)) {
    return invalid(list ? 'a non-empty list value' : 'a single value, not a list');
  }
  const values = Array.isArray(filter.value) ? filter.value : [filter.value];
  if (values.length === 0) return invalid('a non-empty list value');
  if (checkText && values.length > REQUEST_LIMITS.in_list_max_items) {
    return invalid(`at most ${REQUEST_LIMITS.in_list_max_items} items`);
  }
  for (const value of values) {
    if (
      checkText &&
      typeof value === 'string' &&
      value.length > REQUEST_LIMITS.filter_value_max_length
    ) {
      return invalid(`text of at most ${REQUEST_LIMITS.filter_value_max_length} characters`);
    }
    if (checkText && typeof value === 'string' && value.includes('\u0000')) {
      return invalid('text without NUL (\\u0000) characters');
    }
    if (!acceptsValue(column, value)) return invalid(`a ${column.kind} value`);
    if (column.kind === 'integer' && !inIntegerRange(Number(value))) {
      return { field: 'value', message: INTEGER_RANGE_MESSAGE };
    }
  }
  if (
    (filter.opr === 'like' || filter.opr === 'ilike') &&
    typeof filter.value === 'string' &&
    /(^|[^\\])(\\\\)*\\$/.test(filter.value)
  ) {
    return {
      field: 'value',
      message:
        'a like/ilike pattern must not end in a lone backslash (\\ escapes the next character, ' +
        'so write \\\\ for a literal backslash)',
    };
  }
  return null;
}

/** Whether `value` can be read as a value of the column's kind (the lister converts it). */
function acceptsValue(column: FilterColumn, value: unknown): boolean {
  switch (column.kind) {
    case 'integer':
      return (
        (typeof value === 'number' && Number.isInteger(value)) ||
        (typeof value === 'string' && /^-?\d+$/.test(value))
      );
    case 'number':
      return typeof value === 'number';
    case 'boolean':
      return typeof value === 'boolean' || value === 'true' || value === 'false';
    case 'datetime':
      return typeof value === 'string' && !Number.isNaN(Date.parse(value));
    case 'string':
      return typeof value === 'string' || typeof value === 'number';
  }
}

/** The request after normalisation: lists are lists, whatever form the client sent. */
export interface ListRequest {
  readonly filters: ListFilter[];
  readonly select_columns: string[];
  readonly search?: string;
  readonly order_column?: string;
  readonly order_direction?: 'asc' | 'desc';
  readonly page: number;
  readonly page_size: number;
}

function listFields(spec: ListSpec) {
  const filter = listFilterSchema(spec);
  // Clients that double-serialise arguments send lists as JSON text; column lists may be CSV.
  const filterList = z.union([
    z
      .array(filter)
      .max(
        REQUEST_LIMITS.filters_max_items,
        `must have at most ${REQUEST_LIMITS.filters_max_items} filters`,
      ),
    z.string().describe('The same list as JSON text'),
  ]);
  const columnList = z.union([
    z
      .array(columnName)
      .max(
        REQUEST_LIMITS.select_columns_max_items,
        `must have at most ${REQUEST_LIMITS.select_columns_max_items} columns`,
      ),
    boundedText(REQUEST_LIMITS.column_list_text_max_length).describe(
      'Comma-separated names or a JSON array',
    ),
  ]);
  const sortable = sortedNames(spec.sortColumns);
  return {
    ...cacheControlFields,
    filters: filterList
      .optional()
      .describe(
        'Filters, ANDed: [{"col": "...", "opr": "eq", "value": ...}], at most ' +
          `${REQUEST_LIMITS.filters_max_items}. Not together with search.`,
      ),
    select_columns: columnList
      .optional()
      .describe('Columns to return; omit for a lean default set.'),
    columns: columnList.optional().describe('Alias of select_columns.'),
    search: boundedText(REQUEST_LIMITS.search_max_length)
      .optional()
      .describe(
        `Free text (at most ${REQUEST_LIMITS.search_max_length} characters) matched ` +
          'case-insensitively against the searchable columns.',
      ),
    order_column: columnName
      .optional()
      .describe(`Column to sort by: ${sortable.join(', ')}; default ${spec.defaultOrder.column}.`),
    order_direction: z.enum(['asc', 'desc']).optional().describe('Sort direction.'),
    page: z
      .number()
      .int()
      .min(1)
      .max(REQUEST_LIMITS.integer_max)
      .default(1)
      .describe('Page number, starting at 1.'),
    page_size: z
      .number()
      .int()
      .min(1)
      .max(MAX_PAGE_SIZE)
      .default(DEFAULT_PAGE_SIZE)
      .describe(`Items per page, 1 to ${MAX_PAGE_SIZE}.`),
  };
}

/**
 * The `request` object of one model's list tool: upstream's contract (filters xor search, 1-based
 * pages, page_size at most 100), the model's filter columns, operators and sortable columns,
 * bounded values, plus model-specific flags such as `created_by_me`.
 */
export function listRequestSchema<T extends z.ZodRawShape>(spec: ListSpec, extra: T) {
  const filterArray = z.array(listFilterSchema(spec)).max(REQUEST_LIMITS.filters_max_items);
  return z.strictObject({ ...listFields(spec), ...extra }).transform((raw, context) => {
    if (context.issues.length > 0) return z.NEVER;
    const fields = raw as unknown as {
      filters?: ListFilter[] | string;
      select_columns?: string[] | string;
      columns?: string[] | string;
      search?: string;
      order_column?: string;
    };
    const fail = (message: string, path: string) => {
      context.addIssue({ code: 'custom', message, path: [path] });
      return z.NEVER;
    };
    let filters: ListFilter[] = [];
    if (typeof fields.filters === 'string') {
      const json = parseJson(fields.filters);
      if (!Array.isArray(json))
        return fail('must be a list of {col, opr, value} objects', 'filters');
      const parsed = filterArray.safeParse(json);
      if (!parsed.success) {
        for (const issue of parsed.error.issues) {
          context.addIssue({ ...issue, path: ['filters', ...issue.path] });
        }
        return z.NEVER;
      }
      filters = parsed.data;
    } else if (fields.filters) {
      filters = fields.filters;
    }
    if (fields.select_columns !== undefined && fields.columns !== undefined) {
      return fail("use either 'select_columns' or its alias 'columns', not both", 'columns');
    }
    const selectColumns = columnNames(fields.select_columns ?? fields.columns);
    if (selectColumns === null) {
      return fail(
        `must be a list of at most ${REQUEST_LIMITS.select_columns_max_items} column names`,
        'select_columns',
      );
    }
    const unknownColumns = selectColumns.filter((name) => !Object.hasOwn(spec.columns, name));
    if (unknownColumns.length > 0) {
      return fail(
        `unknown ${unknownColumns.length === 1 ? 'column' : 'columns'} ` +
          `${unknownColumns.join(', ')}. Allowed columns: ${sortedNames(spec.columns).join(', ')}`,
        fields.columns === undefined ? 'select_columns' : 'columns',
      );
    }
    if (fields.order_column !== undefined && sortSql(spec, fields.order_column) === undefined) {
      return fail(
        `cannot sort ${spec.itemsKey} by '${fields.order_column}'. Sortable columns: ` +
          sortedNames(spec.sortColumns).join(', '),
        'order_column',
      );
    }
    if (fields.search && filters.length > 0) {
      return fail(
        "Cannot use both 'search' and 'filters' parameters simultaneously. Use search for text " +
          'matching or filters for exact criteria.',
        'search',
      );
    }
    return { ...raw, filters, select_columns: selectColumns } as typeof raw & ListRequest;
  });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

const columnNameList = z.array(columnName).max(REQUEST_LIMITS.select_columns_max_items);

function columnNames(value: string[] | string | undefined): string[] | null {
  if (value === undefined) return [];
  if (Array.isArray(value)) return value;
  const text = value.trim();
  const names = text.startsWith('[')
    ? parseJson(text)
    : text
        .split(',')
        .map((name) => name.trim())
        .filter((name) => name !== '');
  const parsed = columnNameList.safeParse(names);
  return parsed.success ? parsed.data : null;
}
