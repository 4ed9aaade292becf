import type { MetadataDialect } from '../superset/database/metadata-dialect.js';

/** `current` is a Superset 6.1 database; `legacy4` a Superset 4.0 one (no groups, themes, catalogs, folders). */
export type MetadataSchemaVersion = 'current' | 'legacy4';

export interface MetadataSchemaOptions {
  /** FAB group tables (`ab_group`, `ab_user_group`, `ab_group_role`). Default: true for `current`, false for `legacy4`. */
  readonly withGroups?: boolean;
  readonly version?: MetadataSchemaVersion;
}

export const CURRENT_ALEMBIC_HEAD = '4b2a8c9d3e1f';
export const LEGACY4_ALEMBIC_HEAD = '17fcea065655';

/**
 * Creates Superset's metadata tables the way a real Superset database has them (column types,
 * NOT NULLs, uniques, foreign keys, the few server defaults, FAB sequences that are not column
 * defaults on Postgres), plus `alembic_version` holding the matching head. Every statement uses
 * IF NOT EXISTS, so running it on a database that already has the schema changes nothing.
 */
export async function createMetadataSchema(
  run: (sql: string) => Promise<unknown>,
  dialect: MetadataDialect,
  options: MetadataSchemaOptions = {},
): Promise<void> {
  for (const statement of metadataSchemaStatements(dialect, options)) {
    await run(statement);
  }
}

/** The statements `createMetadataSchema` runs, in order, one statement per string. */
export function metadataSchemaStatements(
  dialect: MetadataDialect,
  options: MetadataSchemaOptions = {},
): string[] {
  const version = options.version ?? 'current';
  const tables = metadataTables(version, options.withGroups ?? version === 'current');
  const head = version === 'current' ? CURRENT_ALEMBIC_HEAD : LEGACY4_ALEMBIC_HEAD;
  return [
    ...tables.flatMap((table) => renderTable(table, dialect)),
    `INSERT INTO "alembic_version" ("version_num") SELECT '${head}' WHERE NOT EXISTS (SELECT 1 FROM "alembic_version")`,
  ];
}

type SqlType = string | { readonly postgres: string; readonly sqlite: string };

interface ForeignKeySpec {
  readonly table: string;
  readonly column?: string;
  readonly onDelete?: 'CASCADE' | 'SET NULL';
  readonly constraint?: string;
}

interface ColumnSpec {
  readonly name: string;
  readonly type: SqlType;
  /** A dialect name makes the column NOT NULL on that dialect only. */
  readonly notNull?: boolean | MetadataDialect;
  readonly defaultValue?: boolean | string;
  readonly references?: ForeignKeySpec;
}

interface UniqueSpec {
  readonly columns: readonly string[];
  readonly constraint?: string;
  readonly dialect?: MetadataDialect;
}

interface IndexSpec {
  readonly name: string;
  readonly columns: readonly string[];
  readonly unique?: boolean;
}

interface TableSpec {
  readonly name: string;
  readonly columns: readonly ColumnSpec[];
  readonly primaryKey?: { readonly columns: readonly string[]; readonly constraint?: string };
  /** Postgres sequence that exists beside the table without being the id's default (Flask-AppBuilder tables). */
  readonly detachedSequence?: string;
  readonly uniques?: readonly UniqueSpec[];
  readonly checks?: readonly { readonly constraint: string; readonly expression: string }[];
  readonly indexes?: readonly IndexSpec[];
}

const SERIAL: SqlType = { postgres: 'SERIAL', sqlite: 'INTEGER' };
const INTEGER = 'INTEGER';
const TEXT = 'TEXT';
const BOOLEAN = 'BOOLEAN';
const TIMESTAMP: SqlType = { postgres: 'TIMESTAMP WITHOUT TIME ZONE', sqlite: 'DATETIME' };
const BYTES: SqlType = { postgres: 'BYTEA', sqlite: 'BLOB' };
const UUID: SqlType = { postgres: 'UUID', sqlite: 'NUMERIC(16)' };
const UUID_BINARY: SqlType = { postgres: 'UUID', sqlite: 'BINARY(16)' };
const EPOCH_MILLISECONDS = 'NUMERIC(20, 6)';
const JSON_TYPE = 'JSON';
const JSONB: SqlType = { postgres: 'JSONB', sqlite: 'JSON' };
const varchar = (length: number): string => `VARCHAR(${length})`;
/** Tag enums: unbounded varchar on Postgres, sized by the longest member name on SQLite. */
const enumName = (sqliteLength: number): SqlType => ({
  postgres: 'VARCHAR',
  sqlite: varchar(sqliteLength),
});

const ID_PRIMARY_KEY = { columns: ['id'] };

function column(
  name: string,
  type: SqlType,
  extra: Omit<ColumnSpec, 'name' | 'type'> = {},
): ColumnSpec {
  return { name, type, ...extra };
}

function userReference(name: string, onDelete?: 'CASCADE'): ColumnSpec {
  return column(name, INTEGER, { references: { table: 'ab_user', onDelete } });
}

function supersetId(): ColumnSpec {
  return column('id', SERIAL, { notNull: true });
}

/** `notNull: 'sqlite'` for the 2015-era tables whose SQLite audit timestamps stayed NOT NULL. */
function auditTimestamps(notNull?: 'sqlite'): ColumnSpec[] {
  return [
    column('created_on', TIMESTAMP, { notNull }),
    column('changed_on', TIMESTAMP, { notNull }),
  ];
}

function auditUsers(): ColumnSpec[] {
  return [userReference('created_by_fk'), userReference('changed_by_fk')];
}

function when<T>(condition: boolean, ...items: T[]): T[] {
  return condition ? items : [];
}

function fabTable(name: string, columns: ColumnSpec[], rest: Partial<TableSpec> = {}): TableSpec {
  return {
    name,
    columns: [column('id', INTEGER, { notNull: true }), ...columns],
    primaryKey: ID_PRIMARY_KEY,
    detachedSequence: `${name}_id_seq`,
    ...rest,
  };
}

function ownersTable(name: string, objectColumn: string, objectTable: string): TableSpec {
  return {
    name,
    columns: [
      supersetId(),
      userReference('user_id', 'CASCADE'),
      column(objectColumn, INTEGER, { references: { table: objectTable, onDelete: 'CASCADE' } }),
    ],
    primaryKey: ID_PRIMARY_KEY,
  };
}

function metadataTables(version: MetadataSchemaVersion, withGroups: boolean): TableSpec[] {
  const current = version === 'current';
  const userRoleCascade = current ? 'CASCADE' : undefined;
  const managedExternally = [
    column('is_managed_externally', BOOLEAN, { notNull: true, defaultValue: false }),
    column('external_url', TEXT),
  ];

  return [
    fabTable('ab_permission', [column('name', varchar(100), { notNull: true })], {
      uniques: [{ columns: ['name'] }],
    }),
    fabTable('ab_view_menu', [column('name', varchar(255), { notNull: true })], {
      uniques: [{ columns: ['name'] }],
    }),
    fabTable('ab_role', [column('name', varchar(64), { notNull: true })], {
      uniques: [{ columns: ['name'] }],
    }),
    fabTable(
      'ab_user',
      [
        column('first_name', varchar(64), { notNull: true }),
        column('last_name', varchar(64), { notNull: true }),
        column('username', varchar(current ? 128 : 64), { notNull: true }),
        column('password', varchar(256)),
        column('active', BOOLEAN),
        column('email', varchar(320), { notNull: true }),
        column('last_login', TIMESTAMP),
        column('login_count', INTEGER),
        column('fail_login_count', INTEGER),
        ...auditTimestamps(),
        ...auditUsers(),
      ],
      { uniques: [{ columns: ['username'] }, { columns: ['email'] }] },
    ),
    fabTable(
      'ab_user_role',
      [
        column('user_id', INTEGER, { references: { table: 'ab_user', onDelete: userRoleCascade } }),
        column('role_id', INTEGER, { references: { table: 'ab_role', onDelete: userRoleCascade } }),
      ],
      { uniques: [{ columns: ['user_id', 'role_id'] }] },
    ),
    fabTable(
      'ab_permission_view',
      [
        column('permission_id', INTEGER, { references: { table: 'ab_permission' } }),
        column('view_menu_id', INTEGER, { references: { table: 'ab_view_menu' } }),
      ],
      {
        uniques: [{ columns: ['permission_id', 'view_menu_id'] }],
        indexes: [
          { name: 'idx_permission_id', columns: ['permission_id'] },
          { name: 'idx_view_menu_id', columns: ['view_menu_id'] },
        ],
      },
    ),
    fabTable(
      'ab_permission_view_role',
      [
        column('permission_view_id', INTEGER, {
          references: { table: 'ab_permission_view', onDelete: 'CASCADE' },
        }),
        column('role_id', INTEGER, { references: { table: 'ab_role', onDelete: 'CASCADE' } }),
      ],
      {
        uniques: [{ columns: ['permission_view_id', 'role_id'] }],
        indexes: [
          { name: 'idx_permission_view_id', columns: ['permission_view_id'] },
          { name: 'idx_role_id', columns: ['role_id'] },
        ],
      },
    ),
    ...when(
      withGroups,
      fabTable(
        'ab_group',
        [
          column('name', varchar(100), { notNull: true }),
          column('label', varchar(150)),
          column('description', varchar(512)),
        ],
        { uniques: [{ columns: ['name'] }] },
      ),
      fabTable(
        'ab_user_group',
        [
          column('user_id', INTEGER, { references: { table: 'ab_user', onDelete: 'CASCADE' } }),
          column('group_id', INTEGER, { references: { table: 'ab_group', onDelete: 'CASCADE' } }),
        ],
        {
          uniques: [{ columns: ['user_id', 'group_id'] }],
          indexes: [
            { name: 'idx_user_id', columns: ['user_id'] },
            { name: 'idx_user_group_id', columns: ['group_id'] },
          ],
        },
      ),
      fabTable(
        'ab_group_role',
        [
          column('group_id', INTEGER, { references: { table: 'ab_group', onDelete: 'CASCADE' } }),
          column('role_id', INTEGER, { references: { table: 'ab_role', onDelete: 'CASCADE' } }),
        ],
        {
          uniques: [{ columns: ['group_id', 'role_id'] }],
          indexes: [
            { name: 'idx_group_id', columns: ['group_id'] },
            { name: 'idx_group_role_id', columns: ['role_id'] },
          ],
        },
      ),
    ),
    ...when<TableSpec>(current, {
      name: 'themes',
      columns: [
        column('uuid', UUID_BINARY),
        ...auditTimestamps(),
        supersetId(),
        column('theme_name', varchar(250)),
        column('json_data', TEXT),
        column('is_system', BOOLEAN, { notNull: true }),
        ...auditUsers(),
        column('is_system_default', BOOLEAN, { notNull: true }),
        column('is_system_dark', BOOLEAN, { notNull: true }),
      ],
      primaryKey: ID_PRIMARY_KEY,
      uniques: [{ columns: ['uuid'], constraint: 'themes_uuid_key' }],
      indexes: [
        { name: 'idx_theme_is_system_default', columns: ['is_system_default'] },
        { name: 'idx_theme_is_system_dark', columns: ['is_system_dark'] },
      ],
    }),
    {
      name: 'dbs',
      columns: [
        ...auditTimestamps('sqlite'),
        supersetId(),
        column('database_name', varchar(250), { notNull: true }),
        column('sqlalchemy_uri', varchar(1024), { notNull: true }),
        ...auditUsers(),
        column('password', BYTES),
        column('cache_timeout', INTEGER),
        column('extra', TEXT),
        column('select_as_create_table_as', BOOLEAN),
        column('allow_ctas', BOOLEAN),
        column('expose_in_sqllab', BOOLEAN),
        column('force_ctas_schema', varchar(250)),
        column('allow_run_async', BOOLEAN),
        column('allow_dml', BOOLEAN),
        column('verbose_name', varchar(250)),
        column('impersonate_user', BOOLEAN),
        column('allow_file_upload', BOOLEAN, { notNull: true, defaultValue: true }),
        column('encrypted_extra', BYTES),
        column('server_cert', BYTES),
        column('allow_cvas', BOOLEAN),
        column('uuid', UUID),
        column('configuration_method', varchar(255), { defaultValue: 'sqlalchemy_form' }),
        ...managedExternally,
      ],
      primaryKey: ID_PRIMARY_KEY,
      uniques: [
        { columns: ['database_name'] },
        { columns: ['verbose_name'], dialect: 'postgres' },
        { columns: ['uuid'], constraint: 'uq_dbs_uuid' },
      ],
    },
    {
      name: 'tables',
      columns: [
        ...auditTimestamps('sqlite'),
        supersetId(),
        column('table_name', varchar(250), { notNull: true }),
        column('main_dttm_col', varchar(250)),
        column('default_endpoint', TEXT),
        column('database_id', INTEGER, { notNull: true, references: { table: 'dbs' } }),
        ...auditUsers(),
        column('offset', INTEGER),
        column('description', TEXT),
        column('is_featured', BOOLEAN),
        column('cache_timeout', INTEGER),
        column('schema', varchar(255)),
        column('sql', TEXT),
        column('params', TEXT),
        column('perm', varchar(1000)),
        column('filter_select_enabled', BOOLEAN),
        column('fetch_values_predicate', TEXT),
        column('is_sqllab_view', BOOLEAN, { defaultValue: false }),
        column('template_params', TEXT),
        column('schema_perm', varchar(1000)),
        column('extra', TEXT),
        column('uuid', UUID),
        ...managedExternally,
        column('normalize_columns', BOOLEAN, { defaultValue: false }),
        column('always_filter_main_dttm', BOOLEAN, { defaultValue: false }),
        ...when(
          current,
          column('catalog', varchar(256)),
          column('catalog_perm', varchar(1000)),
          column('folders', JSON_TYPE),
          column('currency_code_column', varchar(250)),
        ),
      ],
      primaryKey: ID_PRIMARY_KEY,
      uniques: [
        { columns: ['uuid'], constraint: 'uq_tables_uuid' },
        {
          columns: ['database_id', 'schema', 'table_name'],
          constraint: '_customer_location_uc',
          dialect: 'postgres',
        },
        { columns: ['table_name'], dialect: 'sqlite' },
      ],
    },
    {
      name: 'table_columns',
      columns: [
        ...auditTimestamps('sqlite'),
        supersetId(),
        column('table_id', INTEGER, { references: { table: 'tables', onDelete: 'CASCADE' } }),
        column('column_name', varchar(255), { notNull: true }),
        column('is_dttm', BOOLEAN),
        column('is_active', BOOLEAN),
        column('type', TEXT),
        column('groupby', BOOLEAN),
        column('filterable', BOOLEAN),
        column('description', TEXT),
        ...auditUsers(),
        column('expression', TEXT),
        column('verbose_name', varchar(1024)),
        column('python_date_format', varchar(255)),
        column('uuid', UUID),
        column('extra', TEXT),
        column('advanced_data_type', varchar(255)),
        ...when(current, column('datetime_format', varchar(100))),
      ],
      primaryKey: ID_PRIMARY_KEY,
      uniques: [
        { columns: ['column_name', 'table_id'], constraint: 'uq_table_columns_column_name' },
        { columns: ['uuid'], constraint: 'uq_table_columns_uuid' },
      ],
    },
    {
      name: 'sql_metrics',
      columns: [
        ...auditTimestamps('sqlite'),
        supersetId(),
        column('metric_name', varchar(255), { notNull: true }),
        column('verbose_name', varchar(1024)),
        column('metric_type', varchar(32)),
        column('table_id', INTEGER, { references: { table: 'tables', onDelete: 'CASCADE' } }),
        column('expression', TEXT, { notNull: true }),
        column('description', TEXT),
        ...auditUsers(),
        column('d3format', varchar(128)),
        column('warning_text', TEXT),
        column('extra', TEXT),
        column('uuid', UUID),
        column('currency', current ? JSONB : varchar(128)),
      ],
      primaryKey: ID_PRIMARY_KEY,
      uniques: [
        { columns: ['metric_name', 'table_id'], constraint: 'uq_sql_metrics_metric_name' },
        { columns: ['uuid'], constraint: 'uq_sql_metrics_uuid' },
      ],
    },
    ownersTable('sqlatable_user', 'table_id', 'tables'),
    {
      name: 'slices',
      columns: [
        ...auditTimestamps('sqlite'),
        supersetId(),
        column('slice_name', varchar(250)),
        column('datasource_type', varchar(200)),
        column('datasource_name', varchar(2000)),
        column('viz_type', varchar(250)),
        column('params', TEXT),
        ...auditUsers(),
        column('description', TEXT),
        column('cache_timeout', INTEGER),
        column('perm', varchar(2000)),
        column('datasource_id', INTEGER),
        column('schema_perm', varchar(1000)),
        column('uuid', UUID),
        column('query_context', TEXT),
        column('last_saved_at', TIMESTAMP),
        column('last_saved_by_fk', INTEGER, {
          references: { table: 'ab_user', constraint: 'slices_last_saved_by_fk' },
        }),
        column('certified_by', TEXT),
        column('certification_details', TEXT),
        ...managedExternally,
        ...when(current, column('catalog_perm', varchar(1000))),
      ],
      primaryKey: ID_PRIMARY_KEY,
      uniques: [{ columns: ['uuid'], constraint: 'uq_slices_uuid' }],
      checks: [{ constraint: 'ck_chart_datasource', expression: `"datasource_type" = 'table'` }],
    },
    ownersTable('slice_user', 'slice_id', 'slices'),
    {
      name: 'dashboards',
      columns: [
        ...auditTimestamps('sqlite'),
        supersetId(),
        column('dashboard_title', varchar(500)),
        column('position_json', TEXT),
        ...auditUsers(),
        column('css', TEXT),
        column('description', TEXT),
        column('slug', varchar(255)),
        column('json_metadata', TEXT),
        column('published', BOOLEAN),
        column('uuid', UUID),
        column('certified_by', TEXT),
        column('certification_details', TEXT),
        ...managedExternally,
        ...when(
          current,
          column('theme_id', INTEGER, {
            references: { table: 'themes', constraint: 'fk_dashboards_theme_id_themes' },
          }),
        ),
      ],
      primaryKey: ID_PRIMARY_KEY,
      uniques: [
        { columns: ['slug'], constraint: 'idx_unique_slug', dialect: 'postgres' },
        { columns: ['uuid'], constraint: 'uq_dashboards_uuid' },
      ],
    },
    {
      name: 'dashboard_slices',
      columns: [
        supersetId(),
        column('dashboard_id', INTEGER, {
          references: { table: 'dashboards', onDelete: 'CASCADE' },
        }),
        column('slice_id', INTEGER, { references: { table: 'slices', onDelete: 'CASCADE' } }),
      ],
      primaryKey: ID_PRIMARY_KEY,
      uniques: [{ columns: ['dashboard_id', 'slice_id'], constraint: 'uq_dashboard_slice' }],
    },
    ownersTable('dashboard_user', 'dashboard_id', 'dashboards'),
    {
      name: 'dashboard_roles',
      columns: [
        supersetId(),
        column('role_id', INTEGER, {
          notNull: true,
          references: { table: 'ab_role', onDelete: 'CASCADE' },
        }),
        column('dashboard_id', INTEGER, {
          references: { table: 'dashboards', onDelete: 'CASCADE' },
        }),
      ],
      primaryKey: ID_PRIMARY_KEY,
    },
    {
      name: 'embedded_dashboards',
      columns: [
        ...auditTimestamps(),
        column('allow_domain_list', TEXT),
        column('uuid', UUID),
        column('dashboard_id', INTEGER, {
          notNull: true,
          references: { table: 'dashboards', onDelete: 'CASCADE' },
        }),
        column('changed_by_fk', INTEGER),
        column('created_by_fk', INTEGER),
      ],
    },
    {
      name: 'css_templates',
      columns: [
        ...auditTimestamps(),
        supersetId(),
        column('template_name', varchar(250)),
        column('css', TEXT),
        ...auditUsers(),
        ...when(current, column('uuid', UUID_BINARY)),
      ],
      primaryKey: ID_PRIMARY_KEY,
    },
    {
      name: 'key_value',
      columns: [
        supersetId(),
        column('resource', varchar(32), { notNull: true }),
        column('value', BYTES, { notNull: true }),
        column('uuid', UUID),
        column('created_on', TIMESTAMP),
        userReference('created_by_fk'),
        column('changed_on', TIMESTAMP),
        userReference('changed_by_fk'),
        column('expires_on', TIMESTAMP),
      ],
      primaryKey: ID_PRIMARY_KEY,
      indexes: [
        { name: 'ix_key_value_uuid', columns: ['uuid'], unique: true },
        { name: 'ix_key_value_expires_on', columns: ['expires_on'] },
      ],
    },
    {
      name: 'logs',
      columns: [
        supersetId(),
        column('action', varchar(512)),
        userReference('user_id'),
        column('json', TEXT),
        column('dttm', TIMESTAMP),
        column('dashboard_id', INTEGER),
        column('slice_id', INTEGER),
        column('duration_ms', INTEGER),
        column('referrer', varchar(1024)),
      ],
      primaryKey: ID_PRIMARY_KEY,
      indexes: [{ name: 'ix_logs_user_id_dttm', columns: ['user_id', 'dttm'] }],
    },
    {
      name: 'query',
      columns: [
        supersetId(),
        column('client_id', varchar(11), { notNull: true }),
        column('database_id', INTEGER, { notNull: true, references: { table: 'dbs' } }),
        column('tmp_table_name', varchar(256)),
        column('tab_name', varchar(256)),
        column('sql_editor_id', varchar(256)),
        userReference('user_id'),
        column('status', varchar(16)),
        column('schema', varchar(256)),
        column('sql', TEXT),
        column('select_sql', TEXT),
        column('executed_sql', TEXT),
        column('limit', INTEGER),
        column('select_as_cta', BOOLEAN),
        column('select_as_cta_used', BOOLEAN),
        column('progress', INTEGER),
        column('rows', INTEGER),
        column('error_message', TEXT),
        column('start_time', EPOCH_MILLISECONDS),
        column('changed_on', TIMESTAMP),
        column('end_time', EPOCH_MILLISECONDS),
        column('results_key', varchar(64)),
        column('start_running_time', EPOCH_MILLISECONDS),
        column('end_result_backend_time', EPOCH_MILLISECONDS),
        column('tracking_url', TEXT),
        column('extra_json', TEXT),
        column('tmp_schema_name', varchar(256)),
        column('ctas_method', varchar(16)),
        column('limiting_factor', varchar(255), { defaultValue: 'UNKNOWN' }),
        ...when(current, column('catalog', varchar(256))),
      ],
      primaryKey: ID_PRIMARY_KEY,
      uniques: [{ columns: ['client_id'], constraint: 'client_id' }],
      indexes: [
        { name: 'ix_sql_editor_id', columns: ['sql_editor_id'] },
        { name: 'ix_query_results_key', columns: ['results_key'] },
        { name: 'ti_user_id_changed_on', columns: ['user_id', 'changed_on'] },
      ],
    },
    {
      name: 'saved_query',
      columns: [
        ...auditTimestamps(),
        supersetId(),
        userReference('user_id'),
        column('db_id', INTEGER, { references: { table: 'dbs' } }),
        column('label', varchar(256)),
        column('schema', varchar(128)),
        column('sql', TEXT),
        column('description', TEXT),
        userReference('changed_by_fk'),
        userReference('created_by_fk'),
        column('extra_json', TEXT),
        column('last_run', TIMESTAMP),
        column('rows', INTEGER),
        column('uuid', UUID),
        column('template_parameters', TEXT),
        ...when(current, column('catalog', varchar(256))),
      ],
      primaryKey: ID_PRIMARY_KEY,
      uniques: [{ columns: ['uuid'], constraint: 'uq_saved_query_uuid' }],
    },
    {
      name: 'tab_state',
      columns: [
        ...auditTimestamps(),
        column('extra_json', TEXT),
        supersetId(),
        userReference('user_id'),
        column('label', varchar(256)),
        column('active', BOOLEAN),
        column('database_id', INTEGER, { references: { table: 'dbs', onDelete: 'CASCADE' } }),
        column('schema', varchar(256)),
        column('sql', TEXT),
        column('query_limit', INTEGER),
        column('latest_query_id', varchar(11), {
          references: { table: 'query', column: 'client_id', onDelete: 'SET NULL' },
        }),
        column('autorun', BOOLEAN, { notNull: true }),
        column('template_params', TEXT),
        ...auditUsers(),
        column('hide_left_bar', BOOLEAN, { notNull: true, defaultValue: false }),
        column('saved_query_id', INTEGER, {
          references: { table: 'saved_query', onDelete: 'SET NULL', constraint: 'saved_query_id' },
        }),
        ...when(current, column('catalog', varchar(256))),
      ],
      primaryKey: ID_PRIMARY_KEY,
      indexes: [{ name: 'ix_tab_state_id', columns: ['id'], unique: true }],
    },
    {
      name: 'tag',
      columns: [
        ...auditTimestamps(),
        supersetId(),
        column('name', varchar(250)),
        column('type', enumName(12)),
        ...auditUsers(),
        column('description', TEXT),
      ],
      primaryKey: ID_PRIMARY_KEY,
      uniques: [{ columns: ['name'] }],
    },
    {
      name: 'tagged_object',
      columns: [
        ...auditTimestamps(),
        supersetId(),
        column('tag_id', INTEGER, { references: { table: 'tag' } }),
        column('object_id', INTEGER),
        column('object_type', enumName(9)),
        ...auditUsers(),
      ],
      primaryKey: ID_PRIMARY_KEY,
      uniques: [
        { columns: ['tag_id', 'object_id', 'object_type'], constraint: 'uix_tagged_object' },
      ],
      indexes: [{ name: 'ix_tagged_object_object_id', columns: ['object_id'] }],
    },
    {
      name: 'favstar',
      columns: [
        supersetId(),
        userReference('user_id'),
        column('class_name', varchar(50)),
        column('obj_id', INTEGER),
        column('dttm', TIMESTAMP),
        ...when(current, column('uuid', UUID_BINARY)),
      ],
      primaryKey: ID_PRIMARY_KEY,
    },
    {
      name: 'row_level_security_filters',
      columns: [
        ...auditTimestamps(),
        supersetId(),
        column('clause', TEXT, { notNull: true }),
        ...auditUsers(),
        column('filter_type', varchar(255)),
        column('group_key', varchar(255)),
        column('name', varchar(255), { notNull: true }),
        column('description', TEXT),
      ],
      primaryKey: ID_PRIMARY_KEY,
      uniques: [{ columns: ['name'], constraint: 'uq_rls_name' }],
      indexes: [{ name: 'ix_row_level_security_filters_filter_type', columns: ['filter_type'] }],
    },
    {
      name: 'rls_filter_roles',
      columns: [
        supersetId(),
        column('role_id', INTEGER, { notNull: true, references: { table: 'ab_role' } }),
        column('rls_filter_id', INTEGER, { references: { table: 'row_level_security_filters' } }),
      ],
      primaryKey: ID_PRIMARY_KEY,
    },
    {
      name: 'rls_filter_tables',
      columns: [
        supersetId(),
        column('table_id', INTEGER, { references: { table: 'tables' } }),
        column('rls_filter_id', INTEGER, { references: { table: 'row_level_security_filters' } }),
      ],
      primaryKey: ID_PRIMARY_KEY,
    },
    {
      name: 'alembic_version',
      columns: [column('version_num', varchar(32), { notNull: true })],
      primaryKey: { columns: ['version_num'], constraint: 'alembic_version_pkc' },
    },
  ];
}

function quote(identifier: string): string {
  return `"${identifier}"`;
}

function quoteList(identifiers: readonly string[]): string {
  return identifiers.map(quote).join(', ');
}

function typeFor(type: SqlType, dialect: MetadataDialect): string {
  return typeof type === 'string' ? type : type[dialect];
}

function defaultLiteral(value: boolean | string, dialect: MetadataDialect): string {
  if (typeof value === 'string') {
    return `'${value.replaceAll("'", "''")}'`;
  }
  if (dialect === 'sqlite') {
    return value ? '1' : '0';
  }
  return value ? 'true' : 'false';
}

function renderColumn(spec: ColumnSpec, dialect: MetadataDialect): string {
  const parts = [quote(spec.name), typeFor(spec.type, dialect)];
  if (spec.defaultValue !== undefined) {
    parts.push(`DEFAULT ${defaultLiteral(spec.defaultValue, dialect)}`);
  }
  if (spec.notNull === true || spec.notNull === dialect) {
    parts.push('NOT NULL');
  }
  return parts.join(' ');
}

function constraintPrefix(name: string | undefined): string {
  return name === undefined ? '' : `CONSTRAINT ${quote(name)} `;
}

function renderTable(table: TableSpec, dialect: MetadataDialect): string[] {
  const definitions = table.columns.map((spec) => renderColumn(spec, dialect));
  if (table.primaryKey) {
    definitions.push(
      `${constraintPrefix(table.primaryKey.constraint)}PRIMARY KEY (${quoteList(table.primaryKey.columns)})`,
    );
  }
  for (const unique of table.uniques ?? []) {
    if (unique.dialect === undefined || unique.dialect === dialect) {
      definitions.push(
        `${constraintPrefix(unique.constraint)}UNIQUE (${quoteList(unique.columns)})`,
      );
    }
  }
  for (const spec of table.columns) {
    const reference = spec.references;
    if (reference) {
      const onDelete = reference.onDelete ? ` ON DELETE ${reference.onDelete}` : '';
      definitions.push(
        `${constraintPrefix(reference.constraint)}FOREIGN KEY (${quote(spec.name)}) ` +
          `REFERENCES ${quote(reference.table)} (${quote(reference.column ?? 'id')})${onDelete}`,
      );
    }
  }
  for (const check of table.checks ?? []) {
    definitions.push(`${constraintPrefix(check.constraint)}CHECK (${check.expression})`);
  }

  const statements: string[] = [];
  if (table.detachedSequence && dialect === 'postgres') {
    statements.push(`CREATE SEQUENCE IF NOT EXISTS ${quote(table.detachedSequence)}`);
  }
  statements.push(
    `CREATE TABLE IF NOT EXISTS ${quote(table.name)} (\n  ${definitions.join(',\n  ')}\n)`,
  );
  for (const index of table.indexes ?? []) {
    const unique = index.unique ? 'UNIQUE ' : '';
    statements.push(
      `CREATE ${unique}INDEX IF NOT EXISTS ${quote(index.name)} ON ${quote(table.name)} (${quoteList(index.columns)})`,
    );
  }
  return statements;
}
