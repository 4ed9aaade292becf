import { Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation } from 'typeorm';

import { AuditedEntity } from '../database/audited-entity.js';
import {
  BooleanColumn,
  IntegerColumn,
  TextColumn,
  UuidColumn,
  VarcharColumn,
} from '../database/metadata-column.decorator.js';
import { SqlaTable } from './sqla-table.entity.js';

/** A dataset column (`table_columns`); `expression` set means a calculated column. */
@Entity({ name: 'table_columns' })
export class TableColumn extends AuditedEntity {
  @PrimaryGeneratedColumn({ name: 'id', type: 'integer' })
  id!: number;

  @IntegerColumn('table_id')
  tableId!: number | null;

  @VarcharColumn('column_name', { nullable: false })
  columnName!: string;

  @BooleanColumn('is_dttm')
  isDttm!: boolean | null;

  @BooleanColumn('is_active')
  isActive!: boolean | null;

  @TextColumn('type')
  type!: string | null;

  @BooleanColumn('groupby')
  groupby!: boolean | null;

  @BooleanColumn('filterable')
  filterable!: boolean | null;

  @TextColumn('description')
  description!: string | null;

  @TextColumn('expression')
  expression!: string | null;

  @VarcharColumn('verbose_name')
  verboseName!: string | null;

  @VarcharColumn('python_date_format')
  pythonDateFormat!: string | null;

  @UuidColumn('uuid')
  uuid!: string | null;

  @TextColumn('extra')
  extra!: string | null;

  @VarcharColumn('advanced_data_type', { select: false })
  advancedDataType?: string | null;

  @VarcharColumn('datetime_format', { select: false })
  datetimeFormat?: string | null;

  @ManyToOne(() => SqlaTable, (table) => table.columns, { nullable: true, onDelete: 'CASCADE' })
  @JoinColumn({ name: 'table_id' })
  table?: Relation<SqlaTable> | null;
}
