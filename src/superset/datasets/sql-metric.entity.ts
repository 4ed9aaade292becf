import { Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation } from 'typeorm';

import { AuditedEntity } from '../database/audited-entity.js';
import {
  IntegerColumn,
  TextColumn,
  UuidColumn,
  VarcharColumn,
} from '../database/metadata-column.decorator.js';
import { SqlaTable } from './sqla-table.entity.js';

/** A saved metric of a dataset (`sql_metrics`). */
@Entity({ name: 'sql_metrics' })
export class SqlMetric extends AuditedEntity {
  @PrimaryGeneratedColumn({ name: 'id', type: 'integer' })
  id!: number;

  @VarcharColumn('metric_name', { nullable: false })
  metricName!: string;

  @VarcharColumn('verbose_name')
  verboseName!: string | null;

  @VarcharColumn('metric_type')
  metricType!: string | null;

  @IntegerColumn('table_id')
  tableId!: number | null;

  @TextColumn('expression', { nullable: false })
  expression!: string;

  @TextColumn('description')
  description!: string | null;

  @VarcharColumn('d3format')
  d3format!: string | null;

  @TextColumn('warning_text')
  warningText!: string | null;

  @TextColumn('extra')
  extra!: string | null;

  @UuidColumn('uuid')
  uuid!: string | null;

  /**
   * jsonb on Postgres 5.0+ (parsed by pg), JSON-encoded text elsewhere, sometimes a JSON string of
   * the object or a Python repr in old rows.
   */
  @VarcharColumn('currency', { select: false })
  currency?: unknown;

  @ManyToOne(() => SqlaTable, (table) => table.metrics, { nullable: true, onDelete: 'CASCADE' })
  @JoinColumn({ name: 'table_id' })
  table?: Relation<SqlaTable> | null;
}
