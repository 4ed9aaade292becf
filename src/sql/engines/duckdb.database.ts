import {
  DuckDBConnection,
  DuckDBInstance,
  type DuckDBResultReader,
  ResultReturnType,
} from '@duckdb/node-api';

import { type ConnectionTarget, isRecord } from '../connection-target.js';
import { integerCell, jsonCell, timestampText } from '../json-cell.js';
import { Semaphore } from '../semaphore.js';
import type {
  JsonCell,
  PoolLimits,
  RunRequest,
  RunResult,
  SqlDatabase,
  StatementResult,
} from '../sql-engine.js';
import { driverMessage, SqlExecutionError } from '../sql-execution.error.js';
import { RunGuard } from './run-guard.js';

const INTEGER_TYPES = new Set([
  'TINYINT',
  'SMALLINT',
  'INTEGER',
  'BIGINT',
  'HUGEINT',
  'UTINYINT',
  'USMALLINT',
  'UINTEGER',
  'UBIGINT',
  'UHUGEINT',
]);

/** One column of DuckDB values → JSON-safe cells by the shared rules. */
function cell(type: string, json: unknown, js: unknown): JsonCell {
  if (json === null || json === undefined) return null;
  if (INTEGER_TYPES.has(type) && (typeof json === 'string' || typeof json === 'number')) {
    return integerCell(json);
  }
  if (type.startsWith('TIMESTAMP') && typeof json === 'string') return timestampText(json);
  if (type === 'BLOB' && js instanceof Uint8Array) return Buffer.from(js).toString('base64');
  return jsonCell(json);
}

function rowsOf(reader: DuckDBResultReader, types: readonly string[], maxRows: number) {
  const json = reader.getRowsJson().slice(0, maxRows);
  const needsJs = types.includes('BLOB');
  const js = needsJs ? reader.getRowsJS().slice(0, maxRows) : [];
  return json.map((row, rowIndex) =>
    row.map((value, column) => cell(types[column] ?? '', value, js[rowIndex]?.[column])),
  );
}

function mapError(error: unknown, stopped: 'cancel' | 'timeout' | null): SqlExecutionError {
  if (error instanceof SqlExecutionError) return error;
  if (stopped === 'timeout') {
    return new SqlExecutionError('SQLLAB_TIMEOUT_ERROR', 'the query exceeded its timeout');
  }
  if (stopped === 'cancel') {
    return new SqlExecutionError('QUERY_CANCELLED_ERROR', 'the query was cancelled');
  }
  return new SqlExecutionError('GENERIC_DB_ENGINE_ERROR', driverMessage(error), { cause: error });
}

/**
 * One DuckDB file. The instance is opened read-only unless the database allows DML, with
 * external access (other files, ATTACH, extensions) switched off for good; each run gets a
 * connection of its own, and a timeout or cancel is the connection's `interrupt()`.
 */
export class DuckDbDatabase implements SqlDatabase {
  #instance: Promise<DuckDBInstance> | undefined;
  readonly #slots: Semaphore;
  readonly #drained: (() => void)[] = [];
  #active = 0;
  #closed = false;

  constructor(
    private readonly target: ConnectionTarget,
    limits: PoolLimits,
  ) {
    this.#slots = new Semaphore(limits.maxConnections);
  }

  #open(): Promise<DuckDBInstance> {
    const file = this.target.database ?? ':memory:';
    const config = isRecord(this.target.connectArgs.config) ? this.target.connectArgs.config : {};
    const readOnly = !this.target.allowDml && file !== ':memory:';
    const options: Record<string, string> = {};
    for (const [key, value] of Object.entries(config)) {
      if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
        options[key] = String(value);
      }
    }
    this.#instance ??= DuckDBInstance.create(file, {
      ...options,
      access_mode: readOnly ? 'READ_ONLY' : 'READ_WRITE',
      enable_external_access: 'false',
      autoinstall_known_extensions: 'false',
      autoload_known_extensions: 'false',
    }).catch((error: unknown) => {
      this.#instance = undefined;
      throw new SqlExecutionError(
        'CONNECTION_REFUSED_ERROR',
        `the DuckDB database could not be opened: ${driverMessage(error)}`,
      );
    });
    return this.#instance;
  }

  async run(request: RunRequest): Promise<RunResult> {
    if (this.#closed) {
      throw new SqlExecutionError('GENERIC_DB_ENGINE_ERROR', 'the database connection was closed');
    }
    const release = await this.#slots.acquire(this.target.connectTimeoutMs);
    this.#active++;
    let connection: DuckDBConnection | undefined;
    let guard: RunGuard | undefined;
    try {
      connection = await DuckDBConnection.create(await this.#open());
      const opened = connection;
      guard = new RunGuard(request, () => opened.interrupt(), 0);
      await connection.run(request.readOnly ? 'BEGIN TRANSACTION READ ONLY' : 'BEGIN TRANSACTION');
      if (request.schema) {
        await connection.run(`SET schema = '${request.schema.replaceAll("'", "''")}'`);
      }
      const statements: StatementResult[] = [];
      for (const statement of request.statements) {
        guard.throwIfStopped();
        const started = performance.now();
        const reader = await connection.streamAndReadUntil(
          statement.executedSql,
          request.maxRows + 1,
        );
        if (reader.returnType !== ResultReturnType.QUERY_RESULT) {
          statements.push({
            executedSql: statement.executedSql,
            columns: null,
            rows: [],
            affectedRows:
              reader.returnType === ResultReturnType.CHANGED_ROWS ? reader.rowsChanged : null,
            truncated: false,
            durationMs: performance.now() - started,
          });
          continue;
        }
        const types = reader.columnTypes().map((type) => type.toString());
        statements.push({
          executedSql: statement.executedSql,
          columns: reader
            .columnNames()
            .map((name, index) => ({ name, type: types[index] ?? '', nullable: null })),
          rows: rowsOf(reader, types, request.maxRows),
          affectedRows: null,
          truncated: reader.currentRowCount > request.maxRows,
          durationMs: performance.now() - started,
        });
      }
      await connection.run('COMMIT');
      return { statements };
    } catch (error) {
      await connection?.run('ROLLBACK').catch(() => undefined);
      throw mapError(error, guard?.stopReason ?? null);
    } finally {
      guard?.dispose();
      connection?.closeSync();
      release();
      if (--this.#active === 0) for (const resolve of this.#drained.splice(0)) resolve();
    }
  }

  /** Waits for running statements (shutdown interrupts them first), then closes the file. */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#active > 0) {
      await new Promise<void>((resolve) => this.#drained.push(resolve));
    }
    const instance = await this.#instance?.catch(() => undefined);
    this.#instance = undefined;
    instance?.closeSync();
  }
}
