import { Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation } from 'typeorm';

import { IntegerColumn } from '../database/metadata-column.decorator.js';
import { AbRole } from '../../users/ab-role.entity.js';
import { Dashboard } from './dashboard.entity.js';

/** A role a dashboard is shared with under DASHBOARD_RBAC. */
@Entity({ name: 'dashboard_roles' })
export class DashboardRole {
  @PrimaryGeneratedColumn({ name: 'id', type: 'integer' })
  id!: number;

  @IntegerColumn('role_id', { nullable: false })
  roleId!: number;

  @IntegerColumn('dashboard_id')
  dashboardId!: number | null;

  @ManyToOne(() => AbRole, { nullable: true, onDelete: 'CASCADE' })
  @JoinColumn({ name: 'role_id' })
  role?: Relation<AbRole> | null;

  @ManyToOne(() => Dashboard, { nullable: true, onDelete: 'CASCADE' })
  @JoinColumn({ name: 'dashboard_id' })
  dashboard?: Relation<Dashboard> | null;
}
