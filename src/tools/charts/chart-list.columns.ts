import type { ListSpec } from '../listing/list-spec.js';
import {
  AUDIT_COLUMNS,
  auditFilterColumns,
  certificationColumns,
  linkFilter,
} from '../listing/shared-columns.js';

/** What `list_charts` can select, filter, sort and search (upstream's names). */
export const CHART_LIST: ListSpec = {
  columns: {
    ...AUDIT_COLUMNS,
    ...certificationColumns('chart'),
    cache_timeout: { description: 'Cache timeout in seconds', type: 'integer' },
    dashboards: {
      description: 'Dashboards the chart is on: [{id, dashboard_title}]',
      type: 'array',
    },
    datasource_id: { description: 'Dataset id', type: 'integer' },
    datasource_name: { description: 'Dataset name (schema.table)', type: 'string' },
    datasource_type: { description: "Always 'table'", type: 'string' },
    description: { description: 'Description written by its owners', type: 'string' },
    form_data: { description: 'Explore form data (parsed params)', heavy: true, type: 'object' },
    id: { description: 'Chart id', type: 'integer' },
    params: { description: 'Saved form data as stored (JSON text)', heavy: true, type: 'string' },
    query_context: { description: 'Saved query context (JSON text)', heavy: true, type: 'string' },
    slice_name: { description: 'Chart name', type: 'string' },
    url: { description: 'Link to the chart in Superset', type: 'string' },
    uuid: { description: 'Chart UUID', type: 'string' },
    viz_type: { description: 'Visualization type, e.g. echarts_timeseries_line', type: 'string' },
  },
  defaultColumns: [
    'id',
    'slice_name',
    'viz_type',
    'description',
    'certified_by',
    'certification_details',
    'url',
    'changed_on',
    'changed_on_humanized',
  ],
  defaultOrder: { column: 'changed_on', direction: 'desc' },
  filterColumns: {
    ...auditFilterColumns('s'),
    dashboards: linkFilter(
      'Id of a dashboard the chart is on',
      {
        alias: 'f_ds',
        rowColumn: 'slice_id',
        table: 'dashboard_slices',
        valueColumn: 'dashboard_id',
      },
      's.id',
    ),
    datasource_id: { description: 'Dataset id', kind: 'integer', sql: 's.datasource_id' },
    datasource_name: {
      description: 'Current name of the dataset',
      kind: 'string',
      sql: '(SELECT f_t.table_name FROM tables f_t WHERE f_t.id = s.datasource_id)',
    },
    editor: linkFilter(
      'Id of a user who owns (may edit) the chart',
      { alias: 'f_su', rowColumn: 'slice_id', table: 'slice_user', valueColumn: 'user_id' },
      's.id',
    ),
    slice_name: { description: 'Chart name', kind: 'string', sql: 's.slice_name' },
    viz_type: { description: 'Visualization type', kind: 'string', sql: 's.viz_type' },
  },
  idSql: 's.id',
  itemsKey: 'charts',
  model: 'chart',
  searchColumns: ['s.slice_name', 's.description'],
  sortAliases: { changed_on_delta_humanized: 'changed_on' },
  sortColumns: {
    changed_on: 's.changed_on',
    changed_on_humanized: 's.changed_on',
    created_on: 's.created_on',
    description: 's.description',
    id: 's.id',
    slice_name: 's.slice_name',
    viz_type: 's.viz_type',
  },
};
