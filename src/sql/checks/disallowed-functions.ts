import type { SqlDialect } from './sql-dialect.js';

/**
 * Superset's default `DISALLOWED_SQL_FUNCTIONS` (apache/superset `superset/config.py`, master,
 * 2026), keyed by engine name. DuckDB has no upstream entry; ours blocks its file and
 * environment readers (its external access is also switched off when it is opened).
 */
export const SUPERSET_DISALLOWED_SQL_FUNCTIONS: Readonly<Record<string, readonly string[]>> = {
  postgresql: [
    'current_database',
    'current_schema',
    'current_user',
    'session_user',
    'current_setting',
    'version',
    'inet_client_addr',
    'inet_client_port',
    'inet_server_addr',
    'inet_server_port',
    'pg_read_file',
    'pg_ls_dir',
    'pg_read_binary_file',
    'lo_from_bytea',
    'lo_export',
    'lo_import',
    'lo_put',
    'lo_create',
    'lo_creat',
    'lowrite',
    'lo_get',
    'loread',
    'lo_truncate',
    'lo_truncate64',
    'lo_unlink',
    'database_to_xml',
    'database_to_xmlschema',
    'query_to_xml',
    'query_to_xmlschema',
    'table_to_xml',
    'table_to_xml_and_xmlschema',
    'query_to_xml_and_xmlschema',
    'table_to_xmlschema',
    'pg_sleep',
    'pg_terminate_backend',
  ],
  mysql: [
    'database',
    'schema',
    'current_user',
    'session_user',
    'system_user',
    'user',
    'version',
    'connection_id',
    'load_file',
    'sleep',
    'benchmark',
    'kill',
  ],
  sqlite: [
    'sqlite_version',
    'sqlite_source_id',
    'sqlite_offset',
    'sqlite_compileoption_used',
    'sqlite_compileoption_get',
    'load_extension',
  ],
  duckdb: [
    'version',
    'current_setting',
    'getenv',
    'read_text',
    'read_blob',
    'read_csv',
    'read_csv_auto',
    'read_json',
    'read_json_auto',
    'read_parquet',
    'glob',
  ],
};

/** The engine key of `DISALLOWED_SQL_FUNCTIONS` a dialect is looked up under. */
export function disallowedFunctionsKey(dialect: SqlDialect): string {
  return dialect === 'mariadb' ? 'mysql' : dialect;
}
