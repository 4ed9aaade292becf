import type { SelectQueryBuilder } from 'typeorm';

import type { MetadataDialect } from './metadata-dialect.js';
import { uuidToDb } from './metadata-values.js';

const DIGITS = /^\d+$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export type IdentifierKind = 'id' | 'uuid' | null;

/** Whether a tool's `identifier` is a numeric id, a UUID, or neither (a slug, a name, …). */
export function identifierKind(identifier: number | string): IdentifierKind {
  if (typeof identifier === 'number' || DIGITS.test(identifier.trim())) return 'id';
  return UUID.test(identifier.trim()) ? 'uuid' : null;
}

/**
 * Restricts `query` to the row of `alias` whose id or UUID is `identifier` (UUIDs encoded for the
 * dialect); false when the identifier is neither, and the query is left alone.
 */
export function whereIdOrUuid(
  query: SelectQueryBuilder<object>,
  alias: string,
  identifier: number | string,
  dialect: MetadataDialect,
): boolean {
  switch (identifierKind(identifier)) {
    case 'id':
      query.where(`${alias}.id = :id`, { id: Number(identifier) });
      return true;
    case 'uuid':
      query.where(`${alias}.uuid = :uuid`, {
        uuid: uuidToDb(dialect, String(identifier).trim().toLowerCase()),
      });
      return true;
    default:
      return false;
  }
}
