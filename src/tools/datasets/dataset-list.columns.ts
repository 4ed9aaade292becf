import type { ListSpec } from '../listing/list-spec.js';
import {
  AUDIT_COLUMNS,
  auditFilterColumns,
  certificationColumns,
  linkFilter,
} from '../listing/shared-columns.js';

/** What `list_datasets` can select, filter, sort and search (upstream's names). */
export const DATASET_LIST: ListSpec = {
  columns: {
    ...AUDIT_COLUMNS,
    ...certificationColumns('dataset'),
    cache_timeout: { description: 'Cache timeout in seconds', type: 'integer' },
    catalog: { description: 'Catalog (Superset 4.1+, catalog-aware engines)', type: 'string' },
    columns: {
      description: 'Active columns: [{column_name, type, is_dttm}]',
      heavy: true,
      type: 'array',
    },
    database_id: { description: 'Id of the database connection', type: 'integer' },
    database_name: { description: 'Name of the database connection', type: 'string' },
    description: { description: 'Description written by its owners', type: 'string' },
    edit_url: {
      description: "Link to Superset's Datasets list, where the dataset is edited",
      type: 'string',
    },
    id: { description: 'Dataset id', type: 'integer' },
    is_virtual: { description: 'True when the dataset is defined by SQL', type: 'boolean' },
    main_dttm_col: { description: 'Default time column', type: 'string' },
    metrics: {
      description:
        'Saved metrics: [{metric_name, verbose_name, expression, description, d3format}]',
      heavy: true,
      type: 'array',
    },
    owners: { description: 'Owners: [{id, username, first_name, last_name}]', type: 'array' },
    schema: { description: 'Schema of the table', type: 'string' },
    schema_perm: { description: 'Schema permission name', type: 'string' },
    sql: { description: 'SQL of a virtual dataset', heavy: true, type: 'string' },
    table_name: { description: 'Table name (or name of a virtual dataset)', type: 'string' },
    url: { description: 'Link to explore the dataset in Superset', type: 'string' },
    uuid: { description: 'Dataset UUID', type: 'string' },
  },
  defaultColumns: [
    'id',
    'table_name',
    'schema',
    'database_name',
    'description',
    'certified_by',
    'certification_details',
    'url',
    'changed_on',
    'changed_on_humanized',
  ],
  defaultOrder: { column: 'changed_on', direction: 'desc' },
  filterColumns: {
    ...auditFilterColumns('t'),
    database_id: {
      description: 'Id of the database connection',
      kind: 'integer',
      sql: 't.database_id',
    },
    database_name: {
      description: 'Name of the database connection',
      kind: 'string',
      sql: '(SELECT f_db.database_name FROM dbs f_db WHERE f_db.id = t.database_id)',
    },
    editor: linkFilter(
      'Id of a user who owns (may edit) the dataset',
      { alias: 'f_tu', rowColumn: 'table_id', table: 'sqlatable_user', valueColumn: 'user_id' },
      't.id',
    ),
    owner: linkFilter(
      'Id of a user who owns the dataset (same as editor)',
      { alias: 'f_tu', rowColumn: 'table_id', table: 'sqlatable_user', valueColumn: 'user_id' },
      't.id',
    ),
    schema: { description: 'Schema of the table', kind: 'string', sql: 't.schema' },
    table_name: { description: 'Table name', kind: 'string', sql: 't.table_name' },
  },
  idSql: 't.id',
  itemsKey: 'datasets',
  model: 'dataset',
  searchColumns: ['t.table_name', 't.schema', 't.description'],
  sortAliases: { changed_on_delta_humanized: 'changed_on' },
  sortColumns: {
    changed_on: 't.changed_on',
    changed_on_humanized: 't.changed_on',
    created_on: 't.created_on',
    database_name: '(SELECT s_db.database_name FROM dbs s_db WHERE s_db.id = t.database_id)',
    id: 't.id',
    schema: 't.schema',
    table_name: 't.table_name',
  },
};
