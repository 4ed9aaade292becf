import { createPublicKey, type KeyObject } from 'node:crypto';

import type { Settings } from '../config/settings.js';

/** How tokens are checked: a custom provider, the built-in JWT verifier, or not at all (dev user). */
export type AuthMode = 'factory' | 'jwt' | 'dev';

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

const EC_CURVES: Readonly<Record<string, string>> = {
  ES256: 'prime256v1',
  ES384: 'secp384r1',
  ES512: 'secp521r1',
};

/** The start-up order of upstream's deployment guide: factory, then JWT, then the dev user. */
export function authModeOf(settings: Settings): AuthMode {
  if (settings.MCP_AUTH_FACTORY) return 'factory';
  if (settings.MCP_AUTH_ENABLED) return 'jwt';
  return 'dev';
}

export function isHmacAlgorithm(algorithm: string): boolean {
  return algorithm.startsWith('HS');
}

/**
 * Every reason the auth settings must not be started with, each naming the setting to fix. Values
 * of secret settings are never repeated.
 */
export function authConfigurationProblems(settings: Settings): string[] {
  const problems: string[] = [];
  if (settings.MCP_AUTH_ENABLED && settings.MCP_DEV_USERNAME) {
    problems.push(
      "MCP_DEV_USERNAME must not be set when MCP_AUTH_ENABLED=true: calls run as the token's user, never as a dev user",
    );
  }
  if (authModeOf(settings) === 'jwt') problems.push(...jwtProblems(settings));
  const authTypos = Object.entries(settings.misspelledSettings ?? {}).filter(([, meant]) =>
    AUTH_SETTING.test(meant),
  );
  if (
    authTypos.length > 0 &&
    authModeOf(settings) === 'dev' &&
    !isLoopbackHost(settings.MCP_SERVICE_HOST)
  ) {
    const typos = authTypos.map(([given, meant]) => `${given} is not a setting (${meant}?)`);
    problems.push(
      `${typos.join(', ')}, and authentication is off on MCP_SERVICE_HOST=${settings.MCP_SERVICE_HOST}, ` +
        'which is not loopback: correct the name',
    );
  }
  return problems;
}

/** Settings that would turn token checking on; a misspelling of one leaves the service open. */
const AUTH_SETTING = /^MCP_(AUTH_|JWT_|JWKS_)/;

/** Whether binding to `host` keeps the service to this machine. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  return bare === 'localhost' || bare === '::1' || /^127(\.\d{1,3}){3}$/.test(bare);
}

/** Settings that start but deserve an operator's attention. */
export function authConfigurationWarnings(settings: Settings): string[] {
  const mode = authModeOf(settings);
  const warnings: string[] = [];
  if (mode === 'factory' && settings.MCP_AUTH_ENABLED) {
    warnings.push('MCP_AUTH_FACTORY takes precedence: the MCP_JWT_* settings are not used.');
  }
  if (mode === 'factory' && settings.MCP_DEV_USERNAME) {
    warnings.push('MCP_AUTH_FACTORY is set: MCP_DEV_USERNAME is ignored.');
  }
  if (
    mode === 'dev' &&
    (settings.MCP_JWKS_URI || settings.MCP_JWT_PUBLIC_KEY || settings.MCP_JWT_SECRET)
  ) {
    warnings.push(
      'JWT key settings are present but MCP_AUTH_ENABLED is false: tokens are not checked.',
    );
  }
  if (mode !== 'jwt') return warnings;
  if (!settings.MCP_JWT_AUDIENCE) {
    warnings.push(
      'MCP_JWT_AUDIENCE is not set: tokens issued for any other service by the same issuer are accepted.',
    );
  }
  if (isHmacAlgorithm(settings.MCP_JWT_ALGORITHM) && (settings.MCP_JWT_SECRET?.length ?? 0) < 32) {
    warnings.push('MCP_JWT_SECRET is shorter than 32 characters; use a long random secret.');
  }
  if (authorizationServers(settings).length === 0) {
    warnings.push(
      'Neither MCP_AUTHORIZATION_SERVERS nor MCP_JWT_ISSUER is set: MCP clients cannot discover where to log in.',
    );
  }
  return warnings;
}

/** The authorization servers announced in the protected resource metadata. */
export function authorizationServers(settings: Settings): readonly string[] {
  if (settings.MCP_AUTHORIZATION_SERVERS.length > 0) return settings.MCP_AUTHORIZATION_SERVERS;
  const issuer = settings.MCP_JWT_ISSUER;
  if (issuer === null) return [];
  return typeof issuer === 'string' ? [issuer] : issuer;
}

/**
 * The key of `MCP_JWT_PUBLIC_KEY`. Accepts a PEM whose line breaks were written as `\n` (common in
 * environment files). Throws a message that names the setting but never repeats its value.
 */
export function publicKeyFromSetting(pem: string, algorithm: string): KeyObject {
  const text = pem.includes('\n') ? pem : pem.replaceAll('\\n', '\n');
  if (/PRIVATE KEY-----/.test(text)) {
    throw new Error(
      'MCP_JWT_PUBLIC_KEY holds a private key; configure only the public key (-----BEGIN PUBLIC KEY-----).',
    );
  }
  let key: KeyObject;
  try {
    key = createPublicKey(text);
  } catch {
    throw new Error('MCP_JWT_PUBLIC_KEY is not a PEM-encoded public key or certificate.');
  }
  const problem = keyTypeProblem(key, algorithm);
  if (problem) throw new Error(`MCP_JWT_PUBLIC_KEY ${problem}.`);
  return key;
}

function jwtProblems(settings: Settings): string[] {
  const algorithm = settings.MCP_JWT_ALGORITHM;
  const jwks = settings.MCP_JWKS_URI;
  const publicKey = settings.MCP_JWT_PUBLIC_KEY;
  const secret = settings.MCP_JWT_SECRET;
  if (isHmacAlgorithm(algorithm)) {
    const problems: string[] = [];
    if (!secret) {
      problems.push(`MCP_JWT_SECRET is required with MCP_JWT_ALGORITHM=${algorithm}`);
    }
    if (jwks || publicKey) {
      problems.push(
        `${jwks ? 'MCP_JWKS_URI' : 'MCP_JWT_PUBLIC_KEY'} must not be set with MCP_JWT_ALGORITHM=${algorithm}: a public key is not an HMAC secret`,
      );
    }
    return problems;
  }
  if (!jwks && !publicKey) {
    return [
      secret
        ? `MCP_JWT_ALGORITHM=${algorithm} needs MCP_JWKS_URI or MCP_JWT_PUBLIC_KEY; MCP_JWT_SECRET only works with MCP_JWT_ALGORITHM=HS256, HS384 or HS512`
        : 'MCP_AUTH_ENABLED=true needs key material: set MCP_JWKS_URI or MCP_JWT_PUBLIC_KEY, or MCP_JWT_SECRET with MCP_JWT_ALGORITHM=HS256',
    ];
  }
  const problems: string[] = [];
  if (secret) {
    problems.push(`MCP_JWT_SECRET must not be set with MCP_JWT_ALGORITHM=${algorithm}`);
  }
  if (jwks && publicKey) {
    problems.push('Set only one of MCP_JWKS_URI and MCP_JWT_PUBLIC_KEY');
  }
  if (jwks && !isSecureJwksUri(jwks)) {
    problems.push(
      'MCP_JWKS_URI must use https (plain http is accepted only for localhost, 127.0.0.1 and ::1)',
    );
  }
  if (publicKey) {
    try {
      publicKeyFromSetting(publicKey, algorithm);
    } catch (error) {
      problems.push((error as Error).message.replace(/\.$/, ''));
    }
  }
  return problems;
}

function isSecureJwksUri(uri: string): boolean {
  const url = new URL(uri);
  return url.protocol === 'https:' || LOOPBACK_HOSTS.has(url.hostname);
}

function keyTypeProblem(key: KeyObject, algorithm: string): string | null {
  const type = key.asymmetricKeyType;
  if (algorithm.startsWith('RS') && type !== 'rsa') {
    return `holds a key of type ${type ?? 'unknown'}, but MCP_JWT_ALGORITHM=${algorithm} needs an RSA key`;
  }
  if (algorithm.startsWith('PS') && type !== 'rsa' && type !== 'rsa-pss') {
    return `holds a key of type ${type ?? 'unknown'}, but MCP_JWT_ALGORITHM=${algorithm} needs an RSA key`;
  }
  if (algorithm.startsWith('ES')) {
    const curve = key.asymmetricKeyDetails?.namedCurve;
    if (type !== 'ec' || curve !== EC_CURVES[algorithm]) {
      return `does not match MCP_JWT_ALGORITHM=${algorithm} (needs an EC key on curve ${EC_CURVES[algorithm]})`;
    }
  }
  return null;
}
