import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type SelectQueryBuilder } from 'typeorm';

import type { RowFilter } from '../charts/charts.repository.js';
import { timestampFromDb } from '../database/metadata-values.js';

/** A SQL Lab query (`query` row) as tools show it: what ran, where, by whom, and how it went. */
export interface QueryRecord {
  readonly id: number;
  readonly clientId: string | null;
  readonly databaseId: number;
  readonly databaseName: string | null;
  readonly userId: number | null;
  readonly username: string | null;
  readonly status: string | null;
  readonly schema: string | null;
  readonly tabName: string | null;
  readonly sql: string | null;
  readonly executedSql: string | null;
  readonly limit: number | null;
  readonly limitingFactor: string | null;
  readonly progress: number | null;
  readonly rows: number | null;
  readonly errorMessage: string | null;
  /** Milliseconds since the epoch, as Superset stores them. */
  readonly startTime: number | null;
  readonly endTime: number | null;
  readonly changedOn: Date | null;
}

/** Reads SQL Lab's query history (`query`) with the caller's access filter applied in SQL. */
@Injectable()
export class QueriesRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** `FROM query q`, restricted to what `filter` lets through; the lister adds the rest. */
  listQuery(filter: RowFilter): SelectQueryBuilder<object> {
    const query = this.dataSource.createQueryBuilder().from('query', 'q');
    filter(query, 'q');
    return query;
  }

  /** The queries with these ids, in the same order. */
  async findByIds(ids: readonly number[]): Promise<QueryRecord[]> {
    if (ids.length === 0) return [];
    const rows = await this.select()
      .where('q.id IN (:...ids)', { ids: [...ids] })
      .getRawMany<Record<string, unknown>>();
    const byId = new Map(rows.map((row) => [Number(row.id), toQuery(row)]));
    return ids.map((id) => byId.get(id)).filter((query): query is QueryRecord => !!query);
  }

  /** One query by id, if the filter lets the caller see it. */
  async findOne(id: number, filter: RowFilter): Promise<QueryRecord | null> {
    const query = this.select().where('q.id = :id', { id });
    filter(query, 'q');
    const row = await query.getRawOne<Record<string, unknown>>();
    return row ? toQuery(row) : null;
  }

  private select(): SelectQueryBuilder<object> {
    return this.dataSource
      .createQueryBuilder()
      .from('query', 'q')
      .select('q.id', 'id')
      .addSelect('q.client_id', 'client_id')
      .addSelect('q.database_id', 'database_id')
      .addSelect('(SELECT d.database_name FROM dbs d WHERE d.id = q.database_id)', 'database_name')
      .addSelect('q.user_id', 'user_id')
      .addSelect('(SELECT u.username FROM ab_user u WHERE u.id = q.user_id)', 'username')
      .addSelect('q.status', 'status')
      .addSelect('q.schema', 'schema')
      .addSelect('q.tab_name', 'tab_name')
      .addSelect('q.sql', 'sql')
      .addSelect('q.executed_sql', 'executed_sql')
      .addSelect('q."limit"', 'row_limit')
      .addSelect('q.limiting_factor', 'limiting_factor')
      .addSelect('q.progress', 'progress')
      .addSelect('q.rows', 'rows')
      .addSelect('q.error_message', 'error_message')
      .addSelect('q.start_time', 'start_time')
      .addSelect('q.end_time', 'end_time')
      .addSelect('q.changed_on', 'changed_on');
  }
}

function text(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/**
 * `query.changed_on` is naive UTC (Superset writes `datetime.utcnow()`), unlike the audit columns
 * of other tables: both drivers read naive text as local time, so the fields are taken as UTC.
 */
function utcTimestampFromDb(value: unknown): Date | null {
  const local = timestampFromDb(value);
  if (!local) return null;
  return new Date(
    Date.UTC(
      local.getFullYear(),
      local.getMonth(),
      local.getDate(),
      local.getHours(),
      local.getMinutes(),
      local.getSeconds(),
      local.getMilliseconds(),
    ),
  );
}

function integer(value: unknown): number | null {
  return value === null || value === undefined ? null : Number(value);
}

function toQuery(row: Record<string, unknown>): QueryRecord {
  return {
    changedOn: utcTimestampFromDb(row.changed_on),
    clientId: text(row.client_id),
    databaseId: Number(row.database_id),
    databaseName: text(row.database_name),
    endTime: integer(row.end_time),
    errorMessage: text(row.error_message),
    executedSql: text(row.executed_sql),
    id: Number(row.id),
    limit: integer(row.row_limit),
    limitingFactor: text(row.limiting_factor),
    progress: integer(row.progress),
    rows: integer(row.rows),
    schema: text(row.schema),
    sql: text(row.sql),
    startTime: integer(row.start_time),
    status: text(row.status),
    tabName: text(row.tab_name),
    userId: integer(row.user_id),
    username: text(row.username),
  };
}
