const OPEN = '<UNTRUSTED-CONTENT>';
const CLOSE = '</UNTRUSTED-CONTENT>';

/**
 * Marks text written by Superset users (titles, descriptions) as data, so the model does not take a
 * chart description for an instruction. Delimiters inside the text are escaped so it cannot close
 * the block early. Same markers as Superset's own MCP service.
 */
export function untrusted(value: string): string;
export function untrusted(value: string | null): string | null;
export function untrusted(value: string | null): string | null {
  if (value === null) return null;
  const escaped = value
    .replaceAll(OPEN, '[ESCAPED-UNTRUSTED-CONTENT-OPEN]')
    .replaceAll(CLOSE, '[ESCAPED-UNTRUSTED-CONTENT-CLOSE]');
  return `${OPEN}\n${escaped}\n${CLOSE}`;
}
