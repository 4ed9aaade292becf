import { describe, expect, it } from 'vitest';

import { connectionTarget, type DatabaseRow, parseSqlalchemyUri } from './connection-target.js';
import { SecretCipher } from './secret-cipher.js';

const cipher = new SecretCipher('connection-target-spec');
const OPTIONS = { defaultConnectTimeoutMs: 5_000 };

function row(uri: string, extra: Partial<DatabaseRow> = {}): DatabaseRow {
  return {
    id: 7,
    databaseName: 'db',
    sqlalchemyUri: uri,
    extra: null,
    allowDml: null,
    exposeInSqllab: true,
    ...extra,
  };
}

describe(parseSqlalchemyUri.name, () => {
  it.each([
    [
      'postgresql+psycopg2://u:p@h:6432/d',
      { backend: 'postgresql', driver: 'psycopg2', host: 'h', port: 6432, database: 'd' },
    ],
    ['postgres://u@h/d', { backend: 'postgresql', scheme: 'postgres', driver: null, port: null }],
    [
      'mysql+pymysql://u:p@h/d?charset=utf8mb4',
      { backend: 'mysql', driver: 'pymysql', query: { charset: 'utf8mb4' } },
    ],
    ['mysql+mysqldb://u@h:3307/d', { backend: 'mysql', driver: 'mysqldb', port: 3307 }],
    ['mariadb+mariadbconnector://u@h/d', { backend: 'mysql', scheme: 'mariadb' }],
    ['clickhousedb+connect://u@h:8123/default', { backend: 'clickhousedb', driver: 'connect' }],
    ['clickhouse+connect://u@h:8123/default', { backend: 'clickhouse', driver: 'connect' }],
    [
      'sqlite:////var/lib/superset/examples.db',
      { backend: 'sqlite', database: '/var/lib/superset/examples.db' },
    ],
    [
      'sqlite:///examples.db?check_same_thread=false',
      { backend: 'sqlite', database: 'examples.db', query: { check_same_thread: 'false' } },
    ],
    ['sqlite://', { backend: 'sqlite', database: ':memory:' }],
    ['duckdb:////data/warehouse.duckdb', { backend: 'duckdb', database: '/data/warehouse.duckdb' }],
    ['duckdb:///:memory:', { backend: 'duckdb', database: ':memory:' }],
    [
      'postgresql://u%40corp:p%3Aw%40rd@[::1]:5432/d%20b',
      { username: 'u@corp', password: 'p:w@rd', host: '::1', port: 5432, database: 'd b' },
    ],
    [
      'trino://user@trino:8080/hive',
      { backend: 'trino', host: 'trino', port: 8080, database: 'hive' },
    ],
  ])('parses %s', (uri, expected) => {
    expect(parseSqlalchemyUri(uri)).toMatchObject(expected);
  });

  it.each([['no-scheme'], ['postgresql://h:notaport/d']])('rejects %s', (uri) => {
    expect(() => parseSqlalchemyUri(uri)).toThrow(/database URI|port/);
  });
});

describe(connectionTarget.name, () => {
  it('takes the password from dbs.password, never the mask in the URI', () => {
    const target = connectionTarget(
      row('postgresql://u:XXXXXXXXXX@h/d', { password: cipher.encrypt('real') }),
      cipher,
      OPTIONS,
    );
    expect(target.password).toBe('real');
    expect(
      connectionTarget(row('postgresql://u:XXXXXXXXXX@h/d'), cipher, OPTIONS).password,
    ).toBeNull();
  });

  it('merges connect_args over the URI query and reads the connect timeout from them', () => {
    const target = connectionTarget(
      row('postgresql://u@h/d?sslmode=prefer&connect_timeout=9', {
        extra: JSON.stringify({
          engine_params: { connect_args: { sslmode: 'require', application_name: 'bi' } },
        }),
        encryptedExtra: cipher.encrypt(
          JSON.stringify({ connect_args: { options: '-c work_mem=64MB' } }),
        ),
      }),
      cipher,
      OPTIONS,
    );
    expect(target.connectArgs).toEqual({
      sslmode: 'require',
      connect_timeout: '9',
      application_name: 'bi',
      options: '-c work_mem=64MB',
    });
    expect(target.connectTimeoutMs).toBe(9_000);
    expect(connectionTarget(row('postgresql://u@h/d'), cipher, OPTIONS).connectTimeoutMs).toBe(
      5_000,
    );
  });

  it('changes its digest when anything that shapes the connection changes', () => {
    const base = connectionTarget(row('postgresql://u@h/d'), cipher, OPTIONS).digest;
    expect(connectionTarget(row('postgresql://u@h/d'), cipher, OPTIONS).digest).toBe(base);
    for (const changed of [
      row('postgresql://u@h/e'),
      row('postgresql://u@h/d', { password: cipher.encrypt('x') }),
      row('postgresql://u@h/d', { extra: '{"engine_params": {}}' }),
      row('postgresql://u@h/d', { allowDml: true }),
    ]) {
      expect(connectionTarget(changed, cipher, OPTIONS).digest).not.toBe(base);
    }
  });

  it('refuses extra that is not JSON', () => {
    expect(() => connectionTarget(row('sqlite://', { extra: '{nope' }), cipher, OPTIONS)).toThrow(
      'dbs.extra is not valid JSON',
    );
  });
});
