import { Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation } from 'typeorm';

import { AbUser } from '../../users/ab-user.entity.js';
import { SupersetDatabase } from '../databases/database.entity.js';
import { AuditedEntity } from '../database/audited-entity.js';
import {
  IntegerColumn,
  TextColumn,
  TimestampColumn,
  UuidColumn,
  VarcharColumn,
} from '../database/metadata-column.decorator.js';

/** A query saved in SQL Lab (`saved_query`). */
@Entity({ name: 'saved_query' })
export class SavedQuery extends AuditedEntity {
  @PrimaryGeneratedColumn({ name: 'id', type: 'integer' })
  id!: number;

  @IntegerColumn('user_id')
  userId!: number | null;

  @IntegerColumn('db_id')
  dbId!: number | null;

  @VarcharColumn('label')
  label!: string | null;

  @VarcharColumn('schema')
  schema!: string | null;

  @TextColumn('sql')
  sql!: string | null;

  @TextColumn('description')
  description!: string | null;

  @TextColumn('extra_json')
  extraJson!: string | null;

  @TimestampColumn('last_run')
  lastRun!: Date | null;

  @IntegerColumn('rows')
  rows!: number | null;

  @UuidColumn('uuid')
  uuid!: string | null;

  @TextColumn('template_parameters')
  templateParameters!: string | null;

  @VarcharColumn('catalog', { select: false })
  catalog?: string | null;

  @ManyToOne(() => AbUser, { nullable: true })
  @JoinColumn({ name: 'user_id' })
  user?: Relation<AbUser> | null;

  @ManyToOne(() => SupersetDatabase, { nullable: true })
  @JoinColumn({ name: 'db_id' })
  database?: Relation<SupersetDatabase> | null;
}
