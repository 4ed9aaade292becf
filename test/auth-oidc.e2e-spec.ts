import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { connectClient, postJson, toolJson } from './support/mcp-client.js';
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

describe('authentication with a real OpenID Provider (RS256, JWKS)', () => {
  const data = temporaryDataDir();
  let issuer: OidcIssuer;
  let service: ServiceProcess;
  let resource: string;
  let metadataUrl: string;

  beforeAll(async () => {
    const port = await freePort();
    resource = `http://127.0.0.1:${port}/mcp`;
    metadataUrl = `http://127.0.0.1:${port}/.well-known/oauth-protected-resource/mcp`;
    issuer = await startOidcIssuer({
      audience: resource,
      clients: ['alpha', 'gamma', 'ghost', 'inactive'],
      scopes: ['mcp:read', 'mcp:write'],
    });
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

  it('serves protected resource metadata at both well-known paths', async () => {
    for (const path of [
      '/.well-known/oauth-protected-resource/mcp',
      '/.well-known/oauth-protected-resource',
    ]) {
      const response = await fetch(`${service.origin}${path}`);
      expect(response.status).toBe(200);
      expect(response.headers.get('access-control-allow-origin')).toBe('*');
      await expect(response.json()).resolves.toEqual({
        authorization_servers: [issuer.issuer],
        bearer_methods_supported: ['header'],
        resource,
        resource_name: 'Superset MCP',
        scopes_supported: ['mcp:read'],
      });
    }
  });

  it('lets a client discover where to get a token from a 401', async () => {
    const refused = await postJson(service.url, LIST_TOOLS);
    expect(refused.status).toBe(401);
    expect(refused.json).toEqual(NO_TOKEN_401);
    expect(refused.headers.get('www-authenticate')).toBe(
      `Bearer scope="mcp:read", resource_metadata="${metadataUrl}"`,
    );
    const metadata = (await (await fetch(metadataUrl)).json()) as {
      authorization_servers: string[];
    };
    const discovery = (await (
      await fetch(`${metadata.authorization_servers[0]}/.well-known/openid-configuration`)
    ).json()) as { token_endpoint: string; issuer: string };
    expect(discovery).toMatchObject({
      issuer: issuer.issuer,
      token_endpoint: issuer.tokenEndpoint,
    });
  });

  it('runs every call as the client the provider issued the token to', async () => {
    const token = await issuer.clientCredentialsToken('alpha', 'mcp:read');
    const mcp = await connectClient(service.url, { Authorization: `Bearer ${token}` });
    try {
      const { tools } = await mcp.client.listTools();
      expect(tools.map((tool) => tool.name)).toContain('get_instance_info');
      const info = toolJson(
        await mcp.client.callTool({ arguments: { request: {} }, name: 'get_instance_info' }),
      );
      expect(info.current_user).toMatchObject({ roles: ['Alpha'], username: 'alpha' });
    } finally {
      await mcp.close();
    }
    const gamma = await issuer.clientCredentialsToken('gamma', 'mcp:read mcp:write');
    const curl = await postJson(
      service.url,
      {
        id: 2,
        jsonrpc: '2.0',
        method: 'tools/call',
        params: { arguments: { request: {} }, name: 'get_instance_info' },
      },
      { Authorization: `Bearer ${gamma}` },
    );
    expect(curl.status).toBe(200);
    expect(toolJson(curl.json.result).current_user.username).toBe('gamma');
  });

  it('requires the token for DELETE and keeps GET unauthenticated', async () => {
    const token = await issuer.clientCredentialsToken('alpha', 'mcp:read');
    const mcp = await connectClient(service.url, { Authorization: `Bearer ${token}` });
    const sessionId = mcp.transport.sessionId ?? '';
    const anonymous = await fetch(service.url, {
      headers: { 'Mcp-Session-Id': sessionId },
      method: 'DELETE',
    });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).not.toContain('error=');
    await expect(anonymous.json()).resolves.toEqual(NO_TOKEN_401);
    const owner = await fetch(service.url, {
      headers: { Authorization: `Bearer ${token}`, 'Mcp-Session-Id': sessionId },
      method: 'DELETE',
    });
    expect(owner.status).toBe(200);
    await mcp.close();
    const get = await fetch(service.url, { headers: { Accept: 'text/event-stream' } });
    expect(get.status).toBe(405);
  });

  it('refuses issued tokens for missing or inactive users and without the required scope', async () => {
    for (const client of ['ghost', 'inactive']) {
      const token = await issuer.clientCredentialsToken(client, 'mcp:read');
      const refused = await postJson(service.url, LIST_TOOLS, { Authorization: `Bearer ${token}` });
      expect(refused.status).toBe(401);
      expect(refused.json).toEqual(GENERIC_401);
    }
    const writeOnly = await issuer.clientCredentialsToken('alpha', 'mcp:write');
    const forbidden = await postJson(service.url, LIST_TOOLS, {
      Authorization: `Bearer ${writeOnly}`,
    });
    expect(forbidden.status).toBe(403);
    expect(forbidden.json).toEqual({
      error: 'insufficient_scope',
      error_description: 'The token lacks a required scope',
    });
    expect(forbidden.headers.get('www-authenticate')).toBe(
      `Bearer error="insufficient_scope", scope="mcp:read", resource_metadata="${metadataUrl}", ` +
        'error_description="The token lacks a required scope"',
    );
    expect(service.output()).toContain('Authentication failed: unknown user');
    expect(service.output()).toContain('Authentication failed: inactive user');
    expect(service.output()).toContain('Authentication failed: missing scope');
  });

  it('follows a key rotation without a restart: new tokens pass, tokens of the removed key fail', async () => {
    const before = await issuer.clientCredentialsToken('alpha', 'mcp:read');
    const auth = (token: string) => ({ Authorization: `Bearer ${token}` });
    expect((await postJson(service.url, LIST_TOOLS, auth(before))).status).toBe(200);

    const oldKid = issuer.currentKey.kid;
    await issuer.rotateKey();
    expect(issuer.currentKey.kid).not.toBe(oldKid);
    const after = await issuer.clientCredentialsToken('alpha', 'mcp:read');
    expect((await postJson(service.url, LIST_TOOLS, auth(after))).status).toBe(200);

    const stale = await postJson(service.url, LIST_TOOLS, auth(before));
    expect(stale.status).toBe(401);
    expect(stale.json).toEqual(GENERIC_401);
    expect(stale.headers.get('www-authenticate')).toBe(
      `Bearer error="invalid_token", scope="mcp:read", resource_metadata="${metadataUrl}"`,
    );
    expect(service.output()).toContain('Authentication failed: unknown kid');
  });

  it('never writes a token to its log', async () => {
    const token = await issuer.clientCredentialsToken('ghost', 'mcp:read');
    await postJson(service.url, LIST_TOOLS, { Authorization: `Bearer ${token}` });
    const signature = token.split('.')[2];
    expect(service.output()).not.toContain(signature);
    expect(service.output()).not.toContain('ghost-secret');
  });
});
