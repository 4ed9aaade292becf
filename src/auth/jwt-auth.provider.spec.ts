import {
  createHmac,
  createPublicKey,
  KeyObject,
  sign as rsaSign,
  type JsonWebKey,
} from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import {
  exportJWK,
  generateKeyPair,
  SignJWT,
  type CryptoKey,
  type JWK,
  type JWTPayload,
} from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { Settings } from '../config/settings.js';
import { loadSettings } from '../config/settings.loader.js';
import type { AuthenticationError } from './authentication.error.js';
import { JwtAuthProvider } from './jwt-auth.provider.js';

const ISSUER = 'https://idp.example.com';
const AUDIENCE = 'https://mcp.example.com/mcp';
const SECRET = 'unit-test-hmac-secret-0123456789abcdef';

interface SigningKey {
  readonly kid: string;
  readonly privateKey: CryptoKey;
  readonly jwk: JWK;
}

async function signingKey(kid: string, alg = 'RS256'): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  return { jwk: { ...(await exportJWK(publicKey)), alg, kid, use: 'sig' }, kid, privateKey };
}

/** A JWKS endpoint whose published keys the test changes, counting how often it is fetched. */
class JwksServer {
  keys: JWK[] = [];
  fetches = 0;
  failing = false;
  private readonly server: Server = createServer((_request, response) => {
    this.fetches += 1;
    if (this.failing) {
      response.writeHead(503).end('down');
      return;
    }
    response.writeHead(200, { 'Content-Type': 'application/json' });
    response.end(JSON.stringify({ keys: this.keys }));
  });

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/jwks`;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

function publicPemOf(jwk: JWK): string {
  return createPublicKey({ format: 'jwk', key: jwk as JsonWebKey })
    .export({ format: 'pem', type: 'spki' })
    .toString();
}

function now(): number {
  return Math.floor(Date.now() / 1000);
}

function sign(
  payload: JWTPayload,
  key: CryptoKey | Uint8Array,
  header: { alg: string; kid?: string },
): Promise<string> {
  return new SignJWT({ exp: now() + 300, iat: now(), sub: 'alpha', ...payload })
    .setProtectedHeader(header)
    .sign(key);
}

function unsigned(payload: JWTPayload): string {
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${encode({ alg: 'none', typ: 'JWT' })}.${encode({ exp: now() + 300, sub: 'alpha', ...payload })}.`;
}

/** A token with exactly this protected header, signed by hand: jose refuses to sign a malformed `crit`. */
function signedWithHeader(
  header: Record<string, unknown>,
  key: CryptoKey | string,
  payload: JWTPayload = {},
): string {
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const input = `${encode(header)}.${encode({ exp: now() + 300, iat: now(), sub: 'alpha', ...payload })}`;
  const signature =
    typeof key === 'string'
      ? createHmac('sha256', key).update(input).digest()
      : rsaSign('sha256', Buffer.from(input), KeyObject.from(key));
  return `${input}.${signature.toString('base64url')}`;
}

/** `crit` values RFC 7515 §4.1.11 makes a recipient refuse, for a service that understands no extension. */
const REFUSED_CRITICAL_HEADERS: readonly [string, Record<string, unknown>][] = [
  ['an unknown extension', { crit: ['urn:example:ext'], 'urn:example:ext': true }],
  ['b64 (RFC 7797), not understood here', { b64: true, crit: ['b64'] }],
  ['an extension absent from the header', { crit: ['urn:example:absent'] }],
  ['a standard parameter', { crit: ['kid'], kid: 'k' }],
  ['a string instead of a list', { crit: 'urn:example:ext', 'urn:example:ext': true }],
  ['an empty list', { crit: [] }],
  ['a list with a non-string', { crit: [42] }],
  ['null', { crit: null }],
  ['a duplicate name', { crit: ['x', 'x'], x: 1 }],
];

async function settingsFrom(env: Record<string, string>): Promise<Settings> {
  return (await loadSettings({ MCP_AUTH_ENABLED: 'true', ...env }, '/')).settings;
}

async function reasonFor(provider: JwtAuthProvider, token: string): Promise<string> {
  const error = (await provider.verify(token).then(
    () => null,
    (caught: unknown) => caught,
  )) as AuthenticationError | null;
  expect(error?.name).toBe('AuthenticationError');
  return error?.reason ?? 'accepted';
}

describe(JwtAuthProvider.name, () => {
  const jwks = new JwksServer();
  let jwksUri: string;
  let first: SigningKey;
  let second: SigningKey;
  let stranger: SigningKey;

  beforeAll(async () => {
    [first, second, stranger] = await Promise.all([
      signingKey('key-1'),
      signingKey('key-2'),
      signingKey('key-x'),
    ]);
    jwksUri = await jwks.start();
  });

  afterAll(() => jwks.stop());

  describe('with a JWKS URI (option A)', () => {
    let provider: JwtAuthProvider;

    beforeAll(async () => {
      jwks.keys = [first.jwk];
      provider = new JwtAuthProvider(
        await settingsFrom({
          MCP_JWKS_URI: jwksUri,
          MCP_JWT_AUDIENCE: AUDIENCE,
          MCP_JWT_ISSUER: ISSUER,
        }),
      );
    });

    it('accepts a valid token and describes it', async () => {
      const exp = now() + 120;
      const token = await sign(
        { aud: AUDIENCE, client_id: 'svc', exp, iss: ISSUER, scope: 'mcp:read mcp:write' },
        first.privateKey,
        { alg: 'RS256', kid: first.kid },
      );
      const principal = await provider.verify(token);
      expect(principal).toMatchObject({
        clientId: 'svc',
        expiresAt: exp,
        scopes: ['mcp:read', 'mcp:write'],
        subject: 'alpha',
      });
      expect(principal.claims).toMatchObject({ aud: AUDIENCE, iss: ISSUER });
    });

    it('caches the key set', async () => {
      const before = jwks.fetches;
      const token = await sign({ aud: AUDIENCE, iss: ISSUER }, first.privateKey, {
        alg: 'RS256',
        kid: first.kid,
      });
      await provider.verify(token);
      await provider.verify(token);
      expect(jwks.fetches).toBe(before);
    });

    it('refetches on an unknown kid, so a rotation needs no restart and retires removed keys', async () => {
      const oldToken = await sign({ aud: AUDIENCE, iss: ISSUER }, first.privateKey, {
        alg: 'RS256',
        kid: first.kid,
      });
      const newToken = await sign({ aud: AUDIENCE, iss: ISSUER }, second.privateKey, {
        alg: 'RS256',
        kid: second.kid,
      });
      jwks.keys = [second.jwk];
      await expect(provider.verify(newToken)).resolves.toMatchObject({ subject: 'alpha' });
      await expect(reasonFor(provider, oldToken)).resolves.toBe('unknown kid');
    });

    it('refuses a kid the issuer never published, and rate-limits the refetches', async () => {
      const before = jwks.fetches;
      for (let attempt = 0; attempt < 15; attempt += 1) {
        const token = await sign({ aud: AUDIENCE, iss: ISSUER }, stranger.privateKey, {
          alg: 'RS256',
          kid: `random-${attempt}`,
        });
        await expect(reasonFor(provider, token)).resolves.toBe('unknown kid');
      }
      expect(jwks.fetches - before).toBeLessThanOrEqual(10);
      const good = await sign({ aud: AUDIENCE, iss: ISSUER }, second.privateKey, {
        alg: 'RS256',
        kid: second.kid,
      });
      await expect(provider.verify(good)).resolves.toMatchObject({ subject: 'alpha' });
    });

    it('refuses a token signed by another key under a published kid', async () => {
      const forged = await sign({ aud: AUDIENCE, iss: ISSUER }, stranger.privateKey, {
        alg: 'RS256',
        kid: second.kid,
      });
      await expect(reasonFor(provider, forged)).resolves.toBe('bad signature');
    });

    it.each([
      ['expired', { exp: now() - 3600 }, 'expired'],
      ['not yet valid', { nbf: now() + 3600 }, 'not yet valid'],
      ['from another issuer', { iss: 'https://evil.example.com' }, 'issuer mismatch'],
      ['for another audience', { aud: 'https://other.example.com/mcp' }, 'audience mismatch'],
      ['without an audience', { aud: undefined }, 'audience mismatch'],
      ['without exp', { exp: undefined }, 'missing exp'],
      ['with a non-numeric exp', { exp: 'tomorrow' as unknown as number }, 'malformed'],
    ])('refuses a token %s', async (_case, claims, reason) => {
      const token = await sign({ aud: AUDIENCE, iss: ISSUER, ...claims }, second.privateKey, {
        alg: 'RS256',
        kid: second.kid,
      });
      await expect(reasonFor(provider, token)).resolves.toBe(reason);
    });

    it('refuses alg none, HS256 made with the public key, and garbage', async () => {
      const publicPem = publicPemOf(second.jwk);
      const confused = await sign(
        { aud: AUDIENCE, iss: ISSUER },
        new TextEncoder().encode(publicPem),
        { alg: 'HS256', kid: second.kid },
      );
      await expect(reasonFor(provider, unsigned({ aud: AUDIENCE, iss: ISSUER }))).resolves.toBe(
        'algorithm mismatch',
      );
      await expect(reasonFor(provider, confused)).resolves.toBe('algorithm mismatch');
      await expect(reasonFor(provider, 'not-a-jwt')).resolves.toBe('malformed');
      await expect(reasonFor(provider, 'e30.e30.e30')).resolves.toBe('algorithm mismatch');
      await expect(reasonFor(provider, '!!.??.**')).resolves.toBe('malformed');
    });

    it('reports an unreachable key set', async () => {
      const isolated = new JwtAuthProvider(
        await settingsFrom({ MCP_JWKS_URI: jwksUri, MCP_JWT_ISSUER: ISSUER }),
      );
      jwks.failing = true;
      try {
        const token = await sign({ iss: ISSUER }, second.privateKey, {
          alg: 'RS256',
          kid: second.kid,
        });
        await expect(reasonFor(isolated, token)).resolves.toBe('key set unavailable');
      } finally {
        jwks.failing = false;
      }
    });
  });

  describe('with a static public key (option B)', () => {
    it('accepts tokens signed by its private key and any of several issuers', async () => {
      const publicPem = publicPemOf(first.jwk);
      const provider = new JwtAuthProvider(
        await settingsFrom({
          MCP_JWT_ISSUER: '["https://a.example.com","https://b.example.com"]',
          MCP_JWT_PUBLIC_KEY: publicPem,
        }),
      );
      const fromB = await sign({ iss: 'https://b.example.com' }, first.privateKey, {
        alg: 'RS256',
      });
      await expect(provider.verify(fromB)).resolves.toMatchObject({ subject: 'alpha' });
      const fromC = await sign({ iss: 'https://c.example.com' }, first.privateKey, {
        alg: 'RS256',
      });
      await expect(reasonFor(provider, fromC)).resolves.toBe('issuer mismatch');
      const otherKey = await sign({ iss: 'https://a.example.com' }, second.privateKey, {
        alg: 'RS256',
      });
      await expect(reasonFor(provider, otherKey)).resolves.toBe('bad signature');
      const confused = await sign(
        { iss: 'https://a.example.com' },
        new TextEncoder().encode(publicPem),
        { alg: 'HS256' },
      );
      await expect(reasonFor(provider, confused)).resolves.toBe('algorithm mismatch');
    });
  });

  describe('a critical header extension it does not understand (RFC 7515 §4.1.11)', () => {
    it('refuses an RS256 token from jose marking an unknown extension critical', async () => {
      const provider = new JwtAuthProvider(
        await settingsFrom({ MCP_JWT_PUBLIC_KEY: publicPemOf(first.jwk) }),
      );
      const token = await new SignJWT({ exp: now() + 300, sub: 'alpha' })
        .setProtectedHeader({ alg: 'RS256', crit: ['urn:example:ext'], 'urn:example:ext': 1 })
        .sign(first.privateKey, { crit: { 'urn:example:ext': true } });
      await expect(reasonFor(provider, token)).resolves.toBe('unsupported critical header');
    });

    it.each(REFUSED_CRITICAL_HEADERS)('refuses RS256 with crit: %s', async (_case, extra) => {
      const provider = new JwtAuthProvider(
        await settingsFrom({ MCP_JWT_PUBLIC_KEY: publicPemOf(first.jwk) }),
      );
      const control = signedWithHeader({ alg: 'RS256', typ: 'JWT' }, first.privateKey);
      await expect(provider.verify(control)).resolves.toMatchObject({ subject: 'alpha' });
      const token = signedWithHeader({ alg: 'RS256', typ: 'JWT', ...extra }, first.privateKey);
      await expect(reasonFor(provider, token)).resolves.toBe('unsupported critical header');
    });

    it.each(REFUSED_CRITICAL_HEADERS)('refuses HS256 with crit: %s', async (_case, extra) => {
      const provider = new JwtAuthProvider(
        await settingsFrom({ MCP_JWT_ALGORITHM: 'HS256', MCP_JWT_SECRET: SECRET }),
      );
      const control = signedWithHeader({ alg: 'HS256', typ: 'JWT' }, SECRET);
      await expect(provider.verify(control)).resolves.toMatchObject({ subject: 'alpha' });
      const token = signedWithHeader({ alg: 'HS256', typ: 'JWT', ...extra }, SECRET);
      await expect(reasonFor(provider, token)).resolves.toBe('unsupported critical header');
    });

    it('refuses it before fetching a key set', async () => {
      jwks.keys = [second.jwk];
      const provider = new JwtAuthProvider(await settingsFrom({ MCP_JWKS_URI: jwksUri }));
      const before = jwks.fetches;
      const token = signedWithHeader(
        { alg: 'RS256', crit: ['urn:example:ext'], kid: second.kid, 'urn:example:ext': true },
        second.privateKey,
      );
      await expect(reasonFor(provider, token)).resolves.toBe('unsupported critical header');
      expect(jwks.fetches).toBe(before);
    });
  });

  describe('with a shared secret (option C)', () => {
    let provider: JwtAuthProvider;
    const secret = new TextEncoder().encode(SECRET);

    beforeAll(async () => {
      provider = new JwtAuthProvider(
        await settingsFrom({
          MCP_JWT_ALGORITHM: 'HS256',
          MCP_JWT_LEEWAY_SECONDS: '30',
          MCP_JWT_SECRET: SECRET,
        }),
      );
    });

    it('accepts an HS256 token and reads scp as a list', async () => {
      const token = await sign({ scp: ['mcp:read', 'mcp:admin'] }, secret, { alg: 'HS256' });
      await expect(provider.verify(token)).resolves.toMatchObject({
        scopes: ['mcp:read', 'mcp:admin'],
        subject: 'alpha',
      });
    });

    it('honours nbf and exp within the leeway only', async () => {
      const early = await sign({ nbf: now() + 10 }, secret, { alg: 'HS256' });
      await expect(provider.verify(early)).resolves.toMatchObject({ subject: 'alpha' });
      const tooEarly = await sign({ nbf: now() + 90 }, secret, { alg: 'HS256' });
      await expect(reasonFor(provider, tooEarly)).resolves.toBe('not yet valid');
      const justExpired = await sign({ exp: now() - 10 }, secret, { alg: 'HS256' });
      await expect(provider.verify(justExpired)).resolves.toMatchObject({ subject: 'alpha' });
      const longExpired = await sign({ exp: now() - 90 }, secret, { alg: 'HS256' });
      await expect(reasonFor(provider, longExpired)).resolves.toBe('expired');
    });

    it('refuses another secret, another HMAC size and alg none', async () => {
      const wrong = await sign({}, new TextEncoder().encode(`${SECRET}-other`), { alg: 'HS256' });
      await expect(reasonFor(provider, wrong)).resolves.toBe('bad signature');
      const hs512 = await sign({}, secret, { alg: 'HS512' });
      await expect(reasonFor(provider, hs512)).resolves.toBe('algorithm mismatch');
      await expect(reasonFor(provider, unsigned({}))).resolves.toBe('algorithm mismatch');
    });
  });
});
