import { describe, expect, it } from 'vitest';

import { parseMetadataUri } from './metadata-dialect.js';

describe(parseMetadataUri.name, () => {
  it.each([
    [
      'postgresql://superset:s3cret@db.example:5433/superset',
      {
        host: 'db.example',
        port: 5433,
        username: 'superset',
        password: 's3cret',
        database: 'superset',
      },
    ],
    [
      'postgres://superset@localhost/meta',
      { host: 'localhost', port: 5432, username: 'superset', database: 'meta' },
    ],
    [
      'postgresql+psycopg2://u:p%40ss%3Aw%2Frd@10.0.0.5/superset',
      { host: '10.0.0.5', username: 'u', password: 'p@ss:w/rd', database: 'superset' },
    ],
    ['postgresql+psycopg://u:p@[::1]:6543/x', { host: '::1', port: 6543, database: 'x' }],
    ['postgresql://u:p@h/db?sslmode=require', { host: 'h', ssl: { rejectUnauthorized: false } }],
    ['postgresql://u:p@h/db?sslmode=verify-full', { ssl: { rejectUnauthorized: true } }],
    [
      'postgresql:///superset?host=/var/run/postgresql',
      { host: '/var/run/postgresql', database: 'superset' },
    ],
  ])('maps %s to postgres options', (uri, expected) => {
    const parsed = parseMetadataUri(uri);
    expect(parsed.dialect).toBe('postgres');
    expect(parsed.options).toMatchObject({ type: 'postgres', ...expected });
  });

  it('leaves ssl unset when sslmode is disable or absent', () => {
    expect(parseMetadataUri('postgresql://u@h/db?sslmode=disable').options).not.toHaveProperty(
      'ssl',
    );
    expect(parseMetadataUri('postgresql://u@h/db').options).not.toHaveProperty('ssl');
    expect(parseMetadataUri('postgresql://u@h/db').options).not.toHaveProperty('password');
  });

  it.each([
    ['sqlite:////var/lib/superset/superset.db', '/var/lib/superset/superset.db'],
    ['sqlite:///superset.db', 'superset.db'],
    ['sqlite:///data/superset.db?check_same_thread=false', 'data/superset.db'],
    ['sqlite://', ':memory:'],
    ['sqlite:///:memory:', ':memory:'],
  ])('maps %s to the SQLite file %s', (uri, database) => {
    expect(parseMetadataUri(uri)).toEqual({
      dialect: 'sqlite',
      options: { type: 'better-sqlite3', database },
    });
  });

  it.each([
    ['mysql://root:topsecret@localhost/superset', 'mysql'],
    ['mssql+pyodbc://user:topsecret@host/db', 'mssql+pyodbc'],
    ['user:topsecret@host/db', ''],
  ])('rejects %s without echoing the URI', (uri, scheme) => {
    expect(() => parseMetadataUri(uri)).toThrow(
      `unsupported metadata database scheme '${scheme}'; supported: postgresql, sqlite`,
    );
    try {
      parseMetadataUri(uri);
    } catch (error) {
      expect(String(error)).not.toContain('topsecret');
    }
  });

  it('rejects an unknown sslmode', () => {
    expect(() => parseMetadataUri('postgresql://u:p@h/db?sslmode=sometimes')).toThrow(/sslmode/);
  });
});
