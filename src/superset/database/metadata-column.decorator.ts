import { Column, type ColumnOptions } from 'typeorm';

import {
  booleanTransformer,
  bytesTransformer,
  timestampTransformer,
  uuidTransformer,
} from './column-transformers.js';

type ExtraOptions = Pick<ColumnOptions, 'select' | 'nullable' | 'insert' | 'update'>;

/*
 * Column types are limited to ones both drivers accept without converting values themselves;
 * the transformers do the dialect-independent conversion.
 */

/** `uuid` on Postgres, 16-byte BLOB on SQLite; read as a dashed lowercase string. */
export function UuidColumn(name: string, options: ExtraOptions = {}): PropertyDecorator {
  return Column({
    name,
    type: 'varchar',
    nullable: true,
    transformer: uuidTransformer,
    ...options,
  });
}

/** Naive local-time timestamp; read as a Date. */
export function TimestampColumn(name: string, options: ExtraOptions = {}): PropertyDecorator {
  return Column({
    name,
    type: 'varchar',
    nullable: true,
    transformer: timestampTransformer,
    ...options,
  });
}

export function BooleanColumn(name: string, options: ExtraOptions = {}): PropertyDecorator {
  return Column({
    name,
    type: 'boolean',
    nullable: true,
    transformer: booleanTransformer,
    ...options,
  });
}

/** bytea / BLOB; read as a Buffer. */
export function BytesColumn(name: string, options: ExtraOptions = {}): PropertyDecorator {
  return Column({
    name,
    type: 'varchar',
    nullable: true,
    transformer: bytesTransformer,
    ...options,
  });
}

export function TextColumn(name: string, options: ExtraOptions = {}): PropertyDecorator {
  return Column({ name, type: 'text', nullable: true, ...options });
}

export function VarcharColumn(name: string, options: ExtraOptions = {}): PropertyDecorator {
  return Column({ name, type: 'varchar', nullable: true, ...options });
}

export function IntegerColumn(name: string, options: ExtraOptions = {}): PropertyDecorator {
  return Column({ name, type: 'integer', nullable: true, ...options });
}
