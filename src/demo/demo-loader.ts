import type { MetadataDialect } from '../superset/database/metadata-dialect.js';
import { timestampToDb, uuidToDb } from '../superset/database/metadata-values.js';
import {
  buildDemoContent,
  type DemoAudit,
  type DemoChart,
  type DemoContent,
  type DemoDashboard,
  type DemoDataset,
  type DemoIdLookup,
  type DemoLogEntry,
  type DemoRole,
  type DemoUser,
  dashboardChartNames,
  EXAMPLES_DATABASE_NAME,
  type ObjectGrant,
  type PermissionView,
  renderChartParams,
  renderJsonMetadata,
  renderPositionJson,
} from './demo-content.js';
import type { SqlRunner } from './sql-runner.js';

export interface DemoLoadOptions {
  /** `sqlalchemy_uri` of the examples database. */
  readonly examplesUri: string;
  /** Reference time for every audit column and log row. Default: now. */
  readonly now?: Date;
  /** Whether the FAB group tables exist. Default: detected. */
  readonly withGroups?: boolean;
}

export interface DemoContentSummary {
  readonly databaseId: number;
  readonly roleIds: Readonly<Record<string, number>>;
  readonly groupIds: Readonly<Record<string, number>>;
  readonly userIds: Readonly<Record<string, number>>;
  /** By table name. */
  readonly datasetIds: Readonly<Record<string, number>>;
  /** By slice name. */
  readonly chartIds: Readonly<Record<string, number>>;
  /** By title, and also by slug for dashboards that have one. */
  readonly dashboardIds: Readonly<Record<string, number>>;
  /** By label. */
  readonly savedQueryIds: Readonly<Record<string, number>>;
}

type Row = Readonly<Record<string, unknown>>;

/** What Superset's hooks derive from a dataset and copy onto its charts. */
interface DatasetPerms {
  readonly perm: string;
  readonly schemaPerm: string;
  readonly datasourceName: string;
}

const BATCH_ROWS = 200;
const WEBSERVER = 'http://localhost:8088';

/**
 * Inserts the demo content into an empty Superset metadata database (schema already created),
 * in one transaction, with every column and side effect Superset's ORM would write. The runner
 * must be bound to a single connection.
 */
export async function loadDemoContent(
  run: SqlRunner,
  dialect: MetadataDialect,
  options: DemoLoadOptions,
): Promise<DemoContentSummary> {
  const content = buildDemoContent({
    now: options.now ?? new Date(),
    examplesUri: options.examplesUri,
  });
  await run('BEGIN');
  try {
    const withGroups = options.withGroups ?? (await hasTable(run, dialect, 'ab_group'));
    const summary = await new DemoWriter(run, dialect, content).write(withGroups);
    await run('COMMIT');
    return summary;
  } catch (error) {
    await run('ROLLBACK').catch(() => []);
    throw error;
  }
}

async function hasTable(run: SqlRunner, dialect: MetadataDialect, table: string): Promise<boolean> {
  const rows =
    dialect === 'sqlite'
      ? await run("SELECT 1 AS present FROM sqlite_master WHERE type = 'table' AND name = ?", [
          table,
        ])
      : await run(
          'SELECT 1 AS present FROM pg_tables WHERE schemaname = current_schema() AND tablename = ?',
          [table],
        );
  return rows.length > 0;
}

function quote(identifier: string): string {
  return `"${identifier}"`;
}

function requireId(ids: ReadonlyMap<string, number>, kind: string, key: string): number {
  const id = ids.get(key);
  if (id === undefined) throw new Error(`demo content refers to unknown ${kind} '${key}'`);
  return id;
}

class DemoWriter {
  private readonly permissionIds = new Map<string, number>();
  private readonly viewMenuIds = new Map<string, number>();
  private readonly permissionViewIds = new Map<string, number>();
  private readonly roleIds = new Map<string, number>();
  private readonly groupIds = new Map<string, number>();
  private readonly userIds = new Map<string, number>();
  private readonly datasetIds = new Map<string, number>();
  private readonly datasetPerms = new Map<string, DatasetPerms>();
  private readonly chartIds = new Map<string, number>();
  private readonly dashboardIds = new Map<string, number>();
  private readonly savedQueryIds = new Map<string, number>();
  private databaseId = 0;

  constructor(
    private readonly run: SqlRunner,
    private readonly dialect: MetadataDialect,
    private readonly content: DemoContent,
  ) {}

  async write(withGroups: boolean): Promise<DemoContentSummary> {
    for (const permissionView of this.content.permissionViews) {
      await this.ensurePermissionView(permissionView);
    }
    for (const role of this.content.roles) await this.insertRole(role);
    if (withGroups) await this.insertGroups();
    for (const user of this.content.users) await this.insertUser(user);
    await this.insertUserLinks(withGroups);
    await this.insertDatabase();
    for (const dataset of this.content.datasets) await this.insertDataset(dataset);
    for (const role of this.content.roles) await this.grantObjects(role);
    for (const chart of this.content.charts) await this.insertChart(chart);
    for (const dashboard of this.content.dashboards) await this.insertDashboard(dashboard);
    await this.insertSavedQueries();
    await this.insertLogs(this.content.logs);
    return {
      databaseId: this.databaseId,
      roleIds: Object.fromEntries(this.roleIds),
      groupIds: Object.fromEntries(this.groupIds),
      userIds: Object.fromEntries(this.userIds),
      datasetIds: Object.fromEntries(this.datasetIds),
      chartIds: Object.fromEntries(this.chartIds),
      dashboardIds: Object.fromEntries(this.dashboardIds),
      savedQueryIds: Object.fromEntries(this.savedQueryIds),
    };
  }

  private uuid(value: string): string | Buffer {
    return uuidToDb(this.dialect, value);
  }

  /** Flask-AppBuilder ids come from their sequences on Postgres, which are not column defaults. */
  private idColumn(table: string): { names: string[]; values: string[] } {
    return table.startsWith('ab_') && this.dialect === 'postgres'
      ? { names: ['id'], values: [`nextval('${table}_id_seq')`] }
      : { names: [], values: [] };
  }

  private async insert(table: string, row: Row): Promise<number> {
    const id = this.idColumn(table);
    const columns = Object.keys(row);
    const names = [...id.names, ...columns].map(quote).join(', ');
    const values = [...id.values, ...columns.map(() => '?')].join(', ');
    const result = await this.run(
      `INSERT INTO ${quote(table)} (${names}) VALUES (${values}) RETURNING "id"`,
      Object.values(row),
    );
    return Number(result[0]?.id);
  }

  private async insertMany(table: string, rows: readonly Row[]): Promise<void> {
    if (rows.length === 0) return;
    const id = this.idColumn(table);
    const columns = Object.keys(rows[0]);
    const names = [...id.names, ...columns].map(quote).join(', ');
    const tuple = `(${[...id.values, ...columns.map(() => '?')].join(', ')})`;
    for (let start = 0; start < rows.length; start += BATCH_ROWS) {
      const batch = rows.slice(start, start + BATCH_ROWS);
      await this.run(
        `INSERT INTO ${quote(table)} (${names}) VALUES ${batch.map(() => tuple).join(', ')}`,
        batch.flatMap((row) => columns.map((column) => row[column])),
      );
    }
  }

  private audit(audit: DemoAudit): Row {
    const userId =
      audit.createdBy === null ? null : requireId(this.userIds, 'user', audit.createdBy);
    return {
      created_on: timestampToDb(audit.createdOn),
      changed_on: timestampToDb(audit.changedOn),
      created_by_fk: userId,
      changed_by_fk: userId,
    };
  }

  private async ensureNamed(
    table: 'ab_permission' | 'ab_view_menu',
    cache: Map<string, number>,
    name: string,
  ): Promise<number> {
    let id = cache.get(name);
    if (id === undefined) {
      id = await this.insert(table, { name });
      cache.set(name, id);
    }
    return id;
  }

  private async ensurePermissionView([permission, viewMenu]: PermissionView): Promise<number> {
    const key = `${permission}\u0000${viewMenu}`;
    let id = this.permissionViewIds.get(key);
    if (id === undefined) {
      id = await this.insert('ab_permission_view', {
        permission_id: await this.ensureNamed('ab_permission', this.permissionIds, permission),
        view_menu_id: await this.ensureNamed('ab_view_menu', this.viewMenuIds, viewMenu),
      });
      this.permissionViewIds.set(key, id);
    }
    return id;
  }

  private async insertRole(role: DemoRole): Promise<void> {
    const roleId = await this.insert('ab_role', { name: role.name });
    this.roleIds.set(role.name, roleId);
    const links: Row[] = [];
    for (const permissionView of role.permissions) {
      links.push({
        permission_view_id: await this.ensurePermissionView(permissionView),
        role_id: roleId,
      });
    }
    await this.insertMany('ab_permission_view_role', links);
  }

  private async insertGroups(): Promise<void> {
    for (const group of this.content.groups) {
      const groupId = await this.insert('ab_group', {
        name: group.name,
        label: group.label,
        description: group.description,
      });
      this.groupIds.set(group.name, groupId);
      await this.insertMany(
        'ab_group_role',
        group.roles.map((role) => ({
          group_id: groupId,
          role_id: requireId(this.roleIds, 'role', role),
        })),
      );
    }
  }

  private async insertUser(user: DemoUser): Promise<void> {
    const id = await this.insert('ab_user', {
      first_name: user.firstName,
      last_name: user.lastName,
      username: user.username,
      password: user.passwordHash,
      active: user.active,
      email: user.email,
      last_login: user.lastLogin === null ? null : timestampToDb(user.lastLogin),
      login_count: user.loginCount,
      fail_login_count: 0,
      ...this.audit(user),
    });
    this.userIds.set(user.username, id);
  }

  private async insertUserLinks(withGroups: boolean): Promise<void> {
    const users = this.content.users;
    await this.insertMany(
      'ab_user_role',
      users.flatMap((user) =>
        user.roles.map((role) => ({
          user_id: requireId(this.userIds, 'user', user.username),
          role_id: requireId(this.roleIds, 'role', role),
        })),
      ),
    );
    if (!withGroups) return;
    await this.insertMany(
      'ab_user_group',
      users.flatMap((user) =>
        user.groups.map((group) => ({
          user_id: requireId(this.userIds, 'user', user.username),
          group_id: requireId(this.groupIds, 'group', group),
        })),
      ),
    );
  }

  private async insertDatabase(): Promise<void> {
    const database = this.content.database;
    this.databaseId = await this.insert('dbs', {
      ...this.audit(database),
      database_name: database.name,
      sqlalchemy_uri: database.sqlalchemyUri,
      password: null,
      cache_timeout: null,
      extra: database.extra,
      select_as_create_table_as: false,
      allow_ctas: database.allowCtas,
      expose_in_sqllab: database.exposeInSqllab,
      force_ctas_schema: null,
      allow_run_async: database.allowRunAsync,
      allow_dml: database.allowDml,
      verbose_name: null,
      impersonate_user: false,
      allow_file_upload: database.allowFileUpload,
      encrypted_extra: null,
      server_cert: null,
      allow_cvas: database.allowCvas,
      uuid: this.uuid(database.uuid),
      configuration_method: 'sqlalchemy_form',
      is_managed_externally: false,
      external_url: null,
    });
    await this.ensurePermissionView(['database_access', this.databasePerm()]);
  }

  private databasePerm(): string {
    return `[${EXAMPLES_DATABASE_NAME}].(id:${this.databaseId})`;
  }

  private schemaPerm(schema: string): string {
    return `[${EXAMPLES_DATABASE_NAME}].[${schema}]`;
  }

  private async insertDataset(dataset: DemoDataset): Promise<void> {
    const audit = this.audit(dataset);
    const id = await this.insert('tables', {
      ...audit,
      table_name: dataset.tableName,
      main_dttm_col: dataset.mainDttmCol,
      default_endpoint: null,
      database_id: this.databaseId,
      offset: 0,
      description: dataset.description,
      is_featured: false,
      cache_timeout: null,
      schema: dataset.schema,
      sql: dataset.sql,
      params: null,
      filter_select_enabled: true,
      fetch_values_predicate: null,
      is_sqllab_view: false,
      template_params: null,
      extra: dataset.extra,
      uuid: this.uuid(dataset.uuid),
      is_managed_externally: false,
      external_url: null,
      normalize_columns: false,
      always_filter_main_dttm: false,
    });
    this.datasetIds.set(dataset.tableName, id);
    const perm = `[${EXAMPLES_DATABASE_NAME}].[${dataset.tableName}](id:${id})`;
    const schemaPerm = this.schemaPerm(dataset.schema);
    this.datasetPerms.set(dataset.tableName, {
      perm,
      schemaPerm,
      datasourceName: `${dataset.schema}.${dataset.tableName}`,
    });
    await this.run('UPDATE "tables" SET "perm" = ?, "schema_perm" = ? WHERE "id" = ?', [
      perm,
      schemaPerm,
      id,
    ]);
    await this.ensurePermissionView(['datasource_access', perm]);
    await this.ensurePermissionView(['schema_access', schemaPerm]);

    await this.insertMany(
      'table_columns',
      dataset.columns.map((column) => ({
        ...audit,
        table_id: id,
        column_name: column.name,
        is_dttm: column.isDttm,
        is_active: true,
        type: column.type,
        groupby: column.groupby,
        filterable: column.filterable,
        description: column.description,
        expression: column.expression,
        verbose_name: column.verboseName,
        python_date_format: null,
        uuid: this.uuid(column.uuid),
        extra: null,
        advanced_data_type: null,
      })),
    );
    await this.insertMany(
      'sql_metrics',
      dataset.metrics.map((metric) => ({
        ...audit,
        metric_name: metric.name,
        verbose_name: metric.verboseName,
        metric_type: metric.metricType,
        table_id: id,
        expression: metric.expression,
        description: metric.description,
        d3format: metric.d3format,
        warning_text: metric.warningText,
        extra: null,
        uuid: this.uuid(metric.uuid),
      })),
    );
    await this.insertOwners('sqlatable_user', 'table_id', id, dataset.owners);
  }

  private async insertOwners(
    table: 'sqlatable_user' | 'slice_user' | 'dashboard_user',
    objectColumn: string,
    objectId: number,
    owners: readonly string[],
  ): Promise<void> {
    await this.insertMany(
      table,
      owners.map((owner) => ({
        user_id: requireId(this.userIds, 'user', owner),
        [objectColumn]: objectId,
      })),
    );
  }

  private requireDatasetPerms(tableName: string): DatasetPerms {
    const perms = this.datasetPerms.get(tableName);
    if (!perms) throw new Error(`demo content refers to unknown dataset '${tableName}'`);
    return perms;
  }

  private objectPermissionView(grant: ObjectGrant): PermissionView {
    switch (grant.kind) {
      case 'database_access':
        return ['database_access', this.databasePerm()];
      case 'schema_access':
        return ['schema_access', this.schemaPerm(grant.schema)];
      case 'datasource_access':
        return ['datasource_access', this.requireDatasetPerms(grant.table).perm];
    }
  }

  private async grantObjects(role: DemoRole): Promise<void> {
    const links: Row[] = [];
    for (const grant of role.objectGrants) {
      links.push({
        permission_view_id: await this.ensurePermissionView(this.objectPermissionView(grant)),
        role_id: requireId(this.roleIds, 'role', role.name),
      });
    }
    await this.insertMany('ab_permission_view_role', links);
  }

  private async insertChart(chart: DemoChart): Promise<void> {
    const datasetId = requireId(this.datasetIds, 'dataset', chart.dataset);
    const perms = this.requireDatasetPerms(chart.dataset);
    const audit = this.audit(chart);
    const id = await this.insert('slices', {
      ...audit,
      slice_name: chart.name,
      datasource_type: 'table',
      datasource_name: perms.datasourceName,
      viz_type: chart.vizType,
      params: renderChartParams(chart, datasetId),
      description: chart.description,
      cache_timeout: chart.cacheTimeout,
      perm: perms.perm,
      datasource_id: datasetId,
      schema_perm: perms.schemaPerm,
      uuid: this.uuid(chart.uuid),
      query_context: null,
      last_saved_at: audit.changed_on,
      last_saved_by_fk: audit.changed_by_fk,
      certified_by: chart.certifiedBy,
      certification_details: chart.certificationDetails,
      is_managed_externally: false,
      external_url: null,
    });
    this.chartIds.set(chart.name, id);
    await this.insertOwners('slice_user', 'slice_id', id, chart.owners);
  }

  private idLookup(): DemoIdLookup {
    return {
      chart: (name) => {
        const chart = this.content.charts.find((candidate) => candidate.name === name);
        if (!chart) throw new Error(`demo content refers to unknown chart '${name}'`);
        return { id: requireId(this.chartIds, 'chart', name), uuid: chart.uuid, name };
      },
      dataset: (tableName) => requireId(this.datasetIds, 'dataset', tableName),
    };
  }

  private async insertDashboard(dashboard: DemoDashboard): Promise<void> {
    const ids = this.idLookup();
    const id = await this.insert('dashboards', {
      ...this.audit(dashboard),
      dashboard_title: dashboard.title,
      position_json: renderPositionJson(dashboard, ids),
      css: dashboard.css,
      description: dashboard.description,
      slug: dashboard.slug,
      json_metadata: renderJsonMetadata(dashboard, ids),
      published: dashboard.published,
      uuid: this.uuid(dashboard.uuid),
      certified_by: dashboard.certifiedBy,
      certification_details: dashboard.certificationDetails,
      is_managed_externally: false,
      external_url: null,
    });
    this.dashboardIds.set(dashboard.title, id);
    if (dashboard.slug !== null) this.dashboardIds.set(dashboard.slug, id);
    await this.insertOwners('dashboard_user', 'dashboard_id', id, dashboard.owners);
    await this.insertMany(
      'dashboard_slices',
      [...new Set(dashboardChartNames(dashboard))].map((chart) => ({
        dashboard_id: id,
        slice_id: requireId(this.chartIds, 'chart', chart),
      })),
    );
    await this.insertMany(
      'dashboard_roles',
      dashboard.roles.map((role) => ({
        role_id: requireId(this.roleIds, 'role', role),
        dashboard_id: id,
      })),
    );
  }

  private async insertSavedQueries(): Promise<void> {
    for (const query of this.content.savedQueries) {
      const audit = this.audit(query);
      const id = await this.insert('saved_query', {
        created_on: audit.created_on,
        changed_on: audit.changed_on,
        user_id: requireId(this.userIds, 'user', query.owner),
        db_id: this.databaseId,
        label: query.label,
        schema: query.schema,
        sql: query.sql,
        description: query.description,
        changed_by_fk: audit.changed_by_fk,
        created_by_fk: audit.created_by_fk,
        extra_json: '{}',
        last_run: timestampToDb(query.lastRun),
        rows: query.rows,
        uuid: this.uuid(query.uuid),
        template_parameters: null,
      });
      this.savedQueryIds.set(query.label, id);
    }
  }

  private async insertLogs(logs: readonly DemoLogEntry[]): Promise<void> {
    await this.insertMany(
      'logs',
      logs.map((log) => {
        const dashboardId =
          log.dashboard === null ? null : requireId(this.dashboardIds, 'dashboard', log.dashboard);
        const sliceId = log.chart === null ? null : requireId(this.chartIds, 'chart', log.chart);
        return {
          action: log.action,
          user_id: requireId(this.userIds, 'user', log.username),
          json: JSON.stringify(logJson(log, dashboardId, sliceId)),
          dttm: utcTimestampToDb(log.dttm),
          dashboard_id: dashboardId,
          slice_id: sliceId,
          duration_ms: log.durationMs,
          referrer:
            dashboardId !== null
              ? `${WEBSERVER}/superset/dashboard/${dashboardId}/`
              : `${WEBSERVER}/explore/?slice_id=${sliceId}`,
        };
      }),
    );
  }
}

function logJson(
  log: DemoLogEntry,
  dashboardId: number | null,
  sliceId: number | null,
): Record<string, unknown> {
  switch (log.action) {
    case 'DashboardRestApi.get':
      return {
        path: `/api/v1/dashboard/${dashboardId}`,
        url_rule: '/api/v1/dashboard/<id_or_slug>',
        object_ref: log.action,
        id_or_slug: String(dashboardId),
        dashboard_id: dashboardId,
      };
    case 'ChartDataRestApi.data':
      return {
        path: '/api/v1/chart/data',
        url_rule: '/api/v1/chart/data',
        object_ref: log.action,
        dashboard_id: dashboardId,
        slice_id: sliceId,
        rison: {},
      };
    case 'ExploreRestApi.get':
      return {
        path: '/api/v1/explore/',
        url_rule: '/api/v1/explore/',
        object_ref: log.action,
        slice_id: sliceId,
      };
  }
}

/** `logs.dttm` is naive UTC (`datetime.utcnow()`), unlike the local-time audit columns. */
function utcTimestampToDb(date: Date): string {
  return timestampToDb(new Date(date.getTime() + date.getTimezoneOffset() * 60_000));
}
