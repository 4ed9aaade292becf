import { Entity, PrimaryGeneratedColumn } from 'typeorm';

import { AuditedEntity } from '../database/audited-entity.js';
import {
  BytesColumn,
  TimestampColumn,
  UuidColumn,
  VarcharColumn,
} from '../database/metadata-column.decorator.js';

/** Permalinks, shared app values and cache entries (`key_value`); `value` is codec-encoded bytes. */
@Entity({ name: 'key_value' })
export class KeyValue extends AuditedEntity {
  @PrimaryGeneratedColumn({ name: 'id', type: 'integer' })
  id!: number;

  @VarcharColumn('resource', { nullable: false })
  resource!: string;

  @BytesColumn('value', { nullable: false })
  value!: Buffer;

  @UuidColumn('uuid')
  uuid!: string | null;

  @TimestampColumn('expires_on')
  expiresOn!: Date | null;
}
