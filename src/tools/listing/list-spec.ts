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
  /** Sortable names (including aliases) and the SQL they order by. */
  readonly sortColumns: Readonly<Record<string, string>>;
  /** SQL expressions `search` matches case-insensitively. */
  readonly searchColumns: readonly string[];
  readonly defaultOrder: { readonly column: string; readonly direction: 'asc' | 'desc' };
  /** SQL of the row id, the final tie-breaker of every order. */
  readonly idSql: string;
}
