import { createSecretKey, type KeyObject } from 'node:crypto';

import passport from 'passport';

import type { AuthProvider, Settings, TokenPrincipal } from '../config/settings.js';
import type { AuthFailureReason } from './auth-failure-reason.js';
import { isHmacAlgorithm, publicKeyFromSetting } from './auth-configuration.js';
import { AuthenticationError } from './authentication.error.js';
import { JwksKeySet } from './jwks-key-set.js';
import { JWT_STRATEGY, JwtStrategy, type BearerTokenCarrier } from './jwt.strategy.js';

/**
 * Verifies bearer JWTs with one of the deployment guide's key sources: a JWKS URI (option A), a
 * static PEM public key (B) or a shared HMAC secret (C). Expects settings that passed
 * `authConfigurationProblems`.
 */
export class JwtAuthProvider implements AuthProvider {
  private readonly authenticator = new passport.Authenticator();

  constructor(settings: Settings) {
    this.authenticator.use(
      JWT_STRATEGY,
      new JwtStrategy({
        algorithm: settings.MCP_JWT_ALGORITHM,
        audience: settings.MCP_JWT_AUDIENCE,
        issuer: settings.MCP_JWT_ISSUER,
        keyFor: keySource(settings),
        leewaySeconds: settings.MCP_JWT_LEEWAY_SECONDS,
      }),
    );
  }

  verify(token: string): Promise<TokenPrincipal> {
    return new Promise((resolve, reject) => {
      const onResult = (error: unknown, principal: TokenPrincipal | false, info: unknown) => {
        if (error) reject(error instanceof Error ? error : new Error('JWT strategy error'));
        else if (principal) resolve(principal);
        else reject(new AuthenticationError(failureReason(info)));
      };
      const authenticate = this.authenticator.authenticate(
        JWT_STRATEGY,
        { session: false },
        onResult,
      ) as PassportHandler;
      authenticate({ bearerToken: token }, {}, () =>
        reject(new Error('JWT strategy neither accepted nor refused the token')),
      );
    });
  }
}

type PassportHandler = (
  request: BearerTokenCarrier,
  response: object,
  next: (error?: unknown) => void,
) => void;

function keySource(settings: Settings): (kid: string | null) => Promise<KeyObject> {
  const algorithm = settings.MCP_JWT_ALGORITHM;
  if (isHmacAlgorithm(algorithm)) {
    const secret = createSecretKey(Buffer.from(settings.MCP_JWT_SECRET ?? '', 'utf8'));
    return () => Promise.resolve(secret);
  }
  if (settings.MCP_JWT_PUBLIC_KEY) {
    const key = publicKeyFromSetting(settings.MCP_JWT_PUBLIC_KEY, algorithm);
    return () => Promise.resolve(key);
  }
  if (!settings.MCP_JWKS_URI) throw new Error('MCP_AUTH_ENABLED=true needs key material');
  const keySet = new JwksKeySet(settings.MCP_JWKS_URI, algorithm);
  return (kid) => keySet.keyFor(kid);
}

/** The category of passport-jwt's failure info: ours, or one of jsonwebtoken's errors. */
export function failureReason(info: unknown): AuthFailureReason {
  if (info instanceof AuthenticationError) return info.reason;
  if (!(info instanceof Error)) return 'malformed';
  if (info.name === 'TokenExpiredError') return 'expired';
  if (info.name === 'NotBeforeError') return 'not yet valid';
  const message = info.message;
  if (message === 'invalid signature') return 'bad signature';
  if (message.startsWith('jwt issuer invalid')) return 'issuer mismatch';
  if (message.startsWith('jwt audience invalid')) return 'audience mismatch';
  if (
    message === 'invalid algorithm' ||
    message === 'jwt signature is required' ||
    message.includes('key when using') ||
    message.includes('"alg" parameter')
  ) {
    return 'algorithm mismatch';
  }
  return 'malformed';
}
