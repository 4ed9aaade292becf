import { z } from 'zod';

import { FILTER_OPERATORS } from './list-spec.js';

export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 10;

const filterValue = z.union([
  z.string(),
  z.number(),
  z.boolean(),
  z.null(),
  z.array(z.union([z.string(), z.number(), z.boolean()])),
]);

export const ListFilter = z.strictObject({
  col: z.string().min(1).describe('Column to filter on; get_schema lists the allowed ones.'),
  opr: z.enum(FILTER_OPERATORS).describe('Operator.'),
  value: filterValue.optional().describe('Value; a list for in/nin; omit for is_null/is_not_null.'),
});

export type ListFilter = z.infer<typeof ListFilter>;

// Clients that double-serialise arguments send lists as JSON text; column lists may be CSV.
const filterList = z.union([
  z.array(ListFilter),
  z.string().describe('The same list as JSON text'),
]);
const columnList = z.union([
  z.array(z.string().min(1)),
  z.string().describe('Comma-separated names or a JSON array'),
]);

const listFields = {
  filters: filterList
    .optional()
    .describe(
      'Filters, ANDed: [{"col": "...", "opr": "eq", "value": ...}]. Not together with search.',
    ),
  select_columns: columnList.optional().describe('Columns to return; omit for a lean default set.'),
  columns: columnList.optional().describe('Alias of select_columns.'),
  search: z
    .string()
    .max(500)
    .optional()
    .describe('Free text matched case-insensitively against the searchable columns.'),
  order_column: z.string().optional().describe('Column to sort by; see sortable_columns.'),
  order_direction: z.enum(['asc', 'desc']).optional().describe('Sort direction.'),
  page: z.number().int().min(1).default(1).describe('Page number, starting at 1.'),
  page_size: z
    .number()
    .int()
    .min(1)
    .max(MAX_PAGE_SIZE)
    .default(DEFAULT_PAGE_SIZE)
    .describe(`Items per page, 1 to ${MAX_PAGE_SIZE}.`),
};

/** The list request after normalisation: lists are lists, whatever form the client sent. */
export interface ListRequest {
  readonly filters: ListFilter[];
  readonly select_columns: string[];
  readonly search?: string;
  readonly order_column?: string;
  readonly order_direction?: 'asc' | 'desc';
  readonly page: number;
  readonly page_size: number;
}

/**
 * The `request` object of a list tool: upstream's contract (filters xor search, 1-based pages,
 * page_size at most 100) plus model-specific flags such as `created_by_me`.
 */
export function listRequestSchema<T extends z.ZodRawShape>(extra: T) {
  return z.strictObject({ ...listFields, ...extra }).transform((raw, context) => {
    const fields = raw as unknown as {
      filters?: ListFilter[] | string;
      select_columns?: string[] | string;
      columns?: string[] | string;
      search?: string;
    };
    const fail = (message: string, path: string) => {
      context.addIssue({ code: 'custom', message, path: [path] });
      return z.NEVER;
    };
    let filters: ListFilter[] = [];
    if (typeof fields.filters === 'string') {
      const parsed = z.array(ListFilter).safeParse(parseJson(fields.filters));
      if (!parsed.success) return fail('must be a list of {col, opr, value} objects', 'filters');
      filters = parsed.data;
    } else if (fields.filters) {
      filters = fields.filters;
    }
    if (fields.select_columns !== undefined && fields.columns !== undefined) {
      return fail("use either 'select_columns' or its alias 'columns', not both", 'columns');
    }
    const selectColumns = columnNames(fields.select_columns ?? fields.columns);
    if (selectColumns === null) return fail('must be a list of column names', 'select_columns');
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

function columnNames(value: string[] | string | undefined): string[] | null {
  if (value === undefined) return [];
  if (Array.isArray(value)) return value;
  const text = value.trim();
  if (text.startsWith('[')) {
    const parsed = z.array(z.string().min(1)).safeParse(parseJson(text));
    return parsed.success ? parsed.data : null;
  }
  return text
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
}
