import { humanizeAgo } from '../../common/humanize.js';
import type { DatabaseRecord } from '../../superset/databases/databases.repository.js';
import type { SupersetUrls } from '../../superset/superset-urls.service.js';

/** A database as tools return it: settings and capabilities, never how to connect to it. */
export function presentDatabase(
  database: DatabaseRecord,
  urls: SupersetUrls,
  datasetCount: number,
  now: Date,
): Record<string, unknown> {
  return {
    allow_ctas: database.allowCtas,
    allow_cvas: database.allowCvas,
    allow_dml: database.allowDml,
    allow_file_upload: database.allowFileUpload,
    allow_run_async: database.allowRunAsync,
    backend: database.backend,
    cache_timeout: database.cacheTimeout,
    capabilities: capabilities(database),
    changed_by: database.changedBy,
    changed_on: database.changedOn?.toISOString() ?? null,
    changed_on_humanized: humanizeAgo(database.changedOn, now),
    configuration_method: database.configurationMethod,
    created_by: database.createdBy,
    created_on: database.createdOn?.toISOString() ?? null,
    created_on_humanized: humanizeAgo(database.createdOn, now),
    database_name: database.databaseName,
    dataset_count: datasetCount,
    expose_in_sqllab: database.exposeInSqllab,
    force_ctas_schema: database.forceCtasSchema,
    id: database.id,
    impersonate_user: database.impersonateUser,
    is_managed_externally: database.isManagedExternally,
    url: urls.databaseList(),
    uuid: database.uuid,
  };
}

function capabilities(database: DatabaseRecord): Record<string, unknown> {
  const summary = [
    database.exposeInSqllab ? 'available in SQL Lab' : 'hidden from SQL Lab',
    database.allowDml ? 'data-changing SQL allowed' : 'read-only SQL (no DML)',
    database.allowCtas || database.allowCvas
      ? `CREATE ${[database.allowCtas && 'TABLE', database.allowCvas && 'VIEW'].filter(Boolean).join('/')} AS allowed`
      : 'no CREATE TABLE/VIEW AS',
    database.allowRunAsync ? 'queries run asynchronously' : 'queries run synchronously',
    database.allowFileUpload ? 'file upload allowed' : 'no file upload',
  ];
  return {
    async_queries: database.allowRunAsync,
    cost_estimate: database.costEstimateEnabled,
    create_table_as: database.allowCtas,
    create_view_as: database.allowCvas,
    data_preview: !database.disableDataPreview,
    dml: database.allowDml,
    file_upload: database.allowFileUpload,
    sql_lab: database.exposeInSqllab,
    summary: `${database.backend ?? 'unknown engine'}: ${summary.join('; ')}.`,
    virtual_table_explore: database.allowsVirtualTableExplore,
  };
}
