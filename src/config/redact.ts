export const PASSWORD_MASK = 'XXXXXXXXXX';

const SCHEME_PREFIX = /^[a-z][a-z0-9+.-]*:\/\//i;

/**
 * Masks the password of a URI (`postgresql://bob:XXXXXXXXXX@db/superset`) and keeps everything else.
 * The password is taken to run from the colon after the user name to whichever is later: the first
 * `@` (how SQLAlchemy reads it) or the last `@` before the path (how WHATWG URLs read it), so a
 * password containing `@`, `/` or `?` is never partly shown.
 */
export function redactUri(uri: string): string {
  const prefix = SCHEME_PREFIX.exec(uri)?.[0];
  if (prefix === undefined) {
    return '<unparsable URI>';
  }
  const rest = uri.slice(prefix.length);
  const userEnd = rest.search(/[:/]/);
  if (userEnd < 0 || rest[userEnd] !== ':') {
    return uri;
  }
  const firstAt = rest.indexOf('@', userEnd);
  if (firstAt < 0) {
    return uri;
  }
  const authorityEnd = rest.slice(userEnd).search(/[/?#]/);
  const authority = authorityEnd < 0 ? rest : rest.slice(0, userEnd + authorityEnd);
  const passwordEnd = Math.max(firstAt, authority.lastIndexOf('@'));
  return `${prefix}${rest.slice(0, userEnd + 1)}${PASSWORD_MASK}${rest.slice(passwordEnd)}`;
}
