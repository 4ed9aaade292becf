import { Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation } from 'typeorm';

import { IntegerColumn } from '../database/metadata-column.decorator.js';
import { AbRole } from '../../users/ab-role.entity.js';
import { RlsFilter } from './rls-filter.entity.js';

/** A role a row-level security filter is linked to (no cascade in the database). */
@Entity({ name: 'rls_filter_roles' })
export class RlsFilterRole {
  @PrimaryGeneratedColumn({ name: 'id', type: 'integer' })
  id!: number;

  @IntegerColumn('role_id', { nullable: false })
  roleId!: number;

  @IntegerColumn('rls_filter_id')
  rlsFilterId!: number | null;

  @ManyToOne(() => AbRole, { nullable: true })
  @JoinColumn({ name: 'role_id' })
  role?: Relation<AbRole> | null;

  @ManyToOne(() => RlsFilter, { nullable: true })
  @JoinColumn({ name: 'rls_filter_id' })
  rlsFilter?: Relation<RlsFilter> | null;
}
