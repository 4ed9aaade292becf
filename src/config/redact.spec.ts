import { describe, expect, it } from 'vitest';

import { redactUri } from './redact.js';

describe(redactUri.name, () => {
  it.each([
    [
      'postgresql://superset:s3cret@db.example:5432/superset',
      'postgresql://superset:XXXXXXXXXX@db.example:5432/superset',
    ],
    [
      'postgresql+psycopg2://bob:pa%40ss@db/superset?sslmode=require',
      'postgresql+psycopg2://bob:XXXXXXXXXX@db/superset?sslmode=require',
    ],
    ['redis://:r3dis@cache:6379/0', 'redis://:XXXXXXXXXX@cache:6379/0'],
    ['mysql://root:p@ss@db/superset', 'mysql://root:XXXXXXXXXX@db/superset'],
    ['postgresql://bob:pa/ss@db/superset', 'postgresql://bob:XXXXXXXXXX@db/superset'],
    ['postgresql://bob:pa?ss@db/superset', 'postgresql://bob:XXXXXXXXXX@db/superset'],
  ])('masks the password in %s', (uri, redacted) => {
    expect(redactUri(uri)).toBe(redacted);
  });

  it.each([
    'postgresql://bob@db/superset',
    'postgresql://db.example:5432/superset',
    'postgresql:///superset?host=/var/run/postgresql',
    'sqlite:////var/lib/superset/superset.db',
    'sqlite:///superset.db',
    'sqlite://',
    'https://superset.example.com/dashboard/1/',
  ])('keeps %s unchanged because it has no password', (uri) => {
    expect(redactUri(uri)).toBe(uri);
  });

  it.each(['', 'not a uri', 'user:password@host/db', '://x:y@z'])(
    'returns a placeholder for the unparsable input %j',
    (input) => {
      expect(redactUri(input)).toBe('<unparsable URI>');
    },
  );
});
