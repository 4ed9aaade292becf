/**
 * Header parameters the JWS and JWE specifications define (RFC 7515 §4.1, RFC 7516 §4.1); `crit`
 * must not name them (RFC 7515 §4.1.11).
 */
const REGISTERED_HEADER_PARAMETERS: ReadonlySet<string> = new Set([
  'alg',
  'crit',
  'cty',
  'enc',
  'jku',
  'jwk',
  'kid',
  'typ',
  'x5c',
  'x5t',
  'x5t#S256',
  'x5u',
  'zip',
]);

/** Extensions this service understands and processes when a token marks them critical: none. */
const UNDERSTOOD_CRITICAL_EXTENSIONS: ReadonlySet<string> = new Set();

/**
 * Whether a JWS protected header's `crit` parameter lets the token be accepted (RFC 7515
 * §4.1.11): absent, or a non-empty list of extension names that are each present in the header,
 * not defined by the JWS/JWE specifications, and understood here. A token that marks as critical
 * an extension the service does not understand must be rejected.
 */
export function criticalHeaderAcceptable(header: Readonly<Record<string, unknown>>): boolean {
  if (!Object.hasOwn(header, 'crit')) return true;
  const critical = header.crit;
  if (!Array.isArray(critical) || critical.length === 0) return false;
  const names = new Set<unknown>(critical);
  if (names.size !== critical.length) return false;
  return critical.every(
    (name) =>
      typeof name === 'string' &&
      !REGISTERED_HEADER_PARAMETERS.has(name) &&
      Object.hasOwn(header, name) &&
      UNDERSTOOD_CRITICAL_EXTENSIONS.has(name),
  );
}
