import type { MetadataDialect } from './metadata-dialect.js';

const UUID_PATTERN = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;
const UUID_BYTES = 16;
const NAIVE_TIMESTAMP =
  /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?$/;

/** Postgres stores `UUIDType(binary=True)` as native uuid, SQLite as the 16 raw bytes. */
export function uuidToDb(dialect: MetadataDialect, uuid: string): string | Buffer {
  if (!UUID_PATTERN.test(uuid)) {
    throw new Error('invalid uuid');
  }
  const hex = uuid.replaceAll('-', '').toLowerCase();
  return dialect === 'postgres' ? dashed(hex) : Buffer.from(hex, 'hex');
}

/** Dashed lowercase uuid from either storage form, or null when the value is not a uuid. */
export function uuidFromDb(value: unknown): string | null {
  if (value instanceof Uint8Array) {
    const bytes = Buffer.from(value.buffer, value.byteOffset, value.byteLength);
    return bytes.length === UUID_BYTES
      ? dashed(bytes.toString('hex'))
      : uuidFromText(bytes.toString('latin1'));
  }
  return typeof value === 'string' ? uuidFromText(value) : null;
}

function uuidFromText(text: string): string | null {
  const trimmed = text.trim();
  return UUID_PATTERN.test(trimmed) ? dashed(trimmed.replaceAll('-', '').toLowerCase()) : null;
}

function dashed(hex: string): string {
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Naive server-local time with six fractional digits, as SQLAlchemy writes `datetime.now()`. */
export function timestampToDb(date: Date): string {
  const pad = (n: number, width = 2): string => String(n).padStart(width, '0');
  return (
    `${pad(date.getFullYear(), 4)}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ` +
    `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.` +
    `${pad(date.getMilliseconds(), 3)}000`
  );
}

/** A Date from pg's parsed value or from SQLite's naive local-time text; null when absent or unreadable. */
export function timestampFromDb(value: unknown): Date | null {
  if (value instanceof Date) {
    return Number.isNaN(value.getTime()) ? null : value;
  }
  if (typeof value !== 'string') {
    return null;
  }
  const match = NAIVE_TIMESTAMP.exec(value.trim());
  if (!match) {
    return null;
  }
  const [, year, month, day, hours, minutes, seconds, fraction] = match;
  const date = new Date(
    Number(year),
    Number(month) - 1,
    Number(day),
    Number(hours ?? 0),
    Number(minutes ?? 0),
    Number(seconds ?? 0),
    Number((fraction ?? '0').padEnd(3, '0').slice(0, 3)),
  );
  return Number.isNaN(date.getTime()) ? null : date;
}

/** Booleans arrive as true/false from pg and 0/1 from SQLite; anything unrecognised is null. */
export function booleanFromDb(value: unknown): boolean | null {
  switch (value) {
    case true:
    case 1:
    case 1n:
    case '1':
    case 't':
    case 'true':
      return true;
    case false:
    case 0:
    case 0n:
    case '0':
    case 'f':
    case 'false':
      return false;
    default:
      return null;
  }
}

/** Bytes of a bytea/BLOB column (pg and better-sqlite3 both return Buffers). */
export function bytesFromDb(value: unknown): Buffer | null {
  if (value instanceof Uint8Array) {
    return Buffer.isBuffer(value)
      ? value
      : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  }
  return typeof value === 'string' ? Buffer.from(value, 'utf8') : null;
}

/**
 * Parses a JSON-in-text column (`json_metadata`, `params`, `extra`, …). Already-parsed values
 * (pg json/jsonb columns) pass through. Returns `fallback` for NULL, empty or malformed text.
 */
export function parseJsonText(value: unknown, fallback: unknown): unknown {
  if (value === null || value === undefined) {
    return fallback;
  }
  if (value instanceof Uint8Array) {
    return parseJsonText(Buffer.from(value).toString('utf8'), fallback);
  }
  if (typeof value !== 'string') {
    return value;
  }
  if (value.trim() === '') {
    return fallback;
  }
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return fallback;
  }
}

/** Like `parseJsonText`, for columns that must hold a JSON object: anything else becomes `{}`. */
export function parseJsonObject(value: unknown): Record<string, unknown> {
  const parsed = parseJsonText(value, null);
  return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
    ? (parsed as Record<string, unknown>)
    : {};
}
