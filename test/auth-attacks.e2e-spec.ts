import { createPublicKey } from 'node:crypto';

import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { epochSeconds, hmacSecret, signedToken, unsignedToken } from './support/jwt-tokens.js';
import { postJson } from './support/mcp-client.js';
import { freePort, startOidcIssuer, type OidcIssuer } from './support/oidc-issuer.js';
import {
  startServiceProcess,
  temporaryDataDir,
  type ServiceProcess,
} from './support/service-process.js';

const LIST_TOOLS = { id: 1, jsonrpc: '2.0', method: 'tools/list' };
const GENERIC_401 = { error: 'invalid_token', error_description: 'Authentication failed' };
/** RFC 6750 §3.1: no error code for a request that sent no token. */
const NO_TOKEN_401 = { error_description: 'A bearer token is required' };
const FORBIDDEN_403 = {
  error: 'insufficient_scope',
  error_description: 'The token lacks a required scope',
};

/** Words that would tell an attacker why a token failed. */
const REASON_WORDS =
  /expired|signature|issuer|audience|\bkid\b|inactive|unknown|algorithm|malformed|not yet|nbf|exp\b|pwned/i;

interface AttackCase {
  readonly name: string;
  readonly authorization: () => Promise<string | undefined>;
  readonly status: number;
  /** The category logged with MCP_JWT_DEBUG_ERRORS=true; null when the request never reaches us. */
  readonly reason: string | null;
}

describe('attacks against the live service', () => {
  const data = temporaryDataDir();
  let issuer: OidcIssuer;
  let service: ServiceProcess;
  let resource: string;
  let metadataUrl: string;
  let attackerKey: CryptoKey;
  let issuerPublicPem: string;

  const issuerSigned = (claims: Record<string, unknown>, kid = issuer.currentKey.kid) =>
    signedToken(
      { aud: resource, iss: issuer.issuer, scope: 'mcp:read', sub: 'alpha', ...claims },
      issuer.currentKey.privateKey,
      { alg: 'RS256', kid, typ: 'at+jwt' },
    );
  const bearer = async (token: Promise<string> | string) => `Bearer ${await token}`;

  const cases: AttackCase[] = [
    {
      authorization: () => Promise.resolve(undefined),
      name: 'no token',
      reason: 'no token',
      status: 401,
    },
    {
      authorization: () => bearer('not-a-jwt'),
      name: 'a malformed token',
      reason: 'malformed',
      status: 401,
    },
    {
      authorization: () =>
        bearer(
          unsignedToken({ aud: resource, iss: issuer.issuer, scope: 'mcp:read', sub: 'admin' }),
        ),
      name: 'alg none',
      reason: 'algorithm mismatch',
      status: 401,
    },
    {
      authorization: () =>
        bearer(
          signedToken(
            { aud: resource, iss: issuer.issuer, scope: 'mcp:read', sub: 'admin' },
            hmacSecret(issuerPublicPem),
            { alg: 'HS256', kid: issuer.currentKey.kid },
          ),
        ),
      name: 'HS256 signed with the RSA public key',
      reason: 'algorithm mismatch',
      status: 401,
    },
    {
      // RFC 7515 §4.1.11: a critical extension the service does not understand fails the token.
      authorization: () =>
        bearer(
          new SignJWT({
            aud: resource,
            exp: epochSeconds(300),
            iss: issuer.issuer,
            scope: 'mcp:read',
            sub: 'admin',
          })
            .setProtectedHeader({
              alg: 'RS256',
              crit: ['urn:example:must-understand'],
              kid: issuer.currentKey.kid,
              typ: 'at+jwt',
              'urn:example:must-understand': true,
            })
            .sign(issuer.currentKey.privateKey, { crit: { 'urn:example:must-understand': true } }),
        ),
      name: 'a valid token with an unknown critical header extension',
      reason: 'unsupported critical header',
      status: 401,
    },
    {
      authorization: () =>
        bearer(
          signedToken(
            { aud: resource, iss: issuer.issuer, scope: 'mcp:read', sub: 'admin' },
            attackerKey,
            { alg: 'RS256', kid: issuer.currentKey.kid },
          ),
        ),
      name: 'a bad signature under the issuer kid',
      reason: 'bad signature',
      status: 401,
    },
    {
      authorization: () =>
        bearer(issuerSigned({ exp: epochSeconds(-3600), iat: epochSeconds(-7200) })),
      name: 'an expired token',
      reason: 'expired',
      status: 401,
    },
    {
      authorization: () => bearer(issuerSigned({ nbf: epochSeconds(3600) })),
      name: 'nbf in the future',
      reason: 'not yet valid',
      status: 401,
    },
    {
      authorization: () => bearer(issuerSigned({ iss: 'http://127.0.0.1:1/evil' })),
      name: 'a wrong issuer',
      reason: 'issuer mismatch',
      status: 401,
    },
    {
      authorization: () => bearer(issuerSigned({ aud: 'http://127.0.0.1:1/other-mcp' })),
      name: 'a wrong audience',
      reason: 'audience mismatch',
      status: 401,
    },
    {
      authorization: () => bearer(issuerSigned({ scope: 'mcp:write' })),
      name: 'a missing scope',
      reason: 'missing scope',
      status: 403,
    },
    {
      authorization: () =>
        bearer(
          signedToken(
            { aud: resource, iss: issuer.issuer, scope: 'mcp:read', sub: 'admin' },
            attackerKey,
            { alg: 'RS256', kid: 'attacker-key' },
          ),
        ),
      name: 'an unknown kid',
      reason: 'unknown kid',
      status: 401,
    },
    {
      authorization: () => bearer(issuerSigned({ sub: 'no-such-user' })),
      name: 'a token for a missing user',
      reason: 'unknown user',
      status: 401,
    },
    {
      authorization: () => bearer(issuerSigned({ sub: 'inactive' })),
      name: 'a token for an inactive user',
      reason: 'inactive user',
      status: 401,
    },
    {
      authorization: () => bearer(issuerSigned({ padding: 'x'.repeat(9_300) })),
      name: 'a 13 KB token',
      reason: 'token too large',
      status: 401,
    },
    {
      authorization: () => bearer(issuerSigned({ padding: 'x'.repeat(100 * 1024) })),
      name: 'a 100 KB token',
      reason: null,
      status: 431,
    },
    {
      authorization: () =>
        bearer(
          issuerSigned({
            email: 'x@example.com"\r\nSet-Cookie: pwned=1',
            sub: 'alpha\r\nSet-Cookie: pwned=1',
          }),
        ),
      name: 'a header injection attempt in claims',
      reason: 'unknown user',
      status: 401,
    },
    {
      authorization: () => bearer(issuerSigned({ scope: 'mcp:read" error="none\r\nX-Pwned: 1' })),
      name: 'a header injection attempt in the scope claim',
      reason: 'missing scope',
      status: 403,
    },
    {
      authorization: () => bearer(issuerSigned({}, `${issuer.currentKey.kid}\r\nX-Pwned: 1`)),
      name: 'a header injection attempt in the kid',
      reason: 'unknown kid',
      status: 401,
    },
    {
      authorization: () =>
        bearer(
          issuerSigned({
            client_id: 'alpha", error="none\r\nSet-Cookie: pwned=1',
            sub: 'alpha',
          }),
        ),
      name: 'a header injection attempt in the user claim',
      reason: 'unknown user',
      status: 401,
    },
  ];

  beforeAll(async () => {
    const port = await freePort();
    resource = `http://127.0.0.1:${port}/mcp`;
    metadataUrl = `http://127.0.0.1:${port}/.well-known/oauth-protected-resource/mcp`;
    issuer = await startOidcIssuer({
      audience: resource,
      clients: ['alpha'],
      scopes: ['mcp:read', 'mcp:write'],
    });
    attackerKey = (await generateKeyPair('RS256', { extractable: true })).privateKey;
    const publicJwk = await exportJWK(issuer.currentKey.privateKey);
    delete publicJwk.d;
    issuerPublicPem = createPublicKey({
      format: 'jwk',
      key: { e: publicJwk.e, kty: 'RSA', n: publicJwk.n },
    })
      .export({ format: 'pem', type: 'spki' })
      .toString();
    service = await startServiceProcess(
      {
        MCP_AUTH_ENABLED: 'true',
        MCP_JWKS_URI: issuer.jwksUri,
        MCP_JWT_AUDIENCE: resource,
        MCP_JWT_DEBUG_ERRORS: 'true',
        MCP_JWT_ISSUER: issuer.issuer,
        MCP_REQUIRED_SCOPES: 'mcp:read',
        SUPERSET_MCP_DATA_DIR: data.dir,
      },
      ['--port', String(port)],
    );
  });

  afterAll(async () => {
    await service?.stop();
    await issuer?.stop();
    data.remove();
  });

  it('accepts a genuine token, so the refusals below are about the attack', async () => {
    const token = await issuer.clientCredentialsToken('alpha', 'mcp:read');
    const response = await postJson(service.url, LIST_TOOLS, { Authorization: `Bearer ${token}` });
    expect(response.status).toBe(200);
  });

  it.each(cases.map((attack) => [attack.name, attack] as const))(
    'refuses %s without saying why',
    async (_name, attack) => {
      const authorization = await attack.authorization();
      const logBefore = service.output().length;
      const response = await postJson(
        service.url,
        LIST_TOOLS,
        authorization === undefined ? {} : { Authorization: authorization },
      );

      expect(response.status).toBe(attack.status);
      const challenge = response.headers.get('www-authenticate');
      if (attack.status === 431) {
        expect(response.text).toBe('');
        expect(challenge).toBeNull();
      } else if (attack.status === 403) {
        expect(response.json).toEqual(FORBIDDEN_403);
        expect(challenge).toBe(
          `Bearer error="insufficient_scope", scope="mcp:read", resource_metadata="${metadataUrl}", ` +
            'error_description="The token lacks a required scope"',
        );
      } else {
        expect(response.json).toEqual(attack.reason === 'no token' ? NO_TOKEN_401 : GENERIC_401);
        expect(challenge).toBe(
          attack.reason === 'no token'
            ? `Bearer scope="mcp:read", resource_metadata="${metadataUrl}"`
            : `Bearer error="invalid_token", scope="mcp:read", resource_metadata="${metadataUrl}"`,
        );
      }

      const headers = [...response.headers].map(([name, value]) => `${name}: ${value}`).join('\n');
      expect(response.headers.get('set-cookie')).toBeNull();
      expect(response.headers.get('x-pwned')).toBeNull();
      expect(`${headers}\n${response.text}`).not.toMatch(REASON_WORDS);
      const token = authorization?.slice('Bearer '.length) ?? '';
      if (attack.name === 'a 13 KB token') expect(token.length).toBeGreaterThan(12 * 1024);
      if (token.length > 0) {
        expect(response.text).not.toContain(token.slice(-16));
        expect(service.output()).not.toContain(token.slice(-16));
      }

      if (attack.reason !== null) {
        await expect
          .poll(() => service.output().slice(logBefore), { timeout: 5_000 })
          .toContain(`Authentication failed: ${attack.reason}`);
      }
      expect(service.output()).not.toContain('pwned=1');
      expect(service.output()).not.toContain('X-Pwned');
    },
  );
});
