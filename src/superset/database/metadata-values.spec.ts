import { describe, expect, it } from 'vitest';

import {
  booleanFromDb,
  bytesFromDb,
  parseJsonObject,
  parseJsonText,
  timestampFromDb,
  timestampToDb,
  uuidFromDb,
  uuidToDb,
} from './metadata-values.js';

const UUID = '5f8c2a4e-1b3d-4c6e-9f0a-7b2d4e6f8a1c';

describe('metadata values', () => {
  describe(uuidToDb.name, () => {
    it('keeps the dashed form for Postgres and the 16 raw bytes for SQLite', () => {
      expect(uuidToDb('postgres', UUID.toUpperCase())).toBe(UUID);
      const bytes = uuidToDb('sqlite', UUID);
      expect(Buffer.isBuffer(bytes) && bytes.toString('hex')).toBe(UUID.replaceAll('-', ''));
    });

    it('rejects what is not a uuid', () => {
      expect(() => uuidToDb('sqlite', 'not-a-uuid')).toThrow('invalid uuid');
    });
  });

  describe(uuidFromDb.name, () => {
    it.each([
      [Buffer.from(UUID.replaceAll('-', ''), 'hex'), UUID],
      [new Uint8Array(Buffer.from(UUID.replaceAll('-', ''), 'hex')), UUID],
      [UUID.toUpperCase(), UUID],
      [UUID.replaceAll('-', ''), UUID],
      [Buffer.from(UUID, 'latin1'), UUID],
      [null, null],
      [undefined, null],
      ['nope', null],
      [Buffer.alloc(3), null],
      [42, null],
    ])('reads %o as %o', (stored, expected) => {
      expect(uuidFromDb(stored)).toBe(expected);
    });

    it('round-trips through both storage forms', () => {
      expect(uuidFromDb(uuidToDb('sqlite', UUID))).toBe(UUID);
      expect(uuidFromDb(uuidToDb('postgres', UUID))).toBe(UUID);
    });
  });

  describe(timestampToDb.name, () => {
    it('writes naive local time with six fractional digits', () => {
      expect(timestampToDb(new Date(2025, 9, 10, 8, 33, 45, 448))).toBe(
        '2025-10-10 08:33:45.448000',
      );
      expect(timestampToDb(new Date(999, 0, 1, 0, 0, 0, 5))).toBe('0999-01-01 00:00:00.005000');
    });
  });

  describe(timestampFromDb.name, () => {
    it.each([
      ['2025-10-10 08:33:45.448591', new Date(2025, 9, 10, 8, 33, 45, 448)],
      ['2025-10-10T08:33:45', new Date(2025, 9, 10, 8, 33, 45)],
      ['2025-10-10 08:33', new Date(2025, 9, 10, 8, 33)],
      ['2025-10-10', new Date(2025, 9, 10)],
      ['2025-10-10 08:33:45.4', new Date(2025, 9, 10, 8, 33, 45, 400)],
    ])('parses %s as local time', (text, expected) => {
      expect(timestampFromDb(text)).toEqual(expected);
    });

    it('passes Dates through and rejects anything else', () => {
      const date = new Date(2024, 1, 29, 12);
      expect(timestampFromDb(date)).toBe(date);
      expect(timestampFromDb(new Date(Number.NaN))).toBeNull();
      expect(timestampFromDb('yesterday')).toBeNull();
      expect(timestampFromDb(null)).toBeNull();
      expect(timestampFromDb(1_700_000_000)).toBeNull();
    });

    it('round-trips what timestampToDb writes', () => {
      const date = new Date(2026, 11, 31, 23, 59, 59, 999);
      expect(timestampFromDb(timestampToDb(date))).toEqual(date);
    });
  });

  describe(booleanFromDb.name, () => {
    it.each([
      [true, true],
      [1, true],
      ['1', true],
      ['t', true],
      [1n, true],
      [false, false],
      [0, false],
      ['f', false],
      [null, null],
      [2, null],
      ['yes please', null],
    ])('reads %o as %o', (stored, expected) => {
      expect(booleanFromDb(stored)).toBe(expected);
    });
  });

  describe(bytesFromDb.name, () => {
    it('returns Buffers for binary values and null otherwise', () => {
      const buffer = Buffer.from('abc');
      expect(bytesFromDb(buffer)).toBe(buffer);
      expect(bytesFromDb(new Uint8Array([1, 2]))).toEqual(Buffer.from([1, 2]));
      expect(bytesFromDb('abc')).toEqual(buffer);
      expect(bytesFromDb(null)).toBeNull();
    });
  });

  describe(parseJsonText.name, () => {
    it.each([
      ['{"a": [1, 2]}', { a: [1, 2] }],
      ['"a string"', 'a string'],
      [{ already: 'parsed' }, { already: 'parsed' }],
      [Buffer.from('[1]'), [1]],
      ['{not json', 'fallback'],
      ['', 'fallback'],
      ['   ', 'fallback'],
      [null, 'fallback'],
      [undefined, 'fallback'],
    ])('parses %o', (value, expected) => {
      expect(parseJsonText(value, 'fallback')).toEqual(expected);
    });
  });

  describe(parseJsonObject.name, () => {
    it('returns only objects', () => {
      expect(parseJsonObject('{"a": 1}')).toEqual({ a: 1 });
      expect(parseJsonObject('[1]')).toEqual({});
      expect(parseJsonObject('null')).toEqual({});
      expect(parseJsonObject('broken')).toEqual({});
    });
  });
});
