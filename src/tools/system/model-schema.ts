import { CHART_LIST } from '../charts/chart-list.columns.js';
import { DASHBOARD_LIST } from '../dashboards/dashboard-list.columns.js';
import { DATABASE_LIST } from '../databases/database-list.columns.js';
import { DATASET_LIST } from '../datasets/dataset-list.columns.js';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../listing/list-request.schema.js';
import { REQUEST_LIMITS } from '../listing/request-limits.js';
import { QUERY_LIST } from '../queries/query-list.columns.js';
import { SAVED_QUERY_LIST } from '../queries/saved-query-list.columns.js';
import {
  filterOperators,
  sortedNames,
  type FilterOperator,
  type ListSpec,
} from '../listing/list-spec.js';

export const MODEL_TYPES = [
  'chart',
  'dataset',
  'dashboard',
  'database',
  'query',
  'saved_query',
] as const;

export type ModelType = (typeof MODEL_TYPES)[number];

/** The list specs `get_schema` describes: the same objects the list tools run on. */
export const MODEL_LIST_SPECS: Readonly<Record<ModelType, ListSpec>> = {
  chart: CHART_LIST,
  dashboard: DASHBOARD_LIST,
  database: DATABASE_LIST,
  dataset: DATASET_LIST,
  query: QUERY_LIST,
  saved_query: SAVED_QUERY_LIST,
};

/** What `get_schema` and `superset://schema/{model_type}` return for one model type. */
export interface ModelSchema {
  readonly model_type: ModelType;
  readonly select_columns: readonly { name: string; description: string; type: string }[];
  readonly all_column_names: readonly string[];
  readonly default_columns: readonly string[];
  readonly filter_columns: Readonly<
    Record<string, { type: string; description: string; operators: readonly FilterOperator[] }>
  >;
  readonly sortable_columns: readonly string[];
  readonly search_columns: readonly string[];
  readonly default_sort: string;
  readonly default_sort_direction: 'asc' | 'desc';
  readonly limits: ListLimits;
}

/** What a list request may carry; larger or malformed values are validation errors. */
export interface ListLimits {
  readonly page_size_max: number;
  readonly page_size_default: number;
  readonly filters_max_items: number;
  readonly filter_value_max_length: number;
  readonly in_list_max_items: number;
  readonly integer_min: number;
  readonly integer_max: number;
  readonly search_max_length: number;
  readonly select_columns_max_items: number;
  readonly identifier_max_length: number;
  readonly text: string;
  readonly like_patterns: string;
}

/** The limits every list (and get) request is held to, as `get_schema` publishes them. */
export const LIST_LIMITS: ListLimits = {
  filter_value_max_length: REQUEST_LIMITS.filter_value_max_length,
  filters_max_items: REQUEST_LIMITS.filters_max_items,
  identifier_max_length: REQUEST_LIMITS.identifier_max_length,
  in_list_max_items: REQUEST_LIMITS.in_list_max_items,
  integer_max: REQUEST_LIMITS.integer_max,
  integer_min: REQUEST_LIMITS.integer_min,
  like_patterns:
    'like/ilike: % and _ are wildcards, \\ escapes the next character; a pattern may not end ' +
    'in a lone backslash. sw/ew/ct match their value literally.',
  page_size_default: DEFAULT_PAGE_SIZE,
  page_size_max: MAX_PAGE_SIZE,
  search_max_length: REQUEST_LIMITS.search_max_length,
  select_columns_max_items: REQUEST_LIMITS.select_columns_max_items,
  text: 'Text values (filters, search, identifiers) may not contain NUL (\\u0000) characters.',
};

/** The schema of one model type, derived from the list spec its list tool runs on. */
export function modelSchema(modelType: ModelType): ModelSchema {
  return schemaOf(modelType, MODEL_LIST_SPECS[modelType]);
}

export function schemaOf(modelType: ModelType, spec: ListSpec): ModelSchema {
  return {
    all_column_names: sortedNames(spec.columns),
    default_columns: [...spec.defaultColumns],
    default_sort: spec.defaultOrder.column,
    default_sort_direction: spec.defaultOrder.direction,
    limits: LIST_LIMITS,
    filter_columns: Object.fromEntries(
      sortedNames(spec.filterColumns).map((name) => {
        const column = spec.filterColumns[name];
        return [
          name,
          {
            description: column.description,
            operators: filterOperators(column),
            type: column.kind,
          },
        ];
      }),
    ),
    model_type: modelType,
    search_columns: searchColumnNames(spec),
    select_columns: sortedNames(spec.columns).map((name) => ({
      description: spec.columns[name].description,
      name,
      type: spec.columns[name].type,
    })),
    sortable_columns: sortedNames(spec.sortColumns),
  };
}

/** Column names behind the spec's search expressions (`s.slice_name` → `slice_name`). */
export function searchColumnNames(spec: ListSpec): string[] {
  return spec.searchColumns.map((sql) => /^\w+\.(\w+)$/.exec(sql.trim())?.[1] ?? sql);
}
