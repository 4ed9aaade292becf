import { Entity, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';

import { IntegerColumn } from '../superset/database/metadata-column.decorator.js';
import { AbPermissionView } from './ab-permission-view.entity.js';
import { AbRole } from './ab-role.entity.js';

/** Grant of a permission-view to a role. */
@Entity({ name: 'ab_permission_view_role' })
export class AbPermissionViewRole {
  @PrimaryColumn({ name: 'id', type: 'integer' })
  id!: number;

  @IntegerColumn('permission_view_id')
  permissionViewId!: number | null;

  @IntegerColumn('role_id')
  roleId!: number | null;

  @ManyToOne(() => AbPermissionView, { nullable: true, onDelete: 'CASCADE' })
  @JoinColumn({ name: 'permission_view_id' })
  permissionView?: Relation<AbPermissionView> | null;

  @ManyToOne(() => AbRole, { nullable: true, onDelete: 'CASCADE' })
  @JoinColumn({ name: 'role_id' })
  role?: Relation<AbRole> | null;
}
