import type { KeyObject } from 'node:crypto';

import { PassportStrategy } from '@nestjs/passport';
import type { Algorithm } from 'jsonwebtoken';
import { Strategy } from 'passport-jwt';

import type { TokenPrincipal } from '../config/settings.js';
import { AuthenticationError } from './authentication.error.js';
import { criticalHeaderAcceptable } from './critical-header.js';

export const JWT_STRATEGY = 'superset-mcp-jwt';

/** What the strategy authenticates: a bearer token already taken from the request. */
export interface BearerTokenCarrier {
  readonly bearerToken: string;
}

export interface JwtStrategyOptions {
  /** The only algorithm accepted (`MCP_JWT_ALGORITHM`). */
  readonly algorithm: string;
  /** The verification key for a token's `kid`; throws `AuthenticationError` when there is none. */
  readonly keyFor: (kid: string | null) => Promise<KeyObject>;
  readonly issuer: string | readonly string[] | null;
  readonly audience: string | readonly string[] | null;
  readonly leewaySeconds: number;
}

/**
 * passport-jwt configured the way the deployment guide describes: one pinned algorithm, `exp`
 * required, `nbf` honoured with leeway, `iss` and `aud` checked when set, no critical header
 * extension it does not understand. Failures carry an
 * `AuthenticationError` or jsonwebtoken's error as passport's failure info.
 */
export class JwtStrategy extends PassportStrategy(Strategy, JWT_STRATEGY) {
  constructor(options: JwtStrategyOptions) {
    super({
      algorithms: [options.algorithm as Algorithm],
      audience: options.audience === null ? undefined : [options.audience].flat(),
      ignoreExpiration: false,
      issuer: options.issuer === null ? undefined : [options.issuer].flat(),
      jsonWebTokenOptions: { clockTolerance: options.leewaySeconds },
      jwtFromRequest: (request: BearerTokenCarrier) => request.bearerToken,
      secretOrKeyProvider: (
        _request: BearerTokenCarrier,
        token: string,
        done: (error: AuthenticationError | null, key?: Buffer) => void,
      ) => {
        const header = protectedHeader(token);
        if (header === null) return done(new AuthenticationError('malformed'));
        // jsonwebtoken ignores crit; RFC 7515 §4.1.11 says an unknown critical extension fails.
        if (!criticalHeaderAcceptable(header)) {
          return done(new AuthenticationError('unsupported critical header'));
        }
        if (header.alg !== options.algorithm) {
          return done(new AuthenticationError('algorithm mismatch'));
        }
        const kid = typeof header.kid === 'string' ? header.kid : null;
        options.keyFor(kid).then(
          // jsonwebtoken verifies with a KeyObject as well as with a PEM or Buffer.
          (key) => done(null, key as unknown as Buffer),
          (error: unknown) =>
            done(
              error instanceof AuthenticationError ? error : new AuthenticationError('unknown kid'),
            ),
        );
      },
    });
  }

  validate(payload: unknown): TokenPrincipal | [false, AuthenticationError] {
    if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
      return [false, new AuthenticationError('malformed')];
    }
    const claims = payload as Record<string, unknown>;
    if (typeof claims.exp !== 'number') return [false, new AuthenticationError('missing exp')];
    return {
      claims: Object.freeze({ ...claims }),
      clientId: nonEmptyString(claims.client_id) ?? nonEmptyString(claims.azp),
      expiresAt: claims.exp,
      scopes: scopesOf(claims),
      subject: nonEmptyString(claims.sub),
    };
  }
}

/** `scope` (space-delimited, RFC 9068) and `scp` (a list, or a string as Entra ID sends it). */
function scopesOf(claims: Record<string, unknown>): string[] {
  const granted = new Set<string>();
  for (const value of [claims.scope, claims.scp]) {
    const items = typeof value === 'string' ? value.split(' ') : Array.isArray(value) ? value : [];
    for (const item of items) if (typeof item === 'string' && item !== '') granted.add(item);
  }
  return [...granted];
}

function nonEmptyString(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

function protectedHeader(token: string): Record<string, unknown> | null {
  const parts = token.split('.');
  if (parts.length !== 3) return null;
  try {
    const header: unknown = JSON.parse(Buffer.from(parts[0], 'base64url').toString('utf8'));
    return typeof header === 'object' && header !== null && !Array.isArray(header)
      ? (header as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}
