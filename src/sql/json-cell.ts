import type { JsonCell } from './sql-engine.js';

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const MIN_SAFE = BigInt(Number.MIN_SAFE_INTEGER);

/**
 * Integers of every engine follow one rule: a JSON number while it is exactly representable
 * (|n| ≤ 2^53 − 1), otherwise its decimal string. Decimals are always strings.
 */
export function integerCell(value: bigint | string | number): JsonCell {
  if (typeof value === 'number') {
    return Number.isSafeInteger(value) ? value : String(value);
  }
  let big: bigint;
  try {
    big = typeof value === 'bigint' ? value : BigInt(value);
  } catch {
    return String(value);
  }
  return big >= MIN_SAFE && big <= MAX_SAFE ? Number(big) : big.toString();
}

/** `2024-01-02 03:04:05.123456+00` (PostgreSQL / DuckDB text) → `2024-01-02T03:04:05.123456Z`. */
export function timestampText(text: string): string {
  let iso = text.includes('T') ? text : text.replace(' ', 'T');
  // A bare offset such as +00, +02 or -05:30 becomes ISO (Z for UTC, otherwise ±hh:mm).
  const tail = /([+-])(\d{2})(?::?(\d{2}))?(?::?(\d{2}))?$/.exec(iso.slice(10));
  if (tail) {
    const [whole, sign, hours, minutes = '00'] = tail;
    const offset = hours === '00' && minutes === '00' ? 'Z' : `${sign}${hours}:${minutes}`;
    iso = iso.slice(0, iso.length - whole.length) + offset;
  }
  return iso;
}

/** Anything a driver returns, made JSON-safe (Buffers base64, Dates ISO, bigint by the rule). */
export function jsonCell(value: unknown): JsonCell {
  if (value === null || value === undefined) {
    return null;
  }
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return Number.isFinite(value) ? value : String(value);
    case 'bigint':
      return integerCell(value);
    case 'object':
      break;
    default:
      return null; // functions and symbols have no JSON form
  }
  if (Buffer.isBuffer(value) || value instanceof Uint8Array) {
    return Buffer.from(value).toString('base64');
  }
  if (value instanceof Date) {
    return Number.isNaN(value.getTime()) ? null : value.toISOString();
  }
  if (Array.isArray(value)) {
    return value.map(jsonCell);
  }
  const out: Record<string, JsonCell> = {};
  for (const [key, inner] of Object.entries(value)) {
    out[key] = jsonCell(inner);
  }
  return out;
}
