import { Entity, JoinTable, ManyToMany, PrimaryGeneratedColumn, type Relation } from 'typeorm';

import { AbRole } from '../../users/ab-role.entity.js';
import { AuditedEntity } from '../database/audited-entity.js';
import { TextColumn, VarcharColumn } from '../database/metadata-column.decorator.js';
import { SqlaTable } from '../datasets/sqla-table.entity.js';

/**
 * A row-level security filter. `Regular` filters apply to the listed roles; `Base` filters apply
 * to everyone except them.
 */
@Entity({ name: 'row_level_security_filters' })
export class RlsFilter extends AuditedEntity {
  @PrimaryGeneratedColumn({ name: 'id', type: 'integer' })
  id!: number;

  @TextColumn('clause', { nullable: false })
  clause!: string;

  @VarcharColumn('filter_type')
  filterType!: string | null;

  @VarcharColumn('group_key')
  groupKey!: string | null;

  @VarcharColumn('name', { nullable: false })
  name!: string;

  @TextColumn('description')
  description!: string | null;

  /** Read-only view of `rls_filter_roles`; write through `RlsFilterRole`. */
  @ManyToMany(() => AbRole)
  @JoinTable({
    name: 'rls_filter_roles',
    joinColumn: { name: 'rls_filter_id', referencedColumnName: 'id' },
    inverseJoinColumn: { name: 'role_id', referencedColumnName: 'id' },
  })
  roles?: Relation<AbRole>[];

  /** Read-only view of `rls_filter_tables`; write through `RlsFilterTable`. */
  @ManyToMany(() => SqlaTable)
  @JoinTable({
    name: 'rls_filter_tables',
    joinColumn: { name: 'rls_filter_id', referencedColumnName: 'id' },
    inverseJoinColumn: { name: 'table_id', referencedColumnName: 'id' },
  })
  tables?: Relation<SqlaTable>[];
}
