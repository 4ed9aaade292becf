import {
  Column,
  Entity,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  type Relation,
} from 'typeorm';

import { AbUser } from '../../users/ab-user.entity.js';
import { SupersetDatabase } from '../databases/database.entity.js';
import {
  BooleanColumn,
  IntegerColumn,
  TextColumn,
  TimestampColumn,
  VarcharColumn,
} from '../database/metadata-column.decorator.js';

/**
 * `NUMERIC(20, 6)` milliseconds since the epoch: pg reads it as text, SQLite as a number. Declared
 * varchar like the other columns so that both drivers pass the value through untouched.
 */
const epochMilliseconds = {
  from: (value: unknown): number | null =>
    value === null || value === undefined || value === '' ? null : Number(value),
  to: (value: unknown) => value,
};

function EpochMillisecondsColumn(name: string): PropertyDecorator {
  return Column({ name, nullable: true, transformer: epochMilliseconds, type: 'varchar' });
}

/** One statement run in SQL Lab (`query`): Superset's `Query` model, a row per run. */
@Entity({ name: 'query' })
export class QueryEntity {
  @PrimaryGeneratedColumn({ name: 'id', type: 'integer' })
  id!: number;

  @VarcharColumn('client_id', { nullable: false })
  clientId!: string;

  @IntegerColumn('database_id', { nullable: false })
  databaseId!: number;

  @VarcharColumn('tmp_table_name')
  tmpTableName!: string | null;

  @VarcharColumn('tab_name')
  tabName!: string | null;

  @VarcharColumn('sql_editor_id')
  sqlEditorId!: string | null;

  @IntegerColumn('user_id')
  userId!: number | null;

  @VarcharColumn('status')
  status!: string | null;

  @VarcharColumn('schema')
  schema!: string | null;

  @TextColumn('sql')
  sql!: string | null;

  @TextColumn('select_sql')
  selectSql!: string | null;

  @TextColumn('executed_sql')
  executedSql!: string | null;

  @IntegerColumn('limit')
  limit!: number | null;

  @BooleanColumn('select_as_cta')
  selectAsCta!: boolean | null;

  @BooleanColumn('select_as_cta_used')
  selectAsCtaUsed!: boolean | null;

  @IntegerColumn('progress')
  progress!: number | null;

  @IntegerColumn('rows')
  rows!: number | null;

  @TextColumn('error_message')
  errorMessage!: string | null;

  @EpochMillisecondsColumn('start_time')
  startTime!: number | null;

  /** Naive UTC (`datetime.utcnow()`), unlike the audit columns of other tables (local time). */
  @TimestampColumn('changed_on')
  changedOn!: Date | null;

  @EpochMillisecondsColumn('end_time')
  endTime!: number | null;

  @VarcharColumn('results_key')
  resultsKey!: string | null;

  @EpochMillisecondsColumn('start_running_time')
  startRunningTime!: number | null;

  @EpochMillisecondsColumn('end_result_backend_time')
  endResultBackendTime!: number | null;

  @TextColumn('tracking_url')
  trackingUrl!: string | null;

  @TextColumn('extra_json')
  extraJson!: string | null;

  @VarcharColumn('tmp_schema_name')
  tmpSchemaName!: string | null;

  @VarcharColumn('ctas_method')
  ctasMethod!: string | null;

  @VarcharColumn('limiting_factor')
  limitingFactor!: string | null;

  /** Superset 4.1+; absent from older schemas, so never read unless asked for. */
  @VarcharColumn('catalog', { select: false })
  catalog?: string | null;

  @ManyToOne(() => AbUser, { nullable: true })
  @JoinColumn({ name: 'user_id' })
  user?: Relation<AbUser> | null;

  @ManyToOne(() => SupersetDatabase, { nullable: false })
  @JoinColumn({ name: 'database_id' })
  database?: Relation<SupersetDatabase>;
}
