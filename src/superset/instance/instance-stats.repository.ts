import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type SelectQueryBuilder } from 'typeorm';

import { backendOf } from '../databases/databases.repository.js';
import { MetadataSchemaInspector } from '../database/metadata-schema-inspector.service.js';
import { timestampToDb } from '../database/metadata-values.js';

const DAY_MS = 24 * 60 * 60 * 1000;

export interface InstanceCounts {
  readonly dashboards: number;
  readonly charts: number;
  readonly datasets: number;
  readonly databases: number;
  readonly users: number;
  readonly roles: number;
  readonly tags: number;
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

export interface InstanceActivity {
  readonly recent: RecentCounts;
  readonly dashboards: DashboardCounts;
}

export interface DashboardCounts {
  readonly published: number;
  readonly unpublished: number;
  readonly certified: number;
  readonly withCharts: number;
  readonly withoutCharts: number;
}

/** Whole-instance statistics read from the metadata database with a handful of COUNT queries. */
@Injectable()
export class InstanceStatsRepository {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly inspector: MetadataSchemaInspector,
  ) {}

  async counts(): Promise<InstanceCounts> {
    const [dashboards, charts, datasets, databases, users, roles, tags, dashboardChartLinks] =
      await Promise.all([
        this.count('dashboards'),
        this.count('slices'),
        this.count('tables'),
        this.count('dbs'),
        this.count('ab_user'),
        this.count('ab_role'),
        this.inspector.hasTable('tag') ? this.count('tag') : Promise.resolve(0),
        this.count('dashboard_slices'),
      ]);
    return { charts, dashboardChartLinks, dashboards, databases, datasets, roles, tags, users };
  }

  /**
   * What was created and modified lately, and the dashboards' breakdown, with one scan of each
   * content table: on a large instance every scan of `dashboards` reads its layouts too.
   */
  async activity(now: Date): Promise<InstanceActivity> {
    const parameters = {
      since30: timestampToDb(new Date(now.getTime() - 30 * DAY_MS)),
      since7: timestampToDb(new Date(now.getTime() - 7 * DAY_MS)),
      yes: true,
    };
    const recentConditions = {
      created: 't.created_on >= :since30',
      modified: 't.changed_on >= :since7',
    };
    const [dashboards, charts, datasets, withCharts] = await Promise.all([
      this.tally(
        'dashboards',
        {
          ...recentConditions,
          certified: "t.certified_by IS NOT NULL AND t.certified_by <> ''",
          published: 't.published = :yes',
          total: '1 = 1',
        },
        parameters,
      ),
      this.tally('slices', recentConditions, parameters),
      this.tally('tables', recentConditions, parameters),
      this.count('dashboards', (q) =>
        q.where('EXISTS (SELECT 1 FROM dashboard_slices ds WHERE ds.dashboard_id = t.id)'),
      ),
    ]);
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
    };
  }

  /** Backend names (the URI scheme without its driver) of every registered database. */
  async databaseBackends(): Promise<string[]> {
    const rows = await this.dataSource
      .createQueryBuilder()
      .select('t.sqlalchemy_uri', 'uri')
      .from('dbs', 't')
      .getRawMany<{ uri: string }>();
    return rows.map((row) => backendOf(row.uri) ?? 'unknown');
  }

  async topCreators(limit: number): Promise<string[]> {
    const rows = await this.dataSource
      .createQueryBuilder()
      .select('u.username', 'username')
      .addSelect('COUNT(*)', 'created')
      .from('slices', 't')
      .innerJoin('ab_user', 'u', 'u.id = t.created_by_fk')
      .groupBy('u.username')
      .orderBy('created', 'DESC')
      .addOrderBy('u.username', 'ASC')
      .limit(limit)
      .getRawMany<{ username: string }>();
    return rows.map((row) => row.username);
  }

  async topTags(limit: number): Promise<string[]> {
    if (!this.inspector.hasTable('tag') || !this.inspector.hasTable('tagged_object')) return [];
    const rows = await this.dataSource
      .createQueryBuilder()
      .select('g.name', 'name')
      .addSelect('COUNT(*)', 'uses')
      .from('tagged_object', 't')
      .innerJoin('tag', 'g', 'g.id = t.tag_id')
      .where("g.type = 'custom'")
      .groupBy('g.name')
      .orderBy('uses', 'DESC')
      .addOrderBy('g.name', 'ASC')
      .limit(limit)
      .getRawMany<{ name: string }>();
    return rows.map((row) => row.name);
  }

  async ping(): Promise<void> {
    await this.dataSource.query('SELECT 1');
  }

  /** How many rows of `table` meet each condition, counted in one scan. */
  private async tally<K extends string>(
    table: string,
    conditions: Readonly<Record<K, string>>,
    parameters: Record<string, unknown>,
  ): Promise<Record<K, number>> {
    const query = this.dataSource.createQueryBuilder().from(table, 't').setParameters(parameters);
    const names = Object.keys(conditions) as K[];
    for (const [index, name] of names.entries()) {
      const sum = `SUM(CASE WHEN ${conditions[name]} THEN 1 ELSE 0 END)`;
      if (index === 0) query.select(sum, name);
      else query.addSelect(sum, name);
    }
    const row = await query.getRawOne<Record<K, string | number | null>>();
    return Object.fromEntries(names.map((name) => [name, Number(row?.[name] ?? 0)])) as Record<
      K,
      number
    >;
  }

  private async count(
    table: string,
    where?: (query: SelectQueryBuilder<object>) => SelectQueryBuilder<object>,
  ): Promise<number> {
    let query = this.dataSource.createQueryBuilder().select('COUNT(*)', 'n').from(table, 't');
    if (where) query = where(query);
    const row = await query.getRawOne<{ n: string | number }>();
    return Number(row?.n ?? 0);
  }
}
