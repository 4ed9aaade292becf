import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

import {
  BooleanColumn,
  IntegerColumn,
  TextColumn,
  TimestampColumn,
  VarcharColumn,
} from '../database/metadata-column.decorator.js';

/**
 * Superset's `Numeric(20, 6)` milliseconds since the epoch. Declared varchar like every column
 * here (the drivers take numbers as they are); pg returns numerics as strings.
 */
function EpochMillisecondsColumn(name: string): PropertyDecorator {
  return Column({
    name,
    type: 'varchar',
    nullable: true,
    transformer: {
      from: (value: unknown) => (value === null || value === undefined ? null : Number(value)),
      to: (value: unknown) => value,
    },
  });
}

/**
 * One SQL Lab run (`query`). `changed_on` is naive UTC (`datetime.utcnow()`), the `*_time`
 * columns epoch milliseconds. `catalog` (Superset 4.1+) is left unmapped: older schemas lack it.
 */
@Entity({ name: 'query' })
export class SqlLabQuery {
  @PrimaryGeneratedColumn({ name: 'id', type: 'integer' })
  id!: number;

  @VarcharColumn('client_id', { nullable: false })
  clientId!: string;

  @IntegerColumn('database_id', { nullable: false })
  databaseId!: number;

  @VarcharColumn('tab_name')
  tabName!: string | null;

  @VarcharColumn('sql_editor_id')
  sqlEditorId!: string | null;

  @IntegerColumn('user_id')
  userId!: number | null;

  /** `stopped|failed|pending|running|scheduled|success|fetching|timed_out`. */
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

  @TimestampColumn('changed_on')
  changedOn!: Date | string | null;

  @EpochMillisecondsColumn('end_time')
  endTime!: number | null;

  @EpochMillisecondsColumn('start_running_time')
  startRunningTime!: number | null;

  @VarcharColumn('results_key')
  resultsKey!: string | null;

  @TextColumn('extra_json')
  extraJson!: string | null;

  @VarcharColumn('ctas_method')
  ctasMethod!: string | null;

  /** `QUERY|DROPDOWN|QUERY_AND_DROPDOWN|NOT_LIMITED|UNKNOWN`. */
  @VarcharColumn('limiting_factor')
  limitingFactor!: string | null;
}
