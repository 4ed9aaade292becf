import { AuthenticationError } from './authentication.error.js';
import { InsufficientScopeError } from './insufficient-scope.error.js';

/** An RFC 6750 answer to a request that did not authenticate. */
export interface BearerChallenge {
  readonly status: 401 | 403;
  readonly wwwAuthenticate: string;
  /** `error` only when a token was sent: a request without one has not sent anything invalid. */
  readonly body: { readonly error?: string; readonly error_description: string };
}

export interface ChallengeContext {
  /** Where the RFC 9728 protected resource metadata is served. */
  readonly resourceMetadataUrl: string;
  /** `MCP_REQUIRED_SCOPES`, announced so clients ask for them (MCP authorization, step-up). */
  readonly requiredScopes: readonly string[];
  /**
   * Whether the request carried a bearer token the service read. False for no `Authorization`
   * header, another scheme, or dev mode (which reads none): RFC 6750 §3.1 gives such a request a
   * challenge without an error code. Defaults to whether the error is about a missing token.
   */
  readonly tokenSent?: boolean;
}

const AUTHENTICATION_FAILED = 'Authentication failed';
const AUTHENTICATION_REQUIRED = 'A bearer token is required';
const INSUFFICIENT_SCOPE = 'The token lacks a required scope';

/**
 * The status, `WWW-Authenticate` header and JSON body for a refused request. Nothing about why a
 * token was refused is included. A request with no bearer token at all gets a challenge and a body
 * without an error code (RFC 6750 §3.1); every refused token gets the same `invalid_token` answer.
 */
export function bearerChallenge(
  error: AuthenticationError | InsufficientScopeError,
  context: ChallengeContext,
): BearerChallenge {
  const scope = context.requiredScopes.length > 0 ? context.requiredScopes.join(' ') : null;
  if (error instanceof InsufficientScopeError) {
    return {
      body: { error: 'insufficient_scope', error_description: INSUFFICIENT_SCOPE },
      status: 403,
      wwwAuthenticate: bearerHeader([
        ['error', 'insufficient_scope'],
        ['scope', error.requiredScopes.join(' ')],
        ['resource_metadata', context.resourceMetadataUrl],
        ['error_description', INSUFFICIENT_SCOPE],
      ]),
    };
  }
  const tokenSent = context.tokenSent ?? error.reason !== 'no token';
  return {
    body: tokenSent
      ? { error: 'invalid_token', error_description: AUTHENTICATION_FAILED }
      : { error_description: AUTHENTICATION_REQUIRED },
    status: 401,
    wwwAuthenticate: bearerHeader([
      ['error', tokenSent ? 'invalid_token' : null],
      ['scope', scope],
      ['resource_metadata', context.resourceMetadataUrl],
    ]),
  };
}

/** Whether `error` is answered with a bearer challenge rather than passed on. */
export function isChallengeable(
  error: unknown,
): error is AuthenticationError | InsufficientScopeError {
  return error instanceof AuthenticationError || error instanceof InsufficientScopeError;
}

function bearerHeader(params: readonly (readonly [string, string | null])[]): string {
  const present = params.filter((param): param is [string, string] => param[1] !== null);
  if (present.length === 0) return 'Bearer';
  return `Bearer ${present.map(([name, value]) => `${name}="${quoted(value)}"`).join(', ')}`;
}

/** An RFC 9110 quoted-string body: no control characters, `"` and `\` escaped. */
function quoted(value: string): string {
  const printable = Array.from(value).filter((char) => {
    const code = char.charCodeAt(0);
    return code >= 0x20 && code !== 0x7f;
  });
  return printable.join('').replace(/["\\]/g, '\\$&');
}
