import type { FilterColumn, FilterOperator, ListColumn } from './list-spec.js';

/** Who changed or created an object and when: the same six columns on every model. */
export const AUDIT_COLUMNS: Readonly<Record<string, ListColumn>> = {
  changed_by: { description: 'Username of the last editor', type: 'string' },
  changed_on: { description: 'Last change (ISO 8601)', type: 'datetime' },
  changed_on_humanized: { description: 'Last change, e.g. "3 days ago"', type: 'string' },
  created_by: { description: 'Username of the creator', type: 'string' },
  created_on: { description: 'Creation time (ISO 8601)', type: 'datetime' },
  created_on_humanized: { description: 'Creation time, e.g. "2 months ago"', type: 'string' },
};

export function certificationColumns(noun: string): Readonly<Record<string, ListColumn>> {
  return {
    certification_details: { description: 'Certification details', type: 'string' },
    certified_by: { description: `Who certified the ${noun}`, type: 'string' },
  };
}

/** `created_by_fk` / `changed_by_fk` filters on the model's table aliased `alias`. */
export function auditFilterColumns(alias: string): Readonly<Record<string, FilterColumn>> {
  return {
    changed_by_fk: {
      description: 'Id of the last editor',
      kind: 'integer',
      sql: `${alias}.changed_by_fk`,
    },
    created_by_fk: {
      description: 'Id of the creator',
      kind: 'integer',
      sql: `${alias}.created_by_fk`,
    },
  };
}

/**
 * A filter on a link table (owners, dashboards of a chart): `eq`/`in` keep rows with a matching
 * link, `ne`/`nin` rows without one.
 */
export function linkFilter(
  description: string,
  link: { table: string; alias: string; rowColumn: string; valueColumn: string },
  rowIdSql: string,
): FilterColumn {
  const { table, alias, rowColumn, valueColumn } = link;
  return {
    condition: (operator: FilterOperator, parameter: string) => {
      const negated = operator === 'nin' || operator === 'ne';
      const value =
        operator === 'in' || operator === 'nin' ? `IN (:...${parameter})` : `= :${parameter}`;
      return `${negated ? 'NOT ' : ''}EXISTS (SELECT 1 FROM ${table} ${alias} WHERE ${alias}.${rowColumn} = ${rowIdSql} AND ${alias}.${valueColumn} ${value})`;
    },
    description,
    kind: 'integer',
    operators: ['eq', 'ne', 'in', 'nin'],
  };
}
