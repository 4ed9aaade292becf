import { Inject, Injectable } from '@nestjs/common';

import {
  type AllowedVerdict,
  type RefusedVerdict,
  StatementChecker,
} from './checks/statement-checker.service.js';
import type { DatabaseRow } from './connection-target.js';
import type { RunResult } from './sql-engine.js';
import { SqlConnectionPools } from './sql-connection-pools.service.js';
import { SQL_MODULE_OPTIONS, type SqlModuleOptions } from './sql-options.js';

export interface ExecuteSqlRequest {
  readonly database: DatabaseRow;
  readonly sql: string;
  /** Rows wanted from the last query (capped by SQL_MAX_ROW); `null` keeps the SQL's own. */
  readonly limit?: number | null;
  /** Seconds, 1–300 (upstream's range); default 30. */
  readonly timeoutSeconds?: number;
  readonly schema?: string | null;
  readonly signal?: AbortSignal;
  /** Check and rewrite only. */
  readonly dryRun?: boolean;
}

export type ExecuteSqlOutcome =
  | { readonly status: 'refused'; readonly verdict: RefusedVerdict }
  | { readonly status: 'checked'; readonly verdict: AllowedVerdict }
  | { readonly status: 'done'; readonly verdict: AllowedVerdict; readonly result: RunResult };

export const DEFAULT_TIMEOUT_SECONDS = 30;
export const MAX_TIMEOUT_SECONDS = 300;

/**
 * The one path from SQL text to rows: `expose_in_sqllab`, the parser-based checks, the row limit
 * in the SQL, then the engine with its server-side timeout and cancel. Permission checks and the
 * SQL Lab `query` row belong to the tool that calls this.
 */
@Injectable()
export class SqlExecutor {
  constructor(
    private readonly pools: SqlConnectionPools,
    private readonly checker: StatementChecker,
    @Inject(SQL_MODULE_OPTIONS) private readonly options: SqlModuleOptions,
  ) {}

  async execute(request: ExecuteSqlRequest): Promise<ExecuteSqlOutcome> {
    const { database } = request;
    if (database.exposeInSqllab === false) {
      return {
        status: 'refused',
        verdict: {
          allowed: false,
          errorType: 'DML_NOT_ALLOWED_ERROR',
          message: `database ${database.id} is not exposed in SQL Lab`,
          statementIndex: null,
          line: null,
          column: null,
          disallowedFunctions: [],
        },
      };
    }
    const { dialect } = this.pools.open(database);
    const verdict = await this.checker.check({
      sql: request.sql,
      dialect,
      allowDml: database.allowDml === true,
      limit: request.limit ?? null,
    });
    if (!verdict.allowed) return { status: 'refused', verdict };
    if (request.dryRun) return { status: 'checked', verdict };
    const seconds = Math.min(
      MAX_TIMEOUT_SECONDS,
      Math.max(1, request.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS),
    );
    const result = await this.pools.run(database, {
      statements: verdict.statements,
      readOnly: verdict.readOnly,
      maxRows: verdict.limit ?? this.options.sqlMaxRow,
      timeoutMs: seconds * 1000,
      signal: request.signal,
      schema: request.schema ?? null,
    });
    return { status: 'done', verdict, result };
  }
}
