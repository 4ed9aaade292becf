export const FILTER_OPERATORS = [
  'eq',
  'ne',
  'sw',
  'ew',
  'ct',
  'in',
  'nin',
  'gt',
  'gte',
  'lt',
  'lte',
  'like',
  'ilike',
  'is_null',
  'is_not_null',
] as const;

export type FilterOperator = (typeof FILTER_OPERATORS)[number];

export type ValueKind = 'integer' | 'number' | 'string' | 'boolean' | 'datetime';

/** A column a list item may carry. */
export interface ListColumn {
  readonly description: string;
  readonly type: string;
  /** Expensive to load or large (JSON blobs): only read when asked for. */
  readonly heavy?: boolean;
}

/** A column `filters` may name: its SQL over the list query's aliases and its value type. */
export interface FilterColumn {
  readonly description: string;
  readonly kind: ValueKind;
  /** SQL expression compared with the value. */
  readonly sql?: string;
  /** For relations (owners, dashboards): builds the whole condition for a parameter name. */
  readonly condition?: (operator: FilterOperator, parameter: string) => string;
  /** Operators allowed on this column; all by default. */
  readonly operators?: readonly FilterOperator[];
}

/** Everything the generic lister needs to know about one model (charts, dashboards, …). */
export interface ListSpec {
  readonly model: string;
  /** Key of the item array in the response: `charts`, `dashboards`, … */
  readonly itemsKey: string;
  readonly columns: Readonly<Record<string, ListColumn>>;
  readonly defaultColumns: readonly string[];
  readonly filterColumns: Readonly<Record<string, FilterColumn>>;
  /** Sortable columns and the SQL they order by; each is a column rows carry (`columns`). */
  readonly sortColumns: Readonly<Record<string, string>>;
  /**
   * Other names `order_column` accepts (upstream's, such as `changed_on_delta_humanized`) and
   * the sortable column each stands for; accepted, not advertised, as rows do not carry them.
   */
  readonly sortAliases?: Readonly<Record<string, string>>;
  /** SQL expressions `search` matches case-insensitively. */
  readonly searchColumns: readonly string[];
  readonly defaultOrder: { readonly column: string; readonly direction: 'asc' | 'desc' };
  /** SQL of the row id, the final tie-breaker of every order. */
  readonly idSql: string;
}

const TEXT_ONLY_OPERATORS = new Set<FilterOperator>(['sw', 'ew', 'ct', 'like', 'ilike']);
const BOOLEAN_OPERATORS: readonly FilterOperator[] = ['eq', 'ne', 'is_null', 'is_not_null'];

/**
 * Operators a filter column accepts: its own list, else by value type (pattern operators only on
 * text, comparisons not on booleans). The lister enforces it and get_schema advertises it.
 */
export function filterOperators(column: FilterColumn): readonly FilterOperator[] {
  if (column.operators) return column.operators;
  switch (column.kind) {
    case 'string':
      return FILTER_OPERATORS;
    case 'boolean':
      return BOOLEAN_OPERATORS;
    default:
      return FILTER_OPERATORS.filter((operator) => !TEXT_ONLY_OPERATORS.has(operator));
  }
}

/** The SQL an `order_column` name orders by (a sortable column or an alias of one), if any. */
export function sortSql(spec: ListSpec, name: string): string | undefined {
  if (Object.hasOwn(spec.sortColumns, name)) return spec.sortColumns[name];
  const target =
    spec.sortAliases && Object.hasOwn(spec.sortAliases, name) ? spec.sortAliases[name] : undefined;
  return target === undefined ? undefined : spec.sortColumns[target];
}

/** Names of a spec's columns in a stable, alphabetical order, whatever order they were declared in. */
export function sortedNames(record: Readonly<Record<string, unknown>>): string[] {
  return Object.keys(record).sort();
}
