import { Injectable, Logger } from '@nestjs/common';
import { z } from 'zod';

import { redactSecrets } from '../../common/redact-secrets.js';
import { InjectSettings } from '../../config/inject-settings.decorator.js';
import type { Settings } from '../../config/settings.js';
import { SqlLabQueriesRepository } from '../../superset/queries/sql-lab-queries.repository.js';
import type { FinishedQuery } from '../../superset/queries/sql-lab-queries.repository.js';
import type { DatabaseRow } from '../../sql/connection-target.js';
import { DatabaseConnectionLoader } from '../../sql/database-connection.loader.js';
import { SqlExecutionError } from '../../sql/sql-execution.error.js';
import { type ExecuteSqlOutcome, SqlExecutor } from '../../sql/sql-executor.service.js';
import { SecurityService } from '../../users/security.service.js';
import { RequiresPermission } from '../access/requires-permission.decorator.js';
import type { ToolCall } from '../tool-call.js';
import { Tool } from '../tool.decorator.js';
import {
  dryRunResponse,
  type ExecuteSqlResponse,
  failedResponse,
  resultResponse,
} from './execute-sql.presenter.js';
import { type ExecuteSqlArguments, ExecuteSqlRequest } from './execute-sql.request.js';
import { renderSqlTemplate, SqlTemplateError } from './sql-template.renderer.js';

/** How often a running query reports progress to a client that asked for it. */
const PROGRESS_INTERVAL_MS = 2_000;

/**
 * Queries one user may run at once in this process. A database has 4 connections: one user's
 * long queries must leave room for others.
 */
export const MAX_RUNNING_QUERIES_PER_USER = 2;

/** SQL Lab status of a run that failed with a given error type. */
function failedStatus(errorType: string): FinishedQuery['status'] {
  if (errorType === 'SQLLAB_TIMEOUT_ERROR') return 'timed_out';
  if (errorType === 'QUERY_CANCELLED_ERROR') return 'stopped';
  return 'failed';
}

/** SQL Lab for MCP: run SQL on a registered database as the calling user. */
@Injectable()
export class SqlLabTools {
  readonly #logger = new Logger(SqlLabTools.name);
  /** Running queries per user id. */
  readonly #running = new Map<number, number>();

  constructor(
    private readonly loader: DatabaseConnectionLoader,
    private readonly executor: SqlExecutor,
    private readonly security: SecurityService,
    private readonly queries: SqlLabQueriesRepository,
    @InjectSettings() private readonly settings: Settings,
  ) {}

  @Tool({
    description:
      'Run SQL on a database connection (database_id from list_databases) as you, with SQL ' +
      "Lab's rules: SELECT-type statements always; INSERT/UPDATE/DELETE only where the database " +
      'allows DML; DDL, disallowed functions and SQL that does not parse are refused. `limit` ' +
      '(1–10,000) bounds the rows of the last statement in the database; `timeout` (1–300 s, ' +
      'default 30) stops it on the server. `dry_run` returns the statements that would run. ' +
      'Returns rows as objects, typed columns, row_count and per-statement details.',
    input: z.strictObject({ request: ExecuteSqlRequest }),
    name: 'execute_sql',
    openWorld: true,
    readOnly: false,
    destructive: false,
    idempotent: false,
    tags: ['core', 'sql_lab'],
    title: 'Execute SQL',
  })
  @RequiresPermission('can_execute_sql_query', 'SQLLab')
  async executeSql(
    args: { request: ExecuteSqlArguments },
    call: ToolCall,
  ): Promise<ExecuteSqlResponse> {
    const { request } = args;
    const sql = (request.sql ?? request.query ?? '').trim();
    if (request.catalog !== undefined && request.catalog !== null) {
      return failedResponse(
        'INVALID_PAYLOAD_FORMAT_ERROR',
        'choosing a catalog is not supported here; omit catalog to use the connection’s own',
      );
    }
    const database = await this.loader.load(request.database_id);
    if (!database) {
      return failedResponse(
        'DATABASE_NOT_FOUND_ERROR',
        `Database with ID ${request.database_id} not found. Use list_databases to get valid database IDs.`,
      );
    }
    const access = await this.security.accessFor(call.caller.user);
    const verdict = this.security.sqlAccess(access, database);
    if (verdict !== 'allowed') {
      return failedResponse(
        'DATABASE_SECURITY_ACCESS_ERROR',
        verdict === 'no_sql_lab_permission'
          ? `Permission denied: can_execute_sql_query on SQLLab for user ${call.caller.user.username}`
          : `You do not have access to database ${database.id}: running SQL needs database_access ` +
              'on it (or all_database_access / all_datasource_access)',
      );
    }

    let rendered = sql;
    if (request.template_params !== undefined && request.template_params !== null) {
      try {
        rendered = renderSqlTemplate(sql, {
          username: call.caller.user.username,
          userId: call.caller.user.id,
          params: request.template_params,
        });
      } catch (error) {
        if (error instanceof SqlTemplateError)
          return failedResponse(error.errorType, error.message);
        throw error;
      }
    }

    // Without a limit the SQL's own LIMIT stands, under SQL_MAX_ROW, still enforced in the SQL.
    const limit = request.limit ?? this.settings.SQL_MAX_ROW;
    const execute = (dryRun: boolean) =>
      this.executor.execute({
        database,
        sql: rendered,
        limit,
        timeoutSeconds: request.timeout,
        schema: request.schema ?? null,
        signal: call.signal,
        dryRun,
      });

    if (request.dry_run) {
      try {
        return this.present(await execute(true), 0);
      } catch (error) {
        return this.failure(error, 0);
      }
    }

    const userId = call.caller.user.id;
    const running = this.#running.get(userId) ?? 0;
    if (running >= MAX_RUNNING_QUERIES_PER_USER) {
      return failedResponse(
        'CONCURRENT_QUERY_LIMIT_ERROR',
        `you already have ${running} queries running (at most ${MAX_RUNNING_QUERIES_PER_USER} at once); ` +
          'wait for one to finish or cancel it',
      );
    }
    this.#running.set(userId, running + 1);
    try {
      return await this.run(request, rendered, database, call, execute);
    } finally {
      const left = (this.#running.get(userId) ?? 1) - 1;
      if (left > 0) this.#running.set(userId, left);
      else this.#running.delete(userId);
    }
  }

  private async run(
    request: ExecuteSqlArguments,
    rendered: string,
    database: DatabaseRow,
    call: ToolCall,
    execute: (dryRun: boolean) => Promise<ExecuteSqlOutcome>,
  ): Promise<ExecuteSqlResponse> {
    const row = await this.queries.start({
      databaseId: database.id,
      userId: call.caller.user.id,
      schema: request.schema ?? null,
      sql: rendered,
      limit: request.limit ?? this.settings.SQL_MAX_ROW,
      callId: call.callId,
    });
    const started = performance.now();
    const progress = setInterval(() => {
      const seconds = Math.round((performance.now() - started) / 1000);
      call
        .reportProgress(seconds, request.timeout, `query ${row.clientId} running for ${seconds}s`)
        .catch(() => undefined);
    }, PROGRESS_INTERVAL_MS);
    let outcome: ExecuteSqlOutcome;
    try {
      outcome = await execute(false);
    } catch (error) {
      const seconds = (performance.now() - started) / 1000;
      if (!(error instanceof SqlExecutionError)) {
        await this.queries.finish(row.id, {
          status: 'failed',
          executedSql: null,
          rows: null,
          errorMessage: 'internal error',
          limitingFactor: 'UNKNOWN',
        });
        throw error;
      }
      const failed = this.failure(error, seconds);
      await this.queries.finish(row.id, {
        status: failedStatus(failed.error_type ?? ''),
        executedSql: null,
        rows: null,
        errorMessage: failed.error,
        limitingFactor: 'UNKNOWN',
      });
      return failed;
    } finally {
      clearInterval(progress);
    }
    const seconds = (performance.now() - started) / 1000;
    const response = this.present(outcome, seconds);
    await this.queries.finish(row.id, this.finished(outcome, response));
    return response;
  }

  private present(outcome: ExecuteSqlOutcome, seconds: number): ExecuteSqlResponse {
    const rounded = Math.round(seconds * 1_000_000) / 1_000_000;
    switch (outcome.status) {
      case 'refused':
        return failedResponse(outcome.verdict.errorType, outcome.verdict.message, rounded);
      case 'checked':
        return dryRunResponse(outcome.verdict);
      case 'done':
        return resultResponse(outcome.verdict, outcome.result, rounded);
    }
  }

  private finished(outcome: ExecuteSqlOutcome, response: ExecuteSqlResponse): FinishedQuery {
    if (outcome.status !== 'done') {
      return {
        status: 'failed',
        executedSql: null,
        rows: null,
        errorMessage: response.error,
        limitingFactor: 'UNKNOWN',
      };
    }
    return {
      status: 'success',
      executedSql: outcome.result.statements.map((statement) => statement.executedSql).join(';\n'),
      rows: response.row_count ?? response.affected_rows ?? 0,
      errorMessage: null,
      limitingFactor: response.truncated ? 'DROPDOWN' : 'NOT_LIMITED',
    };
  }

  /** A Superset-style error for what the SQL layer threw; anything else is a bug and rethrown. */
  private failure(error: unknown, seconds: number): ExecuteSqlResponse {
    if (!(error instanceof SqlExecutionError)) throw error;
    if (error.cause !== undefined) {
      this.#logger.warn(
        `execute_sql failed (${error.errorType}): ${redactSecrets(error.cause instanceof Error ? error.cause.message : JSON.stringify(error.cause))}`,
      );
    }
    return failedResponse(
      error.errorType,
      redactSecrets(error.message),
      Math.round(seconds * 1_000_000) / 1_000_000,
    );
  }
}
