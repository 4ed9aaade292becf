import { elementBytes, sizeOfJson, type ResponseSize } from './response-size-estimate.js';

/** A result cut down to the first `kept` elements of its trimmed arrays. */
export interface FittedPrefix {
  readonly value: Record<string, unknown>;
  readonly size: ResponseSize;
  readonly kept: number;
}

/**
 * The longest prefix (at least one element) of `arrays` — equally long arrays kept in step — for
 * which `build(kept)` serializes within `maxBytes`; null when not even one element fits.
 *
 * Each element is serialized once to know its bytes; the envelope (`build(0)`) once; the prefix
 * that fits follows from the running sum, with no search over serializations. The result is then
 * serialized once to confirm it: markers whose numbers grow by a digit may take one element more.
 */
export function fitPrefix(
  arrays: readonly (readonly unknown[])[],
  build: (kept: number) => Record<string, unknown>,
  maxBytes: number,
): FittedPrefix | null {
  const length = arrays[0]?.length ?? 0;
  const envelope = sizeOfJson(build(0));
  if (length === 0 || envelope === null || envelope.bytes > maxBytes) return null;
  let kept = 0;
  let bytes = envelope.bytes;
  while (kept < length) {
    let next = bytes;
    for (const array of arrays) next += elementBytes(array[kept]) + (kept > 0 ? 1 : 0);
    if (next > maxBytes) break;
    bytes = next;
    kept += 1;
  }
  while (kept > 0) {
    const value = build(kept);
    const size = sizeOfJson(value);
    if (size === null) return null;
    if (size.bytes <= maxBytes) return { kept, size, value };
    kept -= 1;
  }
  return null;
}
