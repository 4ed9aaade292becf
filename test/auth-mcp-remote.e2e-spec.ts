import { join } from 'node:path';

import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { hmacSecret, signedToken } from './support/jwt-tokens.js';
import { toolJson } from './support/mcp-client.js';
import {
  SERVICE_ROOT,
  startServiceProcess,
  temporaryDataDir,
  type ServiceProcess,
} from './support/service-process.js';

const SECRET = 'mcp-remote-spec-secret-0123456789abcdef';
const MCP_REMOTE = join(SERVICE_ROOT, 'node_modules', 'mcp-remote', 'dist', 'proxy.js');

describe('Claude Desktop through mcp-remote with an Authorization header', () => {
  const data = temporaryDataDir();
  const remoteHome = temporaryDataDir();
  let service: ServiceProcess;

  beforeAll(async () => {
    service = await startServiceProcess({
      MCP_AUTH_ENABLED: 'true',
      MCP_JWT_ALGORITHM: 'HS256',
      MCP_JWT_SECRET: SECRET,
      MCP_REQUIRED_SCOPES: 'mcp:read',
      SUPERSET_MCP_DATA_DIR: data.dir,
    });
  });

  afterAll(async () => {
    await service?.stop();
    data.remove();
    remoteHome.remove();
  });

  /** Spawns mcp-remote over stdio exactly as Claude Desktop does, with `args` and `env`. */
  async function viaMcpRemote(args: string[], env: Record<string, string> = {}) {
    const stderr: string[] = [];
    const transport = new StdioClientTransport({
      args: [MCP_REMOTE, service.url, ...args],
      command: process.execPath,
      env: {
        HOME: remoteHome.dir,
        MCP_REMOTE_CONFIG_DIR: join(remoteHome.dir, '.mcp-auth'),
        PATH: process.env.PATH ?? '',
        ...env,
      },
      stderr: 'pipe',
    });
    transport.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
    const client = new Client({ name: 'claude-desktop-e2e', version: '1.0.0' });
    try {
      await client.connect(transport);
    } catch (error) {
      throw new Error(`mcp-remote did not connect: ${String(error)}\n${stderr.join('')}`, {
        cause: error,
      });
    }
    return { client, stderr };
  }

  const token = (sub: string) =>
    signedToken({ scope: 'mcp:read', sub }, hmacSecret(SECRET), { alg: 'HS256' });

  it('lists the tools and calls get_instance_info as the user the token names', async () => {
    const { client } = await viaMcpRemote([
      '--header',
      `Authorization: Bearer ${await token('gamma')}`,
    ]);
    try {
      const { tools } = await client.listTools();
      expect(tools.map((tool) => tool.name)).toEqual(
        expect.arrayContaining(['health_check', 'get_instance_info']),
      );
      const info = toolJson(
        await client.callTool({ arguments: { request: {} }, name: 'get_instance_info' }),
      );
      expect(info.current_user.username).toBe('gamma');
    } finally {
      await client.close();
    }
  });

  it('works with the header taken from env, the form that survives Windows argument quoting', async () => {
    const { client } = await viaMcpRemote(['--header', 'Authorization:${AUTH_HEADER}'], {
      AUTH_HEADER: `Bearer ${await token('alpha')}`,
    });
    try {
      const info = toolJson(
        await client.callTool({ arguments: { request: {} }, name: 'get_instance_info' }),
      );
      expect(info.current_user.username).toBe('alpha');
    } finally {
      await client.close();
    }
  });
});
