import { createHash, pbkdf2Sync } from 'node:crypto';

import {
  BIRTH_NAMES,
  ENERGY_FLOWS,
  type ExampleColumnType,
  type ExampleTableDefinition,
  SALES_ORDERS,
  SeededRandom,
  WEB_SESSIONS,
} from './examples-data.js';

export const DEMO_PASSWORD = 'demo';
export const EXAMPLES_DATABASE_NAME = 'examples';
export const EXAMPLES_SCHEMA = 'main';

/** `[permission, view menu]`, as stored in `ab_permission` / `ab_view_menu`. */
export type PermissionView = readonly [permission: string, viewMenu: string];

/** Object permissions whose view-menu names depend on ids known only while loading. */
export type ObjectGrant =
  | { readonly kind: 'database_access' }
  | { readonly kind: 'schema_access'; readonly schema: string }
  | { readonly kind: 'datasource_access'; readonly table: string };

export interface DemoRole {
  readonly name: string;
  readonly permissions: readonly PermissionView[];
  readonly objectGrants: readonly ObjectGrant[];
}

export interface DemoGroup {
  readonly name: string;
  readonly label: string;
  readonly description: string;
  readonly roles: readonly string[];
}

export interface DemoAudit {
  readonly createdBy: string | null;
  readonly createdOn: Date;
  readonly changedOn: Date;
}

export interface DemoUser extends DemoAudit {
  readonly username: string;
  readonly firstName: string;
  readonly lastName: string;
  readonly email: string;
  readonly active: boolean;
  /** werkzeug `pbkdf2:sha256:600000$<salt>$<hex>` hash of `DEMO_PASSWORD` */
  readonly passwordHash: string;
  readonly roles: readonly string[];
  readonly groups: readonly string[];
  readonly lastLogin: Date | null;
  readonly loginCount: number;
}

export interface DemoDatabase extends DemoAudit {
  readonly name: string;
  readonly sqlalchemyUri: string;
  readonly exposeInSqllab: boolean;
  readonly allowDml: boolean;
  readonly allowRunAsync: boolean;
  readonly allowFileUpload: boolean;
  readonly allowCtas: boolean;
  readonly allowCvas: boolean;
  readonly extra: string;
  readonly uuid: string;
}

export interface DemoColumn {
  readonly name: string;
  readonly type: ExampleColumnType;
  readonly isDttm: boolean;
  readonly groupby: boolean;
  readonly filterable: boolean;
  readonly verboseName: string | null;
  readonly description: string | null;
  /** SQL of a calculated column; null for a physical one. */
  readonly expression: string | null;
  readonly uuid: string;
}

export interface DemoMetric {
  readonly name: string;
  readonly expression: string;
  readonly metricType: string | null;
  readonly verboseName: string | null;
  readonly description: string | null;
  readonly d3format: string | null;
  readonly warningText: string | null;
  readonly uuid: string;
}

export interface DemoDataset extends DemoAudit {
  readonly tableName: string;
  readonly schema: string;
  /** Non-null for a virtual dataset. */
  readonly sql: string | null;
  readonly description: string | null;
  readonly mainDttmCol: string | null;
  readonly extra: string | null;
  readonly owners: readonly string[];
  readonly columns: readonly DemoColumn[];
  readonly metrics: readonly DemoMetric[];
  readonly uuid: string;
}

export interface DemoChart extends DemoAudit {
  readonly name: string;
  readonly vizType: string;
  /** Table name of the chart's dataset. */
  readonly dataset: string;
  /** Explore form_data without `datasource` and `viz_type`, which the loader puts first. */
  readonly formData: Readonly<Record<string, unknown>>;
  readonly description: string | null;
  readonly certifiedBy: string | null;
  readonly certificationDetails: string | null;
  readonly cacheTimeout: number | null;
  readonly owners: readonly string[];
  readonly uuid: string;
}

export type DemoLayoutComponent =
  | {
      readonly type: 'CHART';
      readonly chart: string;
      readonly width: number;
      readonly height: number;
    }
  | {
      readonly type: 'MARKDOWN';
      readonly code: string;
      readonly width: number;
      readonly height: number;
    };

export type DemoLayoutRow = readonly DemoLayoutComponent[];

export type DemoLayout =
  | { readonly kind: 'rows'; readonly rows: readonly DemoLayoutRow[] }
  | {
      readonly kind: 'tabs';
      readonly tabs: readonly { readonly title: string; readonly rows: readonly DemoLayoutRow[] }[];
    };

export interface DemoNativeFilter {
  readonly id: string;
  readonly name: string;
  readonly filterType: 'filter_select' | 'filter_time';
  /** Dataset table and column for select filters; null for time filters. */
  readonly target: { readonly dataset: string; readonly column: string } | null;
  readonly description: string;
}

export interface DemoDashboard extends DemoAudit {
  readonly title: string;
  readonly slug: string | null;
  readonly published: boolean;
  readonly description: string | null;
  readonly css: string;
  readonly certifiedBy: string | null;
  readonly certificationDetails: string | null;
  readonly owners: readonly string[];
  /** Roles in `dashboard_roles` (DASHBOARD_RBAC). */
  readonly roles: readonly string[];
  readonly layout: DemoLayout;
  readonly nativeFilters: readonly DemoNativeFilter[];
  readonly crossFiltersEnabled: boolean;
  readonly uuid: string;
}

export interface DemoSavedQuery extends DemoAudit {
  readonly label: string;
  readonly owner: string;
  readonly schema: string;
  readonly sql: string;
  readonly description: string;
  readonly lastRun: Date;
  readonly rows: number;
  readonly uuid: string;
}

export interface DemoLogEntry {
  readonly action: 'DashboardRestApi.get' | 'ExploreRestApi.get' | 'ChartDataRestApi.data';
  readonly username: string;
  readonly dashboard: string | null;
  readonly chart: string | null;
  readonly dttm: Date;
  readonly durationMs: number;
}

export interface DemoContent {
  readonly now: Date;
  /** Every class permission-view, in load order. */
  readonly permissionViews: readonly PermissionView[];
  readonly roles: readonly DemoRole[];
  readonly groups: readonly DemoGroup[];
  readonly users: readonly DemoUser[];
  readonly database: DemoDatabase;
  readonly datasets: readonly DemoDataset[];
  readonly charts: readonly DemoChart[];
  readonly dashboards: readonly DemoDashboard[];
  readonly savedQueries: readonly DemoSavedQuery[];
  readonly logs: readonly DemoLogEntry[];
}

/** A v4-shaped uuid derived from a name, so every build of the content gets the same ids. */
export function demoUuid(kind: string, key: string): string {
  const bytes = createHash('sha256').update(`superset-mcp-demo/${kind}/${key}`).digest();
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const TOKEN_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Stable pseudo-random alphanumeric token (layout component ids, filter ids, salts). */
export function demoToken(key: string, length: number): string {
  const bytes = createHash('sha256').update(`superset-mcp-demo-token/${key}`).digest();
  let token = '';
  for (let i = 0; i < length; i += 1) token += TOKEN_ALPHABET[bytes[i % bytes.length] % 62];
  return token;
}

export const WERKZEUG_PBKDF2_ITERATIONS = 600_000;

/** The hash format werkzeug's `generate_password_hash(method="pbkdf2:sha256:600000")` writes. */
export function werkzeugPbkdf2Hash(
  password: string,
  salt: string,
  iterations = WERKZEUG_PBKDF2_ITERATIONS,
): string {
  const hash = pbkdf2Sync(password, salt, iterations, 32, 'sha256').toString('hex');
  return `pbkdf2:sha256:${iterations}$${salt}$${hash}`;
}

const passwordHashes = new Map<string, string>();

function demoPasswordHash(username: string): string {
  let hash = passwordHashes.get(username);
  if (hash === undefined) {
    hash = werkzeugPbkdf2Hash(DEMO_PASSWORD, demoToken(`salt/${username}`, 16));
    passwordHashes.set(username, hash);
  }
  return hash;
}

function views(view: string, ...permissions: string[]): PermissionView[] {
  return permissions.map((permission) => [permission, view] as const);
}

function menus(...items: string[]): PermissionView[] {
  return items.map((item) => ['menu_access', item] as const);
}

/** Granted to Gamma and everything above it. */
const GAMMA_PERMISSIONS: readonly PermissionView[] = [
  ...views(
    'Dashboard',
    'can_read',
    'can_write',
    'can_export',
    'can_get_embedded',
    'can_cache_dashboard_screenshot',
    'can_view_query',
    'can_view_chart_as_table',
    'can_drill',
    'can_tag',
  ),
  ...views('Chart', 'can_read', 'can_write', 'can_export', 'can_tag'),
  ...views('Dataset', 'can_read', 'can_get_drill_info'),
  ...views('Database', 'can_read'),
  ...views('Tag', 'can_read', 'can_write', 'can_bulk_create'),
  ...views('Theme', 'can_read'),
  ...views('DashboardFilterStateRestApi', 'can_read', 'can_write'),
  ...views('DashboardPermalinkRestApi', 'can_read', 'can_write'),
  ...views('ExploreFormDataRestApi', 'can_read', 'can_write'),
  ...views('ExplorePermalinkRestApi', 'can_read', 'can_write'),
  ...views('EmbeddedDashboard', 'can_read'),
  ...views('CurrentUserRestApi', 'can_read'),
  ...views('AdvancedDataType', 'can_read'),
  ...views('AvailableDomains', 'can_read'),
  ...views('DynamicPlugin', 'can_list', 'can_show'),
  ...views('Explore', 'can_read'),
  ...views('AsyncEventsRestApi', 'can_list'),
  ...views('LogRestApi', 'can_recent_activity'),
  ...views(
    'Datasource',
    'can_get',
    'can_external_metadata',
    'can_external_metadata_by_name',
    'can_samples',
    'can_get_column_values',
  ),
  ...views('Api', 'can_query', 'can_query_form_data', 'can_time_range'),
  ...views(
    'Superset',
    'can_explore',
    'can_explore_json',
    'can_slice',
    'can_dashboard',
    'can_dashboard_permalink',
    'can_csv',
    'can_share_dashboard',
    'can_share_chart',
    'can_log',
    'can_fetch_datasource_metadata',
  ),
  ...views('MenuApi', 'can_get'),
  ...views('OpenApi', 'can_get'),
  ...views('SwaggerView', 'can_show'),
  ...views('UserInfoEditView', 'can_this_form_get', 'can_this_form_post'),
  ...views('ResetMyPasswordView', 'can_this_form_get', 'can_this_form_post'),
  ...views('UserDBModelView', 'can_userinfo', 'resetmypassword'),
  ...menus('Home', 'Data', 'Dashboards', 'Charts', 'Datasets', 'Databases', 'Tags'),
];

/** Granted to Alpha (and Admin) but not to Gamma. */
const ALPHA_ONLY_PERMISSIONS: readonly PermissionView[] = [
  ...views('Dataset', 'can_write', 'can_export', 'can_duplicate', 'can_get_or_create_dataset'),
  ...views('Database', 'can_upload'),
  ...views('CssTemplate', 'can_read', 'can_write'),
  ...views('Annotation', 'can_read', 'can_write'),
  ...views('ReportSchedule', 'can_read', 'can_write'),
  ...views('Datasource', 'can_save'),
  ...views('ImportExportRestApi', 'can_import_', 'can_export'),
  ...views('CsvToDatabaseView', 'can_this_form_get', 'can_this_form_post'),
  ...views('ExcelToDatabaseView', 'can_this_form_get', 'can_this_form_post'),
  ...views('ColumnarToDatabaseView', 'can_this_form_get', 'can_this_form_post'),
  ...menus(
    'Manage',
    'CSS Templates',
    'Annotation Layers',
    'Alerts & Report',
    'Upload a CSV',
    'Upload Excel to Database',
    'Upload a Columnar file',
    'Import Dashboards',
  ),
  ['all_datasource_access', 'all_datasource_access'],
  ['all_database_access', 'all_database_access'],
];

/** Granted to Admin only. */
const ADMIN_ONLY_PERMISSIONS: readonly PermissionView[] = [
  ...views('Database', 'can_write', 'can_export'),
  ...views('Dataset', 'can_warm_up_cache'),
  ...views('Dashboard', 'can_set_embedded', 'can_delete_embedded'),
  ...views('Log', 'can_read', 'can_write'),
  ...views('Row Level Security', 'can_read', 'can_write'),
  ...views('Theme', 'can_write'),
  ...views('DynamicPlugin', 'can_add', 'can_edit', 'can_delete', 'can_download'),
  ...views('SecurityRestApi', 'can_read', 'can_grant_guest_token'),
  ...views(
    'UserDBModelView',
    'can_add',
    'can_edit',
    'can_delete',
    'can_list',
    'can_show',
    'resetpasswords',
  ),
  ...views('RoleModelView', 'can_add', 'can_edit', 'can_delete', 'can_list', 'can_show'),
  ...views('RoleModelView', 'can_copyrole'),
  ...views('GroupModelView', 'can_add', 'can_edit', 'can_delete', 'can_list', 'can_show'),
  ...views('PermissionModelView', 'can_list'),
  ...views('ViewMenuModelView', 'can_list'),
  ...views('PermissionViewModelView', 'can_list'),
  ...views('ResetPasswordView', 'can_this_form_get', 'can_this_form_post'),
  ...views('Superset', 'can_warm_up_cache'),
  ...views('CacheRestApi', 'can_invalidate'),
  ...views('RegisterUserModelView', 'can_list', 'can_show', 'can_delete'),
  ...views('UserStatsChartView', 'can_chart'),
  ...['User', 'Role', 'Group', 'Permission', 'ViewMenu', 'PermissionViewMenu'].flatMap((view) =>
    views(view, 'can_read', 'can_write'),
  ),
  ...menus(
    'Security',
    'List Users',
    'List Roles',
    'List Groups',
    'Action Log',
    'Row Level Security',
    'Plugins',
    'Themes',
    "User's Statistics",
  ),
  ['all_query_access', 'all_query_access'],
];

/** The SQL Lab set: granted to Admin and to the `sql_lab` role, never to Alpha or Gamma. */
const SQL_LAB_ONLY_PERMISSIONS: readonly PermissionView[] = [
  ...views('SavedQuery', 'can_read', 'can_write', 'can_export'),
  ...views('Query', 'can_read'),
  ...views(
    'SQLLab',
    'can_read',
    'can_execute_sql_query',
    'can_get_results',
    'can_export_csv',
    'can_estimate_query_cost',
    'can_format_sql',
  ),
  ...views('SqlLab', 'can_read', 'can_my_queries'),
  ...views('Superset', 'can_sqllab', 'can_sqllab_history'),
  ...views(
    'TabStateView',
    'can_activate',
    'can_get',
    'can_post',
    'can_put',
    'can_delete',
    'can_delete_query',
    'can_migrate_query',
  ),
  ...views('TableSchemaView', 'can_post', 'can_expanded', 'can_delete'),
  ...views('SqlLabPermalinkRestApi', 'can_read', 'can_write'),
  ...menus('SQL Lab', 'SQL Editor', 'Saved Queries', 'Query Search'),
];

/** Read access the sql_lab role needs to pick a database and download results. */
const SQL_LAB_SHARED_PERMISSIONS: readonly PermissionView[] = [
  ['can_read', 'Database'],
  ['can_csv', 'Superset'],
];

function demoRoles(): DemoRole[] {
  const role = (
    name: string,
    permissions: readonly PermissionView[],
    objectGrants: ObjectGrant[] = [],
  ): DemoRole => ({ name, permissions, objectGrants });
  return [
    role('Admin', [
      ...GAMMA_PERMISSIONS,
      ...ALPHA_ONLY_PERMISSIONS,
      ...ADMIN_ONLY_PERMISSIONS,
      ...SQL_LAB_ONLY_PERMISSIONS,
    ]),
    role('Public', []),
    role('Alpha', [...GAMMA_PERMISSIONS, ...ALPHA_ONLY_PERMISSIONS]),
    role('Gamma', GAMMA_PERMISSIONS),
    role('sql_lab', [...SQL_LAB_ONLY_PERMISSIONS, ...SQL_LAB_SHARED_PERMISSIONS]),
    role('sales_analyst', [], [{ kind: 'datasource_access', table: SALES_ORDERS.name }]),
    role('examples_schema', [], [{ kind: 'schema_access', schema: EXAMPLES_SCHEMA }]),
    role('dashboard_viewers', []),
  ];
}

function uniquePermissionViews(roles: readonly DemoRole[]): PermissionView[] {
  const seen = new Set<string>();
  const unique: PermissionView[] = [];
  for (const role of roles) {
    for (const permissionView of role.permissions) {
      const key = permissionView.join('\u0000');
      if (!seen.has(key)) {
        seen.add(key);
        unique.push(permissionView);
      }
    }
  }
  return unique;
}

const DAY_MS = 86_400_000;

/** Builds every object of the demo relative to `now`. */
export function buildDemoContent(options: { now: Date; examplesUri: string }): DemoContent {
  const { now, examplesUri } = options;
  const daysAgo = (days: number, hour = 10): Date => {
    const date = new Date(now.getTime() - days * DAY_MS);
    date.setHours(hour, (days * 37) % 60, (days * 13) % 60, (days * 211) % 1000);
    return date < now ? date : new Date(now.getTime() - 60_000);
  };
  const audit = (createdBy: string | null, created: number, changed = created): DemoAudit => ({
    createdBy,
    createdOn: daysAgo(created, 9),
    changedOn: daysAgo(changed, 15),
  });

  const roles = demoRoles();
  const groups: DemoGroup[] = [
    {
      name: 'analysts',
      label: 'Analysts',
      description: 'Business analysts with access to sales data',
      roles: ['sales_analyst'],
    },
  ];

  const user = (
    username: string,
    firstName: string,
    lastName: string,
    roleNames: string[],
    extra: {
      created: number;
      lastLogin: number | null;
      logins: number;
      active?: boolean;
      groups?: string[];
    },
  ): DemoUser => ({
    ...audit(username === 'admin' ? null : 'admin', extra.created, extra.created),
    username,
    firstName,
    lastName,
    email: `${username}@example.com`,
    active: extra.active ?? true,
    passwordHash: demoPasswordHash(username),
    roles: roleNames,
    groups: extra.groups ?? [],
    lastLogin: extra.lastLogin === null ? null : daysAgo(extra.lastLogin, 8),
    loginCount: extra.logins,
  });
  const users: DemoUser[] = [
    user('admin', 'Superset', 'Admin', ['Admin'], { created: 120, lastLogin: 0, logins: 214 }),
    user('alpha', 'Alice', 'Martin', ['Alpha'], { created: 118, lastLogin: 1, logins: 96 }),
    user('gamma', 'Gabriel', 'Chen', ['Gamma', 'sql_lab'], {
      created: 117,
      lastLogin: 2,
      logins: 58,
    }),
    user('sales', 'Sofia', 'Rivera', ['Gamma', 'sales_analyst'], {
      created: 110,
      lastLogin: 1,
      logins: 41,
    }),
    user('grace', 'Grace', 'Hopper', ['Gamma'], {
      created: 95,
      lastLogin: 4,
      logins: 17,
      groups: ['analysts'],
    }),
    user('owner', 'Oscar', 'Owens', ['Gamma'], { created: 90, lastLogin: 12, logins: 9 }),
    user('nobody', 'Nora', 'Body', [], { created: 60, lastLogin: null, logins: 0 }),
    user('inactive', 'Ivan', 'Petrov', ['Alpha'], {
      created: 115,
      lastLogin: 70,
      logins: 23,
      active: false,
    }),
  ];

  const database: DemoDatabase = {
    ...audit('admin', 119, 119),
    name: EXAMPLES_DATABASE_NAME,
    sqlalchemyUri: examplesUri,
    exposeInSqllab: true,
    allowDml: false,
    allowRunAsync: false,
    allowFileUpload: false,
    allowCtas: false,
    allowCvas: false,
    extra: SUPERSET_DEFAULT_DATABASE_EXTRA,
    uuid: demoUuid('database', EXAMPLES_DATABASE_NAME),
  };

  const datasets = demoDatasets(audit);
  const charts = demoCharts(audit);
  const dashboards = demoDashboards(audit);
  const savedQueries: DemoSavedQuery[] = [
    {
      ...audit('gamma', 40, 6),
      label: 'Top cities by revenue',
      owner: 'gamma',
      schema: EXAMPLES_SCHEMA,
      sql: [
        'SELECT city, country, ROUND(SUM(revenue), 2) AS revenue',
        'FROM sales_orders',
        "WHERE status <> 'Cancelled'",
        'GROUP BY city, country',
        'ORDER BY revenue DESC',
        'LIMIT 10',
      ].join('\n'),
      description: 'The ten cities with the highest revenue, cancelled orders excluded.',
      lastRun: daysAgo(3, 11),
      rows: 10,
      uuid: demoUuid('saved_query', 'Top cities by revenue'),
    },
  ];

  return {
    now,
    permissionViews: uniquePermissionViews(roles),
    roles,
    groups,
    users,
    database,
    datasets,
    charts,
    dashboards,
    savedQueries,
    logs: demoLogs(now, dashboards, charts),
  };
}

/** Superset's ORM default for `dbs.extra` (pretty-printed exactly like that). */
export const SUPERSET_DEFAULT_DATABASE_EXTRA =
  '{\n    "metadata_params": {},\n    "engine_params": {},\n    "metadata_cache_timeout": {},\n    "schemas_allowed_for_file_upload": []\n}\n';

type AuditFactory = (createdBy: string | null, created: number, changed?: number) => DemoAudit;

interface ColumnOptions {
  readonly verboseName?: string;
  readonly description?: string;
  readonly groupby?: boolean;
  readonly filterable?: boolean;
}

function datasetColumns(
  table: string,
  columns: readonly { readonly name: string; readonly type: ExampleColumnType }[],
  options: Readonly<Record<string, ColumnOptions>> = {},
): DemoColumn[] {
  return columns.map(({ name, type }) => ({
    name,
    type,
    isDttm: type === 'DATE' || type === 'DATETIME',
    groupby: options[name]?.groupby ?? true,
    filterable: options[name]?.filterable ?? true,
    verboseName: options[name]?.verboseName ?? null,
    description: options[name]?.description ?? null,
    expression: null,
    uuid: demoUuid('column', `${table}.${name}`),
  }));
}

function metric(
  table: string,
  name: string,
  expression: string,
  extra: Partial<Omit<DemoMetric, 'name' | 'expression' | 'uuid'>> = {},
): DemoMetric {
  return {
    name,
    expression,
    metricType: extra.metricType ?? null,
    verboseName: extra.verboseName ?? null,
    description: extra.description ?? null,
    d3format: extra.d3format ?? null,
    warningText: extra.warningText ?? null,
    uuid: demoUuid('metric', `${table}.${name}`),
  };
}

function countMetric(table: string): DemoMetric {
  return metric(table, 'count', 'COUNT(*)', { metricType: 'count', verboseName: 'COUNT(*)' });
}

function physicalDataset(
  table: ExampleTableDefinition,
  audit: DemoAudit,
  rest: Pick<DemoDataset, 'description' | 'mainDttmCol' | 'owners' | 'metrics'> & {
    readonly extra?: string;
    readonly columnOptions?: Readonly<Record<string, ColumnOptions>>;
    readonly calculatedColumns?: readonly DemoColumn[];
  },
): DemoDataset {
  return {
    ...audit,
    tableName: table.name,
    schema: EXAMPLES_SCHEMA,
    sql: null,
    description: rest.description,
    mainDttmCol: rest.mainDttmCol,
    extra: rest.extra ?? null,
    owners: rest.owners,
    columns: [
      ...datasetColumns(table.name, table.columns, rest.columnOptions),
      ...(rest.calculatedColumns ?? []),
    ],
    metrics: rest.metrics,
    uuid: demoUuid('dataset', table.name),
  };
}

export const MONTHLY_REVENUE_TABLE = 'monthly_revenue';

function demoDatasets(audit: AuditFactory): DemoDataset[] {
  const sales = SALES_ORDERS.name;
  const births = BIRTH_NAMES.name;
  const sessions = WEB_SESSIONS.name;
  const energy = ENERGY_FLOWS.name;
  return [
    physicalDataset(SALES_ORDERS, audit('admin', 116, 30), {
      description: 'One row per order of scale-model vehicles, 2023 to 2025.',
      mainDttmCol: 'order_date',
      owners: ['admin', 'alpha'],
      extra: JSON.stringify({
        certification: { certified_by: 'Sales Ops', details: 'Reconciled with the ERP monthly.' },
      }),
      columnOptions: {
        order_id: { verboseName: 'Order ID', groupby: false },
        order_date: { verboseName: 'Order date' },
        ship_date: { verboseName: 'Ship date' },
        product_line: { verboseName: 'Product line' },
        deal_size: { verboseName: 'Deal size', description: 'Small < $3k ≤ Medium < $7k ≤ Large' },
        unit_price: { verboseName: 'Unit price', groupby: false },
        revenue: { verboseName: 'Revenue', groupby: false, description: 'quantity × unit price' },
      },
      calculatedColumns: [
        {
          name: 'order_year',
          type: 'VARCHAR(255)',
          isDttm: false,
          groupby: true,
          filterable: true,
          verboseName: 'Order year',
          description: 'Calendar year of the order date',
          expression: "strftime('%Y', order_date)",
          uuid: demoUuid('column', `${sales}.order_year`),
        },
      ],
      metrics: [
        countMetric(sales),
        metric(sales, 'sum__revenue', 'SUM(revenue)', {
          metricType: 'sum',
          verboseName: 'Revenue',
          d3format: '$,.0f',
          description: 'Total order value',
        }),
        metric(sales, 'avg__unit_price', 'AVG(unit_price)', {
          metricType: 'avg',
          verboseName: 'Average unit price',
          d3format: '$,.2f',
        }),
        metric(sales, 'sum__quantity', 'SUM(quantity)', {
          metricType: 'sum',
          verboseName: 'Units sold',
          d3format: ',d',
        }),
        metric(sales, 'avg_order_value', 'SUM(revenue) / COUNT(*)', {
          verboseName: 'Average order value',
          d3format: '$,.2f',
          warningText: 'Includes cancelled orders.',
        }),
      ],
    }),
    physicalDataset(BIRTH_NAMES, audit('admin', 114, 80), {
      description: 'Births by first name, gender and state, 1970 to 2009.',
      mainDttmCol: 'ds',
      owners: ['admin', 'owner'],
      columnOptions: {
        ds: { verboseName: 'Year' },
        num: { verboseName: 'Births', groupby: false },
      },
      metrics: [
        countMetric(births),
        metric(births, 'sum__num', 'SUM(num)', {
          metricType: 'sum',
          verboseName: 'Births',
          d3format: ',d',
        }),
      ],
    }),
    physicalDataset(WEB_SESSIONS, audit('alpha', 112, 20), {
      description: 'Website sessions, second half of 2025.',
      mainDttmCol: 'session_start',
      owners: ['alpha'],
      columnOptions: {
        session_id: { groupby: false },
        session_start: { verboseName: 'Session start' },
        landing_page: { verboseName: 'Landing page' },
        pages_viewed: { verboseName: 'Pages viewed' },
        duration_s: { verboseName: 'Duration (s)', groupby: false },
        converted: { description: '1 when the session ended with a sign-up' },
      },
      metrics: [
        countMetric(sessions),
        metric(sessions, 'conversion_rate', 'AVG(converted)', {
          verboseName: 'Conversion rate',
          d3format: '.1%',
        }),
        metric(sessions, 'avg__duration_s', 'AVG(duration_s)', {
          metricType: 'avg',
          verboseName: 'Average duration (s)',
          d3format: ',.0f',
        }),
        metric(sessions, 'avg__pages_viewed', 'AVG(pages_viewed)', {
          metricType: 'avg',
          verboseName: 'Pages per session',
          d3format: ',.2f',
        }),
      ],
    }),
    physicalDataset(ENERGY_FLOWS, audit('admin', 111, 111), {
      description: 'Energy flows from primary sources to end uses (quadrillion BTU).',
      mainDttmCol: null,
      owners: ['admin'],
      metrics: [
        countMetric(energy),
        metric(energy, 'sum__value', 'SUM(value)', {
          metricType: 'sum',
          verboseName: 'Energy (quads)',
          d3format: ',.2f',
        }),
      ],
    }),
    {
      ...audit('alpha', 70, 25),
      tableName: MONTHLY_REVENUE_TABLE,
      schema: EXAMPLES_SCHEMA,
      sql: [
        "SELECT date(order_date, 'start of month') AS month,",
        '       region,',
        '       COUNT(*) AS orders,',
        '       SUM(revenue) AS revenue',
        'FROM sales_orders',
        "WHERE status <> 'Cancelled'",
        'GROUP BY 1, 2',
      ].join('\n'),
      description: 'Monthly revenue per region (virtual dataset over sales_orders).',
      mainDttmCol: 'month',
      extra: null,
      owners: ['alpha'],
      columns: datasetColumns(
        MONTHLY_REVENUE_TABLE,
        [
          { name: 'month', type: 'DATE' },
          { name: 'region', type: 'VARCHAR(255)' },
          { name: 'orders', type: 'INTEGER' },
          { name: 'revenue', type: 'FLOAT' },
        ],
        { orders: { groupby: false }, revenue: { groupby: false } },
      ),
      metrics: [
        countMetric(MONTHLY_REVENUE_TABLE),
        metric(MONTHLY_REVENUE_TABLE, 'sum__revenue', 'SUM(revenue)', {
          metricType: 'sum',
          verboseName: 'Revenue',
          d3format: '$,.0f',
        }),
      ],
      uuid: demoUuid('dataset', MONTHLY_REVENUE_TABLE),
    },
  ];
}

function temporalRange(column: string): Record<string, unknown> {
  return {
    clause: 'WHERE',
    comparator: 'No filter',
    expressionType: 'SIMPLE',
    operator: 'TEMPORAL_RANGE',
    subject: column,
  };
}

function simpleFilter(
  column: string,
  operator: string,
  comparator: unknown,
): Record<string, unknown> {
  return {
    clause: 'WHERE',
    comparator,
    expressionType: 'SIMPLE',
    operator,
    subject: column,
    isExtra: false,
    isNew: false,
    sqlExpression: null,
    filterOptionName: `filter_${demoToken(`${column}/${operator}`, 10).toLowerCase()}`,
  };
}

function adhocMetric(
  column: string,
  type: ExampleColumnType,
  aggregate: string,
): Record<string, unknown> {
  return {
    aggregate,
    column: { column_name: column, type },
    expressionType: 'SIMPLE',
    hasCustomLabel: false,
    label: `${aggregate}(${column})`,
    optionName: `metric_${demoToken(`${column}/${aggregate}`, 12).toLowerCase()}`,
    sqlExpression: null,
  };
}

function sqlMetric(sqlExpression: string, label: string): Record<string, unknown> {
  return {
    expressionType: 'SQL',
    hasCustomLabel: true,
    label,
    optionName: `metric_${demoToken(label, 12).toLowerCase()}`,
    sqlExpression,
  };
}

const TIMESERIES_DEFAULTS: Readonly<Record<string, unknown>> = {
  x_axis_sort_asc: true,
  x_axis_sort_series: 'name',
  x_axis_sort_series_ascending: true,
  comparison_type: 'values',
  annotation_layers: [],
  forecastPeriods: 10,
  forecastInterval: 0.8,
  x_axis_title_margin: 15,
  y_axis_title_margin: 15,
  y_axis_title_position: 'Left',
  sort_series_type: 'sum',
  color_scheme: 'supersetColors',
  only_total: true,
  show_legend: true,
  legendType: 'scroll',
  legendOrientation: 'top',
  x_axis_time_format: 'smart_date',
  rich_tooltip: true,
  tooltipTimeFormat: 'smart_date',
  truncateXAxis: true,
  y_axis_bounds: [null, null],
  truncate_metric: true,
  show_empty_columns: true,
  order_desc: true,
  row_limit: 10000,
  time_range: 'No filter',
  extra_form_data: {},
};

function demoCharts(audit: AuditFactory): DemoChart[] {
  const chart = (
    name: string,
    vizType: string,
    dataset: string,
    formData: Record<string, unknown>,
    meta: DemoAudit & {
      owners: string[];
      description?: string;
      certifiedBy?: string;
      certificationDetails?: string;
      cacheTimeout?: number;
    },
  ): DemoChart => ({
    createdBy: meta.createdBy,
    createdOn: meta.createdOn,
    changedOn: meta.changedOn,
    name,
    vizType,
    dataset,
    formData,
    description: meta.description ?? null,
    certifiedBy: meta.certifiedBy ?? null,
    certificationDetails: meta.certificationDetails ?? null,
    cacheTimeout: meta.cacheTimeout ?? null,
    owners: meta.owners,
    uuid: demoUuid('chart', name),
  });
  const sales = SALES_ORDERS.name;
  const sessions = WEB_SESSIONS.name;
  const births = BIRTH_NAMES.name;
  const notCancelled = simpleFilter('status', 'NOT IN', ['Cancelled']);

  return [
    chart(
      'Total Revenue',
      'big_number_total',
      sales,
      {
        metric: 'sum__revenue',
        adhoc_filters: [temporalRange('order_date'), notCancelled],
        subheader: 'excluding cancelled orders',
        header_font_size: 0.4,
        subheader_font_size: 0.15,
        y_axis_format: 'SMART_NUMBER',
        time_format: 'smart_date',
        time_range: 'No filter',
        extra_form_data: {},
      },
      {
        ...audit('admin', 105, 12),
        owners: ['admin'],
        description: 'Sum of order revenue since 2023.',
        certifiedBy: 'Finance Team',
        certificationDetails: 'Matches the finance ledger (cancelled orders excluded).',
      },
    ),
    chart(
      'Revenue Over Time',
      'echarts_timeseries_line',
      sales,
      {
        ...TIMESERIES_DEFAULTS,
        x_axis: 'order_date',
        time_grain_sqla: 'P1M',
        metrics: ['sum__revenue'],
        groupby: [],
        adhoc_filters: [temporalRange('order_date')],
        seriesType: 'line',
        markerEnabled: true,
        markerSize: 6,
        y_axis_format: '$,.0f',
        x_axis_title: 'Month',
      },
      { ...audit('admin', 104, 15), owners: ['admin', 'alpha'] },
    ),
    chart(
      'Quarterly Revenue by Region',
      'echarts_timeseries_bar',
      sales,
      {
        ...TIMESERIES_DEFAULTS,
        x_axis: 'order_date',
        time_grain_sqla: 'P3M',
        metrics: ['sum__revenue'],
        groupby: ['region'],
        adhoc_filters: [temporalRange('order_date')],
        stack: 'Stack',
        orientation: 'vertical',
        series_limit: 0,
        y_axis_format: 'SMART_NUMBER',
      },
      {
        ...audit('alpha', 101, 22),
        owners: ['alpha'],
        description: 'Revenue per calendar quarter, stacked by sales region.',
      },
    ),
    chart(
      'Revenue by Product Line',
      'pie',
      sales,
      {
        groupby: ['product_line'],
        metric: 'sum__revenue',
        adhoc_filters: [temporalRange('order_date')],
        row_limit: 100,
        sort_by_metric: true,
        color_scheme: 'supersetColors',
        show_labels_threshold: 5,
        show_legend: true,
        legendType: 'scroll',
        legendOrientation: 'top',
        label_type: 'key_percent',
        number_format: 'SMART_NUMBER',
        date_format: 'smart_date',
        show_labels: true,
        labels_outside: true,
        outerRadius: 70,
        donut: true,
        innerRadius: 30,
        time_range: 'No filter',
        extra_form_data: {},
      },
      { ...audit('alpha', 99, 40), owners: ['alpha'] },
    ),
    chart(
      'Revenue by Country and Deal Size',
      'pivot_table_v2',
      sales,
      {
        groupbyRows: ['country'],
        groupbyColumns: ['deal_size'],
        metrics: ['sum__revenue', 'count'],
        metricsLayout: 'COLUMNS',
        adhoc_filters: [temporalRange('order_date'), notCancelled],
        row_limit: 10000,
        order_desc: true,
        aggregateFunction: 'Sum',
        valueFormat: 'SMART_NUMBER',
        date_format: 'smart_date',
        rowOrder: 'key_a_to_z',
        colOrder: 'key_a_to_z',
        rowTotals: true,
        colTotals: true,
        time_range: 'No filter',
        extra_form_data: {},
      },
      { ...audit('alpha', 96, 18), owners: ['alpha', 'admin'] },
    ),
    chart(
      'Top Products',
      'table',
      sales,
      {
        query_mode: 'aggregate',
        groupby: ['product_line', 'product'],
        metrics: ['sum__revenue', adhocMetric('quantity', 'INTEGER', 'SUM')],
        all_columns: [],
        percent_metrics: [],
        adhoc_filters: [temporalRange('order_date')],
        timeseries_limit_metric: 'sum__revenue',
        order_by_cols: [],
        row_limit: 10,
        server_page_length: 10,
        order_desc: true,
        table_timestamp_format: 'smart_date',
        show_cell_bars: true,
        color_pn: true,
        allow_render_html: true,
        time_range: 'No filter',
        extra_form_data: {},
      },
      { ...audit('admin', 93, 9), owners: ['admin'], description: 'Ten best-selling products.' },
    ),
    chart(
      'Revenue Treemap',
      'treemap_v2',
      sales,
      {
        groupby: ['product_line', 'product'],
        metric: 'sum__revenue',
        adhoc_filters: [temporalRange('order_date')],
        row_limit: 10000,
        color_scheme: 'supersetColors',
        show_labels: true,
        show_upper_labels: true,
        label_type: 'key_value',
        number_format: 'SMART_NUMBER',
        date_format: 'smart_date',
        time_range: 'No filter',
        extra_form_data: {},
      },
      { ...audit('alpha', 60, 60), owners: ['alpha'] },
    ),
    chart(
      'Daily Sessions',
      'big_number',
      sessions,
      {
        x_axis: 'session_start',
        time_grain_sqla: 'P1D',
        metric: 'count',
        adhoc_filters: [temporalRange('session_start')],
        compare_lag: 7,
        compare_suffix: 'WoW',
        show_timestamp: false,
        show_trend_line: true,
        start_y_axis_at_zero: true,
        color_picker: { r: 0, g: 122, b: 135, a: 1 },
        header_font_size: 0.4,
        subheader_font_size: 0.15,
        y_axis_format: 'SMART_NUMBER',
        time_format: 'smart_date',
        rolling_type: 'None',
        time_range: 'No filter',
        extra_form_data: {},
      },
      { ...audit('alpha', 88, 14), owners: ['alpha'] },
    ),
    chart(
      'Sessions by Device',
      'echarts_area',
      sessions,
      {
        ...TIMESERIES_DEFAULTS,
        x_axis: 'session_start',
        time_grain_sqla: 'P1W',
        metrics: ['count'],
        groupby: ['device'],
        adhoc_filters: [temporalRange('session_start')],
        stack: 'Stack',
        opacity: 0.2,
        seriesType: 'line',
        y_axis_format: 'SMART_NUMBER',
      },
      { ...audit('alpha', 86, 14), owners: ['alpha'] },
    ),
    chart(
      'Conversion Rate',
      'gauge_chart',
      sessions,
      {
        groupby: [],
        metric: sqlMetric('AVG(converted) * 100', 'Conversion rate (%)'),
        adhoc_filters: [temporalRange('session_start')],
        row_limit: 10,
        min_val: 0,
        max_val: 20,
        start_angle: 225,
        end_angle: -45,
        color_scheme: 'supersetColors',
        font_size: 15,
        number_format: 'SMART_NUMBER',
        value_formatter: '{value}%',
        show_pointer: true,
        animation: true,
        show_axis_line_labels: true,
        show_split_line: false,
        split_number: 10,
        show_progress: true,
        overlap: true,
        round_cap: false,
        time_range: 'No filter',
        extra_form_data: {},
      },
      {
        ...audit('alpha', 80, 10),
        owners: ['alpha'],
        description: 'Share of sessions that ended with a sign-up.',
      },
    ),
    chart(
      'Session Duration Distribution',
      'histogram_v2',
      sessions,
      {
        column: 'duration_s',
        groupby: ['device'],
        adhoc_filters: [temporalRange('session_start')],
        row_limit: 10000,
        bins: 25,
        normalize: false,
        cumulative: false,
        color_scheme: 'supersetColors',
        show_value: false,
        show_legend: true,
        x_axis_title: 'Duration (s)',
        x_axis_format: 'SMART_NUMBER',
        y_axis_title: 'Sessions',
        y_axis_format: 'SMART_NUMBER',
        time_range: 'No filter',
        extra_form_data: {},
      },
      { ...audit('alpha', 75, 30), owners: ['alpha'] },
    ),
    chart(
      'Top Landing Pages',
      'table',
      sessions,
      {
        query_mode: 'aggregate',
        groupby: ['landing_page'],
        metrics: ['count', 'conversion_rate', adhocMetric('duration_s', 'INTEGER', 'AVG')],
        all_columns: [],
        percent_metrics: [],
        adhoc_filters: [temporalRange('session_start')],
        timeseries_limit_metric: 'count',
        order_by_cols: [],
        row_limit: 20,
        server_page_length: 10,
        order_desc: true,
        table_timestamp_format: 'smart_date',
        show_cell_bars: true,
        time_range: 'No filter',
        extra_form_data: {},
      },
      { ...audit('alpha', 72, 8), owners: ['alpha'], cacheTimeout: 3600 },
    ),
    chart(
      'Energy Flows',
      'sankey_v2',
      ENERGY_FLOWS.name,
      {
        source: 'source',
        target: 'target',
        metric: adhocMetric('value', 'FLOAT', 'SUM'),
        adhoc_filters: [],
        row_limit: 10000,
        color_scheme: 'supersetColors',
        extra_form_data: {},
      },
      {
        ...audit('admin', 66, 66),
        owners: ['admin'],
        description: 'From primary energy sources to end uses.',
      },
    ),
    chart(
      'Popular Names',
      'word_cloud',
      births,
      {
        series: 'name',
        metric: 'sum__num',
        adhoc_filters: [temporalRange('ds')],
        row_limit: 50,
        size_from: 10,
        size_to: 70,
        rotation: 'square',
        color_scheme: 'supersetColors',
        time_range: 'No filter',
        extra_form_data: {},
      },
      { ...audit('owner', 50, 35), owners: ['owner'] },
    ),
    chart(
      'Births per Year by Gender',
      'echarts_timeseries_line',
      births,
      {
        ...TIMESERIES_DEFAULTS,
        x_axis: 'ds',
        time_grain_sqla: 'P1Y',
        metrics: ['sum__num'],
        groupby: ['gender'],
        adhoc_filters: [temporalRange('ds')],
        seriesType: 'line',
        y_axis_format: 'SMART_NUMBER',
      },
      { ...audit('owner', 48, 33), owners: ['owner'] },
    ),
    chart(
      'Births by State',
      'echarts_timeseries_bar',
      births,
      {
        ...TIMESERIES_DEFAULTS,
        x_axis: 'state',
        metrics: ['sum__num'],
        groupby: [],
        adhoc_filters: [temporalRange('ds')],
        orientation: 'horizontal',
        x_axis_sort: 'sum__num',
        x_axis_sort_asc: false,
        y_axis_format: 'SMART_NUMBER',
      },
      { ...audit('owner', 47, 33), owners: ['owner', 'admin'] },
    ),
  ];
}

function nativeFilter(
  dashboard: string,
  name: string,
  filterType: DemoNativeFilter['filterType'],
  target: DemoNativeFilter['target'],
  description = '',
): DemoNativeFilter {
  return {
    id: `NATIVE_FILTER-${demoToken(`${dashboard}/${name}`, 10)}`,
    name,
    filterType,
    target,
    description,
  };
}

function chartCell(chart: string, width: number, height = 50): DemoLayoutComponent {
  return { type: 'CHART', chart, width, height };
}

function demoDashboards(audit: AuditFactory): DemoDashboard[] {
  const sales = SALES_ORDERS.name;
  return [
    {
      ...audit('admin', 92, 5),
      title: 'Sales Overview',
      slug: 'sales-overview',
      published: true,
      description: 'Revenue, regions and products at a glance.',
      css: '',
      certifiedBy: 'Sales Ops',
      certificationDetails: 'Reviewed every quarter.',
      owners: ['admin', 'alpha'],
      roles: [],
      layout: {
        kind: 'rows',
        rows: [
          [chartCell('Total Revenue', 4), chartCell('Revenue Over Time', 8)],
          [chartCell('Quarterly Revenue by Region', 7), chartCell('Revenue by Product Line', 5)],
          [chartCell('Revenue by Country and Deal Size', 12, 70)],
        ],
      },
      nativeFilters: [
        nativeFilter('sales-overview', 'Region', 'filter_select', {
          dataset: sales,
          column: 'region',
        }),
        nativeFilter('sales-overview', 'Product line', 'filter_select', {
          dataset: sales,
          column: 'product_line',
        }),
        nativeFilter(
          'sales-overview',
          'Order date',
          'filter_time',
          null,
          'Limits every chart to a period',
        ),
      ],
      crossFiltersEnabled: true,
      uuid: demoUuid('dashboard', 'Sales Overview'),
    },
    {
      ...audit('alpha', 85, 7),
      title: 'Web Analytics',
      slug: 'web-analytics',
      published: true,
      description: 'Traffic and conversion of the marketing site.',
      css: '',
      certifiedBy: null,
      certificationDetails: null,
      owners: ['alpha'],
      roles: ['dashboard_viewers'],
      layout: {
        kind: 'tabs',
        tabs: [
          {
            title: 'Traffic',
            rows: [[chartCell('Daily Sessions', 4), chartCell('Sessions by Device', 8)]],
          },
          {
            title: 'Conversion',
            rows: [
              [chartCell('Conversion Rate', 4), chartCell('Top Landing Pages', 8)],
              [chartCell('Session Duration Distribution', 12)],
            ],
          },
        ],
      },
      nativeFilters: [
        nativeFilter('web-analytics', 'Device', 'filter_select', {
          dataset: WEB_SESSIONS.name,
          column: 'device',
        }),
      ],
      crossFiltersEnabled: true,
      uuid: demoUuid('dashboard', 'Web Analytics'),
    },
    {
      ...audit('owner', 45, 30),
      title: 'Births Draft',
      slug: null,
      published: false,
      description: null,
      css: '',
      certifiedBy: null,
      certificationDetails: null,
      owners: ['owner'],
      roles: [],
      layout: {
        kind: 'rows',
        rows: [
          [
            {
              type: 'MARKDOWN',
              code: '# Baby names\n\nWork in progress: popular first names in ten US states, 1970–2009.',
              width: 4,
              height: 50,
            },
            chartCell('Popular Names', 8),
          ],
          [chartCell('Births per Year by Gender', 6), chartCell('Births by State', 6)],
        ],
      },
      nativeFilters: [],
      crossFiltersEnabled: false,
      uuid: demoUuid('dashboard', 'Births Draft'),
    },
  ];
}

function chartNames(layout: DemoLayout): string[] {
  const rows = layout.kind === 'rows' ? layout.rows : layout.tabs.flatMap((tab) => tab.rows);
  return rows.flatMap((row) =>
    row.flatMap((component) => (component.type === 'CHART' ? [component.chart] : [])),
  );
}

/** Names of the charts placed in a dashboard's layout, in layout order. */
export function dashboardChartNames(dashboard: DemoDashboard): string[] {
  return chartNames(dashboard.layout);
}

function demoLogs(
  now: Date,
  dashboards: readonly DemoDashboard[],
  charts: readonly DemoChart[],
): DemoLogEntry[] {
  const random = new SeededRandom(7919);
  const viewers: readonly (readonly [string, number])[] = [
    ['admin', 5],
    ['alpha', 4],
    ['gamma', 2],
    ['sales', 3],
    ['grace', 2],
    ['owner', 1],
  ];
  const logs: DemoLogEntry[] = [];
  for (let i = 0; i < 90; i += 1) {
    const username = random.weighted(viewers);
    const dttm = new Date(now.getTime() - (0.02 + random.next() * 55) * DAY_MS);
    const durationMs = random.int(40, 900);
    const kind = random.int(0, 2);
    if (kind === 0) {
      const visible = dashboards.filter((d) => d.published || d.owners.includes(username));
      const dashboard = random.pick(visible);
      logs.push({
        action: 'DashboardRestApi.get',
        username,
        dashboard: dashboard.title,
        chart: null,
        dttm,
        durationMs,
      });
      const onDashboard = chartNames(dashboard.layout);
      logs.push({
        action: 'ChartDataRestApi.data',
        username,
        dashboard: dashboard.title,
        chart: random.pick(onDashboard),
        dttm: new Date(dttm.getTime() + 1500),
        durationMs: random.int(20, 1500),
      });
    } else {
      const chart = random.pick(charts);
      logs.push({
        action: 'ExploreRestApi.get',
        username,
        dashboard: null,
        chart: chart.name,
        dttm,
        durationMs,
      });
    }
  }
  return logs.sort((a, b) => a.dttm.getTime() - b.dttm.getTime());
}

/** Ids the loader has assigned, for rendering the JSON that refers to them. */
export interface DemoIdLookup {
  chart(name: string): { readonly id: number; readonly uuid: string; readonly name: string };
  dataset(tableName: string): number;
}

/** Explore form_data as Superset stores it in `slices.params`. */
export function renderChartParams(chart: DemoChart, datasetId: number): string {
  return JSON.stringify({
    datasource: `${datasetId}__table`,
    viz_type: chart.vizType,
    ...chart.formData,
  });
}

/** A v2 `position_json` with stable component ids. */
export function renderPositionJson(dashboard: DemoDashboard, ids: DemoIdLookup): string {
  const key = dashboard.slug ?? dashboard.title;
  const nodes: Record<string, unknown> = {
    DASHBOARD_VERSION_KEY: 'v2',
    ROOT_ID: { type: 'ROOT', id: 'ROOT_ID', children: ['GRID_ID'] },
    GRID_ID: { type: 'GRID', id: 'GRID_ID', children: [] as string[], parents: ['ROOT_ID'] },
    HEADER_ID: { id: 'HEADER_ID', type: 'HEADER', meta: { text: dashboard.title } },
  };
  const grid = nodes.GRID_ID as { children: string[] };
  let counter = 0;
  const nextId = (type: string): string => {
    counter += 1;
    return `${type}-${demoToken(`${key}/${type}/${counter}`, 10)}`;
  };
  const addRows = (rows: readonly DemoLayoutRow[], parents: string[]): string[] =>
    rows.map((row) => {
      const rowId = nextId('ROW');
      const rowParents = [...parents, rowId];
      const children = row.map((component) => {
        const id = nextId(component.type);
        const meta =
          component.type === 'CHART'
            ? (() => {
                const chart = ids.chart(component.chart);
                return {
                  width: component.width,
                  height: component.height,
                  chartId: chart.id,
                  sliceName: chart.name,
                  uuid: chart.uuid,
                };
              })()
            : { width: component.width, height: component.height, code: component.code };
        nodes[id] = { type: component.type, id, children: [], parents: rowParents, meta };
        return id;
      });
      nodes[rowId] = {
        type: 'ROW',
        id: rowId,
        children,
        parents,
        meta: { background: 'BACKGROUND_TRANSPARENT' },
      };
      return rowId;
    });

  if (dashboard.layout.kind === 'rows') {
    grid.children.push(...addRows(dashboard.layout.rows, ['ROOT_ID', 'GRID_ID']));
  } else {
    const tabsId = nextId('TABS');
    const tabsParents = ['ROOT_ID', 'GRID_ID'];
    const tabIds = dashboard.layout.tabs.map((tab) => {
      const tabId = nextId('TAB');
      const children = addRows(tab.rows, [...tabsParents, tabsId, tabId]);
      nodes[tabId] = {
        type: 'TAB',
        id: tabId,
        children,
        parents: [...tabsParents, tabsId],
        meta: { text: tab.title, defaultText: 'Tab title', placeholder: 'Tab title' },
      };
      return tabId;
    });
    nodes[tabsId] = { type: 'TABS', id: tabsId, children: tabIds, parents: tabsParents, meta: {} };
    grid.children.push(tabsId);
  }
  return JSON.stringify(nodes);
}

/** `json_metadata` with native filters targeting the dashboard's datasets and cross-filter scopes. */
export function renderJsonMetadata(dashboard: DemoDashboard, ids: DemoIdLookup): string {
  const chartIds = dashboardChartNames(dashboard).map((name) => ids.chart(name).id);
  const chartConfiguration = Object.fromEntries(
    chartIds.map((id) => [
      String(id),
      {
        id,
        crossFilters: {
          scope: 'global',
          chartsInScope: chartIds.filter((other) => other !== id),
        },
      },
    ]),
  );
  return JSON.stringify({
    native_filter_configuration: dashboard.nativeFilters.map((filter) => ({
      id: filter.id,
      controlValues:
        filter.filterType === 'filter_select'
          ? {
              enableEmptyFilter: false,
              defaultToFirstItem: false,
              multiSelect: true,
              searchAllOptions: false,
              inverseSelection: false,
            }
          : { enableEmptyFilter: false },
      name: filter.name,
      filterType: filter.filterType,
      targets: filter.target
        ? [
            {
              datasetId: ids.dataset(filter.target.dataset),
              column: { name: filter.target.column },
            },
          ]
        : [{}],
      defaultDataMask:
        filter.filterType === 'filter_time'
          ? {
              extraFormData: { time_range: 'No filter' },
              filterState: { value: 'No filter' },
              ownState: {},
            }
          : { extraFormData: {}, filterState: {}, ownState: {} },
      cascadeParentIds: [],
      scope: { rootPath: ['ROOT_ID'], excluded: [] },
      type: 'NATIVE_FILTER',
      description: filter.description,
      chartsInScope: chartIds,
      tabsInScope: [],
    })),
    chart_configuration: dashboard.crossFiltersEnabled ? chartConfiguration : {},
    global_chart_configuration: {
      scope: { rootPath: ['ROOT_ID'], excluded: [] },
      chartsInScope: chartIds,
    },
    color_scheme: 'supersetColors',
    refresh_frequency: 0,
    expanded_slices: {},
    label_colors: {},
    shared_label_colors: [],
    map_label_colors: {},
    color_scheme_domain: [],
    timed_refresh_immune_slices: [],
    cross_filters_enabled: dashboard.crossFiltersEnabled,
    default_filters: '{}',
  });
}
