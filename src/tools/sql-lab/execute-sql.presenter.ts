import type { AllowedVerdict } from '../../sql/checks/statement-checker.service.js';
import type { JsonCell, ResultColumn, RunResult } from '../../sql/sql-engine.js';

export interface ColumnInfo {
  readonly name: string;
  readonly type: string;
  readonly is_nullable: boolean | null;
}

export interface StatementInfo {
  readonly original_sql: string;
  readonly executed_sql: string;
  readonly row_count: number | null;
  readonly execution_time_ms: number | null;
  /** Rows of a data-bearing statement; null for the one whose rows are the top-level `rows`. */
  readonly data: { rows: Record<string, JsonCell>[]; columns: ColumnInfo[] } | null;
}

/** Upstream's `ExecuteSqlResponse`. */
export interface ExecuteSqlResponse {
  readonly success: boolean;
  readonly rows: Record<string, JsonCell>[] | null;
  readonly columns: ColumnInfo[] | null;
  readonly row_count: number | null;
  readonly affected_rows: number | null;
  /** Seconds. */
  readonly execution_time: number;
  readonly error: string | null;
  readonly error_type: string | null;
  readonly statements: StatementInfo[] | null;
  readonly multi_statement_warning: string | null;
  /** The rows stop at `limit` (or SQL_MAX_ROW): the database had more. */
  readonly truncated?: boolean;
  readonly dry_run?: boolean;
}

export function failedResponse(
  errorType: string,
  error: string,
  executionSeconds = 0,
): ExecuteSqlResponse {
  return {
    success: false,
    rows: null,
    columns: null,
    row_count: null,
    affected_rows: null,
    execution_time: executionSeconds,
    error,
    error_type: errorType,
    statements: null,
    multi_statement_warning: null,
  };
}

export function dryRunResponse(verdict: AllowedVerdict): ExecuteSqlResponse {
  return {
    success: true,
    rows: [],
    columns: [],
    row_count: 0,
    affected_rows: null,
    execution_time: 0,
    error: null,
    error_type: null,
    statements: verdict.statements.map((statement) => ({
      original_sql: statement.originalSql,
      executed_sql: statement.executedSql,
      row_count: null,
      execution_time_ms: null,
      data: null,
    })),
    multi_statement_warning: null,
    dry_run: true,
  };
}

/** Superset's `dedup`: a repeated column name gets `__1`, `__2`, … so rows can be objects. */
export function uniqueColumnNames(columns: readonly ResultColumn[]): string[] {
  const seen = new Set<string>();
  return columns.map((column) => {
    let name = column.name;
    for (let n = 1; seen.has(name); n++) name = `${column.name}__${n}`;
    seen.add(name);
    return name;
  });
}

function table(columns: readonly ResultColumn[], rows: readonly (readonly JsonCell[])[]) {
  const names = uniqueColumnNames(columns);
  return {
    columns: columns.map((column, index) => ({
      name: names[index] ?? column.name,
      type: column.type,
      is_nullable: column.nullable,
    })),
    rows: rows.map((row) => {
      const record: Record<string, JsonCell> = {};
      names.forEach((name, index) => {
        record[name] = row[index] ?? null;
      });
      return record;
    }),
  };
}

export function resultResponse(
  verdict: AllowedVerdict,
  result: RunResult,
  executionSeconds: number,
): ExecuteSqlResponse {
  const dataBearing = result.statements.flatMap((statement, index) =>
    statement.columns === null ? [] : [index],
  );
  const last = dataBearing.at(-1);
  const tables = result.statements.map((statement) =>
    statement.columns === null ? null : table(statement.columns, statement.rows),
  );
  const affected = result.statements
    .map((statement) => statement.affectedRows)
    .filter((count): count is number => count !== null);
  const top = last === undefined ? null : tables[last];
  return {
    success: true,
    rows: top?.rows ?? null,
    columns: top?.columns ?? null,
    row_count: top?.rows.length ?? null,
    affected_rows: affected.length > 0 ? affected.reduce((sum, count) => sum + count, 0) : null,
    execution_time: executionSeconds,
    error: null,
    error_type: null,
    statements: result.statements.map((statement, index) => ({
      original_sql: verdict.statements[index]?.originalSql ?? statement.executedSql,
      executed_sql: statement.executedSql,
      row_count: statement.columns === null ? statement.affectedRows : statement.rows.length,
      execution_time_ms: Math.round(statement.durationMs * 1000) / 1000,
      data: index === last ? null : (tables[index] ?? null),
    })),
    multi_statement_warning:
      dataBearing.length > 1
        ? `${dataBearing.length} statements returned rows; rows and columns are those of the last ` +
          '(statement ' +
          String((last ?? 0) + 1) +
          '); the others are in statements[].data.'
        : null,
    truncated: last === undefined ? false : (result.statements[last]?.truncated ?? false),
  };
}
