import { humanizeAgo } from '../../common/humanize.js';
import { untrusted } from '../../common/untrusted-content.js';
import { parseJsonText } from '../../superset/database/metadata-values.js';
import type {
  DatasetColumnRecord,
  DatasetMetricRecord,
  DatasetOwnerRecord,
  DatasetRecord,
} from '../../superset/datasets/datasets.repository.js';
import type { SupersetUrls } from '../../superset/superset-urls.service.js';

/** Fields a `columns` entry may carry; `column_name` is always there. */
export const DATASET_COLUMN_FIELDS = [
  'column_name',
  'type',
  'is_dttm',
  'verbose_name',
  'groupby',
  'filterable',
  'description',
  'expression',
  'python_date_format',
] as const;

export type DatasetColumnField = (typeof DATASET_COLUMN_FIELDS)[number];

export const DEFAULT_COLUMN_FIELDS: readonly DatasetColumnField[] = [
  'column_name',
  'type',
  'is_dttm',
];

export const SAVED_METRIC_NOTE =
  'Saved metrics are not columns: reference one in a chart config as ' +
  '{"name": "<metric_name>", "saved_metric": true}.';

/** Related rows of a dataset; a list left undefined was not loaded and stays out. */
export interface DatasetRelations {
  readonly columns?: readonly DatasetColumnRecord[];
  readonly metrics?: readonly DatasetMetricRecord[];
  readonly owners?: readonly DatasetOwnerRecord[];
  readonly columnFields?: readonly DatasetColumnField[];
}

/** A dataset as tools return it: every field either tool names; text written by users marked. */
export function presentDataset(
  dataset: DatasetRecord,
  urls: SupersetUrls,
  relations: DatasetRelations,
  now: Date,
): Record<string, unknown> {
  const columnFields = relations.columnFields ?? DEFAULT_COLUMN_FIELDS;
  return {
    cache_timeout: dataset.cacheTimeout,
    catalog: dataset.catalog,
    certification_details: untrusted(dataset.certificationDetails),
    certified_by: untrusted(dataset.certifiedBy),
    changed_by: dataset.changedBy,
    changed_on: dataset.changedOn?.toISOString() ?? null,
    changed_on_humanized: humanizeAgo(dataset.changedOn, now),
    columns: relations.columns?.map((column) => presentColumn(column, columnFields)),
    created_by: dataset.createdBy,
    created_on: dataset.createdOn?.toISOString() ?? null,
    created_on_humanized: humanizeAgo(dataset.createdOn, now),
    database_id: dataset.databaseId,
    database_name: dataset.databaseName,
    description: untrusted(dataset.description),
    edit_url: urls.datasetList(),
    extra: untrustedJson(parseJsonText(dataset.extra, null)),
    id: dataset.id,
    is_virtual: dataset.isVirtual,
    main_dttm_col: dataset.mainDttmCol,
    metrics: relations.metrics?.map(presentMetric),
    offset: dataset.offset,
    owners: relations.owners?.map((owner) => ({
      first_name: owner.firstName,
      id: owner.id,
      last_name: owner.lastName,
      username: owner.username,
    })),
    params: untrustedJson(parseJsonText(dataset.params, null)),
    schema: dataset.schema,
    schema_perm: dataset.schemaPerm,
    sql: untrusted(dataset.sql),
    table_name: dataset.tableName,
    template_params: untrustedJson(parseJsonText(dataset.templateParams, null)),
    url: urls.exploreDataset(dataset.id),
    uuid: dataset.uuid,
  };
}

function presentColumn(
  column: DatasetColumnRecord,
  fields: readonly DatasetColumnField[],
): Record<string, unknown> {
  const all: Record<DatasetColumnField, unknown> = {
    column_name: column.columnName,
    description: untrusted(column.description),
    expression: untrusted(column.expression),
    filterable: column.filterable,
    groupby: column.groupby,
    is_dttm: column.isDttm,
    python_date_format: column.pythonDateFormat,
    type: column.type,
    verbose_name: untrusted(column.verboseName),
  };
  const wanted = new Set<DatasetColumnField>(['column_name', ...fields]);
  return Object.fromEntries(
    DATASET_COLUMN_FIELDS.filter((f) => wanted.has(f)).map((f) => [f, all[f]]),
  );
}

function presentMetric(metric: DatasetMetricRecord): Record<string, unknown> {
  return {
    d3format: metric.d3format,
    description: untrusted(metric.description),
    expression: untrusted(metric.expression),
    metric_name: metric.metricName,
    verbose_name: untrusted(metric.verboseName),
  };
}

/** Free-form JSON written by users (`extra`, `params`): every string in it marked as data. */
function untrustedJson(value: unknown): unknown {
  if (typeof value === 'string') return untrusted(value);
  if (Array.isArray(value)) return value.map(untrustedJson);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, untrustedJson(item)]),
    );
  }
  return value;
}
