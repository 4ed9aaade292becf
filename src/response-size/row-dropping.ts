import { fitPrefix, type FittedPrefix } from './fit-prefix.js';
import { describeLimit, type ResponseSize, type SizeBudget } from './response-size-estimate.js';

/** Top-level keys of a data result holding its rows. */
const ROW_KEYS = ['rows', 'data'] as const;

/**
 * The row arrays of a data result: `rows` and/or `data`; when both are there and equally long they
 * are copies of the same rows and are cut in step.
 */
export function rowArrayKeys(value: Record<string, unknown>): string[] {
  const keys = ROW_KEYS.filter((key) => Array.isArray(value[key]));
  if (keys.length < 2) return keys;
  const [first, second] = keys.map((key) => (value[key] as unknown[]).length);
  return first === second ? keys : [keys[0]];
}

/**
 * A data result over the limit without its tail rows: as many leading rows as fit, at least one,
 * with markers saying how many were dropped and how to get them. Null when one row does not fit.
 */
export function dropTailRows(
  value: Record<string, unknown>,
  keys: readonly string[],
  size: ResponseSize,
  budget: SizeBudget,
): FittedPrefix | null {
  const arrays = keys.map((key) => value[key] as readonly unknown[]);
  const total = arrays[0]?.length ?? 0;
  return fitPrefix(
    arrays,
    (kept) => ({
      ...value,
      ...Object.fromEntries(keys.map((key, index) => [key, arrays[index].slice(0, kept)])),
      _response_truncated: true,
      _rows_dropped: total - kept,
      _truncation_notes: [
        `Result truncated: ${kept} of ${total} rows returned (the whole result is ` +
          `~${size.tokens.toLocaleString('en-US')} tokens, the limit ${describeLimit(budget)}). ` +
          `To get the other ${total - kept} rows, ask for fewer at a time (a smaller limit, or ` +
          `LIMIT ${kept} OFFSET ${kept} in SQL), select fewer columns, or add filters.`,
      ],
    }),
    budget.maxBytes,
  );
}
