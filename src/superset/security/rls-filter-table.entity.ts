import { Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation } from 'typeorm';

import { IntegerColumn } from '../database/metadata-column.decorator.js';
import { SqlaTable } from '../datasets/sqla-table.entity.js';
import { RlsFilter } from './rls-filter.entity.js';

/** A dataset a row-level security filter applies to (no cascade in the database). */
@Entity({ name: 'rls_filter_tables' })
export class RlsFilterTable {
  @PrimaryGeneratedColumn({ name: 'id', type: 'integer' })
  id!: number;

  @IntegerColumn('table_id')
  tableId!: number | null;

  @IntegerColumn('rls_filter_id')
  rlsFilterId!: number | null;

  @ManyToOne(() => SqlaTable, { nullable: true })
  @JoinColumn({ name: 'table_id' })
  table?: Relation<SqlaTable> | null;

  @ManyToOne(() => RlsFilter, { nullable: true })
  @JoinColumn({ name: 'rls_filter_id' })
  rlsFilter?: Relation<RlsFilter> | null;
}
