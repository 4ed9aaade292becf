import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type SelectQueryBuilder } from 'typeorm';

import type { ReadableContent, RowFilter } from '../../users/security.service.js';
import { backendOf } from '../databases/databases.repository.js';
import { MetadataSchemaInspector } from '../database/metadata-schema-inspector.service.js';
import { timestampToDb } from '../database/metadata-values.js';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * What one caller may see of the instance: the row filter of each kind of content they may read (a
 * kind left out counts as none), whether they may count users and roles, and whether every tag and
 * tagging is theirs to count (Admin) or only the taggings of content they may see.
 */
export interface InstanceScope {
  readonly content: ReadableContent;
  readonly users: boolean;
  readonly roles: boolean;
  readonly allTags: boolean;
}

export interface ContentStats {
  readonly totals: ContentTotals;
  readonly recent: RecentCounts;
  readonly dashboards: DashboardCounts;
}

export interface ContentTotals {
  readonly dashboards: number;
  readonly charts: number;
  readonly datasets: number;
  /** Links (`dashboard_slices`) between a visible dashboard and a visible chart. */
  readonly dashboardChartLinks: number;
}

export interface RecentCounts {
  readonly dashboardsCreated30d: number;
  readonly chartsCreated30d: number;
  readonly datasetsCreated30d: number;
  readonly dashboardsModified7d: number;
  readonly chartsModified7d: number;
  readonly datasetsModified7d: number;
}

export interface DashboardCounts {
  readonly published: number;
  readonly unpublished: number;
  readonly certified: number;
  readonly withCharts: number;
  readonly withoutCharts: number;
}

interface SubquerySql {
  readonly sql: string;
  readonly parameters: Record<string, unknown>;
}

export interface TagStats {
  readonly total: number;
  readonly top: readonly string[];
}

/** Instance statistics counted over the rows one caller may see, with a handful of queries. */
@Injectable()
export class InstanceStatsRepository {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly inspector: MetadataSchemaInspector,
  ) {}

  /**
   * Totals, what was created and modified lately, and the dashboards' breakdown, with one scan of
   * each content table: on a large instance every scan of `dashboards` reads its layouts too.
   */
  async content(scope: InstanceScope, now: Date): Promise<ContentStats> {
    const {
      charts: chartFilter,
      dashboards: dashboardFilter,
      datasets: datasetFilter,
    } = scope.content;
    const parameters = {
      since30: timestampToDb(new Date(now.getTime() - 30 * DAY_MS)),
      since7: timestampToDb(new Date(now.getTime() - 7 * DAY_MS)),
      yes: true,
    };
    const recent = {
      created: 'CASE WHEN t.created_on >= :since30 THEN 1 ELSE 0 END',
      modified: 'CASE WHEN t.changed_on >= :since7 THEN 1 ELSE 0 END',
      total: '1',
    };
    // "Has a chart" and links count charts the caller may see, both from one pass over the links.
    // A filter that keeps every row (Admin) adds no subquery. Subqueries stay in WHERE, where they
    // become (semi-)joins: inside a CASE, PostgreSQL hashes one only while it fits in work_mem,
    // else it rescans it for every row.
    const chartIds = this.restricted('slices', chartFilter);
    const dashboardIds = this.restricted('dashboards', dashboardFilter);
    const [dashboards, charts, datasets, linked] = await Promise.all([
      this.tally(
        'dashboards',
        dashboardFilter,
        {
          ...recent,
          certified:
            "CASE WHEN t.certified_by IS NOT NULL AND t.certified_by <> '' THEN 1 ELSE 0 END",
          published: 'CASE WHEN t.published = :yes THEN 1 ELSE 0 END',
        },
        parameters,
      ),
      this.tally('slices', chartFilter, recent, parameters),
      this.tally('tables', datasetFilter, recent, parameters),
      chartFilter && dashboardFilter
        ? this.links(dashboardIds, chartIds)
        : { dashboards: 0, links: 0 },
    ]);
    const withCharts = linked.dashboards;
    return {
      dashboards: {
        certified: dashboards.certified,
        published: dashboards.published,
        unpublished: dashboards.total - dashboards.published,
        withCharts,
        withoutCharts: dashboards.total - withCharts,
      },
      recent: {
        chartsCreated30d: charts.created,
        chartsModified7d: charts.modified,
        dashboardsCreated30d: dashboards.created,
        dashboardsModified7d: dashboards.modified,
        datasetsCreated30d: datasets.created,
        datasetsModified7d: datasets.modified,
      },
      totals: {
        charts: charts.total,
        dashboardChartLinks: linked.links,
        dashboards: dashboards.total,
        datasets: datasets.total,
      },
    };
  }

  /** Backend names (the URI scheme without its driver) of each database the caller may see. */
  async databaseBackends(scope: InstanceScope): Promise<string[]> {
    const filter = scope.content.databases;
    if (!filter) return [];
    const query = this.dataSource
      .createQueryBuilder()
      .select('t.sqlalchemy_uri', 'uri')
      .from('dbs', 't');
    filter(query, 't');
    const rows = await query.getRawMany<{ uri: string }>();
    return rows.map((row) => backendOf(row.uri) ?? 'unknown');
  }

  /** Users and roles, each counted only when the scope allows it. */
  async principals(scope: InstanceScope): Promise<{ users: number | null; roles: number | null }> {
    const [users, roles] = await Promise.all([
      scope.users ? this.count('ab_user') : null,
      scope.roles ? this.count('ab_role') : null,
    ]);
    return { roles, users };
  }

  /** Usernames of whoever created the most charts the caller may see, most charts first. */
  async topCreators(scope: InstanceScope, limit: number): Promise<string[]> {
    const filter = scope.content.charts;
    if (!filter) return [];
    const query = this.dataSource
      .createQueryBuilder()
      .select('u.username', 'username')
      .addSelect('COUNT(*)', 'created')
      .from('slices', 't')
      .innerJoin('ab_user', 'u', 'u.id = t.created_by_fk');
    filter(query, 't');
    const rows = await query
      .groupBy('u.username')
      .orderBy('created', 'DESC')
      .addOrderBy('u.username', 'ASC')
      .limit(limit)
      .getRawMany<{ username: string }>();
    return rows.map((row) => row.username);
  }

  /**
   * Tags: with `allTags`, every tag, and custom tags ranked by all their uses; otherwise the tags on
   * a chart, dashboard or dataset the caller may see, ranked by those uses only.
   */
  async tags(scope: InstanceScope, limit: number): Promise<TagStats> {
    if (!this.inspector.hasTable('tag')) return { top: [], total: 0 };
    if (!this.inspector.hasTable('tagged_object')) {
      return { top: [], total: scope.allTags ? await this.count('tag') : 0 };
    }
    if (scope.allTags) {
      const [total, top] = await Promise.all([
        this.count('tag'),
        this.topTags(this.taggings(), limit),
      ]);
      return { top: top.map((row) => row.name), total };
    }
    const visible = this.visibleTaggings(scope.content);
    if (visible === null) return { top: [], total: 0 };
    // One pass: every visible tag grouped, custom ones first; `total` counts the groups.
    const rows = await this.topTags(
      this.taggings().where(visible.sql, visible.parameters).addSelect('COUNT(*) OVER ()', 'total'),
      limit,
      false,
    );
    return {
      top: rows.filter((row) => row.type === 'custom').map((row) => row.name),
      total: Number(rows[0]?.total ?? 0),
    };
  }

  async ping(): Promise<void> {
    await this.dataSource.query('SELECT 1');
  }

  /** "The tagged object of `t` is content the caller may see", or null when they may see none. */
  private visibleTaggings(
    content: ReadableContent,
  ): { sql: string; parameters: Record<string, unknown> } | null {
    const kinds = [
      ['chart', 'slices', content.charts],
      ['dashboard', 'dashboards', content.dashboards],
      ['dataset', 'tables', content.datasets],
    ] as const;
    const arms: string[] = [];
    let parameters: Record<string, unknown> = {};
    for (const [objectType, table, filter] of kinds) {
      if (!filter) continue;
      // A probe of the tagged object by its key, under the filter; none when it keeps every row.
      const object = this.dataSource.createQueryBuilder().select('1').from(table, 'v');
      filter(object, 'v');
      if (object.expressionMap.wheres.length === 0) {
        arms.push(`t.object_type = '${objectType}'`);
        continue;
      }
      object.andWhere('v.id = t.object_id');
      arms.push(`(t.object_type = '${objectType}' AND EXISTS (${object.getQuery()}))`);
      parameters = { ...parameters, ...object.getParameters() };
    }
    return arms.length > 0 ? { parameters, sql: `(${arms.join(' OR ')})` } : null;
  }

  private taggings(): SelectQueryBuilder<object> {
    return this.dataSource
      .createQueryBuilder()
      .from('tagged_object', 't')
      .innerJoin('tag', 'g', 'g.id = t.tag_id');
  }

  /**
   * Tags by uses, most used first: custom tags only, or (`customOnly` false) every type with the
   * custom ones first.
   */
  private topTags(
    taggings: SelectQueryBuilder<object>,
    limit: number,
    customOnly = true,
  ): Promise<{ name: string; type: string; total?: string | number }[]> {
    const query = taggings
      .addSelect('g.name', 'name')
      .addSelect('g.type', 'type')
      .addSelect('COUNT(*)', 'uses')
      .groupBy('g.id')
      .addGroupBy('g.name')
      .addGroupBy('g.type');
    if (customOnly) query.andWhere("g.type = 'custom'");
    else query.orderBy("CASE WHEN g.type = 'custom' THEN 0 ELSE 1 END", 'ASC');
    return query.addOrderBy('uses', 'DESC').addOrderBy('g.name', 'ASC').limit(limit).getRawMany();
  }

  /**
   * Links between a dashboard and a chart, each among the ids given (null: every row), and the
   * dashboards with at least one of them: one pass over `dashboard_slices`.
   */
  private async links(
    dashboardIds: SubquerySql | null,
    chartIds: SubquerySql | null,
  ): Promise<{ dashboards: number; links: number }> {
    const query = this.dataSource
      .createQueryBuilder()
      .select('COUNT(DISTINCT ds.dashboard_id)', 'dashboards')
      .addSelect('COUNT(*)', 'links')
      .from('dashboard_slices', 'ds');
    if (dashboardIds) {
      query.andWhere(`ds.dashboard_id IN (${dashboardIds.sql})`, dashboardIds.parameters);
    }
    if (chartIds) query.andWhere(`ds.slice_id IN (${chartIds.sql})`, chartIds.parameters);
    const row = await query.getRawOne<{ dashboards: string | number; links: string | number }>();
    return { dashboards: Number(row?.dashboards ?? 0), links: Number(row?.links ?? 0) };
  }

  /** The ids `filter` keeps of `table`, or null when it keeps every row (no condition to test). */
  private restricted(table: string, filter: RowFilter | undefined): SubquerySql | null {
    const query = this.idsOf(table, filter);
    return query.expressionMap.wheres.length > 0 ? this.subquery(query) : null;
  }

  /** `SELECT v.id FROM table v` under `filter` (no rows without one). */
  private idsOf(table: string, filter: RowFilter | undefined): SelectQueryBuilder<object> {
    const query = this.dataSource.createQueryBuilder().select('v.id').from(table, 'v');
    if (filter) filter(query, 'v');
    else query.where('1 = 0');
    return query;
  }

  private subquery(query: SelectQueryBuilder<object>): SubquerySql {
    return { parameters: query.getParameters(), sql: query.getQuery() };
  }

  /**
   * Each sum over the rows of `table` under `filter`, in one scan; all zero without a filter (a
   * kind the caller may not read).
   */
  private async tally<K extends string>(
    table: string,
    filter: RowFilter | undefined,
    sums: Readonly<Record<K, string>>,
    parameters: Record<string, unknown>,
  ): Promise<Record<K, number>> {
    const names = Object.keys(sums) as K[];
    const zeros = Object.fromEntries(names.map((name) => [name, 0])) as Record<K, number>;
    if (!filter) return zeros;
    const query = this.dataSource.createQueryBuilder().from(table, 't').setParameters(parameters);
    for (const [index, name] of names.entries()) {
      const sum = `SUM(${sums[name]})`;
      if (index === 0) query.select(sum, name);
      else query.addSelect(sum, name);
    }
    filter(query, 't');
    const row = await query.getRawOne<Record<K, string | number | null>>();
    return Object.fromEntries(names.map((name) => [name, Number(row?.[name] ?? 0)])) as Record<
      K,
      number
    >;
  }

  private async count(table: string): Promise<number> {
    const row = await this.dataSource
      .createQueryBuilder()
      .select('COUNT(*)', 'n')
      .from(table, 't')
      .getRawOne<{ n: string | number }>();
    return Number(row?.n ?? 0);
  }
}
