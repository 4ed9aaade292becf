import { Entity, PrimaryGeneratedColumn } from 'typeorm';

import {
  IntegerColumn,
  TextColumn,
  TimestampColumn,
  VarcharColumn,
} from '../database/metadata-column.decorator.js';

/** Superset's action log (`logs`); `dttm` is naive UTC, unlike the audit columns elsewhere. */
@Entity({ name: 'logs' })
export class Log {
  @PrimaryGeneratedColumn({ name: 'id', type: 'integer' })
  id!: number;

  @VarcharColumn('action')
  action!: string | null;

  @IntegerColumn('user_id')
  userId!: number | null;

  @TextColumn('json')
  json!: string | null;

  @TimestampColumn('dttm')
  dttm!: Date | null;

  @IntegerColumn('dashboard_id')
  dashboardId!: number | null;

  @IntegerColumn('slice_id')
  sliceId!: number | null;

  @IntegerColumn('duration_ms')
  durationMs!: number | null;

  @VarcharColumn('referrer')
  referrer!: string | null;
}
