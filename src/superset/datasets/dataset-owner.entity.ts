import { Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation } from 'typeorm';

import { IntegerColumn } from '../database/metadata-column.decorator.js';
import { AbUser } from '../../users/ab-user.entity.js';
import { SqlaTable } from './sqla-table.entity.js';

/** An owner of a dataset. */
@Entity({ name: 'sqlatable_user' })
export class DatasetOwner {
  @PrimaryGeneratedColumn({ name: 'id', type: 'integer' })
  id!: number;

  @IntegerColumn('user_id')
  userId!: number | null;

  @IntegerColumn('table_id')
  tableId!: number | null;

  @ManyToOne(() => AbUser, { nullable: true, onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: Relation<AbUser> | null;

  @ManyToOne(() => SqlaTable, { nullable: true, onDelete: 'CASCADE' })
  @JoinColumn({ name: 'table_id' })
  table?: Relation<SqlaTable> | null;
}
