import {
  Entity,
  JoinColumn,
  JoinTable,
  ManyToMany,
  ManyToOne,
  OneToMany,
  PrimaryGeneratedColumn,
  type Relation,
} from 'typeorm';

import { AbUser } from '../../users/ab-user.entity.js';
import { SupersetDatabase } from '../databases/database.entity.js';
import { AuditedEntity } from '../database/audited-entity.js';
import {
  BooleanColumn,
  IntegerColumn,
  TextColumn,
  UuidColumn,
  VarcharColumn,
} from '../database/metadata-column.decorator.js';
import { SqlMetric } from './sql-metric.entity.js';
import { TableColumn } from './table-column.entity.js';

/** A dataset (`tables`): physical when `sql` is null, virtual otherwise. */
@Entity({ name: 'tables' })
export class SqlaTable extends AuditedEntity {
  @PrimaryGeneratedColumn({ name: 'id', type: 'integer' })
  id!: number;

  @VarcharColumn('table_name', { nullable: false })
  tableName!: string;

  @VarcharColumn('main_dttm_col')
  mainDttmCol!: string | null;

  @TextColumn('default_endpoint')
  defaultEndpoint!: string | null;

  @IntegerColumn('database_id', { nullable: false })
  databaseId!: number;

  @IntegerColumn('offset')
  offset!: number | null;

  @TextColumn('description')
  description!: string | null;

  @BooleanColumn('is_featured')
  isFeatured!: boolean | null;

  @IntegerColumn('cache_timeout')
  cacheTimeout!: number | null;

  @VarcharColumn('schema')
  schema!: string | null;

  @TextColumn('sql')
  sql!: string | null;

  @TextColumn('params')
  params!: string | null;

  @VarcharColumn('perm')
  perm!: string | null;

  @BooleanColumn('filter_select_enabled')
  filterSelectEnabled!: boolean | null;

  @TextColumn('fetch_values_predicate')
  fetchValuesPredicate!: string | null;

  @BooleanColumn('is_sqllab_view')
  isSqllabView!: boolean | null;

  @TextColumn('template_params')
  templateParams!: string | null;

  @VarcharColumn('schema_perm')
  schemaPerm!: string | null;

  @TextColumn('extra')
  extra!: string | null;

  @UuidColumn('uuid')
  uuid!: string | null;

  @BooleanColumn('is_managed_externally', { select: false })
  isManagedExternally?: boolean | null;

  @TextColumn('external_url', { select: false })
  externalUrl?: string | null;

  @BooleanColumn('normalize_columns', { select: false })
  normalizeColumns?: boolean | null;

  @BooleanColumn('always_filter_main_dttm', { select: false })
  alwaysFilterMainDttm?: boolean | null;

  @VarcharColumn('catalog', { select: false })
  catalog?: string | null;

  @VarcharColumn('catalog_perm', { select: false })
  catalogPerm?: string | null;

  /** Native JSON on Postgres (parsed by pg), text on SQLite: read it with `parseJsonText`. */
  @VarcharColumn('folders', { select: false })
  folders?: unknown;

  @VarcharColumn('currency_code_column', { select: false })
  currencyCodeColumn?: string | null;

  @ManyToOne(() => SupersetDatabase, { nullable: true })
  @JoinColumn({ name: 'database_id' })
  database?: Relation<SupersetDatabase> | null;

  @OneToMany(() => TableColumn, (column) => column.table)
  columns?: Relation<TableColumn>[];

  @OneToMany(() => SqlMetric, (metric) => metric.table)
  metrics?: Relation<SqlMetric>[];

  /** Read-only view of `sqlatable_user`; write through `DatasetOwner`. */
  @ManyToMany(() => AbUser)
  @JoinTable({
    name: 'sqlatable_user',
    joinColumn: { name: 'table_id', referencedColumnName: 'id' },
    inverseJoinColumn: { name: 'user_id', referencedColumnName: 'id' },
  })
  owners?: Relation<AbUser>[];
}
