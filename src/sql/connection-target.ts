import { createHash } from 'node:crypto';

import { PASSWORD_MASK } from './database-uri.js';
import type { SecretCipher } from './secret-cipher.js';
import { SqlExecutionError } from './sql-execution.error.js';

/** The columns of a `dbs` row a connection is built from (password and extras decrypted later). */
export interface DatabaseRow {
  readonly id: number;
  readonly databaseName: string;
  readonly sqlalchemyUri: string;
  readonly password?: Buffer | string | null;
  readonly encryptedExtra?: Buffer | string | null;
  readonly serverCert?: Buffer | string | null;
  readonly extra: string | null;
  readonly allowDml: boolean | null;
  readonly exposeInSqllab: boolean | null;
  readonly changedOn?: Date | null;
}

/** Everything an engine needs to connect to one registered database. */
export interface ConnectionTarget {
  readonly databaseId: number;
  readonly databaseName: string;
  /** Lower-case scheme without the driver: `postgresql`, `mysql`, `sqlite`, `duckdb`, `trino`, … */
  readonly backend: string;
  /** The scheme as written, before aliases (`mariadb` is served by the `mysql` engine). */
  readonly scheme: string;
  /** The SQLAlchemy driver after `+` (`psycopg2`, `pymysql`, …), or `null`. */
  readonly driver: string | null;
  readonly host: string | null;
  readonly port: number | null;
  readonly username: string | null;
  readonly password: string | null;
  /** Database name for servers; file path (or `:memory:`) for SQLite and DuckDB. */
  readonly database: string | null;
  /** URI query parameters (`sslmode=require`, …). */
  readonly query: Readonly<Record<string, string>>;
  /** `extra.engine_params.connect_args` merged over the URI query (connect_args win). */
  readonly connectArgs: Readonly<Record<string, unknown>>;
  /** PEM CA bundle from `dbs.server_cert`, decrypted. */
  readonly serverCert: string | null;
  readonly connectTimeoutMs: number;
  readonly allowDml: boolean;
  /** Changes whenever anything that shapes the connection changes; pools are keyed by it. */
  readonly digest: string;
}

const FILE_BACKENDS = new Set(['sqlite', 'duckdb']);
const BACKEND_ALIASES: Readonly<Record<string, string>> = {
  postgres: 'postgresql',
  pgsql: 'postgresql',
  mariadb: 'mysql',
};

function parseJsonObject(text: string | null, what: string): Record<string, unknown> {
  if (text === null || text.trim() === '') {
    return {};
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new SqlExecutionError('CONNECTION_INVALID_URI_ERROR', `${what} is not valid JSON`);
  }
  return isRecord(value) ? value : {};
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function decodePart(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

function parseQuery(text: string): Record<string, string> {
  const query: Record<string, string> = {};
  for (const [key, value] of new URLSearchParams(text)) {
    query[key] = value;
  }
  return query;
}

/** Seconds from `connect_timeout` / `connectTimeout`, falling back to the default. */
function connectTimeoutMs(args: Record<string, unknown>, fallbackMs: number): number {
  const raw = args.connect_timeout ?? args.connectTimeout ?? args.timeout;
  const seconds = typeof raw === 'string' ? Number(raw) : raw;
  if (typeof seconds === 'number' && Number.isFinite(seconds) && seconds > 0) {
    return Math.min(Math.round(seconds * 1000), 120_000);
  }
  return fallbackMs;
}

interface ParsedUri {
  readonly backend: string;
  readonly scheme: string;
  readonly driver: string | null;
  readonly host: string | null;
  readonly port: number | null;
  readonly username: string | null;
  readonly password: string | null;
  readonly database: string | null;
  readonly query: Record<string, string>;
}

/**
 * Parses a SQLAlchemy URL: `dialect+driver://user:password@host:port/database?key=value`, and the
 * file forms `sqlite:///relative.db`, `sqlite:////absolute.db`, `duckdb:///:memory:`.
 */
export function parseSqlalchemyUri(uri: string): ParsedUri {
  const schemeEnd = uri.indexOf('://');
  if (schemeEnd <= 0) {
    throw new SqlExecutionError(
      'CONNECTION_INVALID_URI_ERROR',
      'invalid database URI: expected <dialect>[+driver]://…',
    );
  }
  const [dialect = '', driver = null] = uri.slice(0, schemeEnd).toLowerCase().split('+', 2);
  const backend = BACKEND_ALIASES[dialect] ?? dialect;
  const afterScheme = uri.slice(schemeEnd + 3);
  const queryStart = afterScheme.indexOf('?');
  const body = queryStart === -1 ? afterScheme : afterScheme.slice(0, queryStart);
  const query = queryStart === -1 ? {} : parseQuery(afterScheme.slice(queryStart + 1));

  if (FILE_BACKENDS.has(backend)) {
    // `sqlite://` (memory), `sqlite:///x.db` (relative), `sqlite:////abs/x.db` (absolute).
    const path = body.startsWith('/') ? body.slice(1) : body;
    return {
      backend,
      scheme: dialect,
      driver,
      host: null,
      port: null,
      username: null,
      password: null,
      database: path === '' ? ':memory:' : decodePart(path),
      query,
    };
  }

  // User info ends at the last '@' before the path (SQLAlchemy percent-encodes '@' inside it).
  const slash = body.indexOf('/');
  const authority = slash === -1 ? body : body.slice(0, slash);
  const path = slash === -1 ? '' : body.slice(slash + 1);
  const at = authority.lastIndexOf('@');
  const userInfo = at === -1 ? null : authority.slice(0, at);
  const hostPort = at === -1 ? authority : authority.slice(at + 1);
  let username: string | null = null;
  let password: string | null = null;
  if (userInfo !== null) {
    const colon = userInfo.indexOf(':');
    username = decodePart(colon === -1 ? userInfo : userInfo.slice(0, colon)) || null;
    password = colon === -1 ? null : decodePart(userInfo.slice(colon + 1));
  }
  let host: string | null = hostPort;
  let port: number | null = null;
  const bracket = hostPort.startsWith('[') ? hostPort.indexOf(']') : -1;
  const portColon = bracket === -1 ? hostPort.lastIndexOf(':') : hostPort.indexOf(':', bracket);
  if (portColon !== -1) {
    host = hostPort.slice(0, portColon);
    const parsed = Number(hostPort.slice(portColon + 1));
    if (!Number.isInteger(parsed) || parsed <= 0 || parsed > 65_535) {
      throw new SqlExecutionError('CONNECTION_INVALID_URI_ERROR', 'invalid port in database URI');
    }
    port = parsed;
  }
  if (host.startsWith('[') && host.endsWith(']')) {
    host = host.slice(1, -1);
  }
  return {
    backend,
    scheme: dialect,
    driver,
    host: host === '' ? null : decodePart(host),
    port,
    username,
    password,
    database: path === '' ? null : decodePart(path),
    query,
  };
}

export interface ConnectionTargetOptions {
  readonly defaultConnectTimeoutMs: number;
}

function secret(cipher: SecretCipher, stored: Buffer | string | null | undefined): string | null {
  if (stored === null || stored === undefined) {
    return null;
  }
  return cipher.decrypt(stored);
}

/**
 * Builds the connection of a `dbs` row: the URI's parts, the password decrypted from
 * `dbs.password` (a wrong SECRET_KEY throws `SecretDecryptionError`), `extra.engine_params
 * .connect_args` and `encrypted_extra`'s `connect_args` over the URI query.
 */
export function connectionTarget(
  row: DatabaseRow,
  cipher: SecretCipher,
  options: ConnectionTargetOptions,
): ConnectionTarget {
  const uri = parseSqlalchemyUri(row.sqlalchemyUri);
  const storedPassword = secret(cipher, row.password);
  const uriPassword = uri.password === PASSWORD_MASK ? null : uri.password;
  const extra = parseJsonObject(row.extra, 'dbs.extra');
  const encryptedExtra = parseJsonObject(secret(cipher, row.encryptedExtra), 'dbs.encrypted_extra');
  const engineParams = isRecord(extra.engine_params) ? extra.engine_params : {};
  const secretEngineParams = isRecord(encryptedExtra.engine_params)
    ? encryptedExtra.engine_params
    : {};
  const connectArgs: Record<string, unknown> = {
    ...uri.query,
    ...(isRecord(engineParams.connect_args) ? engineParams.connect_args : {}),
    ...(isRecord(encryptedExtra.connect_args) ? encryptedExtra.connect_args : {}),
    ...(isRecord(secretEngineParams.connect_args) ? secretEngineParams.connect_args : {}),
  };
  const serverCert = secret(cipher, row.serverCert);
  const password = storedPassword ?? uriPassword;
  const digest = createHash('sha256')
    .update(
      JSON.stringify([
        row.sqlalchemyUri,
        password,
        row.extra,
        encryptedExtra,
        serverCert,
        row.allowDml === true,
      ]),
    )
    .digest('hex');
  return {
    databaseId: row.id,
    databaseName: row.databaseName,
    backend: uri.backend,
    scheme: uri.scheme,
    driver: uri.driver,
    host: uri.host,
    port: uri.port,
    username: uri.username,
    password,
    database: uri.database,
    query: uri.query,
    connectArgs,
    serverCert,
    connectTimeoutMs: connectTimeoutMs(connectArgs, options.defaultConnectTimeoutMs),
    allowDml: row.allowDml === true,
    digest,
  };
}
