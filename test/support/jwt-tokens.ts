import { SignJWT, type JWTPayload } from 'jose';

export function epochSeconds(offsetSeconds = 0): number {
  return Math.floor(Date.now() / 1000) + offsetSeconds;
}

/** A JWT signed by `key` with `header`, valid for five minutes unless the claims say otherwise. */
export function signedToken(
  claims: JWTPayload,
  key: Parameters<SignJWT['sign']>[0],
  header: { alg: string; kid?: string; typ?: string },
): Promise<string> {
  return new SignJWT({ exp: epochSeconds(300), iat: epochSeconds(), ...claims })
    .setProtectedHeader(header)
    .sign(key);
}

export function hmacSecret(secret: string): Uint8Array {
  return new TextEncoder().encode(secret);
}

/** An unsecured JWT (`alg: none`), which must never be accepted. */
export function unsignedToken(claims: JWTPayload): string {
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${encode({ alg: 'none', typ: 'JWT' })}.${encode({ exp: epochSeconds(300), ...claims })}.`;
}
