import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type SelectQueryBuilder } from 'typeorm';

import { backendOf } from '../databases/databases.repository.js';

/** Applies the caller's access filter to a query over the model's table aliased as given. */
export type AccessFilter = (query: SelectQueryBuilder<object>, alias: string) => void;

/** The metadata table behind each kind of content. */
const TABLES = {
  charts: 'slices',
  dashboards: 'dashboards',
  databases: 'dbs',
  datasets: 'tables',
} as const;

export type ContentKind = keyof typeof TABLES;

export interface DatasetSummary {
  readonly id: number;
  readonly tableName: string;
  readonly schema: string | null;
  readonly databaseId: number;
  readonly databaseName: string | null;
}

/** What one caller can reach, counted and sampled in SQL with the caller's access filter applied. */
@Injectable()
export class AccessibleContentRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** How many rows of `kind` the filter lets through. */
  async count(kind: ContentKind, filter: AccessFilter): Promise<number> {
    const query = this.dataSource
      .createQueryBuilder()
      .select('COUNT(*)', 'n')
      .from(TABLES[kind], 'c');
    filter(query, 'c');
    const row = await query.getRawOne<{ n: string | number }>();
    return Number(row?.n ?? 0);
  }

  /** The most recently changed datasets the filter lets through, newest first. */
  async recentDatasets(filter: AccessFilter, limit: number): Promise<DatasetSummary[]> {
    const query = this.dataSource
      .createQueryBuilder()
      .select('c.id', 'id')
      .addSelect('c.table_name', 'table_name')
      .addSelect('c.schema', 'schema')
      .addSelect('c.database_id', 'database_id')
      .addSelect('d.database_name', 'database_name')
      .from('tables', 'c')
      .leftJoin('dbs', 'd', 'd.id = c.database_id');
    filter(query, 'c');
    const rows = await query
      .orderBy('c.changed_on', 'DESC')
      .addOrderBy('c.id', 'DESC')
      .limit(limit)
      .getRawMany<Record<string, unknown>>();
    return rows.map((row) => ({
      databaseId: Number(row.database_id),
      databaseName: (row.database_name as string | null) ?? null,
      id: Number(row.id),
      schema: (row.schema as string | null) ?? null,
      tableName: String(row.table_name),
    }));
  }

  /** Visualization types of the charts the filter lets through, with how many use each. */
  async vizTypes(filter: AccessFilter): Promise<{ vizType: string; charts: number }[]> {
    const query = this.dataSource
      .createQueryBuilder()
      .select('c.viz_type', 'viz_type')
      .addSelect('COUNT(*)', 'n')
      .from('slices', 'c')
      .where('c.viz_type IS NOT NULL');
    filter(query, 'c');
    const rows = await query
      .groupBy('c.viz_type')
      .orderBy('n', 'DESC')
      .addOrderBy('c.viz_type', 'ASC')
      .getRawMany<{ viz_type: string; n: string | number }>();
    return rows.map((row) => ({ charts: Number(row.n), vizType: row.viz_type }));
  }

  /** Backend names (`postgresql`, `sqlite`, …) of the databases the filter lets through. */
  async databaseBackends(filter: AccessFilter): Promise<string[]> {
    const query = this.dataSource
      .createQueryBuilder()
      .select('c.sqlalchemy_uri', 'uri')
      .from('dbs', 'c');
    filter(query, 'c');
    const rows = await query.getRawMany<{ uri: string }>();
    return rows.map((row) => backendOf(row.uri) ?? 'unknown');
  }
}
