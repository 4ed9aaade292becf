import { createServer, type IncomingMessage, type Server } from 'node:http';

import { HttpAdapterHost } from '@nestjs/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { Settings } from '../config/settings.js';
import { loadSettings } from '../config/settings.loader.js';
import { ProtectedResourceService } from './protected-resource.service.js';

function request(host?: string): IncomingMessage {
  return { headers: host === undefined ? {} : { host } } as IncomingMessage;
}

describe(ProtectedResourceService.name, () => {
  let server: Server;
  let boundPort: number;
  const adapterHost = {
    httpAdapter: { getHttpServer: () => server },
  } as unknown as HttpAdapterHost;

  beforeAll(async () => {
    server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    boundPort = (server.address() as { port: number }).port;
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  async function service(env: Record<string, string>): Promise<ProtectedResourceService> {
    const { settings } = await loadSettings(env, '/');
    const boundToAnyPort: Settings = { ...settings, MCP_SERVICE_PORT: 0 };
    return new ProtectedResourceService(boundToAnyPort, adapterHost);
  }

  it('uses MCP_SERVICE_URL when set', async () => {
    const resource = await service({ MCP_SERVICE_URL: 'https://bi.example.com/' });
    expect(resource.resourceUrl(request('evil.example.com'))).toBe('https://bi.example.com/mcp');
    expect(resource.metadataUrl(request())).toBe(
      'https://bi.example.com/.well-known/oauth-protected-resource/mcp',
    );
  });

  it('keeps a path prefix of MCP_SERVICE_URL after the well-known segment (RFC 9728 §3.1)', async () => {
    const resource = await service({ MCP_SERVICE_URL: 'https://bi.example.com/superset' });
    expect(resource.metadataUrl(request())).toBe(
      'https://bi.example.com/.well-known/oauth-protected-resource/superset/mcp',
    );
  });

  it('otherwise names the bound address with the port actually bound, ignoring Host', async () => {
    const resource = await service({});
    expect(resource.resourceUrl(request('evil.example.com'))).toBe(
      `http://127.0.0.1:${boundPort}/mcp`,
    );
  });

  it('uses a well-formed Host header when bound to every interface', async () => {
    const resource = await service({ MCP_SERVICE_HOST: '0.0.0.0' });
    expect(resource.resourceUrl(request('bi.internal:5008'))).toBe('http://bi.internal:5008/mcp');
    expect(resource.resourceUrl(request('bad host/"x'))).toBe(`http://0.0.0.0:${boundPort}/mcp`);
  });

  it('describes the resource, its authorization servers and scopes', async () => {
    const resource = await service({
      MCP_JWT_ISSUER: 'https://idp.example.com',
      MCP_REQUIRED_SCOPES: 'mcp:read',
      MCP_SERVICE_URL: 'https://bi.example.com',
    });
    expect(resource.metadata(request())).toEqual({
      authorization_servers: ['https://idp.example.com'],
      bearer_methods_supported: ['header'],
      resource: 'https://bi.example.com/mcp',
      resource_name: 'Superset MCP',
      scopes_supported: ['mcp:read'],
    });
  });
});
