import { CHART_LIST } from '../charts/chart-list.columns.js';
import { DASHBOARD_LIST } from '../dashboards/dashboard-list.columns.js';
import { DATABASE_LIST } from '../databases/database-list.columns.js';
import { DATASET_LIST } from '../datasets/dataset-list.columns.js';
import {
  filterOperators,
  sortedNames,
  type FilterOperator,
  type ListSpec,
} from '../listing/list-spec.js';

export const MODEL_TYPES = ['chart', 'dataset', 'dashboard', 'database'] as const;

export type ModelType = (typeof MODEL_TYPES)[number];

/** The list specs `get_schema` describes: the same objects the list tools run on. */
export const MODEL_LIST_SPECS: Readonly<Record<ModelType, ListSpec>> = {
  chart: CHART_LIST,
  dashboard: DASHBOARD_LIST,
  database: DATABASE_LIST,
  dataset: DATASET_LIST,
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
}

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
