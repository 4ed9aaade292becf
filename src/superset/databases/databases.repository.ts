import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type SelectQueryBuilder } from 'typeorm';

import type { RowFilter } from '../charts/charts.repository.js';
import { InjectMetadataDialect } from '../database/inject-metadata-dialect.decorator.js';
import { whereIdOrUuid } from '../database/identifier-lookup.js';
import type { MetadataDialect } from '../database/metadata-dialect.js';
import {
  booleanFromDb,
  parseJsonObject,
  timestampFromDb,
  uuidFromDb,
} from '../database/metadata-values.js';

/**
 * A database connection as tools may show it. Deliberately without the URI, password,
 * `encrypted_extra`, `server_cert` and raw `extra`: only the engine name and a few
 * harmless `extra` switches leave the repository.
 */
export interface DatabaseRecord {
  readonly id: number;
  readonly uuid: string | null;
  readonly databaseName: string;
  /** Engine of the URI without its driver: `postgresql`, `sqlite`, `mysql`, … */
  readonly backend: string | null;
  readonly exposeInSqllab: boolean;
  readonly allowCtas: boolean;
  readonly allowCvas: boolean;
  readonly allowDml: boolean;
  readonly allowRunAsync: boolean;
  readonly allowFileUpload: boolean;
  readonly impersonateUser: boolean;
  readonly forceCtasSchema: string | null;
  readonly cacheTimeout: number | null;
  readonly configurationMethod: string | null;
  readonly isManagedExternally: boolean;
  readonly allowsVirtualTableExplore: boolean;
  readonly disableDataPreview: boolean;
  readonly costEstimateEnabled: boolean;
  readonly createdOn: Date | null;
  readonly changedOn: Date | null;
  readonly createdBy: string | null;
  readonly changedBy: string | null;
}

const URI_SCHEME = /^([A-Za-z][\w.-]*)(?:\+[\w.-]*)?:\/\//;

/** Reads database connections (`dbs`) with the caller's access filter applied in SQL. */
@Injectable()
export class DatabasesRepository {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectMetadataDialect() private readonly dialect: MetadataDialect,
  ) {}

  /** `FROM dbs db`, restricted to what `filter` lets through; the lister adds the rest. */
  listQuery(filter: RowFilter): SelectQueryBuilder<object> {
    const query = this.dataSource.createQueryBuilder().from('dbs', 'db');
    filter(query, 'db');
    return query;
  }

  /** The databases with these ids, in the same order. */
  async findByIds(ids: readonly number[]): Promise<DatabaseRecord[]> {
    if (ids.length === 0) return [];
    const rows = await this.select()
      .where('db.id IN (:...ids)', { ids: [...ids] })
      .getRawMany<Record<string, unknown>>();
    const byId = new Map(rows.map((row) => [Number(row.id), toDatabase(row)]));
    return ids
      .map((id) => byId.get(id))
      .filter((database): database is DatabaseRecord => !!database);
  }

  /** One database by numeric id or UUID, if the filter lets the caller see it. */
  async findOne(identifier: number | string, filter: RowFilter): Promise<DatabaseRecord | null> {
    const query = this.select();
    if (!whereIdOrUuid(query, 'db', identifier, this.dialect)) return null;
    filter(query, 'db');
    const row = await query.getRawOne<Record<string, unknown>>();
    return row ? toDatabase(row) : null;
  }

  /** How many datasets of each database `datasetFilter` lets through (over `tables`), by database id. */
  async datasetCounts(
    databaseIds: readonly number[],
    datasetFilter: RowFilter,
  ): Promise<Map<number, number>> {
    if (databaseIds.length === 0) return new Map();
    const query = this.dataSource
      .createQueryBuilder()
      .from('tables', 'ct')
      .select('ct.database_id', 'database_id')
      .addSelect('COUNT(*)', 'datasets')
      .where('ct.database_id IN (:...databaseIds)', { databaseIds: [...databaseIds] });
    datasetFilter(query, 'ct');
    const rows = await query
      .groupBy('ct.database_id')
      .getRawMany<{ database_id: number | string; datasets: number | string }>();
    return new Map(rows.map((row) => [Number(row.database_id), Number(row.datasets)]));
  }

  private select(): SelectQueryBuilder<object> {
    return this.dataSource
      .createQueryBuilder()
      .from('dbs', 'db')
      .select('db.id', 'id')
      .addSelect('db.uuid', 'uuid')
      .addSelect('db.database_name', 'database_name')
      .addSelect('db.sqlalchemy_uri', 'sqlalchemy_uri')
      .addSelect('db.expose_in_sqllab', 'expose_in_sqllab')
      .addSelect('db.allow_ctas', 'allow_ctas')
      .addSelect('db.allow_cvas', 'allow_cvas')
      .addSelect('db.allow_dml', 'allow_dml')
      .addSelect('db.allow_run_async', 'allow_run_async')
      .addSelect('db.allow_file_upload', 'allow_file_upload')
      .addSelect('db.impersonate_user', 'impersonate_user')
      .addSelect('db.force_ctas_schema', 'force_ctas_schema')
      .addSelect('db.cache_timeout', 'cache_timeout')
      .addSelect('db.configuration_method', 'configuration_method')
      .addSelect('db.is_managed_externally', 'is_managed_externally')
      .addSelect('db.extra', 'extra')
      .addSelect('db.created_on', 'created_on')
      .addSelect('db.changed_on', 'changed_on')
      .addSelect('(SELECT u.username FROM ab_user u WHERE u.id = db.created_by_fk)', 'created_by')
      .addSelect('(SELECT u.username FROM ab_user u WHERE u.id = db.changed_by_fk)', 'changed_by');
  }
}

/** `postgresql+psycopg2://…` → `postgresql`, as Superset's `Database.backend`. */
export function backendOf(sqlalchemyUri: unknown): string | null {
  if (typeof sqlalchemyUri !== 'string') return null;
  const backend = URI_SCHEME.exec(sqlalchemyUri.trim())?.[1]?.toLowerCase() ?? null;
  return backend === 'postgres' ? 'postgresql' : backend;
}

function text(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function toDatabase(row: Record<string, unknown>): DatabaseRecord {
  const flag = (key: string, fallback = false) => booleanFromDb(row[key]) ?? fallback;
  const extra = parseJsonObject(row.extra);
  return {
    allowCtas: flag('allow_ctas'),
    allowCvas: flag('allow_cvas'),
    allowDml: flag('allow_dml'),
    allowFileUpload: flag('allow_file_upload'),
    allowRunAsync: flag('allow_run_async'),
    allowsVirtualTableExplore: extra.allows_virtual_table_explore !== false,
    backend: backendOf(row.sqlalchemy_uri),
    cacheTimeout:
      row.cache_timeout === null || row.cache_timeout === undefined
        ? null
        : Number(row.cache_timeout),
    changedBy: text(row.changed_by),
    changedOn: timestampFromDb(row.changed_on),
    configurationMethod: text(row.configuration_method),
    costEstimateEnabled: extra.cost_estimate_enabled === true,
    createdBy: text(row.created_by),
    createdOn: timestampFromDb(row.created_on),
    databaseName: String(row.database_name),
    disableDataPreview: extra.disable_data_preview === true,
    exposeInSqllab: flag('expose_in_sqllab', true),
    forceCtasSchema: text(row.force_ctas_schema),
    id: Number(row.id),
    impersonateUser: flag('impersonate_user'),
    isManagedExternally: flag('is_managed_externally'),
    uuid: uuidFromDb(row.uuid),
  };
}
