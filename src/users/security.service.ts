import { createHash } from 'node:crypto';

import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  Brackets,
  DataSource,
  type SelectQueryBuilder,
  type WhereExpressionBuilder,
} from 'typeorm';

import { InjectSettings } from '../config/inject-settings.decorator.js';
import type { Settings } from '../config/settings.js';
import { MetadataSchemaInspector } from '../superset/database/metadata-schema-inspector.service.js';
import { RolePermissionsRepository } from './role-permissions.repository.js';
import type { SupersetUser } from './superset-user.js';
import type { UserAccess } from './user-access.js';

// `[examples].(id:1)` — the view-menu name of a database_access grant.
const DATABASE_PERM = /^\[.+\]\.\(id:(\d+)\)$/;
// `[examples].[main]`, `[examples].[tbl](id:3)` — the database name is the first bracketed part.
const LEADING_DATABASE_NAME = /^\[([^\]]+)\]/;

/**
 * Superset's permission model, read from the metadata database: class permissions, data access
 * grants, and the list filters Superset applies to dashboards, charts, datasets and databases —
 * expressed as SQL so a list never loads what the user may not see.
 */
@Injectable()
export class SecurityService {
  private readonly cache = new WeakMap<SupersetUser, Promise<UserAccess>>();
  private parameterCounter = 0;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly permissions: RolePermissionsRepository,
    private readonly inspector: MetadataSchemaInspector,
    @InjectSettings() private readonly settings: Settings,
  ) {}

  /**
   * The user's access, loaded with one query and shared by everything holding this user object: one
   * request, or every request while `UserLookup` keeps the user.
   */
  accessFor(user: SupersetUser): Promise<UserAccess> {
    let access = this.cache.get(user);
    if (!access) {
      const loading = this.load(user);
      // The user object may be kept by the access cache: a failed read must not stick to it.
      loading.catch(() => this.cache.delete(user));
      this.cache.set(user, loading);
      access = loading;
    }
    return access;
  }

  get dashboardRbac(): boolean {
    return this.settings.FEATURE_FLAGS.DASHBOARD_RBAC === true;
  }

  /**
   * The row filter of each kind of content the user may read: Superset's list filter, for a kind
   * whose `can_read` the user holds (or every kind when `MCP_RBAC_ENABLED` is off). A kind the user
   * may not read is absent: none of its rows are theirs to see.
   */
  readableContent(access: UserAccess): ReadableContent {
    const readable = (viewMenu: string) =>
      !this.settings.MCP_RBAC_ENABLED || access.can('can_read', viewMenu);
    return {
      ...(readable('Chart') && {
        charts: (query, alias) => this.filterCharts(query, access, alias),
      }),
      ...(readable('Dashboard') && {
        dashboards: (query, alias) => this.filterDashboards(query, access, alias),
      }),
      ...(readable('Database') && {
        databases: (query, alias) => this.filterDatabases(query, access, alias),
      }),
      ...(readable('Dataset') && {
        datasets: (query, alias) => this.filterDatasets(query, access, alias),
      }),
    };
  }

  /**
   * Whether the user may run SQL on a database, as SQL Lab decides: `can_execute_sql_query` on
   * `SQLLab` (a class check, off with `MCP_RBAC_ENABLED`) and Superset's `can_access_database` —
   * Admin, `all_database_access`, `all_datasource_access`, or `database_access` on the database's
   * perm `[name].(id:N)`. Schema and table grants are not enough here: honouring them needs every
   * table the SQL reads, which the statement checker does not extract yet, so they fail closed.
   */
  sqlAccess(access: UserAccess, database: { id: number; databaseName: string }): SqlAccess {
    if (access.isAdmin) return 'allowed';
    if (this.settings.MCP_RBAC_ENABLED && !access.can('can_execute_sql_query', 'SQLLab')) {
      return 'no_sql_lab_permission';
    }
    if (access.allDatabases || access.allDatasources) return 'allowed';
    const perm = `[${database.databaseName}].(id:${database.id})`;
    if (access.databasePerms.includes(perm) || access.databaseIds.includes(database.id)) {
      return 'allowed';
    }
    return 'no_database_access';
  }

  /** Keeps only datasets the user may access (Superset's DatasourceFilter) on `tables` aliased `alias`. */
  filterDatasets(query: WhereExpressionBuilder, access: UserAccess, alias: string): void {
    if (access.allDatasources) return;
    query.andWhere(this.datasetCondition(access, alias));
  }

  /** Keeps only charts over accessible datasets (Superset's ChartFilter) on `slices` aliased `alias`. */
  filterCharts(query: WhereExpressionBuilder, access: UserAccess, alias: string): void {
    if (access.allDatasources) return;
    query.andWhere(this.chartCondition(access, alias));
  }

  /**
   * Superset's DashboardAccessFilter on `dashboards` aliased `alias`, for a list query. `shape`
   * (from `dashboardListShape`) picks how the owner and "has an accessible chart" parts are
   * evaluated.
   */
  filterDashboards(
    query: WhereExpressionBuilder,
    access: UserAccess,
    alias: string,
    shape: DashboardListShape = HASHED_DASHBOARD_LIST,
  ): void {
    if (access.isAdmin) return;
    query.andWhere(this.dashboardCondition(access, alias, shape));
  }

  /**
   * How a dashboard list should test the owner and chart parts of the rule. A part that admits
   * many dashboards (more than `DENSE_ROWS` charts the user can read, or dashboards they own) is
   * probed row by row through an index while the page order walks its own index: the page, and the
   * bounded count, fill after a few rows. A part that admits few is collected once into a hashed
   * set, cheaper than probing row after row past the many dashboards it rejects. One bounded query
   * per part decides.
   */
  async dashboardListShape(access: UserAccess, orderColumn: string): Promise<DashboardListShape> {
    // Without an index to walk in page order, every visible row is tested before the first page
    // is known, and hashed sets beat probing each of them.
    if (access.isAdmin || !this.inspector.hasIndexOn('dashboards', orderColumn)) {
      return HASHED_DASHBOARD_LIST;
    }
    const [charts, owners] = await Promise.all([
      access.allDatasources ? false : this.manyChartsReadable(access),
      this.ownsManyDashboards(access),
    ]);
    return { charts: charts ? 'probe' : 'list', owners: owners ? 'probe' : 'list' };
  }

  /**
   * The same rule for a query that reads one dashboard by key (id, uuid, slug): correlated
   * subqueries probe the links of that one row, where the list form would first collect every
   * dashboard the user may see.
   */
  filterDashboard(query: WhereExpressionBuilder, access: UserAccess, alias: string): void {
    if (access.isAdmin) return;
    query.andWhere(this.dashboardCondition(access, alias, { charts: 'one', owners: 'one' }));
  }

  private async manyChartsReadable(access: UserAccess): Promise<boolean> {
    const query = this.dataSource.createQueryBuilder().select('1').from('slices', 'c');
    this.filterCharts(query, access, 'c');
    return this.exceedsDenseRows(query);
  }

  /** Only with indexes to count the user's rows and to probe a dashboard's owners. */
  private async ownsManyDashboards(access: UserAccess): Promise<boolean> {
    if (
      !this.inspector.hasIndexOn('dashboard_user', 'user_id') ||
      !this.inspector.hasIndexOn('dashboard_user', 'dashboard_id')
    ) {
      return false;
    }
    const query = this.dataSource
      .createQueryBuilder()
      .select('1')
      .from('dashboard_user', 'o')
      .where('o.user_id = :owner', { owner: access.user.id });
    return this.exceedsDenseRows(query);
  }

  private async exceedsDenseRows(query: SelectQueryBuilder<object>): Promise<boolean> {
    const [sql, parameters] = query.limit(DENSE_ROWS + 1).getQueryAndParameters();
    const rows: { n: number | string }[] = await this.dataSource.query(
      `SELECT COUNT(*) AS n FROM (${sql}) first_rows`,
      parameters,
    );
    return Number(rows[0]?.n ?? 0) > DENSE_ROWS;
  }

  /** Superset's DatabaseFilter on `dbs` aliased `alias`. */
  filterDatabases(query: WhereExpressionBuilder, access: UserAccess, alias: string): void {
    if (access.allDatabases) return;
    const ids = this.param();
    const names = this.param();
    query.andWhere(
      new Brackets((where) => {
        where.where('1 = 0');
        if (access.databaseIds.length > 0) {
          where.orWhere(`${alias}.id IN (:...${ids})`, { [ids]: access.databaseIds });
        }
        if (access.grantedDatabaseNames.length > 0) {
          where.orWhere(`${alias}.database_name IN (:...${names})`, {
            [names]: access.grantedDatabaseNames,
          });
        }
      }),
    );
  }

  /**
   * Superset's `can_access_all_queries`: `all_query_access` (Admin holds it after `superset init`;
   * the Admin role counts here even without it). Everyone else sees only their own SQL Lab queries.
   */
  canAccessAllQueries(access: UserAccess): boolean {
    return access.isAdmin || access.can('all_query_access', 'all_query_access');
  }

  /** Superset's QueryFilter on `query` aliased `alias`: the user's own queries (`user_id`). */
  filterQueries(query: WhereExpressionBuilder, access: UserAccess, alias: string): void {
    if (this.canAccessAllQueries(access)) return;
    const owner = this.param();
    query.andWhere(`${alias}.user_id = :${owner}`, { [owner]: access.user.id });
  }

  /**
   * Superset's SavedQueryFilter for reads on `saved_query` aliased `alias`: the saved queries the
   * user created (`created_by_fk`).
   */
  filterSavedQueries(query: WhereExpressionBuilder, access: UserAccess, alias: string): void {
    if (this.canAccessAllQueries(access)) return;
    const creator = this.param();
    query.andWhere(`${alias}.created_by_fk = :${creator}`, { [creator]: access.user.id });
  }

  private datasetCondition(access: UserAccess, alias: string): Brackets {
    return this.grantCondition(
      access,
      alias,
      'tables',
      (ids) => `${alias}.database_id IN (:...${ids})`,
    );
  }

  /** "The dataset `datasetId` is in one of the databases `:...ids`" (see dashboardLinked). */
  private datasetOnDatabaseCondition(datasetId: string, ids: string): string {
    const dataset = this.alias();
    return `${datasetId} IN (SELECT ${dataset}.id FROM tables ${dataset} WHERE ${dataset}.database_id IN (:...${ids}))`;
  }

  private chartCondition(access: UserAccess, alias: string): Brackets {
    return this.grantCondition(access, alias, 'slices', (ids) =>
      this.datasetOnDatabaseCondition(`${alias}.datasource_id`, ids),
    );
  }

  /** `perm`, `schema_perm`, `catalog_perm` against the grants, or the object's database is granted. */
  private grantCondition(
    access: UserAccess,
    alias: string,
    table: 'tables' | 'slices',
    databaseCondition: (ids: string) => string,
  ): Brackets {
    const catalogs = this.inspector.hasColumn(table, 'catalog_perm');
    return new Brackets((where) => {
      where.where('1 = 0');
      const add = (column: string, values: readonly (string | number)[]) => {
        if (values.length === 0) return;
        const name = this.param();
        where.orWhere(`${column} IN (:...${name})`, { [name]: values });
      };
      if (access.databaseIds.length > 0) {
        const ids = this.param();
        where.orWhere(databaseCondition(ids), { [ids]: access.databaseIds });
      }
      add(`${alias}.perm`, access.datasourcePerms);
      add(`${alias}.schema_perm`, access.schemaPerms);
      if (catalogs) add(`${alias}.catalog_perm`, access.catalogPerms);
    });
  }

  private dashboardCondition(
    access: UserAccess,
    alias: string,
    shape: { readonly charts: RowsShape; readonly owners: RowsShape },
  ): Brackets {
    const owner = this.alias();
    const role = this.alias();
    const userId = this.param();
    const roleIds = this.param();
    const published = this.param();
    const rbac = this.dashboardRbac;
    const linked = (form: RowsShape, from: string, column: string, condition: string) =>
      form === 'probe'
        ? this.probedLink(alias, from, column, condition)
        : dashboardLinked(alias, form, from, column, condition);
    // Roles are few rows per user: in a list they stay one hashed set.
    const roleForm: RowsShape = shape.owners === 'one' ? 'one' : 'list';
    // "Published with an accessible chart" comes first: PostgreSQL evaluates OR arms in order, so
    // a probed owner check runs only for the rows it leaves.
    return new Brackets((where) => {
      where.where(
        new Brackets((viaData) => {
          viaData.where(`${alias}.published = :${published}`, { [published]: true });
          if (rbac) {
            viaData.andWhere(
              `NOT ${linked(roleForm, `dashboard_roles ${role}`, `${role}.dashboard_id`, `${role}.dashboard_id IS NOT NULL`)}`,
            );
          }
          if (!access.allDatasources) {
            const charts = this.chartOnDashboardCondition(access, (from, column, condition) =>
              linked(shape.charts, from, column, condition),
            );
            viaData.andWhere(charts.sql, charts.parameters);
          }
        }),
      );
      where.orWhere(
        linked(
          shape.owners,
          `dashboard_user ${owner}`,
          `${owner}.dashboard_id`,
          `${owner}.user_id = :${userId}`,
        ),
        { [userId]: access.user.id },
      );
      if (rbac && access.roleIds.length > 0) {
        const viaRole = this.alias();
        where.orWhere(
          `(${alias}.published = :${published} AND ${linked(roleForm, `dashboard_roles ${viaRole}`, `${viaRole}.dashboard_id`, `${viaRole}.role_id IN (:...${roleIds})`)})`,
          { [published]: true, [roleIds]: access.roleIds },
        );
      }
    });
  }

  /**
   * A correlated EXISTS evaluated row by row. Postgres would turn a plain one inside an OR back into
   * a hashed subplan over every link; `OFFSET 0` keeps it a per-row probe of the unique index.
   */
  private probedLink(alias: string, from: string, column: string, condition: string): string {
    const fence = this.inspector.dialect === 'postgres' ? ' OFFSET 0' : '';
    return `EXISTS (SELECT 1 FROM ${from} WHERE ${condition} AND ${column} = ${alias}.id${fence})`;
  }

  /** "One of the dashboard's charts is over a dataset the user may access", with its parameters. */
  private chartOnDashboardCondition(
    access: UserAccess,
    linked: (from: string, column: string, condition: string) => string,
  ): { sql: string; parameters: Record<string, unknown> } {
    const link = this.alias();
    const chart = this.alias();
    const parts: string[] = [];
    const parameters: Record<string, unknown> = {};
    const add = (column: string, values: readonly (string | number)[]) => {
      if (values.length === 0) return;
      const name = this.param();
      parts.push(`${column} IN (:...${name})`);
      parameters[name] = values;
    };
    if (access.databaseIds.length > 0) {
      const ids = this.param();
      parts.push(this.datasetOnDatabaseCondition(`${chart}.datasource_id`, ids));
      parameters[ids] = access.databaseIds;
    }
    add(`${chart}.perm`, access.datasourcePerms);
    add(`${chart}.schema_perm`, access.schemaPerms);
    if (this.inspector.hasColumn('slices', 'catalog_perm')) {
      add(`${chart}.catalog_perm`, access.catalogPerms);
    }
    const granted = parts.length > 0 ? parts.join(' OR ') : '1 = 0';
    return {
      parameters,
      sql: linked(
        `dashboard_slices ${link} JOIN slices ${chart} ON ${chart}.id = ${link}.slice_id`,
        `${link}.dashboard_id`,
        `(${granted})`,
      ),
    };
  }

  private async load(user: SupersetUser): Promise<UserAccess> {
    const roleIds = user.roles.map((role) => role.id);
    const pairs = await this.permissions.pairsFor(roleIds);
    const classPermissions = new Set<string>();
    const byPermission = new Map<string, string[]>();
    for (const { permission, viewMenu } of pairs) {
      classPermissions.add(`${permission}\u0000${viewMenu}`);
      const list = byPermission.get(permission) ?? [];
      list.push(viewMenu);
      byPermission.set(permission, list);
    }
    const grants = (permission: string) => [...(byPermission.get(permission) ?? [])].sort();
    const databasePerms = grants('database_access');
    const catalogPerms = grants('catalog_access');
    const schemaPerms = grants('schema_access');
    const datasourcePerms = grants('datasource_access');
    const allDatabases = classPermissions.has('all_database_access\u0000all_database_access');
    const allDatasources =
      allDatabases || classPermissions.has('all_datasource_access\u0000all_datasource_access');
    const databaseIds = databasePerms
      .map((name) => DATABASE_PERM.exec(name)?.[1])
      .filter((id): id is string => id !== undefined)
      .map(Number);
    const grantedDatabaseNames = [
      ...new Set(
        [...catalogPerms, ...schemaPerms, ...datasourcePerms]
          .map((name) => LEADING_DATABASE_NAME.exec(name)?.[1])
          .filter((name): name is string => name !== undefined),
      ),
    ].sort();
    return {
      allDatabases,
      allDatasources,
      can: (permission, viewMenu) => classPermissions.has(`${permission}\u0000${viewMenu}`),
      catalogPerms,
      databaseIds,
      databasePerms,
      datasourcePerms,
      grantedDatabaseNames,
      isAdmin: user.roles.some((role) => role.name === this.settings.AUTH_ROLE_ADMIN),
      permissionsDigest: createHash('sha256')
        .update([...classPermissions].sort().join('\n'))
        .digest('hex'),
      roleIds,
      schemaPerms,
      user,
      viewMenusWith: grants,
    };
  }

  private param(): string {
    this.parameterCounter = (this.parameterCounter + 1) % 1_000_000;
    return `sec${this.parameterCounter}`;
  }

  private alias(): string {
    this.parameterCounter = (this.parameterCounter + 1) % 1_000_000;
    return `sec_a${this.parameterCounter}`;
  }
}

/** The outcome of `sqlAccess`: allowed, or which half of SQL Lab's rule the user fails. */
export type SqlAccess = 'allowed' | 'no_sql_lab_permission' | 'no_database_access';

/** Keeps the rows of one kind of content, on its table aliased `alias`, that a user may see. */
export type RowFilter = (query: WhereExpressionBuilder, alias: string) => void;

/** The row filter of each kind a user may read; a kind they may not read is absent. */
export interface ReadableContent {
  readonly charts?: RowFilter;
  readonly dashboards?: RowFilter;
  readonly databases?: RowFilter;
  readonly datasets?: RowFilter;
}

/** How many rows a filtered query reads: a page of a list, or one row looked up by key. */
type RowsShape = 'list' | 'one' | 'probe';

/** How a dashboard list evaluates the owner and chart parts of the access rule. */
export interface DashboardListShape {
  readonly charts: 'list' | 'probe';
  readonly owners: 'list' | 'probe';
}

export const HASHED_DASHBOARD_LIST: DashboardListShape = { charts: 'list', owners: 'list' };

/** Above this many rows a part of the dashboard rule is probed row by row in a list. */
const DENSE_ROWS = 1_000;

/**
 * "`alias.id` is the `column` of a `from` row matching `condition`". For a list, an uncorrelated
 * IN subquery, as Superset writes its filters: PostgreSQL hashes it once, and its cost estimate
 * stays sane; a correlated EXISTS inside an OR is costed per row, which on a large table pushes the
 * estimate past `jit_above_cost` and adds JIT compilation to every call. For one row, the
 * correlated form, which probes that row's links instead of collecting them all.
 */
function dashboardLinked(
  alias: string,
  shape: RowsShape,
  from: string,
  column: string,
  condition: string,
): string {
  return shape === 'list'
    ? `(${alias}.id IN (SELECT ${column} FROM ${from} WHERE ${condition}))`
    : `EXISTS (SELECT 1 FROM ${from} WHERE ${condition} AND ${column} = ${alias}.id)`;
}
