import { Entity, JoinTable, ManyToMany, PrimaryColumn, type Relation } from 'typeorm';

import { VarcharColumn } from '../superset/database/metadata-column.decorator.js';
import { AbRole } from './ab-role.entity.js';

/** Flask-AppBuilder ≥ 4.6 user group; absent from older metadata databases. */
@Entity({ name: 'ab_group' })
export class AbGroup {
  @PrimaryColumn({ name: 'id', type: 'integer' })
  id!: number;

  @VarcharColumn('name', { nullable: false })
  name!: string;

  @VarcharColumn('label')
  label!: string | null;

  @VarcharColumn('description')
  description!: string | null;

  /** Read-only view of `ab_group_role`; write through `AbGroupRole`. */
  @ManyToMany(() => AbRole)
  @JoinTable({
    name: 'ab_group_role',
    joinColumn: { name: 'group_id', referencedColumnName: 'id' },
    inverseJoinColumn: { name: 'role_id', referencedColumnName: 'id' },
  })
  roles?: Relation<AbRole>[];
}
