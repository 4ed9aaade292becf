import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';

import type { PreparedStatement } from '../sql-engine.js';
import { SQL_MODULE_OPTIONS, type SqlModuleOptions } from '../sql-options.js';
import { type ParsedStatement, SqlParseError, type StatementKind } from './checked-statement.js';
import { disallowedFunctionsKey } from './disallowed-functions.js';
import { parseGeneric } from './generic-statements.js';
import { loadPostgresParser, parsePostgres } from './postgres-statements.js';
import type { SqlDialect } from './sql-dialect.js';

export interface CheckRequest {
  readonly sql: string;
  readonly dialect: SqlDialect;
  /** `dbs.allow_dml`. */
  readonly allowDml: boolean;
  /** Rows the caller wants from the last query; `null` for the server's own LIMIT only. */
  readonly limit?: number | null;
}

/** Superset's error types for a refused statement (`superset/errors.py`). */
export type PolicyErrorType = 'INVALID_SQL_ERROR' | 'DML_NOT_ALLOWED_ERROR' | 'SYNTAX_ERROR';

export interface AllowedVerdict {
  readonly allowed: true;
  readonly statements: readonly PreparedStatement[];
  readonly kinds: readonly StatementKind[];
  /** Every statement is read-only: run it in a read-only transaction. */
  readonly readOnly: boolean;
  /** The row limit actually applied (capped by SQL_MAX_ROW), or `null`. */
  readonly limit: number | null;
}

export interface RefusedVerdict {
  readonly allowed: false;
  readonly errorType: PolicyErrorType;
  readonly message: string;
  /** 0-based index of the offending statement, when there is one. */
  readonly statementIndex: number | null;
  /** Where parsing failed (1-based line and column), for INVALID_SQL_ERROR. */
  readonly line: number | null;
  readonly column: number | null;
  readonly disallowedFunctions: readonly string[];
}

export type StatementVerdict = AllowedVerdict | RefusedVerdict;

function refused(
  errorType: PolicyErrorType,
  message: string,
  extra: Partial<Omit<RefusedVerdict, 'allowed' | 'errorType' | 'message'>> = {},
): RefusedVerdict {
  return {
    allowed: false,
    errorType,
    message,
    statementIndex: extra.statementIndex ?? null,
    line: extra.line ?? null,
    column: extra.column ?? null,
    disallowedFunctions: extra.disallowedFunctions ?? [],
  };
}

/**
 * The row limit goes into the SQL so the server produces at most `limit + 1` rows (one more to
 * know whether there were more). A query without a LIMIT gets one appended on its own line (a
 * trailing `--` comment cannot swallow it); one with a LIMIT is wrapped, so the smaller wins.
 */
export function limitSql(statement: ParsedStatement, fetch: number): string {
  if (!statement.hasLimit) {
    return `${statement.sql}\nLIMIT ${fetch}`;
  }
  return `SELECT * FROM (\n${statement.sql}\n) AS mcp_limited\nLIMIT ${fetch}`;
}

/**
 * Parser-based statement policy (what SQL Lab enforces, and stricter): unparseable SQL is
 * refused; DDL and other commands always; DML unless the database allows it; functions in
 * DISALLOWED_SQL_FUNCTIONS anywhere in the tree.
 */
@Injectable()
export class StatementChecker implements OnModuleInit {
  readonly #disallowed: ReadonlyMap<string, ReadonlySet<string>>;

  constructor(@Inject(SQL_MODULE_OPTIONS) private readonly options: SqlModuleOptions) {
    this.#disallowed = new Map(
      Object.entries(options.disallowedSqlFunctions).map(([engine, names]) => [
        engine.toLowerCase(),
        new Set(names.map((name) => name.toLowerCase())),
      ]),
    );
  }

  async onModuleInit(): Promise<void> {
    await loadPostgresParser();
  }

  /** Splits and classifies without judging (for dry runs and the query builder). */
  async parse(sql: string, dialect: SqlDialect): Promise<ParsedStatement[]> {
    return dialect === 'postgresql' || dialect === 'duckdb'
      ? parsePostgres(sql)
      : parseGeneric(sql, dialect);
  }

  async check(request: CheckRequest): Promise<StatementVerdict> {
    let statements: ParsedStatement[];
    try {
      statements = await this.parse(request.sql, request.dialect);
    } catch (error) {
      if (!(error instanceof SqlParseError)) throw error;
      const where =
        error.line === null ? '' : ` (line ${error.line}, column ${error.column ?? '?'})`;
      return refused('INVALID_SQL_ERROR', `SQL could not be parsed${where}: ${error.message}`, {
        line: error.line,
        column: error.column,
      });
    }
    if (statements.length === 0) {
      return refused('INVALID_SQL_ERROR', 'SQL contains no statement');
    }

    const disallowed = this.#disallowed.get(disallowedFunctionsKey(request.dialect)) ?? new Set();
    for (const [index, statement] of statements.entries()) {
      const found = statement.functions.filter((name) => disallowed.has(name));
      if (found.length > 0) {
        const names = [...new Set(found)].sort();
        return refused(
          'SYNTAX_ERROR',
          `SQL statement contains disallowed function(s): ${names.join(', ')}`,
          { statementIndex: index, disallowedFunctions: names },
        );
      }
      if (statement.kind === 'ddl' || statement.kind === 'other') {
        return refused(
          'DML_NOT_ALLOWED_ERROR',
          `statement ${index + 1} (${statement.command}) is not allowed: only queries${
            request.allowDml ? ' and data changes' : ''
          } can run here; use Superset's SQL Lab for schema and administrative commands`,
          { statementIndex: index },
        );
      }
      if (statement.kind === 'dml' && !request.allowDml) {
        return refused(
          'DML_NOT_ALLOWED_ERROR',
          `statement ${index + 1} (${statement.command}) changes data, and this database does not allow DML`,
          { statementIndex: index },
        );
      }
    }

    const wanted = request.limit ?? null;
    const limit = wanted === null ? null : Math.max(1, Math.min(wanted, this.options.sqlMaxRow));
    const last = statements.length - 1;
    const prepared = statements.map((statement, index): PreparedStatement => {
      const limited = index === last && limit !== null && statement.limitable;
      return {
        originalSql: statement.sql,
        executedSql: limited ? limitSql(statement, limit + 1) : statement.sql,
        returnsRows: statement.returnsRows,
      };
    });
    return {
      allowed: true,
      statements: prepared,
      kinds: statements.map((statement) => statement.kind),
      readOnly: statements.every((statement) => statement.kind === 'read'),
      limit,
    };
  }
}
