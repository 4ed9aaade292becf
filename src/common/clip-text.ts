/**
 * Text a caller sent, cut to `limit` characters for echoing back in an error: a caller chooses the
 * length of what it sends, not of what it gets back.
 */
export function clipText(text: string, limit: number): string {
  return text.length > limit ? `${text.slice(0, limit)}…` : text;
}
