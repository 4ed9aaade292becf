import { generateKeyPairSync } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { hmacSecret, signedToken } from './support/jwt-tokens.js';
import { connectClient, postJson, toolJson } from './support/mcp-client.js';
import { freePort } from './support/oidc-issuer.js';
import {
  startServiceProcess,
  temporaryDataDir,
  type ServiceProcess,
} from './support/service-process.js';

const LIST_TOOLS = { id: 1, jsonrpc: '2.0', method: 'tools/list' };
const INSTANCE_INFO = {
  id: 2,
  jsonrpc: '2.0',
  method: 'tools/call',
  params: { arguments: { request: {} }, name: 'get_instance_info' },
};
const SECRET = 'e2e-shared-secret-for-hs256-0123456789abcdef';
const ISSUERS = ['https://login.example.com/tenant-a', 'https://login.example.com/tenant-b'];

describe('authentication with static keys', () => {
  let PUBLIC_URL: string;
  const dirs = [temporaryDataDir(), temporaryDataDir(), temporaryDataDir()];
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const publicPem = rsa.publicKey.export({ format: 'pem', type: 'spki' }).toString();
  let hs256: ServiceProcess;
  let pem: ServiceProcess;
  let dev: ServiceProcess;

  beforeAll(async () => {
    const port = await freePort();
    // Another name than the bound 127.0.0.1, so the metadata visibly comes from MCP_SERVICE_URL.
    PUBLIC_URL = `http://localhost:${port}`;
    [hs256, pem, dev] = await Promise.all([
      startServiceProcess(
        {
          MCP_AUTHORIZATION_SERVERS: 'https://login.example.com',
          MCP_AUTH_ENABLED: 'true',
          MCP_JWT_ALGORITHM: 'HS256',
          MCP_JWT_AUDIENCE: `${PUBLIC_URL}/mcp`,
          MCP_JWT_ISSUER: JSON.stringify(ISSUERS),
          MCP_JWT_SECRET: SECRET,
          MCP_REQUIRED_SCOPES: 'mcp:read,mcp:query',
          MCP_SERVICE_URL: PUBLIC_URL,
          SUPERSET_MCP_DATA_DIR: dirs[0].dir,
        },
        ['--port', String(port)],
      ),
      startServiceProcess({
        MCP_AUTH_ENABLED: 'true',
        MCP_JWT_ALGORITHM: 'RS256',
        MCP_JWT_PUBLIC_KEY: publicPem,
        SUPERSET_MCP_DATA_DIR: dirs[1].dir,
      }),
      startServiceProcess({ SUPERSET_MCP_DATA_DIR: dirs[2].dir }),
    ]);
  });

  afterAll(async () => {
    await Promise.all([hs256?.stop(), pem?.stop(), dev?.stop()]);
    for (const dir of dirs) dir.remove();
  });

  const hsToken = (claims: Record<string, unknown>) =>
    signedToken(
      {
        aud: `${PUBLIC_URL}/mcp`,
        iss: ISSUERS[1],
        scp: ['mcp:read', 'mcp:query'],
        ...claims,
      },
      hmacSecret(SECRET),
      { alg: 'HS256' },
    );

  describe('HS256 with a shared secret (option C)', () => {
    it('runs the SDK client as the user the token names', async () => {
      const token = await hsToken({ sub: 'gamma' });
      const mcp = await connectClient(hs256.url, { Authorization: `Bearer ${token}` });
      try {
        const info = toolJson(
          await mcp.client.callTool({ arguments: { request: {} }, name: 'get_instance_info' }),
        );
        expect(info.current_user).toMatchObject({
          roles: expect.arrayContaining(['Gamma']),
          username: 'gamma',
        });
      } finally {
        await mcp.close();
      }
    });

    it('resolves a user by email, and accepts scope as a space-delimited string', async () => {
      const token = await hsToken({
        email: 'sales@example.com',
        scope: 'mcp:query mcp:read',
        scp: undefined,
      });
      const response = await postJson(hs256.url, INSTANCE_INFO, {
        Authorization: `Bearer ${token}`,
      });
      expect(response.status).toBe(200);
      expect(toolJson(response.json.result).current_user.username).toBe('sales');
    });

    it('requires every scope of MCP_REQUIRED_SCOPES', async () => {
      const token = await hsToken({ scp: ['mcp:read'], sub: 'gamma' });
      const response = await postJson(hs256.url, LIST_TOOLS, { Authorization: `Bearer ${token}` });
      expect(response.status).toBe(403);
      expect(response.headers.get('www-authenticate')).toContain('scope="mcp:read mcp:query"');
    });

    it('accepts either configured issuer and no other', async () => {
      const first = await hsToken({ iss: ISSUERS[0], sub: 'gamma' });
      expect(
        (await postJson(hs256.url, LIST_TOOLS, { Authorization: `Bearer ${first}` })).status,
      ).toBe(200);
      const other = await hsToken({ iss: 'https://login.example.com/tenant-c', sub: 'gamma' });
      expect(
        (await postJson(hs256.url, LIST_TOOLS, { Authorization: `Bearer ${other}` })).status,
      ).toBe(401);
    });

    it('refuses an RS256 token and a token made with another secret', async () => {
      const rs = await signedToken(
        { aud: `${PUBLIC_URL}/mcp`, iss: ISSUERS[0], sub: 'gamma' },
        rsa.privateKey,
        {
          alg: 'RS256',
        },
      );
      const otherSecret = await signedToken(
        { aud: `${PUBLIC_URL}/mcp`, iss: ISSUERS[0], scp: ['mcp:read', 'mcp:query'], sub: 'gamma' },
        hmacSecret(`${SECRET}!`),
        { alg: 'HS256' },
      );
      for (const token of [rs, otherSecret]) {
        const response = await postJson(hs256.url, LIST_TOOLS, {
          Authorization: `Bearer ${token}`,
        });
        expect(response.status).toBe(401);
      }
      expect(hs256.output()).not.toContain(SECRET);
    });

    it('names MCP_SERVICE_URL and MCP_AUTHORIZATION_SERVERS in its metadata', async () => {
      const refused = await postJson(hs256.url, LIST_TOOLS);
      expect(refused.headers.get('www-authenticate')).toBe(
        `Bearer scope="mcp:read mcp:query", resource_metadata="${PUBLIC_URL}/.well-known/oauth-protected-resource/mcp"`,
      );
      const metadata = await fetch(`${hs256.origin}/.well-known/oauth-protected-resource/mcp`);
      await expect(metadata.json()).resolves.toEqual({
        authorization_servers: ['https://login.example.com'],
        bearer_methods_supported: ['header'],
        resource: `${PUBLIC_URL}/mcp`,
        resource_name: 'Superset MCP',
        scopes_supported: ['mcp:read', 'mcp:query'],
      });
    });
  });

  describe('RS256 with a static public key (option B)', () => {
    it('accepts tokens signed with the matching private key', async () => {
      const token = await signedToken({ sub: 'alpha' }, rsa.privateKey, { alg: 'RS256' });
      const response = await postJson(pem.url, INSTANCE_INFO, { Authorization: `Bearer ${token}` });
      expect(response.status).toBe(200);
      expect(toolJson(response.json.result).current_user.username).toBe('alpha');
    });

    it('refuses HS256 signed with the public key and tokens without exp', async () => {
      const confused = await signedToken({ sub: 'admin' }, hmacSecret(publicPem), { alg: 'HS256' });
      const noExpiry = await signedToken({ exp: undefined, sub: 'admin' }, rsa.privateKey, {
        alg: 'RS256',
      });
      for (const token of [confused, noExpiry]) {
        const response = await postJson(pem.url, LIST_TOOLS, { Authorization: `Bearer ${token}` });
        expect(response.status).toBe(401);
        expect(response.json).toEqual({
          error: 'invalid_token',
          error_description: 'Authentication failed',
        });
      }
    });

    it('serves metadata for the bound address, without authorization servers it does not know', async () => {
      const metadata = await fetch(`${pem.origin}/.well-known/oauth-protected-resource`);
      await expect(metadata.json()).resolves.toEqual({
        bearer_methods_supported: ['header'],
        resource: pem.url,
        resource_name: 'Superset MCP',
      });
      expect(pem.output()).toContain('Neither MCP_AUTHORIZATION_SERVERS nor MCP_JWT_ISSUER is set');
    });
  });

  describe('dev mode', () => {
    it('serves no OAuth metadata: there is nothing to log in to', async () => {
      for (const path of [
        '/.well-known/oauth-protected-resource',
        '/.well-known/oauth-protected-resource/mcp',
      ]) {
        expect((await fetch(`${dev.origin}${path}`)).status).toBe(404);
      }
    });

    it('ignores a bearer token and runs as the dev user', async () => {
      const token = await hsToken({ sub: 'gamma' });
      const response = await postJson(dev.url, INSTANCE_INFO, { Authorization: `Bearer ${token}` });
      expect(response.status).toBe(200);
      expect(toolJson(response.json.result).current_user.username).toBe('admin');
    });
  });
});
