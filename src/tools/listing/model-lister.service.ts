import { Injectable } from '@nestjs/common';
import { Brackets, type SelectQueryBuilder } from 'typeorm';

import { timestampToDb } from '../../superset/database/metadata-values.js';
import { ToolError } from '../tool-error.js';
import { toolFailure, type ToolFailure } from '../tool-failure.js';
import { filterProblem, type ListFilter, type ListRequest } from './list-request.schema.js';
import {
  filterOperators,
  sortedNames,
  sortSql,
  type FilterColumn,
  type FilterOperator,
  type ListSpec,
} from './list-spec.js';

/**
 * Counting covers the requested page and the nine after it, and at least the first `COUNT_MIN`
 * rows; past that `total_count` is a lower bound. Each counted row costs the access filter's check,
 * so a count bounded by the page keeps a list call's cost proportional to the page, not to the
 * metadata database, and an assistant should narrow a list that long with filters or search
 * rather than page through it.
 */
export const COUNT_PAGES = 10;
export const COUNT_MIN = 100;

/** How many visible rows a list call counts before `total_count` becomes a lower bound. */
export function countLimit(page: number, pageSize: number): number {
  return Math.max(COUNT_MIN, (page - 1 + COUNT_PAGES) * pageSize);
}

/** One page of ids, in order, and what the response needs to describe it. */
export interface ListPage {
  readonly ids: readonly number[];
  /** Exact, or `countLimit(page, pageSize)` when more rows are visible (`totalCountIsLowerBound`). */
  readonly totalCount: number;
  readonly totalCountIsLowerBound: boolean;
  readonly hasNext: boolean;
  readonly page: number;
  readonly pageSize: number;
  readonly columnsRequested: readonly string[];
  readonly columns: readonly string[];
  readonly filtersApplied: readonly ListFilter[];
}

const LIKE_OPERATORS = new Set<FilterOperator>(['sw', 'ew', 'ct']);

/**
 * The generic part of every list tool: validates filter columns, operators and values against the
 * model's spec, turns them into parameterised SQL on a query that already carries the caller's
 * access filter, counts, orders and pages — all in the database, returning only the page's ids.
 */
@Injectable()
export class ModelLister {
  async page(
    spec: ListSpec,
    request: ListRequest,
    query: SelectQueryBuilder<object>,
  ): Promise<ListPage | ToolFailure> {
    const columnsRequested = request.select_columns;
    const unknownColumns = columnsRequested.filter(
      (column) => !Object.hasOwn(spec.columns, column),
    );
    // The request schema refuses these already; a request built elsewhere gets the same answer.
    if (unknownColumns.length > 0) {
      throw new ToolError(
        'validation_error',
        `Unknown select_columns: ${unknownColumns.join(', ')}. Allowed columns: ` +
          `${sortedNames(spec.columns).join(', ')}.`,
      );
    }
    const orderColumn = request.order_column ?? spec.defaultOrder.column;
    const orderSql = sortSql(spec, orderColumn);
    if (orderSql === undefined) {
      throw new ToolError(
        'validation_error',
        `Cannot sort ${spec.itemsKey} by '${orderColumn}'. Sortable columns: ` +
          `${sortedNames(spec.sortColumns).join(', ')}.`,
      );
    }
    const filters = request.filters;
    for (const [index, filter] of filters.entries()) this.applyFilter(spec, query, filter, index);
    if (request.search) this.applySearch(spec, query, request.search);

    const limit = countLimit(request.page, request.page_size);
    const direction = (request.order_direction ?? spec.defaultOrder.direction).toUpperCase() as
      'ASC' | 'DESC';
    // Both queries run at once; the count is built (cloned) before the page query changes `query`.
    const [counted, rows] = await Promise.all([
      this.boundedCount(query, limit),
      query
        .select(spec.idSql, 'id')
        .orderBy(orderSql, direction)
        .addOrderBy(spec.idSql, direction)
        .offset((request.page - 1) * request.page_size)
        .limit(request.page_size + 1)
        .getRawMany<{ id: number | string }>(),
    ]);
    const totalCountIsLowerBound = counted > limit;
    const totalCount = Math.min(counted, limit);
    // The count reaches past the requested page, so an empty page always has an exact last page.
    if (request.page > 1 && rows.length === 0) {
      const totalPages = Math.ceil(totalCount / request.page_size);
      return toolFailure(
        'PageOutOfRange',
        `Page ${request.page} is past the last page (${totalPages}) of ${totalCount} ${spec.itemsKey}.`,
        { suggestions: [`Use a page from 1 to ${Math.max(totalPages, 1)}.`] },
      );
    }
    return {
      columns: columnsRequested.length > 0 ? columnsRequested : spec.defaultColumns,
      columnsRequested,
      filtersApplied: filters,
      hasNext: rows.length > request.page_size,
      ids: rows.slice(0, request.page_size).map((row) => Number(row.id)),
      page: request.page,
      pageSize: request.page_size,
      totalCount,
      totalCountIsLowerBound,
    };
  }

  /** The response envelope, with each item cut down to the requested columns. */
  envelope(
    spec: ListSpec,
    page: ListPage,
    items: readonly Record<string, unknown>[],
  ): Record<string, unknown> {
    const pagination = {
      has_next: page.hasNext,
      has_previous: page.page > 1,
      page: page.page,
      page_size: page.pageSize,
      total_count: page.totalCount,
      ...(page.totalCountIsLowerBound && { total_count_is_lower_bound: true }),
      total_pages: Math.ceil(page.totalCount / page.pageSize),
    };
    const hint = page.totalCountIsLowerBound
      ? `More than ${page.totalCount} ${spec.itemsKey} match; counting covers this page and the ` +
        `${COUNT_PAGES - 1} after it, so total_count and total_pages are lower bounds. Narrow ` +
        `the list with filters or search rather than paging through it.`
      : undefined;
    return {
      [spec.itemsKey]: items.map((item) =>
        Object.fromEntries(page.columns.map((column) => [column, item[column] ?? null])),
      ),
      columns_available: sortedNames(spec.columns),
      columns_loaded: page.columns,
      columns_requested: page.columnsRequested,
      count: items.length,
      filters_applied: page.filtersApplied,
      ...pagination,
      ...(hint && { hint }),
      pagination,
      sortable_columns: sortedNames(spec.sortColumns),
      timestamp: new Date().toISOString(),
    };
  }

  /** Visible rows of the filtered query, counted up to one past `limit`. */
  private async boundedCount(query: SelectQueryBuilder<object>, limit: number): Promise<number> {
    const firstRows = query
      .clone()
      .select('1', 'one')
      .limit(limit + 1);
    const [sql, parameters] = firstRows.getQueryAndParameters();
    const rows: { count: number | string }[] = await query.connection.query(
      `SELECT COUNT(*) AS count FROM (${sql}) first_rows`,
      parameters,
    );
    return Number(rows[0]?.count ?? 0);
  }

  private applyFilter(
    spec: ListSpec,
    query: SelectQueryBuilder<object>,
    filter: ListFilter,
    index: number,
  ): void {
    const column = Object.hasOwn(spec.filterColumns, filter.col)
      ? spec.filterColumns[filter.col]
      : undefined;
    const problem = filterProblem(column, filter);
    if (!column || problem) {
      const allowed = column
        ? `Operators for ${filter.col}: ${filterOperators(column).join(', ')}.`
        : `Filterable columns: ${sortedNames(spec.filterColumns).join(', ')}.`;
      throw new ToolError(
        'validation_error',
        `Invalid filter on ${spec.itemsKey}: filters.${index}.${problem?.field ?? 'col'}: ` +
          `${problem?.message ?? 'unknown column'}. ${allowed}`,
      );
    }
    const parameter = `filter${index}`;
    if (filter.opr === 'is_null' || filter.opr === 'is_not_null') {
      const expression = column.condition
        ? column.condition(filter.opr, parameter)
        : `${column.sql} IS ${filter.opr === 'is_null' ? '' : 'NOT '}NULL`;
      query.andWhere(expression);
      return;
    }
    const expression = column.condition
      ? column.condition(filter.opr, parameter)
      : comparison(column.sql ?? '', filter.opr, parameter);
    query.andWhere(expression, { [parameter]: this.filterValue(column, filter) });
  }

  /** The filter's value converted for the database; `filterProblem` has accepted it. */
  private filterValue(column: FilterColumn, filter: ListFilter): unknown {
    const list = filter.opr === 'in' || filter.opr === 'nin';
    const values = Array.isArray(filter.value) ? filter.value : [filter.value];
    const converted = values.map((value) => convert(column, value));
    if (LIKE_OPERATORS.has(filter.opr)) {
      const text = escapeLike(String(converted[0]));
      return filter.opr === 'sw' ? `${text}%` : filter.opr === 'ew' ? `%${text}` : `%${text}%`;
    }
    return list ? converted : converted[0];
  }

  private applySearch(spec: ListSpec, query: SelectQueryBuilder<object>, search: string): void {
    const pattern = `%${escapeLike(search.toLowerCase())}%`;
    query.andWhere(
      new Brackets((where) => {
        for (const sql of spec.searchColumns) {
          where.orWhere(`LOWER(${sql}) LIKE :search ESCAPE '\\'`, { search: pattern });
        }
      }),
    );
  }
}

function convert(column: FilterColumn, value: unknown): unknown {
  switch (column.kind) {
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value)
        ? value
        : typeof value === 'string' && /^-?\d+$/.test(value)
          ? Number(value)
          : undefined;
    case 'number':
      return typeof value === 'number' ? value : undefined;
    case 'boolean':
      return typeof value === 'boolean'
        ? value
        : value === 'true'
          ? true
          : value === 'false'
            ? false
            : undefined;
    case 'datetime': {
      if (typeof value !== 'string' || Number.isNaN(Date.parse(value))) return undefined;
      return timestampToDb(new Date(value));
    }
    case 'string':
      return typeof value === 'string'
        ? value
        : typeof value === 'number'
          ? String(value)
          : undefined;
  }
}

export function comparison(sql: string, operator: FilterOperator, parameter: string): string {
  switch (operator) {
    case 'eq':
      return `${sql} = :${parameter}`;
    case 'ne':
      return `(${sql} <> :${parameter} OR ${sql} IS NULL)`;
    case 'gt':
      return `${sql} > :${parameter}`;
    case 'gte':
      return `${sql} >= :${parameter}`;
    case 'lt':
      return `${sql} < :${parameter}`;
    case 'lte':
      return `${sql} <= :${parameter}`;
    case 'in':
      return `${sql} IN (:...${parameter})`;
    case 'nin':
      return `(${sql} NOT IN (:...${parameter}) OR ${sql} IS NULL)`;
    case 'sw':
    case 'ew':
    case 'ct':
      return `${sql} LIKE :${parameter} ESCAPE '\\'`;
    case 'like':
      return `${sql} LIKE :${parameter} ESCAPE '\\'`;
    case 'ilike':
      return `LOWER(${sql}) LIKE LOWER(:${parameter}) ESCAPE '\\'`;
    case 'is_null':
      return `${sql} IS NULL`;
    case 'is_not_null':
      return `${sql} IS NOT NULL`;
  }
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (char) => `\\${char}`);
}
