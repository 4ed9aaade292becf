import type { ListSpec } from '../listing/list-spec.js';
import { AUDIT_COLUMNS, auditFilterColumns } from '../listing/shared-columns.js';

/** What `list_saved_queries` can select, filter, sort and search: upstream's names, plus a few. */
export const SAVED_QUERY_LIST: ListSpec = {
  columns: {
    ...AUDIT_COLUMNS,
    catalog: { description: 'Catalog (Superset 4.1+; null before)', type: 'string' },
    database_name: { description: 'Name of the database connection', type: 'string' },
    db_id: { description: 'Database connection id', type: 'integer' },
    description: { description: 'Description', type: 'string' },
    id: { description: 'Saved query id', type: 'integer' },
    label: { description: 'Name of the saved query', type: 'string' },
    last_run: { description: 'Last run from SQL Lab (ISO 8601)', type: 'datetime' },
    rows: { description: 'Rows of the last run', type: 'integer' },
    schema: { description: 'Schema', type: 'string' },
    sql: { description: 'The SQL', heavy: true, type: 'string' },
    url: { description: 'Opens the saved query in SQL Lab', type: 'string' },
    user_id: { description: 'Id of the owner', type: 'integer' },
    uuid: { description: 'Saved query UUID', type: 'string' },
  },
  defaultColumns: [
    'id',
    'label',
    'db_id',
    'database_name',
    'schema',
    'uuid',
    'url',
    'changed_on',
    'changed_on_humanized',
  ],
  defaultOrder: { column: 'changed_on', direction: 'desc' },
  filterColumns: {
    ...auditFilterColumns('sq'),
    changed_on: { description: 'Last change', kind: 'datetime', sql: 'sq.changed_on' },
    created_on: { description: 'Creation time', kind: 'datetime', sql: 'sq.created_on' },
    db_id: { description: 'Database connection id', kind: 'integer', sql: 'sq.db_id' },
    description: { description: 'Description', kind: 'string', sql: 'sq.description' },
    label: { description: 'Name of the saved query', kind: 'string', sql: 'sq.label' },
    schema: { description: 'Schema', kind: 'string', sql: 'sq.schema' },
    sql: { description: 'The SQL', kind: 'string', sql: 'sq.sql' },
  },
  idSql: 'sq.id',
  itemsKey: 'saved_queries',
  model: 'saved_query',
  // Superset's SavedQueryAllTextFilter.
  searchColumns: ['sq.label', 'sq.description', 'sq.schema', 'sq.sql'],
  sortAliases: { changed_on_delta_humanized: 'changed_on' },
  sortColumns: {
    changed_on: 'sq.changed_on',
    changed_on_humanized: 'sq.changed_on',
    created_on: 'sq.created_on',
    db_id: 'sq.db_id',
    id: 'sq.id',
    label: 'sq.label',
    schema: 'sq.schema',
  },
};
