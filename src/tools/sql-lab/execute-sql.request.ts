import { z } from 'zod';

import { hasNul, NO_NUL_MESSAGE, REQUEST_LIMITS } from '../listing/request-limits.js';

/** Bounds of an `execute_sql` request (the upstream ranges, plus sizes every input needs). */
export const EXECUTE_SQL_LIMITS = {
  sql_max_length: 100_000,
  limit_max: 10_000,
  timeout_max_seconds: 300,
  default_timeout_seconds: 30,
  template_params_max_keys: 50,
  /** Characters of `template_params` serialised as JSON. */
  template_params_max_json_length: 100_000,
  name_max_length: 256,
} as const;

const sqlText = (description: string) =>
  z
    .string()
    .max(EXECUTE_SQL_LIMITS.sql_max_length)
    .refine((text) => !hasNul(text), NO_NUL_MESSAGE)
    .describe(description);

const name = (description: string) =>
  z
    .string()
    .min(1)
    .max(EXECUTE_SQL_LIMITS.name_max_length)
    .refine((text) => !hasNul(text), NO_NUL_MESSAGE)
    .nullable()
    .optional()
    .describe(description);

const TemplateParams = z
  .record(z.string().max(100), z.json())
  .refine(
    (params) => Object.keys(params).length <= EXECUTE_SQL_LIMITS.template_params_max_keys,
    `at most ${EXECUTE_SQL_LIMITS.template_params_max_keys} template parameters`,
  )
  .refine(
    (params) => JSON.stringify(params).length <= EXECUTE_SQL_LIMITS.template_params_max_json_length,
    `template_params may take at most ${EXECUTE_SQL_LIMITS.template_params_max_json_length} characters as JSON`,
  );

export const ExecuteSqlRequest = z
  .strictObject({
    database_id: z
      .int()
      .min(1)
      .max(REQUEST_LIMITS.integer_max)
      .describe('Id of the database connection (from list_databases).'),
    sql: sqlText('The SQL to run; several statements separated by ";" are allowed.').optional(),
    query: sqlText('Alias of sql.').optional(),
    schema: name('Default schema the SQL runs in (search_path / USE).'),
    catalog: name('Catalog; only the connection’s own catalog is supported (omit it).'),
    limit: z
      .int()
      .min(1)
      .max(EXECUTE_SQL_LIMITS.limit_max)
      .nullable()
      .optional()
      .describe(
        'Rows wanted from the last statement (1–10,000); applied in the database. ' +
          "Without it the SQL's own LIMIT is kept, capped by SQL_MAX_ROW.",
      ),
    timeout: z
      .int()
      .min(1)
      .max(EXECUTE_SQL_LIMITS.timeout_max_seconds)
      .default(EXECUTE_SQL_LIMITS.default_timeout_seconds)
      .describe('Server-side statement timeout in seconds (1–300, default 30).'),
    template_params: TemplateParams.nullable()
      .optional()
      .describe(
        'Renders {{ name }}, {{ current_username() }}, {{ current_user_id() }}, ' +
          "{{ url_param('x') }} (from url_params) and {{ filter_values('col') }} (from " +
          'filter_values, as SQL literals) — only when given.',
      ),
    dry_run: z
      .boolean()
      .default(false)
      .describe('Check the SQL and return the statements that would run, without running them.'),
    force_refresh: z
      .boolean()
      .default(false)
      .describe('Accepted for compatibility; results are never cached, every call runs the SQL.'),
  })
  .refine((request) => (request.sql ?? request.query ?? '').trim() !== '', {
    message: 'sql is required (non-empty; query is its alias)',
    path: ['sql'],
  })
  .refine(
    (request) =>
      request.sql === undefined || request.query === undefined || request.sql === request.query,
    { message: 'give sql or its alias query, not two different texts', path: ['query'] },
  );

export type ExecuteSqlArguments = z.output<typeof ExecuteSqlRequest>;
