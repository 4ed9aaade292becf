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

  async recent(now: Date): Promise<RecentCounts> {
    const since30 = timestampToDb(new Date(now.getTime() - 30 * DAY_MS));
    const since7 = timestampToDb(new Date(now.getTime() - 7 * DAY_MS));
    const [
      dashboardsCreated30d,
      chartsCreated30d,
      datasetsCreated30d,
      dashboardsModified7d,
      chartsModified7d,
      datasetsModified7d,
    ] = await Promise.all([
      this.count('dashboards', (q) => q.where('t.created_on >= :since', { since: since30 })),
      this.count('slices', (q) => q.where('t.created_on >= :since', { since: since30 })),
      this.count('tables', (q) => q.where('t.created_on >= :since', { since: since30 })),
      this.count('dashboards', (q) => q.where('t.changed_on >= :since', { since: since7 })),
      this.count('slices', (q) => q.where('t.changed_on >= :since', { since: since7 })),
      this.count('tables', (q) => q.where('t.changed_on >= :since', { since: since7 })),
    ]);
    return {
      chartsCreated30d,
      chartsModified7d,
      dashboardsCreated30d,
      dashboardsModified7d,
      datasetsCreated30d,
      datasetsModified7d,
    };
  }

  async dashboards(): Promise<DashboardCounts> {
    const linked = (q: SelectQueryBuilder<object>) =>
      q.where('EXISTS (SELECT 1 FROM dashboard_slices ds WHERE ds.dashboard_id = t.id)');
    const [published, total, certified, withCharts] = await Promise.all([
      this.count('dashboards', (q) => q.where('t.published = :yes', { yes: true })),
      this.count('dashboards'),
      this.count('dashboards', (q) =>
        q.where("t.certified_by IS NOT NULL AND t.certified_by <> ''"),
      ),
      this.count('dashboards', linked),
    ]);
    return {
      certified,
      published,
      unpublished: total - published,
      withCharts,
      withoutCharts: total - withCharts,
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
