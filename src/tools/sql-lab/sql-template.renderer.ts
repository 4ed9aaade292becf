/**
 * A small template renderer for `execute_sql`'s `template_params`: Superset's Jinja macros that make
 * sense outside a chart, and plain `{{ name }}` substitution. Nothing is evaluated: an expression is
 * matched against these forms only, anything else is refused. The rendered SQL goes through the
 * statement checker like any other SQL.
 */

export type TemplateErrorType = 'INVALID_TEMPLATE_PARAMS_ERROR' | 'MISSING_TEMPLATE_PARAMS_ERROR';

export class SqlTemplateError extends Error {
  constructor(
    readonly errorType: TemplateErrorType,
    message: string,
  ) {
    super(message);
    this.name = SqlTemplateError.name;
  }
}

export interface TemplateContext {
  readonly username: string;
  readonly userId: number;
  /** The caller's `template_params`: scalars by name, plus `url_params` and `filter_values`. */
  readonly params: Readonly<Record<string, unknown>>;
}

/** The rendered SQL may not grow past this many characters. */
export const MAX_RENDERED_SQL_CHARS = 500_000;
const MAX_EXPRESSION_CHARS = 1_000;

const NAME = /^([A-Za-z_][A-Za-z0-9_]*)$/;
const NO_ARGUMENT_CALL = /^(current_username|current_user_id)\s*\(\s*\)$/;
const QUOTED = String.raw`'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"`;
const STRING_CALL = new RegExp(
  String.raw`^(url_param|filter_values)\s*\(\s*(${QUOTED})\s*(?:,\s*(${QUOTED})\s*)?\)$`,
);

/** Renders `sql` with the caller's context; throws `SqlTemplateError` for anything not supported. */
export function renderSqlTemplate(sql: string, context: TemplateContext): string {
  const statement = /\{%|\{#/.exec(sql);
  if (statement) {
    throw new SqlTemplateError(
      'INVALID_TEMPLATE_PARAMS_ERROR',
      `unsupported template syntax '${statement[0]}' at character ${statement.index + 1}: only ` +
        '{{ … }} expressions are rendered (no statements, comments or control flow)',
    );
  }
  let output = '';
  let from = 0;
  for (;;) {
    const open = sql.indexOf('{{', from);
    if (open < 0) break;
    const close = sql.indexOf('}}', open + 2);
    if (close < 0) {
      throw new SqlTemplateError(
        'INVALID_TEMPLATE_PARAMS_ERROR',
        `'{{' at character ${open + 1} is never closed with '}}'`,
      );
    }
    output += sql.slice(from, open) + evaluate(sql.slice(open + 2, close).trim(), context);
    if (output.length > MAX_RENDERED_SQL_CHARS) {
      throw new SqlTemplateError(
        'INVALID_TEMPLATE_PARAMS_ERROR',
        `the rendered SQL is longer than ${MAX_RENDERED_SQL_CHARS} characters`,
      );
    }
    from = close + 2;
  }
  return output + sql.slice(from);
}

function evaluate(expression: string, context: TemplateContext): string {
  const shown = expression.length > 60 ? `${expression.slice(0, 60)}…` : expression;
  if (expression.length > MAX_EXPRESSION_CHARS) {
    throw unsupported(shown);
  }
  const name = NAME.exec(expression)?.[1];
  if (name !== undefined) {
    if (!Object.hasOwn(context.params, name)) {
      throw new SqlTemplateError(
        'MISSING_TEMPLATE_PARAMS_ERROR',
        `the template uses '${name}', which template_params does not define`,
      );
    }
    return scalar(context.params[name], `template_params.${name}`);
  }
  const noArgument = NO_ARGUMENT_CALL.exec(expression)?.[1];
  if (noArgument === 'current_username') return context.username;
  if (noArgument === 'current_user_id') return String(context.userId);
  const call = STRING_CALL.exec(expression);
  if (call) {
    const [, macro, first, second] = call as unknown as [string, string, string, string?];
    const argument = unquote(first);
    const fallback = second === undefined ? null : unquote(second);
    return macro === 'url_param'
      ? urlParam(context.params, argument, fallback)
      : filterValues(context.params, argument, fallback);
  }
  throw unsupported(shown);
}

function unsupported(shown: string): SqlTemplateError {
  return new SqlTemplateError(
    'INVALID_TEMPLATE_PARAMS_ERROR',
    `unsupported template expression '{{ ${shown} }}': use {{ name }} (a template_params value), ` +
      "current_username(), current_user_id(), url_param('name'), filter_values('column')",
  );
}

/** Superset's `url_param` escapes single quotes for the SQL string it usually sits in. */
function urlParam(
  params: Readonly<Record<string, unknown>>,
  name: string,
  fallback: string | null,
): string {
  const urlParams = record(params.url_params, 'template_params.url_params');
  const value = Object.hasOwn(urlParams, name) ? urlParams[name] : undefined;
  if (value === undefined || value === null) return (fallback ?? '').replaceAll("'", "''");
  return scalar(value, `template_params.url_params.${name}`).replaceAll("'", "''");
}

/** The values of `filter_values[column]` as a list of SQL literals, for `col IN (…)`. */
function filterValues(
  params: Readonly<Record<string, unknown>>,
  column: string,
  fallback: string | null,
): string {
  const filters = record(params.filter_values, 'template_params.filter_values');
  const values = Object.hasOwn(filters, column) ? filters[column] : undefined;
  if (values === undefined || values === null) {
    return fallback === null ? '' : literal(fallback);
  }
  if (!Array.isArray(values)) {
    throw new SqlTemplateError(
      'INVALID_TEMPLATE_PARAMS_ERROR',
      `template_params.filter_values.${column} must be a list of strings, numbers or booleans`,
    );
  }
  return values
    .map((value) => literal(value, `template_params.filter_values.${column}`))
    .join(', ');
}

function literal(value: unknown, where = 'filter_values default'): string {
  if (typeof value === 'string') return `'${value.replaceAll("'", "''")}'`;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  throw new SqlTemplateError(
    'INVALID_TEMPLATE_PARAMS_ERROR',
    `${where} holds a value that is not a string, number or boolean`,
  );
}

function record(value: unknown, where: string): Readonly<Record<string, unknown>> {
  if (value === undefined || value === null) return {};
  if (typeof value === 'object' && !Array.isArray(value)) {
    return value as Record<string, unknown>;
  }
  throw new SqlTemplateError('INVALID_TEMPLATE_PARAMS_ERROR', `${where} must be an object`);
}

/** Jinja prints Python's `True`/`False`/`None` for JSON's booleans and null. */
function scalar(value: unknown, where: string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (value === null) return 'None';
  throw new SqlTemplateError(
    'INVALID_TEMPLATE_PARAMS_ERROR',
    `${where} is a list or object; only strings, numbers, booleans and null can be substituted`,
  );
}

function unquote(quoted: string): string {
  return quoted.slice(1, -1).replace(/\\(.)/g, '$1');
}
