import { Entity, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';

import { IntegerColumn } from '../superset/database/metadata-column.decorator.js';
import { AbPermission } from './ab-permission.entity.js';
import { AbViewMenu } from './ab-view-menu.entity.js';

/** A permission on a view menu, the unit that roles are granted. */
@Entity({ name: 'ab_permission_view' })
export class AbPermissionView {
  @PrimaryColumn({ name: 'id', type: 'integer' })
  id!: number;

  @IntegerColumn('permission_id')
  permissionId!: number | null;

  @IntegerColumn('view_menu_id')
  viewMenuId!: number | null;

  @ManyToOne(() => AbPermission, { nullable: true })
  @JoinColumn({ name: 'permission_id' })
  permission?: Relation<AbPermission> | null;

  @ManyToOne(() => AbViewMenu, { nullable: true })
  @JoinColumn({ name: 'view_menu_id' })
  viewMenu?: Relation<AbViewMenu> | null;
}
