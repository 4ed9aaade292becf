import { describe, expect, it } from 'vitest';

import { auditParams, REDACTED } from './audit-params.js';

describe(auditParams.name, () => {
  it('redacts secret-looking keys at any depth, as upstream does', () => {
    const params = auditParams({
      request: {
        api_key: 'k-1',
        filters: [{ col: 'name', nested: { Authorization: 'Bearer abc', cookie: 'c=1' } }],
        identifier: 5,
        password: 'hunter2',
        options: { access_token: 'tok', client_secret: { deep: 'x' }, credentials: ['a'] },
      },
    });
    expect(params).toEqual({
      request: {
        api_key: REDACTED,
        filters: [{ col: 'name', nested: { Authorization: REDACTED, cookie: REDACTED } }],
        identifier: 5,
        options: { access_token: REDACTED, client_secret: REDACTED, credentials: REDACTED },
        password: REDACTED,
      },
    });
    expect(JSON.stringify(params)).not.toMatch(/hunter2|tok\b|k-1|abc/);
  });

  it('masks credentials inside string values', () => {
    const params = auditParams({
      request: {
        search: 'postgresql://scott:tiger@db/x password=hunter2 Bearer eyJabcdefgh.ijklmnop.qr',
      },
    }) as { request: { search: string } };
    expect(params.request.search).not.toMatch(/tiger|hunter2|eyJabc/);
  });

  it('does not keep part of a credential that a clip cut in two', () => {
    const long = `${'word '.repeat(95)}postgresql://scott:${'t'.repeat(600)}@db/x`;
    const clipped = (auditParams({ uri: long }) as { uri: string }).uri;
    expect(clipped).not.toContain('scott');
    expect(clipped).not.toContain('ttt');
    expect(clipped.length).toBeLessThanOrEqual(501);
  });

  it('clips long strings, long lists, wide objects and deep nesting', () => {
    const deep: Record<string, unknown> = {};
    let cursor = deep;
    for (let level = 0; level < 20; level += 1) {
      cursor.next = {};
      cursor = cursor.next as Record<string, unknown>;
    }
    const wide = Object.fromEntries(Array.from({ length: 80 }, (_, i) => [`k${i}`, i]));
    const params = auditParams({
      deep,
      list: Array.from({ length: 1000 }, (_, i) => i),
      text: 'x'.repeat(100_000),
      wide,
    }) as Record<string, unknown>;
    expect((params.text as string).length).toBeLessThanOrEqual(501);
    expect(params.list).toHaveLength(51);
    expect((params.list as unknown[])[50]).toBe('[950 more]');
    expect(Object.keys(params.wide as object)).toHaveLength(51);
    expect(JSON.stringify(params.deep)).toContain('[…]');
    expect(JSON.stringify(params).length).toBeLessThan(4000);
  });

  it('visits a bounded number of values however large the arguments', () => {
    const huge = Array.from({ length: 50 }, () =>
      Array.from({ length: 50 }, () => Array.from({ length: 50 }, () => ({ a: 'b'.repeat(400) }))),
    );
    expect(JSON.stringify(auditParams(huge)).length).toBeLessThan(250_000);
  });

  it('keeps only JSON values', () => {
    expect(auditParams(undefined)).toEqual({});
    expect(auditParams({ a: undefined, b: 1n, c: true, d: null })).toEqual({
      a: null,
      b: null,
      c: true,
      d: null,
    });
  });
});
