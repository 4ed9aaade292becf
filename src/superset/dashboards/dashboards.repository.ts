import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type SelectQueryBuilder } from 'typeorm';

import type { RowFilter } from '../charts/charts.repository.js';
import { InjectMetadataDialect } from '../database/inject-metadata-dialect.decorator.js';
import type { MetadataDialect } from '../database/metadata-dialect.js';
import { identifierKind } from '../database/identifier-lookup.js';
import { MetadataSchemaInspector } from '../database/metadata-schema-inspector.service.js';
import {
  booleanFromDb,
  timestampFromDb,
  uuidFromDb,
  uuidToDb,
} from '../database/metadata-values.js';

/** A dashboard row as tools use it; the JSON columns are only read when asked for. */
export interface DashboardRecord {
  readonly id: number;
  readonly uuid: string | null;
  readonly dashboardTitle: string | null;
  readonly slug: string | null;
  readonly description: string | null;
  readonly published: boolean | null;
  readonly certifiedBy: string | null;
  readonly certificationDetails: string | null;
  /** Undefined when the metadata database predates the column (as for the two below). */
  readonly isManagedExternally?: boolean | null;
  readonly externalUrl?: string | null;
  /** The uuid guest tokens use, when the dashboard is set up for embedding. */
  readonly embeddedUuid?: string | null;
  readonly createdOn: Date | null;
  readonly changedOn: Date | null;
  readonly createdBy: string | null;
  readonly changedBy: string | null;
  readonly css: string | null;
  readonly jsonMetadata: string | null;
  readonly positionJson: string | null;
}

/** How `findOne` recognised the identifier. */
export type DashboardMatch = 'id' | 'uuid' | 'slug' | 'title';

/** A chart on a dashboard, as the dashboard's chart summary shows it. */
export interface DashboardChartRow {
  readonly id: number;
  readonly sliceName: string | null;
  readonly vizType: string | null;
  readonly description: string | null;
  readonly datasourceName: string | null;
}

/**
 * `dashboard_title` → the slug a user would guess from it ("World Bank's Data" →
 * "world-banks-data"): lower case, punctuation dropped, runs of spaces, dashes and underscores
 * turned into one dash.
 */
export function slugifyTitle(title: string): string {
  return title
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]+/gu, '')
    .replace(/[\s_-]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/** Reads dashboards with the caller's access filter applied in SQL. */
@Injectable()
export class DashboardsRepository {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectMetadataDialect() private readonly dialect: MetadataDialect,
    private readonly inspector: MetadataSchemaInspector,
  ) {}

  /** `FROM dashboards d`, restricted to what `filter` lets through; the lister adds the rest. */
  listQuery(filter: RowFilter): SelectQueryBuilder<object> {
    const query = this.dataSource.createQueryBuilder().from('dashboards', 'd');
    filter(query, 'd');
    return query;
  }

  /** The dashboards with these ids, in the same order; `withJson` also reads css and the JSON. */
  async findByIds(ids: readonly number[], withJson: boolean): Promise<DashboardRecord[]> {
    if (ids.length === 0) return [];
    const rows = await this.select(withJson)
      .where('d.id IN (:...ids)', { ids: [...ids] })
      .getRawMany<Record<string, unknown>>();
    const byId = new Map(rows.map((row) => [Number(row.id), toRecord(row)]));
    return ids.map((id) => byId.get(id)).filter((row): row is DashboardRecord => !!row);
  }

  /**
   * One dashboard the filter lets through, by numeric id, UUID or slug, and failing those by a
   * title whose slugified form equals the identifier (the lowest id wins).
   */
  async findOne(
    identifier: number | string,
    filter: RowFilter,
  ): Promise<{ dashboard: DashboardRecord; matchedBy: DashboardMatch } | null> {
    const text = String(identifier).trim();
    const kind = identifierKind(identifier);
    if (kind === 'id') {
      const dashboard = await this.findWhere('d.id = :id', { id: Number(text) }, filter);
      return dashboard ? { dashboard, matchedBy: 'id' } : null;
    }
    if (kind === 'uuid') {
      const uuid = uuidToDb(this.dialect, text.toLowerCase());
      const dashboard = await this.findWhere('d.uuid = :uuid', { uuid }, filter);
      if (dashboard) return { dashboard, matchedBy: 'uuid' };
    }
    if (text === '') return null;
    const bySlug = await this.findWhere('d.slug = :slug', { slug: text }, filter);
    if (bySlug) return { dashboard: bySlug, matchedBy: 'slug' };
    const titleId = await this.findIdBySlugifiedTitle(text, filter);
    if (titleId === null) return null;
    const byTitle = await this.findWhere('d.id = :id', { id: titleId }, filter);
    return byTitle ? { dashboard: byTitle, matchedBy: 'title' } : null;
  }

  /** Up to `limit` charts on the dashboard that `filter` lets through (by chart id), and how many there are. */
  async chartsOn(
    dashboardId: number,
    filter: RowFilter,
    limit: number,
  ): Promise<{ total: number; charts: DashboardChartRow[] }> {
    const query = this.dataSource
      .createQueryBuilder()
      .from('dashboard_slices', 'ds')
      .innerJoin('slices', 's', 's.id = ds.slice_id')
      .where('ds.dashboard_id = :dashboardId', { dashboardId });
    filter(query, 's');
    const counted = await query
      .clone()
      .select('COUNT(DISTINCT s.id)', 'total')
      .getRawOne<{ total: number | string }>();
    const total = Number(counted?.total ?? 0);
    if (total === 0 || limit <= 0) return { charts: [], total };
    const rows = await query
      .select('s.id', 'id')
      .addSelect('s.slice_name', 'slice_name')
      .addSelect('s.viz_type', 'viz_type')
      .addSelect('s.description', 'description')
      .addSelect(datasourceNameSql('s'), 'datasource_name')
      .orderBy('s.id', 'ASC')
      .limit(limit)
      .getRawMany<Record<string, unknown>>();
    return {
      charts: rows.map((row) => ({
        datasourceName: text(row, 'datasource_name'),
        description: text(row, 'description'),
        id: Number(row.id),
        sliceName: text(row, 'slice_name'),
        vizType: text(row, 'viz_type'),
      })),
      total,
    };
  }

  /** How many charts `filter` lets through on each dashboard, keyed by dashboard id (0 when none). */
  async chartCounts(
    dashboardIds: readonly number[],
    filter: RowFilter,
  ): Promise<Map<number, number>> {
    const counts = new Map<number, number>(dashboardIds.map((id) => [id, 0]));
    if (dashboardIds.length === 0) return counts;
    const query = this.dataSource
      .createQueryBuilder()
      .select('ds.dashboard_id', 'dashboard_id')
      .addSelect('COUNT(DISTINCT s.id)', 'charts')
      .from('dashboard_slices', 'ds')
      .innerJoin('slices', 's', 's.id = ds.slice_id')
      .where('ds.dashboard_id IN (:...dashboardIds)', { dashboardIds: [...dashboardIds] });
    filter(query, 's');
    const rows = await query
      .groupBy('ds.dashboard_id')
      .getRawMany<{ dashboard_id: number | string; charts: number | string }>();
    for (const row of rows) counts.set(Number(row.dashboard_id), Number(row.charts));
    return counts;
  }

  /** Which of these chart ids `filter` lets through. */
  async visibleChartIds(chartIds: readonly number[], filter: RowFilter): Promise<Set<number>> {
    if (chartIds.length === 0) return new Set();
    const query = this.dataSource
      .createQueryBuilder()
      .select('s.id', 'id')
      .from('slices', 's')
      .where('s.id IN (:...chartIds)', { chartIds: [...new Set(chartIds)] });
    filter(query, 's');
    const rows = await query.getRawMany<{ id: number | string }>();
    return new Set(rows.map((row) => Number(row.id)));
  }

  /** Usernames of each dashboard's owners (`dashboard_user`), keyed by dashboard id. */
  async ownersOf(dashboardIds: readonly number[]): Promise<Map<number, string[]>> {
    const owners = new Map<number, string[]>(dashboardIds.map((id) => [id, []]));
    if (dashboardIds.length === 0) return owners;
    const rows = await this.dataSource
      .createQueryBuilder()
      .select('du.dashboard_id', 'dashboard_id')
      .addSelect('u.username', 'username')
      .from('dashboard_user', 'du')
      .innerJoin('ab_user', 'u', 'u.id = du.user_id')
      .where('du.dashboard_id IN (:...dashboardIds)', { dashboardIds: [...dashboardIds] })
      .orderBy('u.username')
      .getRawMany<{ dashboard_id: number | string; username: string }>();
    for (const row of rows) {
      const list = owners.get(Number(row.dashboard_id)) ?? [];
      if (!list.includes(row.username)) list.push(row.username);
      owners.set(Number(row.dashboard_id), list);
    }
    return owners;
  }

  private async findWhere(
    condition: string,
    parameters: Record<string, unknown>,
    filter: RowFilter,
  ): Promise<DashboardRecord | null> {
    const query = this.select(true).where(condition, parameters);
    filter(query, 'd');
    const row = await query.orderBy('d.id', 'ASC').limit(1).getRawOne<Record<string, unknown>>();
    return row ? toRecord(row) : null;
  }

  /**
   * The prefilter keeps titles holding the slug's letters and digits in order (slugifying only
   * drops characters and turns separators into dashes), so the exact comparison runs on few rows.
   * A non-ASCII letter matches any one character: SQLite's LOWER only folds ASCII.
   */
  private async findIdBySlugifiedTitle(
    identifier: string,
    filter: RowFilter,
  ): Promise<number | null> {
    const wanted = slugifyTitle(identifier);
    const characters = [...wanted.replaceAll('-', '')];
    if (characters.length === 0) return null;
    const pattern = `%${characters.map((char) => (char.charCodeAt(0) < 128 ? char : '_')).join('%')}%`;
    const query = this.dataSource
      .createQueryBuilder()
      .select('d.id', 'id')
      .addSelect('d.dashboard_title', 'dashboard_title')
      .from('dashboards', 'd')
      .where('LOWER(d.dashboard_title) LIKE :pattern', { pattern });
    filter(query, 'd');
    const rows = await query
      .orderBy('d.id', 'ASC')
      .getRawMany<{ id: number | string; dashboard_title: string | null }>();
    const match = rows.find(
      (row) => row.dashboard_title !== null && slugifyTitle(row.dashboard_title) === wanted,
    );
    return match ? Number(match.id) : null;
  }

  private select(withJson: boolean): SelectQueryBuilder<object> {
    const query = this.dataSource
      .createQueryBuilder()
      .from('dashboards', 'd')
      .select('d.id', 'id')
      .addSelect('d.uuid', 'uuid')
      .addSelect('d.dashboard_title', 'dashboard_title')
      .addSelect('d.slug', 'slug')
      .addSelect('d.description', 'description')
      .addSelect('d.published', 'published')
      .addSelect('d.certified_by', 'certified_by')
      .addSelect('d.certification_details', 'certification_details')
      .addSelect('d.created_on', 'created_on')
      .addSelect('d.changed_on', 'changed_on')
      .addSelect('(SELECT u.username FROM ab_user u WHERE u.id = d.created_by_fk)', 'created_by')
      .addSelect('(SELECT u.username FROM ab_user u WHERE u.id = d.changed_by_fk)', 'changed_by');
    if (this.inspector.hasColumn('dashboards', 'is_managed_externally')) {
      query.addSelect('d.is_managed_externally', 'is_managed_externally');
    }
    if (this.inspector.hasColumn('dashboards', 'external_url')) {
      query.addSelect('d.external_url', 'external_url');
    }
    if (this.inspector.hasColumn('embedded_dashboards', 'uuid')) {
      query.addSelect(
        '(SELECT e.uuid FROM embedded_dashboards e WHERE e.dashboard_id = d.id ORDER BY e.uuid LIMIT 1)',
        'embedded_uuid',
      );
    }
    if (withJson) {
      query
        .addSelect('d.css', 'css')
        .addSelect('d.json_metadata', 'json_metadata')
        .addSelect('d.position_json', 'position_json');
    }
    return query;
  }
}

function datasourceNameSql(chartAlias: string): string {
  return `(SELECT CASE WHEN t.schema IS NULL OR t.schema = '' THEN t.table_name ELSE t.schema || '.' || t.table_name END FROM tables t WHERE t.id = ${chartAlias}.datasource_id)`;
}

function text(row: Record<string, unknown>, key: string): string | null {
  const value = row[key];
  if (value === null || value === undefined) return null;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function toRecord(row: Record<string, unknown>): DashboardRecord {
  return {
    certificationDetails: text(row, 'certification_details'),
    certifiedBy: text(row, 'certified_by'),
    changedBy: text(row, 'changed_by'),
    changedOn: timestampFromDb(row.changed_on),
    createdBy: text(row, 'created_by'),
    createdOn: timestampFromDb(row.created_on),
    css: text(row, 'css'),
    dashboardTitle: text(row, 'dashboard_title'),
    description: text(row, 'description'),
    embeddedUuid: 'embedded_uuid' in row ? uuidFromDb(row.embedded_uuid) : undefined,
    externalUrl: 'external_url' in row ? text(row, 'external_url') : undefined,
    id: Number(row.id),
    isManagedExternally:
      'is_managed_externally' in row ? booleanFromDb(row.is_managed_externally) : undefined,
    jsonMetadata: text(row, 'json_metadata'),
    positionJson: text(row, 'position_json'),
    published: booleanFromDb(row.published),
    slug: text(row, 'slug'),
    uuid: uuidFromDb(row.uuid),
  };
}
