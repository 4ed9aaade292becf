import { describe, expect, it } from 'vitest';

import { buildConnectionUri, maskUri, PASSWORD_MASK } from './database-uri.js';

describe(buildConnectionUri.name, () => {
  it.each([
    [
      'postgresql+psycopg2://analyst:XXXXXXXXXX@db.example:5432/warehouse',
      's3cret',
      'postgresql+psycopg2://analyst:s3cret@db.example:5432/warehouse',
    ],
    [
      'postgresql://analyst:XXXXXXXXXX@db.example/warehouse?sslmode=require',
      'p@ss:w/rd?#%',
      'postgresql://analyst:p%40ss%3Aw%2Frd%3F%23%25@db.example/warehouse?sslmode=require',
    ],
    [
      'mysql://root:old-password@localhost:3306/examples',
      'new',
      'mysql://root:new@localhost:3306/examples',
    ],
    ['mysql://root@localhost/examples', 'added', 'mysql://root:added@localhost/examples'],
    ['redis://:XXXXXXXXXX@cache:6379/0', 'pw', 'redis://:pw@cache:6379/0'],
    ['postgresql://db.example/warehouse', 'pw', 'postgresql://:pw@db.example/warehouse'],
  ])('puts the password into %s', (masked, password, expected) => {
    expect(buildConnectionUri(masked, password)).toBe(expected);
  });

  it.each([
    [
      'postgresql://analyst:XXXXXXXXXX@db.example/warehouse',
      'postgresql://analyst@db.example/warehouse',
    ],
    ['sqlite:////var/lib/examples.db', 'sqlite:////var/lib/examples.db'],
    ['trino://user@trino:8080/hive', 'trino://user@trino:8080/hive'],
  ])('removes the password from %s when there is none', (masked, expected) => {
    expect(buildConnectionUri(masked, null)).toBe(expected);
  });

  it('keeps an empty password as an empty password', () => {
    expect(buildConnectionUri('postgresql://u:XXXXXXXXXX@h/db', '')).toBe('postgresql://u:@h/db');
  });

  it('rejects a URI without a scheme', () => {
    expect(() => buildConnectionUri('user:pw@host/db', 'x')).toThrow('invalid database URI');
  });
});

describe(maskUri.name, () => {
  it.each([
    [
      'postgresql://analyst:s3cret@db.example:5432/warehouse',
      `postgresql://analyst:${PASSWORD_MASK}@db.example:5432/warehouse`,
    ],
    ['mysql://root@localhost/examples', 'mysql://root@localhost/examples'],
    ['sqlite:////tmp/superset.db', 'sqlite:////tmp/superset.db'],
    [
      'snowflake://user:p%40ss@account/db/schema?warehouse=wh',
      `snowflake://user:${PASSWORD_MASK}@account/db/schema?warehouse=wh`,
    ],
    ['not a uri:with-secret@host', PASSWORD_MASK],
  ])('masks %s', (uri, expected) => {
    expect(maskUri(uri)).toBe(expected);
  });

  it('is undone by buildConnectionUri', () => {
    const uri = 'postgresql://analyst:s3cret@db.example/warehouse';
    expect(buildConnectionUri(maskUri(uri), 's3cret')).toBe(uri);
  });
});
