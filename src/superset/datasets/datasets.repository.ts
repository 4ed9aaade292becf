import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type SelectQueryBuilder } from 'typeorm';

import type { RowFilter } from '../charts/charts.repository.js';
import { InjectMetadataDialect } from '../database/inject-metadata-dialect.decorator.js';
import type { MetadataDialect } from '../database/metadata-dialect.js';
import { whereIdOrUuid } from '../database/identifier-lookup.js';
import { MetadataSchemaInspector } from '../database/metadata-schema-inspector.service.js';
import {
  booleanFromDb,
  parseJsonObject,
  timestampFromDb,
  uuidFromDb,
} from '../database/metadata-values.js';

/** A dataset row as tools use it; JSON columns stay text until someone asks for them. */
export interface DatasetRecord {
  readonly id: number;
  readonly uuid: string | null;
  readonly tableName: string;
  readonly schema: string | null;
  /** Null on metadata databases older than Superset 4.1. */
  readonly catalog: string | null;
  readonly databaseId: number;
  readonly databaseName: string | null;
  readonly description: string | null;
  readonly mainDttmCol: string | null;
  readonly isVirtual: boolean;
  /** Only read when `withSql` was asked for. */
  readonly sql: string | null;
  readonly certifiedBy: string | null;
  readonly certificationDetails: string | null;
  readonly cacheTimeout: number | null;
  readonly offset: number | null;
  readonly schemaPerm: string | null;
  readonly extra: string | null;
  readonly params: string | null;
  readonly templateParams: string | null;
  readonly createdOn: Date | null;
  readonly changedOn: Date | null;
  readonly createdBy: string | null;
  readonly changedBy: string | null;
}

/** An active column of a dataset (`table_columns`). */
export interface DatasetColumnRecord {
  readonly datasetId: number;
  readonly columnName: string;
  readonly type: string | null;
  readonly isDttm: boolean;
  readonly verboseName: string | null;
  readonly groupby: boolean;
  readonly filterable: boolean;
  readonly description: string | null;
  readonly expression: string | null;
  readonly pythonDateFormat: string | null;
}

/** A saved metric of a dataset (`sql_metrics`). */
export interface DatasetMetricRecord {
  readonly datasetId: number;
  readonly metricName: string;
  readonly verboseName: string | null;
  readonly expression: string;
  readonly description: string | null;
  readonly d3format: string | null;
}

export interface DatasetOwnerRecord {
  readonly id: number;
  readonly username: string;
  readonly firstName: string | null;
  readonly lastName: string | null;
}

/** Reads datasets (`tables`), their columns, metrics and owners, with the caller's access filter in SQL. */
@Injectable()
export class DatasetsRepository {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectMetadataDialect() private readonly dialect: MetadataDialect,
    private readonly inspector: MetadataSchemaInspector,
  ) {}

  /** `FROM tables t`, restricted to what `filter` lets through; the lister adds the rest. */
  listQuery(filter: RowFilter): SelectQueryBuilder<object> {
    const query = this.dataSource.createQueryBuilder().from('tables', 't');
    filter(query, 't');
    return query;
  }

  /** The datasets with these ids, in the same order; `withSql` also reads the virtual SQL. */
  async findByIds(ids: readonly number[], withSql: boolean): Promise<DatasetRecord[]> {
    if (ids.length === 0) return [];
    const rows = await this.select(withSql)
      .where('t.id IN (:...ids)', { ids: [...ids] })
      .getRawMany<Record<string, unknown>>();
    const byId = new Map(rows.map((row) => [Number(row.id), toDataset(row)]));
    return ids.map((id) => byId.get(id)).filter((dataset): dataset is DatasetRecord => !!dataset);
  }

  /** One dataset by numeric id or UUID, if the filter lets the caller see it. */
  async findOne(identifier: number | string, filter: RowFilter): Promise<DatasetRecord | null> {
    const query = this.select(true);
    if (!whereIdOrUuid(query, 't', identifier, this.dialect)) return null;
    filter(query, 't');
    const row = await query.getRawOne<Record<string, unknown>>();
    return row ? toDataset(row) : null;
  }

  /** Active columns of each dataset, in definition order, keyed by dataset id. */
  async columnsOf(datasetIds: readonly number[]): Promise<Map<number, DatasetColumnRecord[]>> {
    if (datasetIds.length === 0) return new Map();
    const query = this.dataSource
      .createQueryBuilder()
      .from('table_columns', 'tc')
      .select('tc.table_id', 'table_id')
      .addSelect('tc.column_name', 'column_name')
      .addSelect('tc.type', 'type')
      .addSelect('tc.is_dttm', 'is_dttm')
      .addSelect('tc.verbose_name', 'verbose_name')
      .addSelect('tc.groupby', 'groupby')
      .addSelect('tc.filterable', 'filterable')
      .addSelect('tc.description', 'description')
      .addSelect('tc.expression', 'expression')
      .addSelect('tc.python_date_format', 'python_date_format')
      .where('tc.table_id IN (:...datasetIds)', { datasetIds: [...datasetIds] })
      .andWhere('(tc.is_active = :active OR tc.is_active IS NULL)', { active: true })
      .orderBy('tc.table_id')
      .addOrderBy('tc.id');
    const rows = await query.getRawMany<Record<string, unknown>>();
    return groupBy(rows, (row) => ({
      columnName: String(row.column_name),
      datasetId: Number(row.table_id),
      description: text(row.description),
      expression: text(row.expression),
      filterable: booleanFromDb(row.filterable) ?? true,
      groupby: booleanFromDb(row.groupby) ?? true,
      isDttm: booleanFromDb(row.is_dttm) ?? false,
      pythonDateFormat: text(row.python_date_format),
      type: text(row.type),
      verboseName: text(row.verbose_name),
    }));
  }

  /** Saved metrics of each dataset, keyed by dataset id. */
  async metricsOf(datasetIds: readonly number[]): Promise<Map<number, DatasetMetricRecord[]>> {
    if (datasetIds.length === 0) return new Map();
    const rows = await this.dataSource
      .createQueryBuilder()
      .from('sql_metrics', 'm')
      .select('m.table_id', 'table_id')
      .addSelect('m.metric_name', 'metric_name')
      .addSelect('m.verbose_name', 'verbose_name')
      .addSelect('m.expression', 'expression')
      .addSelect('m.description', 'description')
      .addSelect('m.d3format', 'd3format')
      .where('m.table_id IN (:...datasetIds)', { datasetIds: [...datasetIds] })
      .orderBy('m.table_id')
      .addOrderBy('m.id')
      .getRawMany<Record<string, unknown>>();
    return groupBy(rows, (row) => ({
      d3format: text(row.d3format),
      datasetId: Number(row.table_id),
      description: text(row.description),
      expression: text(row.expression) ?? '',
      metricName: String(row.metric_name),
      verboseName: text(row.verbose_name),
    }));
  }

  /** Owners (`sqlatable_user`) of each dataset, keyed by dataset id. */
  async ownersOf(datasetIds: readonly number[]): Promise<Map<number, DatasetOwnerRecord[]>> {
    if (datasetIds.length === 0) return new Map();
    const rows = await this.dataSource
      .createQueryBuilder()
      .from('sqlatable_user', 'o')
      .innerJoin('ab_user', 'u', 'u.id = o.user_id')
      .select('o.table_id', 'table_id')
      .addSelect('u.id', 'id')
      .addSelect('u.username', 'username')
      .addSelect('u.first_name', 'first_name')
      .addSelect('u.last_name', 'last_name')
      .where('o.table_id IN (:...datasetIds)', { datasetIds: [...datasetIds] })
      .orderBy('o.table_id')
      .addOrderBy('u.id')
      .getRawMany<Record<string, unknown>>();
    const owners = new Map<number, DatasetOwnerRecord[]>();
    for (const row of rows) {
      const datasetId = Number(row.table_id);
      const list = owners.get(datasetId) ?? [];
      list.push({
        firstName: text(row.first_name),
        id: Number(row.id),
        lastName: text(row.last_name),
        username: String(row.username),
      });
      owners.set(datasetId, list);
    }
    return owners;
  }

  private select(withSql: boolean): SelectQueryBuilder<object> {
    const query = this.dataSource
      .createQueryBuilder()
      .from('tables', 't')
      .select('t.id', 'id')
      .addSelect('t.uuid', 'uuid')
      .addSelect('t.table_name', 'table_name')
      .addSelect('t.schema', 'schema')
      .addSelect('t.database_id', 'database_id')
      .addSelect(
        '(SELECT t_db.database_name FROM dbs t_db WHERE t_db.id = t.database_id)',
        'database_name',
      )
      .addSelect('t.description', 'description')
      .addSelect('t.main_dttm_col', 'main_dttm_col')
      .addSelect("CASE WHEN t.sql IS NULL OR t.sql = '' THEN 0 ELSE 1 END", 'is_virtual')
      .addSelect('t.cache_timeout', 'cache_timeout')
      .addSelect('t."offset"', 'offset')
      .addSelect('t.schema_perm', 'schema_perm')
      .addSelect('t.extra', 'extra')
      .addSelect('t.params', 'params')
      .addSelect('t.template_params', 'template_params')
      .addSelect('t.created_on', 'created_on')
      .addSelect('t.changed_on', 'changed_on')
      .addSelect('(SELECT u.username FROM ab_user u WHERE u.id = t.created_by_fk)', 'created_by')
      .addSelect('(SELECT u.username FROM ab_user u WHERE u.id = t.changed_by_fk)', 'changed_by');
    if (this.inspector.hasColumn('tables', 'catalog')) query.addSelect('t.catalog', 'catalog');
    if (withSql) query.addSelect('t.sql', 'sql');
    return query;
  }
}

function text(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function integer(value: unknown): number | null {
  return value === null || value === undefined ? null : Number(value);
}

function groupBy<T extends { readonly datasetId: number }>(
  rows: readonly Record<string, unknown>[],
  toRecord: (row: Record<string, unknown>) => T,
): Map<number, T[]> {
  const result = new Map<number, T[]>();
  for (const row of rows) {
    const record = toRecord(row);
    const list = result.get(record.datasetId) ?? [];
    list.push(record);
    result.set(record.datasetId, list);
  }
  return result;
}

function toDataset(row: Record<string, unknown>): DatasetRecord {
  const extra = text(row.extra);
  const certification = parseJsonObject(extra).certification;
  const certified =
    typeof certification === 'object' && certification !== null
      ? (certification as Record<string, unknown>)
      : {};
  return {
    cacheTimeout: integer(row.cache_timeout),
    catalog: text(row.catalog),
    certificationDetails: typeof certified.details === 'string' ? certified.details : null,
    certifiedBy: typeof certified.certified_by === 'string' ? certified.certified_by : null,
    changedBy: text(row.changed_by),
    changedOn: timestampFromDb(row.changed_on),
    createdBy: text(row.created_by),
    createdOn: timestampFromDb(row.created_on),
    databaseId: Number(row.database_id),
    databaseName: text(row.database_name),
    description: text(row.description),
    extra,
    id: Number(row.id),
    isVirtual: Number(row.is_virtual) === 1,
    mainDttmCol: text(row.main_dttm_col),
    offset: integer(row.offset),
    params: text(row.params),
    schema: text(row.schema),
    schemaPerm: text(row.schema_perm),
    sql: text(row.sql),
    tableName: String(row.table_name),
    templateParams: text(row.template_params),
    uuid: uuidFromDb(row.uuid),
  };
}
