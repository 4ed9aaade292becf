const OPEN = '<UNTRUSTED-CONTENT>\n';
const CLOSE = '\n</UNTRUSTED-CONTENT>';

/**
 * `text` cut to `limit` characters with a note of its length. Text marked as untrusted
 * (`untrusted()`) is cut inside its markers, so the cut text stays fenced as data.
 */
export function cutText(text: string, limit: number): string {
  const fenced =
    text.startsWith(OPEN) && text.endsWith(CLOSE) && text.length >= OPEN.length + CLOSE.length;
  const inner = fenced ? text.slice(OPEN.length, text.length - CLOSE.length) : text;
  if (inner.length <= limit) return text;
  // Never split a surrogate pair: half of one is not text.
  const end = isHighSurrogate(inner.charCodeAt(limit - 1)) ? limit - 1 : limit;
  const cut = `${inner.slice(0, end)}… [truncated from ${inner.length} chars]`;
  return fenced ? `${OPEN}${cut}${CLOSE}` : cut;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}
