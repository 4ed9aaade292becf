import { describe, expect, it } from 'vitest';

import { redactSecrets } from './redact-secrets.js';

describe(redactSecrets.name, () => {
  it.each([
    [
      'connect postgresql://bob:s3cr3t@db:5432/superset failed',
      'postgresql://bob:XXXXXXXXXX@db:5432/superset',
    ],
    ['password=hunter2 leaked', 'password=XXXXXXXXXX leaked'],
    ['{"secret_key": "abc123"}', '{"secret_key": "XXXXXXXXXX"}'],
    ['Authorization: Bearer abc.def-ghi', 'Authorization: Bearer XXXXXXXXXX'],
    ['token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJib2IifQ.c2lnbmF0dXJl here', 'token XXXXXXXXXX here'],
    ['url jdbc:postgresql://bob:s3cr3t@db/x', 'postgresql://bob:XXXXXXXXXX@db/x'],
    ['("redis://:s3cr3t@cache:6379/0")', 'redis://:XXXXXXXXXX@cache:6379/0'],
  ])('masks %s', (input, expected) => {
    const output = redactSecrets(input);
    expect(output).toContain(expected);
    expect(output).not.toMatch(/s3cr3t|hunter2|abc123|def-ghi|c2lnbmF0dXJl/);
  });

  it('still answers for long runs of URI-like text', () => {
    expect(redactSecrets('x'.repeat(40_000))).toHaveLength(40_000);
    expect(redactSecrets('a://b:'.repeat(7_000))).toHaveLength(42_000);
    expect(redactSecrets('eyJ'.repeat(13_000))).toHaveLength(39_000);
  });

  it('leaves ordinary text alone', () => {
    expect(redactSecrets('chart 12 not found in dataset sales')).toBe(
      'chart 12 not found in dataset sales',
    );
  });
});
