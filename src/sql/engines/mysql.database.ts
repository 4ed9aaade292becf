import {
  createConnection,
  createPool,
  type FieldPacket,
  type Pool,
  type PoolConnection,
  type PoolOptions,
} from 'mysql2/promise';

import { type ConnectionTarget, isRecord } from '../connection-target.js';
import { integerCell, jsonCell } from '../json-cell.js';
import type {
  JsonCell,
  PoolLimits,
  ResultColumn,
  RunRequest,
  RunResult,
  SqlDatabase,
  StatementResult,
} from '../sql-engine.js';
import { driverMessage, SqlExecutionError } from '../sql-execution.error.js';
import { RunGuard } from './run-guard.js';

/** Protocol column types (`MYSQL_TYPE_*`) by their SQL names. */
const TYPE_NAMES: Readonly<Record<number, string>> = {
  0: 'DECIMAL',
  1: 'TINYINT',
  2: 'SMALLINT',
  3: 'INT',
  4: 'FLOAT',
  5: 'DOUBLE',
  6: 'NULL',
  7: 'TIMESTAMP',
  8: 'BIGINT',
  9: 'MEDIUMINT',
  10: 'DATE',
  11: 'TIME',
  12: 'DATETIME',
  13: 'YEAR',
  14: 'DATE',
  15: 'VARCHAR',
  16: 'BIT',
  245: 'JSON',
  246: 'DECIMAL',
  247: 'ENUM',
  248: 'SET',
  249: 'TINYBLOB',
  250: 'MEDIUMBLOB',
  251: 'LONGBLOB',
  252: 'BLOB',
  253: 'VARCHAR',
  254: 'CHAR',
  255: 'GEOMETRY',
};
const BINARY_CHARSET = 63;
const NOT_NULL_FLAG = 1;
const TEXT_FOR_BLOB: Readonly<Record<number, string>> = {
  249: 'TINYTEXT',
  250: 'MEDIUMTEXT',
  251: 'LONGTEXT',
  252: 'TEXT',
  253: 'VARCHAR',
  254: 'CHAR',
};
const BINARY_FOR_STRING: Readonly<Record<number, string>> = { 253: 'VARBINARY', 254: 'BINARY' };

function typeName(field: FieldPacket): string {
  const code = field.columnType ?? field.type ?? -1;
  const extended = (field as { extendedTypeName?: string }).extendedTypeName;
  if (extended) return extended.toUpperCase();
  if ((field as { extendedFormat?: string }).extendedFormat === 'json') return 'JSON';
  const binary = field.characterSet === BINARY_CHARSET;
  if (binary && BINARY_FOR_STRING[code]) return BINARY_FOR_STRING[code];
  if (!binary && TEXT_FOR_BLOB[code] && code !== 253 && code !== 254) return TEXT_FOR_BLOB[code];
  return TYPE_NAMES[code] ?? `TYPE_${code}`;
}

function nullable(field: FieldPacket): boolean {
  const flags = field.flags;
  return typeof flags === 'number' ? (flags & NOT_NULL_FLAG) === 0 : !flags.includes('NOT_NULL');
}

/** BIGINT as number-or-string, DATETIME as ISO, TIMESTAMP (session zone UTC) as ISO with Z. */
const typeCast: PoolOptions['typeCast'] = (field, next) => {
  switch (field.type) {
    case 'LONGLONG': {
      const value = field.string();
      return value === null ? null : integerCell(value);
    }
    case 'DATETIME':
    case 'DATETIME2': {
      const value = field.string();
      return value === null ? null : value.replace(' ', 'T');
    }
    case 'TIMESTAMP':
    case 'TIMESTAMP2': {
      const value = field.string();
      return value === null ? null : `${value.replace(' ', 'T')}Z`;
    }
    default:
      return next();
  }
};

function sslOption(target: ConnectionTarget): PoolOptions['ssl'] {
  const ssl = target.connectArgs.ssl;
  const mode = target.connectArgs.ssl_mode ?? target.connectArgs.sslmode;
  if (isRecord(ssl) || mode === 'REQUIRED' || mode === 'require' || target.serverCert) {
    const ca =
      target.serverCert ?? (isRecord(ssl) && typeof ssl.ca === 'string' ? ssl.ca : undefined);
    return ca ? { ca, rejectUnauthorized: true } : { rejectUnauthorized: false };
  }
  return undefined;
}

function connectionOptions(target: ConnectionTarget): PoolOptions {
  return {
    host: target.host ?? 'localhost',
    port: target.port ?? 3306,
    user: target.username ?? undefined,
    password: target.password ?? undefined,
    database: target.database ?? undefined,
    connectTimeout: target.connectTimeoutMs,
    ssl: sslOption(target),
    charset:
      typeof target.connectArgs.charset === 'string' ? target.connectArgs.charset : undefined,
    multipleStatements: false,
    rowsAsArray: true,
    supportBigNumbers: true,
    bigNumberStrings: true,
    decimalNumbers: false,
    dateStrings: true,
    typeCast,
  };
}

const TIMEOUT_CODES = new Set([1969, 3024]); // MariaDB max_statement_time, MySQL max_execution_time
const INTERRUPTED = 1317;

function mapError(error: unknown, stopped: 'cancel' | 'timeout' | null): SqlExecutionError {
  if (error instanceof SqlExecutionError) return error;
  const { errno, code } = (error ?? {}) as { errno?: number; code?: string };
  if (errno !== undefined && TIMEOUT_CODES.has(errno)) {
    return new SqlExecutionError('SQLLAB_TIMEOUT_ERROR', 'the query exceeded its timeout');
  }
  if (errno === INTERRUPTED || stopped !== null) {
    return stopped === 'timeout'
      ? new SqlExecutionError('SQLLAB_TIMEOUT_ERROR', 'the query exceeded its timeout')
      : new SqlExecutionError('QUERY_CANCELLED_ERROR', 'the query was cancelled');
  }
  if (errno === 1045 || errno === 1044 || errno === 1698) {
    return new SqlExecutionError('CONNECTION_ACCESS_DENIED_ERROR', 'access denied to the database');
  }
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EHOSTUNREACH') {
    return new SqlExecutionError('CONNECTION_REFUSED_ERROR', 'the database is not reachable');
  }
  if (code === 'ETIMEDOUT') {
    return new SqlExecutionError(
      'CONNECTION_DATABASE_TIMEOUT',
      'the database did not answer within its connect timeout',
    );
  }
  return new SqlExecutionError('GENERIC_DB_ENGINE_ERROR', driverMessage(error), { cause: error });
}

function quoteIdentifier(name: string): string {
  return `\`${name.replaceAll('`', '``')}\``;
}

export class MysqlDatabase implements SqlDatabase {
  readonly #pool: Pool;
  #mariadb: Promise<boolean> | undefined;

  constructor(
    private readonly target: ConnectionTarget,
    limits: PoolLimits,
  ) {
    this.#pool = createPool({
      ...connectionOptions(target),
      connectionLimit: limits.maxConnections,
      maxIdle: limits.maxConnections,
      idleTimeout: limits.idleTimeoutMs,
      queueLimit: 0,
    });
  }

  /** MariaDB and MySQL name their statement timeout differently. */
  #isMariaDb(connection: PoolConnection): Promise<boolean> {
    this.#mariadb ??= connection
      .query('SELECT VERSION()')
      .then(([rows]) => JSON.stringify(rows).includes('MariaDB'));
    return this.#mariadb;
  }

  async run(request: RunRequest): Promise<RunResult> {
    let connection: PoolConnection;
    try {
      connection = await this.#pool.getConnection();
    } catch (error) {
      throw mapError(error, null);
    }
    const threadId = connection.threadId;
    const guard = new RunGuard(request, () => this.#kill(threadId));
    let broken = false;
    try {
      const mariadb = await this.#isMariaDb(connection);
      const timeout = mariadb
        ? `max_statement_time = ${(Math.max(1, request.timeoutMs) / 1000).toFixed(3)}`
        : `max_execution_time = ${Math.max(1, Math.round(request.timeoutMs))}`;
      await connection.query(`SET SESSION ${timeout}, time_zone = '+00:00'`);
      const schema = request.schema ?? this.target.database;
      if (schema) await connection.query(`USE ${quoteIdentifier(schema)}`);
      await connection.query(
        request.readOnly ? 'START TRANSACTION READ ONLY' : 'START TRANSACTION',
      );
      const statements: StatementResult[] = [];
      for (const statement of request.statements) {
        guard.throwIfStopped();
        const started = performance.now();
        const [result, fields] = await connection.query(statement.executedSql);
        // KILL QUERY makes SLEEP() return early without an error: the guard knows better.
        guard.throwIfStopped();
        if (Array.isArray(result)) {
          const rows = result as unknown as unknown[][];
          statements.push({
            executedSql: statement.executedSql,
            columns: (fields ?? []).map((field): ResultColumn => ({
              name: field.name,
              type: typeName(field),
              nullable: nullable(field),
            })),
            rows: rows.slice(0, request.maxRows).map((row) => row.map<JsonCell>(jsonCell)),
            affectedRows: null,
            truncated: rows.length > request.maxRows,
            durationMs: performance.now() - started,
          });
        } else {
          statements.push({
            executedSql: statement.executedSql,
            columns: null,
            rows: [],
            affectedRows: result.affectedRows,
            truncated: false,
            durationMs: performance.now() - started,
          });
        }
      }
      await connection.query('COMMIT');
      return { statements };
    } catch (error) {
      await connection.query('ROLLBACK').catch(() => {
        broken = true;
      });
      throw mapError(error, guard.stopReason);
    } finally {
      guard.dispose();
      if (broken) connection.destroy();
      else connection.release();
    }
  }

  /** `KILL QUERY` from a connection of its own, so a full pool cannot block a cancel. */
  async #kill(threadId: number): Promise<void> {
    const killer = await createConnection(connectionOptions(this.target));
    try {
      await killer.query(`KILL QUERY ${Number(threadId)}`);
    } finally {
      await killer.end().catch(() => undefined);
    }
  }

  async close(): Promise<void> {
    await this.#pool.end();
  }
}
