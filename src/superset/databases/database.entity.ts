import { Entity, PrimaryGeneratedColumn } from 'typeorm';

import { AuditedEntity } from '../database/audited-entity.js';
import {
  BooleanColumn,
  BytesColumn,
  IntegerColumn,
  TextColumn,
  UuidColumn,
  VarcharColumn,
} from '../database/metadata-column.decorator.js';

/**
 * A target database registered in Superset (`dbs`). The three encrypted columns are never
 * selected by default; ask for them explicitly where a connection is built.
 */
@Entity({ name: 'dbs' })
export class SupersetDatabase extends AuditedEntity {
  @PrimaryGeneratedColumn({ name: 'id', type: 'integer' })
  id!: number;

  @VarcharColumn('database_name', { nullable: false })
  databaseName!: string;

  /** Password replaced by `XXXXXXXXXX`; the real one is in `password`. */
  @VarcharColumn('sqlalchemy_uri', { nullable: false })
  sqlalchemyUri!: string;

  @BytesColumn('password', { select: false })
  password?: Buffer | null;

  @IntegerColumn('cache_timeout')
  cacheTimeout!: number | null;

  @TextColumn('extra')
  extra!: string | null;

  @BooleanColumn('select_as_create_table_as')
  selectAsCreateTableAs!: boolean | null;

  @BooleanColumn('allow_ctas')
  allowCtas!: boolean | null;

  @BooleanColumn('expose_in_sqllab')
  exposeInSqllab!: boolean | null;

  @VarcharColumn('force_ctas_schema')
  forceCtasSchema!: string | null;

  @BooleanColumn('allow_run_async')
  allowRunAsync!: boolean | null;

  @BooleanColumn('allow_dml')
  allowDml!: boolean | null;

  @VarcharColumn('verbose_name')
  verboseName!: string | null;

  @BooleanColumn('impersonate_user')
  impersonateUser!: boolean | null;

  @BooleanColumn('allow_file_upload')
  allowFileUpload!: boolean | null;

  @BytesColumn('encrypted_extra', { select: false })
  encryptedExtra?: Buffer | null;

  @BytesColumn('server_cert', { select: false })
  serverCert?: Buffer | null;

  @BooleanColumn('allow_cvas')
  allowCvas!: boolean | null;

  @UuidColumn('uuid')
  uuid!: string | null;

  @VarcharColumn('configuration_method')
  configurationMethod!: string | null;

  @BooleanColumn('is_managed_externally', { select: false })
  isManagedExternally?: boolean | null;

  @TextColumn('external_url', { select: false })
  externalUrl?: string | null;
}
