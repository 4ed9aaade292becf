/** What Superset stores in `dbs.sqlalchemy_uri` in place of the password. */
export const PASSWORD_MASK = 'XXXXXXXXXX';

/**
 * Splits a SQLAlchemy URL the way SQLAlchemy 1.4 does: user info is everything before the first
 * `@`, the user name stops at `:` or `/`. SQLAlchemy percent-encodes `:`, `@` and `/` in both.
 */
const SQLALCHEMY_URL = /^([\w+.-]+):\/\/(?:([^:/]*)(?::([^@]*))?@)?(.*)$/s;

interface UriParts {
  readonly scheme: string;
  readonly username: string | undefined;
  readonly password: string | undefined;
  readonly rest: string;
}

function split(uri: string): UriParts | null {
  const match = SQLALCHEMY_URL.exec(uri);
  if (!match) {
    return null;
  }
  const [, scheme = '', username, password, rest = ''] = match;
  return { scheme, username, password, rest };
}

function join(parts: UriParts, password: string | undefined): string {
  if (parts.username === undefined && password === undefined) {
    return `${parts.scheme}://${parts.rest}`;
  }
  const secret = password === undefined ? '' : `:${password}`;
  return `${parts.scheme}://${parts.username ?? ''}${secret}@${parts.rest}`;
}

/**
 * The URI to connect with: the stored (masked) URI with its password replaced by the decrypted
 * one, percent-encoded, or removed when there is none.
 */
export function buildConnectionUri(maskedUri: string, password: string | null): string {
  const parts = split(maskedUri);
  if (!parts) {
    throw new Error('invalid database URI: expected <scheme>://…');
  }
  return join(parts, password === null ? undefined : encodeURIComponent(password));
}

/** The URI with any password replaced by `XXXXXXXXXX`; something unparseable is masked whole. */
export function maskUri(uri: string): string {
  const parts = split(uri);
  if (!parts) {
    return PASSWORD_MASK;
  }
  return parts.password === undefined ? uri : join(parts, PASSWORD_MASK);
}
