import type { BetterSqlite3DataSourceOptions } from 'typeorm/driver/better-sqlite3/BetterSqlite3DataSourceOptions.js';
import type { PostgresDataSourceOptions } from 'typeorm/driver/postgres/PostgresDataSourceOptions.js';

export type MetadataDialect = 'postgres' | 'sqlite';

export type MetadataConnection =
  | { readonly dialect: 'postgres'; readonly options: PostgresDataSourceOptions }
  | { readonly dialect: 'sqlite'; readonly options: BetterSqlite3DataSourceOptions };

const POSTGRES_SCHEMES = new Set([
  'postgresql',
  'postgres',
  'postgresql+psycopg2',
  'postgresql+psycopg',
]);
const SQLITE_MEMORY = ':memory:';
const DEFAULT_POSTGRES_PORT = 5432;

/**
 * Translates a SQLAlchemy-style `SQLALCHEMY_DATABASE_URI` into TypeORM connection options.
 * Error messages name the scheme only: the URI may carry a password.
 */
export function parseMetadataUri(uri: string): MetadataConnection {
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\//.exec(uri)?.[1]?.toLowerCase() ?? '';
  if (POSTGRES_SCHEMES.has(scheme)) {
    return { dialect: 'postgres', options: parsePostgresUri(uri) };
  }
  if (scheme === 'sqlite') {
    return { dialect: 'sqlite', options: parseSqliteUri(uri) };
  }
  throw new Error(
    `unsupported metadata database scheme '${scheme}'; supported: postgresql, sqlite`,
  );
}

function parsePostgresUri(uri: string): PostgresDataSourceOptions {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    throw new Error('invalid postgresql metadata database URI');
  }
  const socketHost = url.searchParams.get('host');
  const hostname = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
  return {
    type: 'postgres',
    host: hostname !== '' ? decodeURIComponent(hostname) : (socketHost ?? 'localhost'),
    port: url.port !== '' ? Number(url.port) : DEFAULT_POSTGRES_PORT,
    ...(url.username !== '' ? { username: decodeURIComponent(url.username) } : {}),
    ...(url.password !== '' ? { password: decodeURIComponent(url.password) } : {}),
    ...(database !== '' ? { database } : {}),
    ...sslOptions(url.searchParams.get('sslmode')),
  };
}

function sslOptions(sslmode: string | null): Pick<PostgresDataSourceOptions, 'ssl'> {
  switch (sslmode) {
    case null:
    case 'disable':
    case 'allow':
    case 'prefer':
      return {};
    case 'require':
      // libpq's "require" encrypts without verifying the server certificate.
      return { ssl: { rejectUnauthorized: false } };
    // verify-ca is checked like verify-full: node-postgres cannot skip only the host name check.
    case 'verify-ca':
    case 'verify-full':
      return { ssl: { rejectUnauthorized: true } };
    default:
      throw new Error(`unsupported sslmode '${sslmode}' in the metadata database URI`);
  }
}

function parseSqliteUri(uri: string): BetterSqlite3DataSourceOptions {
  const withoutQuery = uri.slice('sqlite://'.length).split('?')[0] ?? '';
  // What follows "sqlite://" is "/relative.db" or "//abs.db": one slash belongs to the URI syntax.
  const path = decodeURIComponent(withoutQuery.replace(/^\//, ''));
  return { type: 'better-sqlite3', database: path === '' ? SQLITE_MEMORY : path };
}
