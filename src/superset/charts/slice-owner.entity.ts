import { Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation } from 'typeorm';

import { IntegerColumn } from '../database/metadata-column.decorator.js';
import { AbUser } from '../../users/ab-user.entity.js';
import { Slice } from './slice.entity.js';

/** An owner of a chart. */
@Entity({ name: 'slice_user' })
export class SliceOwner {
  @PrimaryGeneratedColumn({ name: 'id', type: 'integer' })
  id!: number;

  @IntegerColumn('user_id')
  userId!: number | null;

  @IntegerColumn('slice_id')
  sliceId!: number | null;

  @ManyToOne(() => AbUser, { nullable: true, onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: Relation<AbUser> | null;

  @ManyToOne(() => Slice, { nullable: true, onDelete: 'CASCADE' })
  @JoinColumn({ name: 'slice_id' })
  slice?: Relation<Slice> | null;
}
