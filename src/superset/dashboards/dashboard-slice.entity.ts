import { Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation } from 'typeorm';

import { IntegerColumn } from '../database/metadata-column.decorator.js';
import { Dashboard } from './dashboard.entity.js';
import { Slice } from '../charts/slice.entity.js';

/** A chart placed on a dashboard. */
@Entity({ name: 'dashboard_slices' })
export class DashboardSlice {
  @PrimaryGeneratedColumn({ name: 'id', type: 'integer' })
  id!: number;

  @IntegerColumn('dashboard_id')
  dashboardId!: number | null;

  @IntegerColumn('slice_id')
  sliceId!: number | null;

  @ManyToOne(() => Dashboard, { nullable: true, onDelete: 'CASCADE' })
  @JoinColumn({ name: 'dashboard_id' })
  dashboard?: Relation<Dashboard> | null;

  @ManyToOne(() => Slice, { nullable: true, onDelete: 'CASCADE' })
  @JoinColumn({ name: 'slice_id' })
  slice?: Relation<Slice> | null;
}
