import { z } from 'zod';

import { ToolError } from '../tool-error.js';

/**
 * Bounds on what a request may carry, so that every value reaches the metadata database as one it
 * can take (on SQLite and Postgres alike) or is refused up front as a validation error naming the
 * field and the limit. `get_schema` publishes them as `limits`; the tools' JSON schemas carry them.
 */
export const REQUEST_LIMITS = {
  /** Ids and integer filter values are compared with INTEGER (int32) columns. */
  integer_max: 2_147_483_647,
  integer_min: -2_147_483_648,
  /** Characters of one filter value (a LIKE pattern stays far below SQLite's 50,000). */
  filter_value_max_length: 1_000,
  /** Items of an `in`/`nin` list. */
  in_list_max_items: 1_000,
  /** Filters in one request (20 lists of 1,000 stay below both dialects' bind-parameter limits). */
  filters_max_items: 20,
  /** Characters of `search`. */
  search_max_length: 500,
  /** Characters of a text identifier (UUID, slug or slugified title). */
  identifier_max_length: 500,
  /** Characters of a column name (filter `col`, `order_column`, `select_columns` entries). */
  column_name_max_length: 100,
  /** Entries of `select_columns`. */
  select_columns_max_items: 100,
  /** Characters of a column list given as text (CSV or JSON). */
  column_list_text_max_length: 10_000,
} as const;

export const NO_NUL_MESSAGE = 'must not contain NUL (\\u0000) characters';

export function hasNul(text: string): boolean {
  return text.includes('\u0000');
}

/** Whether `value` is an integer the int32 columns of the metadata database can hold. */
export function inIntegerRange(value: number): boolean {
  return (
    Number.isInteger(value) &&
    value >= REQUEST_LIMITS.integer_min &&
    value <= REQUEST_LIMITS.integer_max
  );
}

export const INTEGER_RANGE_MESSAGE =
  `integers must be from ${REQUEST_LIMITS.integer_min} to ${REQUEST_LIMITS.integer_max} ` +
  '(the range of the metadata columns they are compared with)';

const ID_RANGE_MESSAGE = `ids are whole numbers from 1 to ${REQUEST_LIMITS.integer_max}`;

/** A bounded text free of NUL characters. */
export function boundedText(maxLength: number, minLength = 0) {
  return z
    .string()
    .min(minLength, 'must not be empty')
    .max(maxLength, `must be at most ${maxLength} characters`)
    .refine((text) => !hasNul(text), NO_NUL_MESSAGE);
}

/** A column name as a request may give it: short, non-empty, no NUL. */
export const columnName = boundedText(REQUEST_LIMITS.column_name_max_length, 1);

/**
 * The `identifier` of a get tool: a positive int32 id, or text (an id in digits, a UUID, or for
 * dashboards a slug or slugified title) of bounded length. Digits beyond int32 can name no row,
 * and are refused as such rather than reaching the database.
 */
export function identifierSchema(description: string) {
  return z
    .union([
      z
        .number()
        .int(ID_RANGE_MESSAGE)
        .min(1, ID_RANGE_MESSAGE)
        .max(REQUEST_LIMITS.integer_max, ID_RANGE_MESSAGE),
      z
        .string()
        .trim()
        .min(1, 'must not be empty')
        .max(
          REQUEST_LIMITS.identifier_max_length,
          `must be at most ${REQUEST_LIMITS.identifier_max_length} characters`,
        )
        .refine((text) => !hasNul(text), NO_NUL_MESSAGE)
        .refine(
          (text) => !/^\d+$/.test(text) || Number(text) <= REQUEST_LIMITS.integer_max,
          ID_RANGE_MESSAGE,
        ),
    ])
    .describe(
      `${description} Numeric ids are 1 to ${REQUEST_LIMITS.integer_max}; text at most ` +
        `${REQUEST_LIMITS.identifier_max_length} characters, without NUL characters.`,
    );
}

/**
 * A request field naming things the tool does not know, as the same validation error the request
 * schema gives: thrown by handlers whose allowed names are not in the schema.
 */
export function unknownNamesError(
  tool: string,
  field: string,
  unknown: readonly string[],
  allowed: readonly string[],
): ToolError {
  return new ToolError(
    'validation_error',
    `Validation error in ${tool}: request.${field}: unknown ${unknown.length === 1 ? 'name' : 'names'} ` +
      `${unknown.join(', ')}. Allowed: ${allowed.join(', ')}.`,
  );
}

const COMPATIBILITY_NOTE =
  "Accepted for compatibility with Superset's MCP service; this service does not act on it: " +
  'metadata is read from the metadata database on every call the result cache does not answer.';

const RESULT_CACHE_NOTE =
  'Acted on when the result cache (MCP_CACHE_CONFIG) is on; without it every call reads afresh.';

/** Upstream's cache-control keys of list and info requests, steering the result cache. */
export const cacheControlFields = {
  force_refresh: z
    .boolean()
    .optional()
    .describe(`Skip the cached result and store a fresh one. ${RESULT_CACHE_NOTE}`),
  refresh_metadata: z
    .boolean()
    .optional()
    .describe(`Refresh metadata (such as dataset columns) first. ${COMPATIBILITY_NOTE}`),
  use_cache: z
    .boolean()
    .optional()
    .describe(`false: neither read nor store a cached result. ${RESULT_CACHE_NOTE}`),
};
