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
  ])('masks %s', (input, expected) => {
    const output = redactSecrets(input);
    expect(output).toContain(expected);
    expect(output).not.toMatch(/s3cr3t|hunter2|abc123|def-ghi|c2lnbmF0dXJl/);
  });

  it('leaves ordinary text alone', () => {
    expect(redactSecrets('chart 12 not found in dataset sales')).toBe(
      'chart 12 not found in dataset sales',
    );
  });
});
