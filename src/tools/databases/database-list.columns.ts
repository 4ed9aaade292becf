import type { ListSpec } from '../listing/list-spec.js';
import { AUDIT_COLUMNS, auditFilterColumns } from '../listing/shared-columns.js';

/**
 * What `list_databases` can select, filter, sort and search (upstream's names). The connection
 * URI, password, `encrypted_extra`, `server_cert` and raw `extra` are not among them, on purpose.
 */
export const DATABASE_LIST: ListSpec = {
  columns: {
    ...AUDIT_COLUMNS,
    allow_ctas: { description: 'CREATE TABLE AS allowed in SQL Lab', type: 'boolean' },
    allow_cvas: { description: 'CREATE VIEW AS allowed in SQL Lab', type: 'boolean' },
    allow_dml: {
      description: 'Data-changing statements (INSERT, UPDATE, DELETE, DDL) allowed',
      type: 'boolean',
    },
    allow_file_upload: {
      description: 'CSV/Excel upload into this database allowed',
      type: 'boolean',
    },
    allow_run_async: { description: 'Queries run asynchronously on workers', type: 'boolean' },
    backend: { description: 'Engine, e.g. postgresql, mysql, sqlite', type: 'string' },
    cache_timeout: { description: 'Chart cache timeout in seconds', type: 'integer' },
    capabilities: {
      description: 'What you can do with the database, with a one-line summary',
      type: 'object',
    },
    configuration_method: { description: 'sqlalchemy_form or dynamic_form', type: 'string' },
    database_name: { description: 'Name of the database connection', type: 'string' },
    dataset_count: { description: 'Datasets on this database you can access', type: 'integer' },
    expose_in_sqllab: { description: 'Listed in SQL Lab', type: 'boolean' },
    force_ctas_schema: { description: 'Schema CREATE TABLE AS writes to', type: 'string' },
    id: { description: 'Database id', type: 'integer' },
    impersonate_user: { description: 'Queries run as the Superset user', type: 'boolean' },
    is_managed_externally: { description: 'Managed by an external system', type: 'boolean' },
    url: {
      description: "Link to Superset's Databases list, where the connection is edited",
      type: 'string',
    },
    uuid: { description: 'Database UUID', type: 'string' },
  },
  defaultColumns: [
    'id',
    'database_name',
    'backend',
    'expose_in_sqllab',
    'allow_dml',
    'dataset_count',
    'url',
    'changed_on',
    'changed_on_humanized',
  ],
  defaultOrder: { column: 'changed_on', direction: 'desc' },
  filterColumns: {
    ...auditFilterColumns('db'),
    allow_file_upload: {
      description: 'CSV/Excel upload allowed',
      kind: 'boolean',
      operators: ['eq', 'ne'],
      sql: 'db.allow_file_upload',
    },
    database_name: {
      description: 'Name of the database connection',
      kind: 'string',
      sql: 'db.database_name',
    },
    expose_in_sqllab: {
      description: 'Listed in SQL Lab',
      kind: 'boolean',
      operators: ['eq', 'ne'],
      sql: 'db.expose_in_sqllab',
    },
  },
  idSql: 'db.id',
  itemsKey: 'databases',
  model: 'database',
  searchColumns: ['db.database_name'],
  sortAliases: { changed_on_delta_humanized: 'changed_on' },
  sortColumns: {
    changed_on: 'db.changed_on',
    changed_on_humanized: 'db.changed_on',
    created_on: 'db.created_on',
    database_name: 'db.database_name',
    id: 'db.id',
  },
};
