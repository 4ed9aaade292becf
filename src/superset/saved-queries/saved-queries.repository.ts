import { randomUUID } from 'node:crypto';

import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type SelectQueryBuilder } from 'typeorm';

import type { RowFilter } from '../charts/charts.repository.js';
import { whereIdOrUuid } from '../database/identifier-lookup.js';
import { InjectMetadataDialect } from '../database/inject-metadata-dialect.decorator.js';
import type { MetadataDialect } from '../database/metadata-dialect.js';
import { MetadataSchemaInspector } from '../database/metadata-schema-inspector.service.js';
import {
  timestampFromDb,
  timestampToDb,
  uuidFromDb,
  uuidToDb,
} from '../database/metadata-values.js';

/** A saved query as tools show it. */
export interface SavedQueryRecord {
  readonly id: number;
  readonly uuid: string | null;
  readonly label: string | null;
  readonly description: string | null;
  readonly sql: string | null;
  readonly dbId: number | null;
  readonly databaseName: string | null;
  readonly schema: string | null;
  /** Null on schemas before Superset 4.1, which have no catalogs. */
  readonly catalog: string | null;
  readonly userId: number | null;
  readonly lastRun: Date | null;
  readonly rows: number | null;
  readonly createdOn: Date | null;
  readonly changedOn: Date | null;
  readonly createdBy: string | null;
  readonly changedBy: string | null;
}

/** What `create` writes: the fields SQL Lab's save form sends. */
export interface NewSavedQuery {
  readonly userId: number;
  readonly dbId: number;
  readonly label: string;
  readonly sql: string;
  readonly schema: string;
  readonly catalog: string | null;
  readonly description: string;
}

/** Reads and writes SQL Lab's saved queries (`saved_query`), reads filtered in SQL. */
@Injectable()
export class SavedQueriesRepository {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectMetadataDialect() private readonly dialect: MetadataDialect,
    private readonly inspector: MetadataSchemaInspector,
  ) {}

  /** Whether this Superset version stores a catalog with saved queries (4.1+). */
  get hasCatalogs(): boolean {
    return this.inspector.hasColumn('saved_query', 'catalog');
  }

  /** `FROM saved_query sq`, restricted to what `filter` lets through; the lister adds the rest. */
  listQuery(filter: RowFilter): SelectQueryBuilder<object> {
    const query = this.dataSource.createQueryBuilder().from('saved_query', 'sq');
    filter(query, 'sq');
    return query;
  }

  /** The saved queries with these ids, in the same order. */
  async findByIds(ids: readonly number[]): Promise<SavedQueryRecord[]> {
    if (ids.length === 0) return [];
    const rows = await this.select()
      .where('sq.id IN (:...ids)', { ids: [...ids] })
      .getRawMany<Record<string, unknown>>();
    const byId = new Map(rows.map((row) => [Number(row.id), toSavedQuery(row)]));
    return ids.map((id) => byId.get(id)).filter((query): query is SavedQueryRecord => !!query);
  }

  /** One saved query by numeric id or UUID, if the filter lets the caller see it. */
  async findOne(identifier: number | string, filter: RowFilter): Promise<SavedQueryRecord | null> {
    const query = this.select();
    if (!whereIdOrUuid(query, 'sq', identifier, this.dialect)) return null;
    filter(query, 'sq');
    const row = await query.getRawOne<Record<string, unknown>>();
    return row ? toSavedQuery(row) : null;
  }

  /**
   * Inserts a saved query as Superset's `SavedQueryDAO.create` does: a new UUID, the audit columns
   * set to the user and the naive local time, `extra_json` `{}`; returns its id.
   */
  async create(saved: NewSavedQuery, now: Date = new Date()): Promise<number> {
    const timestamp = timestampToDb(now);
    const values: Record<string, unknown> = {
      changed_by_fk: saved.userId,
      changed_on: timestamp,
      created_by_fk: saved.userId,
      created_on: timestamp,
      db_id: saved.dbId,
      description: saved.description,
      extra_json: '{}',
      label: saved.label,
      schema: saved.schema,
      sql: saved.sql,
      user_id: saved.userId,
      uuid: uuidToDb(this.dialect, randomUUID()),
      ...(this.hasCatalogs && { catalog: saved.catalog }),
    };
    const columns = Object.keys(values);
    const placeholders = columns.map((_, index) =>
      this.dialect === 'postgres' ? `$${index + 1}` : '?',
    );
    const rows: { id: number | string }[] = await this.dataSource.query(
      `INSERT INTO saved_query (${columns.join(', ')}) VALUES (${placeholders.join(', ')}) RETURNING id`,
      Object.values(values),
    );
    return Number(rows[0].id);
  }

  private select(): SelectQueryBuilder<object> {
    const query = this.dataSource
      .createQueryBuilder()
      .from('saved_query', 'sq')
      .select('sq.id', 'id')
      .addSelect('sq.uuid', 'uuid')
      .addSelect('sq.label', 'label')
      .addSelect('sq.description', 'description')
      .addSelect('sq.sql', 'sql')
      .addSelect('sq.db_id', 'db_id')
      .addSelect('(SELECT d.database_name FROM dbs d WHERE d.id = sq.db_id)', 'database_name')
      .addSelect('sq.schema', 'schema')
      .addSelect('sq.user_id', 'user_id')
      .addSelect('sq.last_run', 'last_run')
      .addSelect('sq.rows', 'rows')
      .addSelect('sq.created_on', 'created_on')
      .addSelect('sq.changed_on', 'changed_on')
      .addSelect('(SELECT u.username FROM ab_user u WHERE u.id = sq.created_by_fk)', 'created_by')
      .addSelect('(SELECT u.username FROM ab_user u WHERE u.id = sq.changed_by_fk)', 'changed_by');
    return this.hasCatalogs ? query.addSelect('sq.catalog', 'catalog') : query;
  }
}

function text(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function toSavedQuery(row: Record<string, unknown>): SavedQueryRecord {
  return {
    catalog: text(row.catalog),
    changedBy: text(row.changed_by),
    changedOn: timestampFromDb(row.changed_on),
    createdBy: text(row.created_by),
    createdOn: timestampFromDb(row.created_on),
    databaseName: text(row.database_name),
    dbId: row.db_id === null || row.db_id === undefined ? null : Number(row.db_id),
    description: text(row.description),
    id: Number(row.id),
    label: text(row.label),
    lastRun: timestampFromDb(row.last_run),
    rows: row.rows === null || row.rows === undefined ? null : Number(row.rows),
    schema: text(row.schema),
    sql: text(row.sql),
    uuid: uuidFromDb(row.uuid),
    userId: row.user_id === null || row.user_id === undefined ? null : Number(row.user_id),
  };
}
