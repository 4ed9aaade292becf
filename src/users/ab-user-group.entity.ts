import { Entity, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';

import { IntegerColumn } from '../superset/database/metadata-column.decorator.js';
import { AbUser } from './ab-user.entity.js';
import { AbGroup } from './ab-group.entity.js';

/** Group membership of a user. */
@Entity({ name: 'ab_user_group' })
export class AbUserGroup {
  @PrimaryColumn({ name: 'id', type: 'integer' })
  id!: number;

  @IntegerColumn('user_id')
  userId!: number | null;

  @IntegerColumn('group_id')
  groupId!: number | null;

  @ManyToOne(() => AbUser, { nullable: true, onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: Relation<AbUser> | null;

  @ManyToOne(() => AbGroup, { nullable: true, onDelete: 'CASCADE' })
  @JoinColumn({ name: 'group_id' })
  group?: Relation<AbGroup> | null;
}
