import { isAbsolute, resolve } from 'node:path';

import type { ConnectionTarget } from '../connection-target.js';
import { jsonCell } from '../json-cell.js';
import { Semaphore } from '../semaphore.js';
import type { JsonCell, PoolLimits, RunRequest, RunResult, SqlDatabase } from '../sql-engine.js';
import { SqlExecutionError } from '../sql-execution.error.js';
import { RunGuard } from './run-guard.js';
import { SqliteHost } from './sqlite-host.js';

/**
 * One SQLite file, served by up to `maxConnections` host processes (kept warm while idle). A
 * read-only script opens the file read-only with `query_only`; timeout and cancel kill the host.
 */
export class SqliteDatabase implements SqlDatabase {
  readonly #slots: Semaphore;
  readonly #idle: SqliteHost[] = [];
  readonly #busy = new Set<SqliteHost>();
  readonly #file: string;
  #idleTimer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(
    private readonly target: ConnectionTarget,
    private readonly limits: PoolLimits,
  ) {
    this.#slots = new Semaphore(limits.maxConnections);
    const file = target.database ?? ':memory:';
    this.#file = file === ':memory:' || isAbsolute(file) ? file : resolve(file);
  }

  /** Process ids of hosts running a query (for diagnostics and tests). */
  get busyProcessIds(): number[] {
    return [...this.#busy].map((host) => host.child.pid ?? -1);
  }

  async run(request: RunRequest): Promise<RunResult> {
    if (this.#file === ':memory:') {
      throw new SqlExecutionError(
        'CONNECTION_INVALID_URI_ERROR',
        'an in-memory SQLite database has no data to query',
      );
    }
    const release = await this.#slots.acquire(this.target.connectTimeoutMs);
    const host = this.#take();
    this.#busy.add(host);
    const guard = new RunGuard(request, () => host.kill(), 0);
    try {
      const reply = await host.request({
        file: this.#file,
        readOnly: request.readOnly,
        statements: request.statements.map((statement) => ({ sql: statement.executedSql })),
        maxRows: request.maxRows,
        busyTimeoutMs: Math.min(request.timeoutMs, 5_000),
      });
      if (!reply.ok) {
        throw new SqlExecutionError(
          reply.code === 'SQLITE_CANTOPEN' ? 'CONNECTION_REFUSED_ERROR' : 'GENERIC_DB_ENGINE_ERROR',
          reply.message.split('\n', 1)[0] ?? 'SQLite error',
        );
      }
      return {
        statements: reply.results.map((result, index) => ({
          executedSql: request.statements[index]?.executedSql ?? '',
          columns: result.columns,
          rows: result.rows.map((row) => row.map<JsonCell>(jsonCell)),
          affectedRows: result.affectedRows,
          truncated: result.truncated,
          durationMs: result.durationMs,
        })),
      };
    } catch (error) {
      if (guard.stopReason === 'timeout') {
        throw new SqlExecutionError('SQLLAB_TIMEOUT_ERROR', 'the query exceeded its timeout');
      }
      if (guard.stopReason === 'cancel') {
        throw new SqlExecutionError('QUERY_CANCELLED_ERROR', 'the query was cancelled');
      }
      throw error instanceof SqlExecutionError
        ? error
        : new SqlExecutionError('GENERIC_DB_ENGINE_ERROR', 'the SQLite host process failed');
    } finally {
      guard.dispose();
      this.#busy.delete(host);
      if (this.#closed) host.kill();
      else if (host.alive) this.#idle.push(host);
      this.#scheduleIdleClose();
      release();
    }
  }

  #take(): SqliteHost {
    for (let host = this.#idle.pop(); host; host = this.#idle.pop()) {
      if (host.alive) return host;
    }
    return new SqliteHost();
  }

  #scheduleIdleClose(): void {
    clearTimeout(this.#idleTimer);
    this.#idleTimer = setTimeout(() => {
      for (const host of this.#idle.splice(0)) host.kill();
    }, this.limits.idleTimeoutMs);
    this.#idleTimer.unref();
  }

  /** Idle hosts end now; a running query finishes (or is cancelled) and its host ends then. */
  close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#idleTimer);
    for (const host of this.#idle.splice(0)) host.kill();
    return Promise.resolve();
  }
}
