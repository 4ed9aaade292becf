import { Entity, JoinTable, ManyToMany, PrimaryColumn, type Relation } from 'typeorm';

import { VarcharColumn } from '../superset/database/metadata-column.decorator.js';
import { AbPermissionView } from './ab-permission-view.entity.js';

@Entity({ name: 'ab_role' })
export class AbRole {
  @PrimaryColumn({ name: 'id', type: 'integer' })
  id!: number;

  @VarcharColumn('name', { nullable: false })
  name!: string;

  /** Read-only view of `ab_permission_view_role`; write grants through `AbPermissionViewRole`. */
  @ManyToMany(() => AbPermissionView)
  @JoinTable({
    name: 'ab_permission_view_role',
    joinColumn: { name: 'role_id', referencedColumnName: 'id' },
    inverseJoinColumn: { name: 'permission_view_id', referencedColumnName: 'id' },
  })
  permissions?: Relation<AbPermissionView>[];
}
