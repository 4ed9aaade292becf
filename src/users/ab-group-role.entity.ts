import { Entity, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';

import { IntegerColumn } from '../superset/database/metadata-column.decorator.js';
import { AbGroup } from './ab-group.entity.js';
import { AbRole } from './ab-role.entity.js';

/** Role granted to every member of a group. */
@Entity({ name: 'ab_group_role' })
export class AbGroupRole {
  @PrimaryColumn({ name: 'id', type: 'integer' })
  id!: number;

  @IntegerColumn('group_id')
  groupId!: number | null;

  @IntegerColumn('role_id')
  roleId!: number | null;

  @ManyToOne(() => AbGroup, { nullable: true, onDelete: 'CASCADE' })
  @JoinColumn({ name: 'group_id' })
  group?: Relation<AbGroup> | null;

  @ManyToOne(() => AbRole, { nullable: true, onDelete: 'CASCADE' })
  @JoinColumn({ name: 'role_id' })
  role?: Relation<AbRole> | null;
}
