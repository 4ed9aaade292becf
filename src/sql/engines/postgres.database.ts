import { Client, escapeIdentifier, Pool, type PoolClient, type PoolConfig, types } from 'pg';

import type { ConnectionTarget } from '../connection-target.js';
import { integerCell, jsonCell, timestampText } from '../json-cell.js';
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

/** Built-in type OIDs (`pg_type`) named the way `format_type` names them. */
const TYPE_NAMES: Readonly<Record<number, string>> = {
  16: 'boolean',
  17: 'bytea',
  18: 'char',
  19: 'name',
  20: 'bigint',
  21: 'smallint',
  23: 'integer',
  25: 'text',
  26: 'oid',
  114: 'json',
  142: 'xml',
  700: 'real',
  701: 'double precision',
  790: 'money',
  869: 'inet',
  1042: 'character',
  1043: 'character varying',
  1082: 'date',
  1083: 'time without time zone',
  1114: 'timestamp without time zone',
  1184: 'timestamp with time zone',
  1186: 'interval',
  1266: 'time with time zone',
  1700: 'numeric',
  2950: 'uuid',
  3802: 'jsonb',
  1000: 'boolean[]',
  1005: 'smallint[]',
  1007: 'integer[]',
  1016: 'bigint[]',
  1009: 'text[]',
  1015: 'character varying[]',
  1021: 'real[]',
  1022: 'double precision[]',
  1231: 'numeric[]',
};

const text = (value: string): string => value;

/** Parsers that keep every value exact and JSON-safe (see `json-cell.ts`). */
const PARSERS: Readonly<Record<number, (value: string) => unknown>> = {
  20: integerCell, // bigint: number while safe, else string
  1700: text, // numeric: string
  1082: text, // date: YYYY-MM-DD
  1083: text,
  1266: text,
  1114: timestampText, // 2024-01-02T03:04:05.123456 (microseconds kept)
  1184: timestampText, // session TimeZone is UTC: …Z
  1186: text, // interval as PostgreSQL prints it
  790: text,
};

const typeParsers = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary'): unknown => {
    const parser = PARSERS[oid];
    if (parser && format !== 'binary') return parser;
    const fallback: unknown =
      format === 'binary' ? types.getTypeParser(oid, 'binary') : types.getTypeParser(oid);
    return fallback;
  }) as typeof types.getTypeParser,
};

/** `sslmode` (libpq) → node-postgres `ssl`. */
function sslOption(target: ConnectionTarget): PoolConfig['ssl'] {
  const sslmode = target.connectArgs.sslmode;
  const mode = typeof sslmode === 'string' ? sslmode.toLowerCase() : '';
  const ca = target.serverCert ?? undefined;
  switch (mode) {
    case 'require':
    case 'prefer':
    case 'allow':
      return ca ? { ca, rejectUnauthorized: false } : { rejectUnauthorized: false };
    case 'verify-ca':
    case 'verify-full':
      return ca ? { ca, rejectUnauthorized: true } : { rejectUnauthorized: true };
    default:
      return ca ? { ca, rejectUnauthorized: true } : undefined;
  }
}

function clientConfig(target: ConnectionTarget): PoolConfig {
  const args = target.connectArgs;
  const extraOptions = typeof args.options === 'string' ? ` ${args.options}` : '';
  return {
    host: target.host ?? 'localhost',
    port: target.port ?? 5432,
    user: target.username ?? undefined,
    password: target.password ?? undefined,
    database: target.database ?? undefined,
    ssl: sslOption(target),
    connectionTimeoutMillis: target.connectTimeoutMs,
    application_name:
      typeof args.application_name === 'string' ? args.application_name : 'superset-mcp',
    options: `-c TimeZone=UTC${extraOptions}`,
    types: typeParsers,
  };
}

/** Maps a pg error to Superset's error types; never includes the SQL or the URI. */
function mapError(error: unknown, cancelled: 'cancel' | 'timeout' | null): SqlExecutionError {
  if (error instanceof SqlExecutionError) return error;
  const code = (error as { code?: string } | null)?.code;
  const message = driverMessage(error);
  if (code === '57014') {
    return cancelled === 'cancel'
      ? new SqlExecutionError('QUERY_CANCELLED_ERROR', 'the query was cancelled')
      : new SqlExecutionError('SQLLAB_TIMEOUT_ERROR', 'the query exceeded its timeout');
  }
  if (code === '28P01' || code === '28000') {
    return new SqlExecutionError('CONNECTION_ACCESS_DENIED_ERROR', 'access denied to the database');
  }
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EHOSTUNREACH') {
    return new SqlExecutionError('CONNECTION_REFUSED_ERROR', 'the database is not reachable');
  }
  if (
    /timeout exceeded when trying to connect|Connection terminated due to connection timeout/i.test(
      message,
    )
  ) {
    return new SqlExecutionError(
      'CONNECTION_DATABASE_TIMEOUT',
      'the database did not answer within its connect timeout',
    );
  }
  return new SqlExecutionError('GENERIC_DB_ENGINE_ERROR', message, { cause: error });
}

interface Field {
  readonly name: string;
  readonly dataTypeID: number;
  readonly tableID: number;
  readonly columnID: number;
}

/** One registered PostgreSQL database: a bounded pool plus what its catalog told us. */
export class PostgresDatabase implements SqlDatabase {
  readonly #pool: Pool;
  readonly #typeNames = new Map<number, string>();
  readonly #notNull = new Map<string, boolean>();

  constructor(
    private readonly target: ConnectionTarget,
    limits: PoolLimits,
  ) {
    this.#pool = new Pool({
      ...clientConfig(target),
      max: limits.maxConnections,
      idleTimeoutMillis: limits.idleTimeoutMs,
    });
    // An idle client that loses its server must not crash the process.
    this.#pool.on('error', () => undefined);
  }

  async run(request: RunRequest): Promise<RunResult> {
    let client: PoolClient;
    try {
      client = await this.#pool.connect();
    } catch (error) {
      throw mapError(error, null);
    }
    const processId = (client as unknown as { processID: number | null }).processID;
    const guard = new RunGuard(request, () => this.#cancel(processId));
    let broken: Error | undefined;
    try {
      await client.query(request.readOnly ? 'BEGIN READ ONLY' : 'BEGIN');
      await client.query(
        `SET LOCAL statement_timeout = ${Math.max(1, Math.round(request.timeoutMs))}`,
      );
      if (request.schema) {
        await client.query(`SET LOCAL search_path TO ${escapeIdentifier(request.schema)}`);
      }
      const statements: StatementResult[] = [];
      for (const statement of request.statements) {
        guard.throwIfStopped();
        const started = performance.now();
        const result = await client.query<JsonCell[]>({
          text: statement.executedSql,
          rowMode: 'array',
          queryMode: 'extended',
        } as { text: string; rowMode: 'array' });
        const fields = (result.fields as Field[] | undefined) ?? [];
        const hasRows = fields.length > 0;
        const rows = result.rows.slice(0, request.maxRows);
        statements.push({
          executedSql: statement.executedSql,
          columns: hasRows ? await this.#columns(client, fields) : null,
          rows: rows.map((row) => row.map(jsonCell)),
          affectedRows: hasRows ? null : (result.rowCount ?? null),
          truncated: result.rows.length > request.maxRows,
          durationMs: performance.now() - started,
        });
      }
      await client.query('COMMIT');
      return { statements };
    } catch (error) {
      broken = error instanceof Error ? error : new Error(String(error));
      await client.query('ROLLBACK').then(
        () => (broken = undefined),
        () => undefined,
      );
      throw mapError(error, guard.stopReason);
    } finally {
      guard.dispose();
      client.release(broken);
    }
  }

  /** `pg_cancel_backend` from a connection of its own, so a full pool cannot block a cancel. */
  async #cancel(processId: number | null): Promise<void> {
    if (processId === null) return;
    const canceller = new Client(clientConfig(this.target));
    canceller.on('error', () => undefined);
    try {
      await canceller.connect();
      await canceller.query('SELECT pg_cancel_backend($1)', [processId]);
    } finally {
      await canceller.end().catch(() => undefined);
    }
  }

  /** Type names and NOT NULL from the catalog, looked up once per type and table column. */
  async #columns(client: PoolClient, fields: readonly Field[]): Promise<ResultColumn[]> {
    const unknownTypes = [
      ...new Set(
        fields
          .map((field) => field.dataTypeID)
          .filter((oid) => TYPE_NAMES[oid] === undefined && !this.#typeNames.has(oid)),
      ),
    ];
    const key = (field: Field) => `${field.tableID}:${field.columnID}`;
    const unknownColumns = fields.filter(
      (field) => field.tableID !== 0 && !this.#notNull.has(key(field)),
    );
    if (unknownTypes.length > 0) {
      const found = await client.query<{ oid: number; name: string }>(
        'SELECT oid::int AS oid, format_type(oid, NULL) AS name FROM pg_type WHERE oid = ANY($1::oid[])',
        [unknownTypes],
      );
      for (const row of found.rows) this.#typeNames.set(row.oid, row.name);
    }
    if (unknownColumns.length > 0) {
      const found = await client.query<{ rel: number; num: number; notnull: boolean }>(
        `SELECT attrelid::int AS rel, attnum::int AS num, attnotnull AS notnull
           FROM pg_attribute
          WHERE (attrelid, attnum) IN (SELECT * FROM unnest($1::oid[], $2::int2[]))`,
        [
          unknownColumns.map((field) => field.tableID),
          unknownColumns.map((field) => field.columnID),
        ],
      );
      for (const row of found.rows) this.#notNull.set(`${row.rel}:${row.num}`, row.notnull);
    }
    return fields.map((field) => {
      const notNull = field.tableID === 0 ? undefined : this.#notNull.get(key(field));
      return {
        name: field.name,
        type:
          TYPE_NAMES[field.dataTypeID] ??
          this.#typeNames.get(field.dataTypeID) ??
          `oid:${field.dataTypeID}`,
        nullable: notNull === undefined ? null : !notNull,
      };
    });
  }

  async close(): Promise<void> {
    await this.#pool.end();
  }
}
