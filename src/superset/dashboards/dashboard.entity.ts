import {
  Entity,
  JoinColumn,
  JoinTable,
  ManyToMany,
  ManyToOne,
  PrimaryGeneratedColumn,
  type Relation,
} from 'typeorm';

import { AbRole } from '../../users/ab-role.entity.js';
import { AbUser } from '../../users/ab-user.entity.js';
import { Slice } from '../charts/slice.entity.js';
import { AuditedEntity } from '../database/audited-entity.js';
import {
  BooleanColumn,
  IntegerColumn,
  TextColumn,
  UuidColumn,
  VarcharColumn,
} from '../database/metadata-column.decorator.js';

/** `position_json` and `json_metadata` are JSON text: read them with `parseJsonText`. */
@Entity({ name: 'dashboards' })
export class Dashboard extends AuditedEntity {
  @PrimaryGeneratedColumn({ name: 'id', type: 'integer' })
  id!: number;

  @VarcharColumn('dashboard_title')
  dashboardTitle!: string | null;

  @TextColumn('position_json')
  positionJson!: string | null;

  @TextColumn('css')
  css!: string | null;

  @TextColumn('description')
  description!: string | null;

  @VarcharColumn('slug')
  slug!: string | null;

  @TextColumn('json_metadata')
  jsonMetadata!: string | null;

  @BooleanColumn('published')
  published!: boolean | null;

  @UuidColumn('uuid')
  uuid!: string | null;

  @TextColumn('certified_by')
  certifiedBy!: string | null;

  @TextColumn('certification_details')
  certificationDetails!: string | null;

  @BooleanColumn('is_managed_externally', { select: false })
  isManagedExternally?: boolean | null;

  @TextColumn('external_url', { select: false })
  externalUrl?: string | null;

  @IntegerColumn('theme_id', { select: false })
  themeId?: number | null;

  @ManyToOne(() => AbUser, { nullable: true })
  @JoinColumn({ name: 'created_by_fk' })
  createdBy?: Relation<AbUser> | null;

  @ManyToOne(() => AbUser, { nullable: true })
  @JoinColumn({ name: 'changed_by_fk' })
  changedBy?: Relation<AbUser> | null;

  /** Read-only view of `dashboard_user`; write through `DashboardOwner`. */
  @ManyToMany(() => AbUser)
  @JoinTable({
    name: 'dashboard_user',
    joinColumn: { name: 'dashboard_id', referencedColumnName: 'id' },
    inverseJoinColumn: { name: 'user_id', referencedColumnName: 'id' },
  })
  owners?: Relation<AbUser>[];

  /** Read-only view of `dashboard_slices`; write through `DashboardSlice`. */
  @ManyToMany(() => Slice, (slice) => slice.dashboards)
  @JoinTable({
    name: 'dashboard_slices',
    joinColumn: { name: 'dashboard_id', referencedColumnName: 'id' },
    inverseJoinColumn: { name: 'slice_id', referencedColumnName: 'id' },
  })
  slices?: Relation<Slice>[];

  /** Read-only view of `dashboard_roles`; write through `DashboardRole`. */
  @ManyToMany(() => AbRole)
  @JoinTable({
    name: 'dashboard_roles',
    joinColumn: { name: 'dashboard_id', referencedColumnName: 'id' },
    inverseJoinColumn: { name: 'role_id', referencedColumnName: 'id' },
  })
  roles?: Relation<AbRole>[];
}
