import { Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation } from 'typeorm';

import { IntegerColumn } from '../database/metadata-column.decorator.js';
import { AbUser } from '../../users/ab-user.entity.js';
import { Dashboard } from './dashboard.entity.js';

/** An owner of a dashboard (no unique constraint in the database: avoid duplicates). */
@Entity({ name: 'dashboard_user' })
export class DashboardOwner {
  @PrimaryGeneratedColumn({ name: 'id', type: 'integer' })
  id!: number;

  @IntegerColumn('user_id')
  userId!: number | null;

  @IntegerColumn('dashboard_id')
  dashboardId!: number | null;

  @ManyToOne(() => AbUser, { nullable: true, onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: Relation<AbUser> | null;

  @ManyToOne(() => Dashboard, { nullable: true, onDelete: 'CASCADE' })
  @JoinColumn({ name: 'dashboard_id' })
  dashboard?: Relation<Dashboard> | null;
}
