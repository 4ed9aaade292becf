import {
  Entity,
  JoinColumn,
  JoinTable,
  ManyToMany,
  ManyToOne,
  PrimaryGeneratedColumn,
  type Relation,
} from 'typeorm';

import { AbUser } from '../../users/ab-user.entity.js';
import { Dashboard } from '../dashboards/dashboard.entity.js';
import { AuditedEntity } from '../database/audited-entity.js';
import {
  BooleanColumn,
  IntegerColumn,
  TextColumn,
  TimestampColumn,
  UuidColumn,
  VarcharColumn,
} from '../database/metadata-column.decorator.js';
import { SqlaTable } from '../datasets/sqla-table.entity.js';

/**
 * A chart (`slices`). `perm`, `schema_perm` and `catalog_perm` are copies of the dataset's values
 * that Superset's list filter relies on; `params` and `query_context` are JSON text.
 */
@Entity({ name: 'slices' })
export class Slice extends AuditedEntity {
  @PrimaryGeneratedColumn({ name: 'id', type: 'integer' })
  id!: number;

  @VarcharColumn('slice_name')
  sliceName!: string | null;

  @VarcharColumn('datasource_type')
  datasourceType!: string | null;

  @VarcharColumn('datasource_name')
  datasourceName!: string | null;

  @VarcharColumn('viz_type')
  vizType!: string | null;

  @TextColumn('params')
  params!: string | null;

  @TextColumn('description')
  description!: string | null;

  @IntegerColumn('cache_timeout')
  cacheTimeout!: number | null;

  @VarcharColumn('perm')
  perm!: string | null;

  /** `tables.id` when `datasource_type` is 'table'; there is no foreign key in the database. */
  @IntegerColumn('datasource_id')
  datasourceId!: number | null;

  @VarcharColumn('schema_perm')
  schemaPerm!: string | null;

  @UuidColumn('uuid')
  uuid!: string | null;

  @TextColumn('query_context')
  queryContext!: string | null;

  @TextColumn('certified_by')
  certifiedBy!: string | null;

  @TextColumn('certification_details')
  certificationDetails!: string | null;

  @TimestampColumn('last_saved_at', { select: false })
  lastSavedAt?: Date | null;

  @IntegerColumn('last_saved_by_fk', { select: false })
  lastSavedByFk?: number | null;

  @BooleanColumn('is_managed_externally', { select: false })
  isManagedExternally?: boolean | null;

  @TextColumn('external_url', { select: false })
  externalUrl?: string | null;

  @VarcharColumn('catalog_perm', { select: false })
  catalogPerm?: string | null;

  @ManyToOne(() => SqlaTable, { nullable: true, createForeignKeyConstraints: false })
  @JoinColumn({ name: 'datasource_id' })
  datasource?: Relation<SqlaTable> | null;

  @ManyToOne(() => AbUser, { nullable: true })
  @JoinColumn({ name: 'created_by_fk' })
  createdBy?: Relation<AbUser> | null;

  @ManyToOne(() => AbUser, { nullable: true })
  @JoinColumn({ name: 'changed_by_fk' })
  changedBy?: Relation<AbUser> | null;

  /** Read-only view of `slice_user`; write through `SliceOwner`. */
  @ManyToMany(() => AbUser)
  @JoinTable({
    name: 'slice_user',
    joinColumn: { name: 'slice_id', referencedColumnName: 'id' },
    inverseJoinColumn: { name: 'user_id', referencedColumnName: 'id' },
  })
  owners?: Relation<AbUser>[];

  @ManyToMany(() => Dashboard, (dashboard) => dashboard.slices)
  dashboards?: Relation<Dashboard>[];
}
