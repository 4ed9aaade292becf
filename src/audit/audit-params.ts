import { clipText } from '../common/clip-text.js';
import { redactSecrets } from '../common/redact-secrets.js';

export const REDACTED = '[REDACTED]';

/** Upstream's keys (password, token, api_key, secret, credentials, authorization, cookie) and kin. */
const SECRET_KEY =
  /pass(?:word|wd)|pwd|token|secret|api[_-]?key|credential|authori[sz]ation|cookie/i;
const MAX_STRING_CHARS = 500;
const MAX_KEY_CHARS = 100;
const MAX_ITEMS = 50;
const MAX_DEPTH = 6;
/** Values visited in all; past it the rest is left out, so a huge argument costs little to audit. */
const MAX_NODES = 500;
const CLIPPED = '[…]';
const TRAILING_WORD = /\S+$/;

/**
 * Tool arguments as an audit row keeps them: values under secret-looking keys replaced by
 * `[REDACTED]` at any depth, credentials inside strings masked, and strings, lists, objects and
 * nesting clipped so one row stays small whatever the caller sent.
 */
export function auditParams(args: unknown): unknown {
  let budget = MAX_NODES;
  const visit = (value: unknown, depth: number): unknown => {
    budget -= 1;
    if (budget < 0) return CLIPPED;
    if (typeof value === 'string') return clipString(value);
    if (value === null || typeof value !== 'object') {
      return typeof value === 'number' || typeof value === 'boolean' ? value : null;
    }
    if (depth >= MAX_DEPTH) return CLIPPED;
    if (Array.isArray(value)) {
      const items = value.slice(0, MAX_ITEMS).map((item) => visit(item, depth + 1));
      if (value.length > MAX_ITEMS) items.push(`[${value.length - MAX_ITEMS} more]`);
      return items;
    }
    const entries = Object.entries(value as Record<string, unknown>);
    const result: Record<string, unknown> = {};
    for (const [key, item] of entries.slice(0, MAX_ITEMS)) {
      result[clipText(key, MAX_KEY_CHARS)] = SECRET_KEY.test(key)
        ? REDACTED
        : visit(item, depth + 1);
    }
    if (entries.length > MAX_ITEMS) result[CLIPPED] = `${entries.length - MAX_ITEMS} more keys`;
    return result;
  };
  return visit(args ?? {}, 0);
}

/**
 * Clipped before masking (masking scans the text, and a caller picks its length), then once more
 * after it, dropping the word cut in two: a credential cut short may no longer look like one.
 */
function clipString(text: string): string {
  if (text.length <= MAX_STRING_CHARS) return redactSecrets(text);
  const masked = redactSecrets(text.slice(0, 2 * MAX_STRING_CHARS)).slice(0, MAX_STRING_CHARS);
  return `${masked.replace(TRAILING_WORD, '')}…`;
}
