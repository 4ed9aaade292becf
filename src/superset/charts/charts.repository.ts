import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type SelectQueryBuilder } from 'typeorm';

import { InjectMetadataDialect } from '../database/inject-metadata-dialect.decorator.js';
import type { MetadataDialect } from '../database/metadata-dialect.js';
import { whereIdOrUuid } from '../database/identifier-lookup.js';
import { MetadataSchemaInspector } from '../database/metadata-schema-inspector.service.js';
import { timestampFromDb, uuidFromDb } from '../database/metadata-values.js';

/** Applies the caller's access filter to a query over `slices` aliased as given. */
export type RowFilter = (query: SelectQueryBuilder<object>, alias: string) => void;

/** A chart row as tools use it; JSON columns stay text until someone asks for them. */
export interface ChartRecord {
  readonly id: number;
  readonly uuid: string | null;
  readonly sliceName: string | null;
  readonly vizType: string | null;
  readonly description: string | null;
  readonly datasourceId: number | null;
  readonly datasourceType: string | null;
  /** The live name of the dataset (schema.table), not the copy stored on the chart. */
  readonly datasourceName: string | null;
  readonly cacheTimeout: number | null;
  readonly certifiedBy: string | null;
  readonly certificationDetails: string | null;
  readonly createdOn: Date | null;
  readonly changedOn: Date | null;
  readonly createdBy: string | null;
  readonly changedBy: string | null;
  readonly params: string | null;
  readonly queryContext: string | null;
}

/** Reads charts (`slices`) with the caller's access filter applied in SQL. */
@Injectable()
export class ChartsRepository {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectMetadataDialect() private readonly dialect: MetadataDialect,
    private readonly inspector: MetadataSchemaInspector,
  ) {}

  /** `FROM slices s`, restricted to what `filter` lets through; the lister adds the rest. */
  listQuery(filter: RowFilter): SelectQueryBuilder<object> {
    const query = this.dataSource.createQueryBuilder().from('slices', 's');
    filter(query, 's');
    return query;
  }

  /** The charts with these ids, in the same order; `withJson` also reads params/query_context. */
  async findByIds(ids: readonly number[], withJson: boolean): Promise<ChartRecord[]> {
    if (ids.length === 0) return [];
    const rows = await this.select(withJson)
      .where('s.id IN (:...ids)', { ids: [...ids] })
      .getRawMany<Record<string, unknown>>();
    const byId = new Map(rows.map((row) => [Number(row.id), toRecord(row)]));
    return ids.map((id) => byId.get(id)).filter((chart): chart is ChartRecord => !!chart);
  }

  /** One chart by numeric id or UUID, if the filter lets the caller see it. */
  async findOne(identifier: number | string, filter: RowFilter): Promise<ChartRecord | null> {
    const query = this.select(true);
    if (!whereIdOrUuid(query, 's', identifier, this.dialect)) return null;
    filter(query, 's');
    const row = await query.getRawOne<Record<string, unknown>>();
    return row ? toRecord(row) : null;
  }

  /** Dashboards (id, title) each chart is on, keyed by chart id. */
  async dashboardsOf(
    chartIds: readonly number[],
  ): Promise<Map<number, { id: number; title: string | null }[]>> {
    const result = new Map<number, { id: number; title: string | null }[]>();
    if (chartIds.length === 0) return result;
    const rows = await this.dataSource
      .createQueryBuilder()
      .select('ds.slice_id', 'chartId')
      .addSelect('d.id', 'id')
      .addSelect('d.dashboard_title', 'title')
      .from('dashboard_slices', 'ds')
      .innerJoin('dashboards', 'd', 'd.id = ds.dashboard_id')
      .where('ds.slice_id IN (:...chartIds)', { chartIds: [...chartIds] })
      .orderBy('d.id')
      .getRawMany<{ chartId: number; id: number; title: string | null }>();
    for (const row of rows) {
      const list = result.get(Number(row.chartId)) ?? [];
      list.push({ id: Number(row.id), title: row.title });
      result.set(Number(row.chartId), list);
    }
    return result;
  }

  private select(withJson: boolean): SelectQueryBuilder<object> {
    const query = this.dataSource
      .createQueryBuilder()
      .from('slices', 's')
      .select('s.id', 'id')
      .addSelect('s.uuid', 'uuid')
      .addSelect('s.slice_name', 'slice_name')
      .addSelect('s.viz_type', 'viz_type')
      .addSelect('s.description', 'description')
      .addSelect('s.datasource_id', 'datasource_id')
      .addSelect('s.datasource_type', 'datasource_type')
      .addSelect(
        `(SELECT CASE WHEN t.schema IS NULL OR t.schema = '' THEN t.table_name ELSE t.schema || '.' || t.table_name END FROM tables t WHERE t.id = s.datasource_id)`,
        'datasource_name',
      )
      .addSelect('s.cache_timeout', 'cache_timeout')
      .addSelect('s.certified_by', 'certified_by')
      .addSelect('s.certification_details', 'certification_details')
      .addSelect('s.created_on', 'created_on')
      .addSelect('s.changed_on', 'changed_on')
      .addSelect('(SELECT u.username FROM ab_user u WHERE u.id = s.created_by_fk)', 'created_by')
      .addSelect('(SELECT u.username FROM ab_user u WHERE u.id = s.changed_by_fk)', 'changed_by');
    if (withJson) {
      query.addSelect('s.params', 'params');
      if (this.inspector.hasColumn('slices', 'query_context')) {
        query.addSelect('s.query_context', 'query_context');
      }
    }
    return query;
  }
}

function toRecord(row: Record<string, unknown>): ChartRecord {
  const text = (key: string): string | null => {
    const value = row[key];
    if (value === null || value === undefined) return null;
    return typeof value === 'string' ? value : JSON.stringify(value);
  };
  const integer = (key: string) =>
    row[key] === null || row[key] === undefined ? null : Number(row[key]);
  return {
    cacheTimeout: integer('cache_timeout'),
    certificationDetails: text('certification_details'),
    certifiedBy: text('certified_by'),
    changedBy: text('changed_by'),
    changedOn: timestampFromDb(row.changed_on),
    createdBy: text('created_by'),
    createdOn: timestampFromDb(row.created_on),
    datasourceId: integer('datasource_id'),
    datasourceName: text('datasource_name'),
    datasourceType: text('datasource_type'),
    description: text('description'),
    id: Number(row.id),
    params: text('params'),
    queryContext: text('query_context'),
    sliceName: text('slice_name'),
    uuid: uuidFromDb(row.uuid),
    vizType: text('viz_type'),
  };
}
