import { Entity, JoinTable, ManyToMany, PrimaryColumn, type Relation } from 'typeorm';

import {
  BooleanColumn,
  IntegerColumn,
  TimestampColumn,
  VarcharColumn,
} from '../superset/database/metadata-column.decorator.js';
import { AbGroup } from './ab-group.entity.js';
import { AbRole } from './ab-role.entity.js';

/**
 * A Superset (Flask-AppBuilder) user. On Postgres `id` has no column default: inserts take it
 * from `nextval('ab_user_id_seq')`.
 */
@Entity({ name: 'ab_user' })
export class AbUser {
  @PrimaryColumn({ name: 'id', type: 'integer' })
  id!: number;

  @VarcharColumn('first_name', { nullable: false })
  firstName!: string;

  @VarcharColumn('last_name', { nullable: false })
  lastName!: string;

  @VarcharColumn('username', { nullable: false })
  username!: string;

  /** Password hash; never selected unless asked for. */
  @VarcharColumn('password', { select: false })
  password?: string | null;

  @BooleanColumn('active')
  active!: boolean | null;

  @VarcharColumn('email', { nullable: false })
  email!: string;

  @TimestampColumn('last_login')
  lastLogin!: Date | null;

  @IntegerColumn('login_count')
  loginCount!: number | null;

  @IntegerColumn('fail_login_count')
  failLoginCount!: number | null;

  @TimestampColumn('created_on')
  createdOn!: Date | null;

  @TimestampColumn('changed_on')
  changedOn!: Date | null;

  @IntegerColumn('created_by_fk')
  createdByFk!: number | null;

  @IntegerColumn('changed_by_fk')
  changedByFk!: number | null;

  /** Read-only view of `ab_user_role`; write through `AbUserRole` (its `id` needs the sequence). */
  @ManyToMany(() => AbRole)
  @JoinTable({
    name: 'ab_user_role',
    joinColumn: { name: 'user_id', referencedColumnName: 'id' },
    inverseJoinColumn: { name: 'role_id', referencedColumnName: 'id' },
  })
  roles?: Relation<AbRole>[];

  /** Read-only view of `ab_user_group`; only load it when the database has groups. */
  @ManyToMany(() => AbGroup)
  @JoinTable({
    name: 'ab_user_group',
    joinColumn: { name: 'user_id', referencedColumnName: 'id' },
    inverseJoinColumn: { name: 'group_id', referencedColumnName: 'id' },
  })
  groups?: Relation<AbGroup>[];
}
