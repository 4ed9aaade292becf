import { Entity, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';

import { IntegerColumn } from '../superset/database/metadata-column.decorator.js';
import { AbUser } from './ab-user.entity.js';
import { AbRole } from './ab-role.entity.js';

/** Direct role membership of a user. */
@Entity({ name: 'ab_user_role' })
export class AbUserRole {
  @PrimaryColumn({ name: 'id', type: 'integer' })
  id!: number;

  @IntegerColumn('user_id')
  userId!: number | null;

  @IntegerColumn('role_id')
  roleId!: number | null;

  @ManyToOne(() => AbUser, { nullable: true, onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: Relation<AbUser> | null;

  @ManyToOne(() => AbRole, { nullable: true, onDelete: 'CASCADE' })
  @JoinColumn({ name: 'role_id' })
  role?: Relation<AbRole> | null;
}
