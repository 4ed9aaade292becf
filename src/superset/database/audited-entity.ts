import { IntegerColumn, TimestampColumn } from './metadata-column.decorator.js';

/**
 * Superset's AuditMixin columns. Superset fills them in Python (naive local time, acting user),
 * so a writer must set them itself.
 */
export abstract class AuditedEntity {
  @TimestampColumn('created_on')
  createdOn!: Date | null;

  @TimestampColumn('changed_on')
  changedOn!: Date | null;

  @IntegerColumn('created_by_fk')
  createdByFk!: number | null;

  @IntegerColumn('changed_by_fk')
  changedByFk!: number | null;
}
