import { generateKeyPairSync } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { postJson, toolJson } from './support/mcp-client.js';
import {
  runCli,
  SERVICE_ROOT,
  startServiceProcess,
  temporaryDataDir,
  type ServiceProcess,
} from './support/service-process.js';

const SECRET = 'startup-spec-secret-0123456789abcdef0123';
const PRIVATE_PEM = generateKeyPairSync('rsa', { modulusLength: 2048 })
  .privateKey.export({ format: 'pem', type: 'pkcs8' })
  .toString();

describe('fail-closed authentication settings', () => {
  const data = temporaryDataDir();

  afterAll(() => data.remove());

  it.each([
    [
      'auth enabled with no key material',
      { MCP_AUTH_ENABLED: 'true' },
      'MCP_AUTH_ENABLED=true needs key material',
    ],
    [
      'HS256 without a secret',
      { MCP_AUTH_ENABLED: 'true', MCP_JWT_ALGORITHM: 'HS256' },
      'MCP_JWT_SECRET is required with MCP_JWT_ALGORITHM=HS256',
    ],
    [
      'HS256 with a leftover JWKS URI',
      {
        MCP_AUTH_ENABLED: 'true',
        MCP_JWKS_URI: 'https://idp.example.com/jwks',
        MCP_JWT_ALGORITHM: 'HS256',
        MCP_JWT_SECRET: SECRET,
      },
      'MCP_JWKS_URI must not be set with MCP_JWT_ALGORITHM=HS256',
    ],
    [
      'RS256 with only a secret',
      { MCP_AUTH_ENABLED: 'true', MCP_JWT_SECRET: SECRET },
      'MCP_JWT_ALGORITHM=RS256 needs MCP_JWKS_URI or MCP_JWT_PUBLIC_KEY',
    ],
    [
      'auth enabled together with a dev user',
      {
        MCP_AUTH_ENABLED: 'true',
        MCP_DEV_USERNAME: 'admin',
        MCP_JWKS_URI: 'https://idp.example.com/jwks',
      },
      'MCP_DEV_USERNAME must not be set when MCP_AUTH_ENABLED=true',
    ],
    [
      'a JWKS URI over http to another host',
      { MCP_AUTH_ENABLED: 'true', MCP_JWKS_URI: 'http://idp.example.com/jwks' },
      'MCP_JWKS_URI must use https',
    ],
    [
      'a private key as MCP_JWT_PUBLIC_KEY',
      { MCP_AUTH_ENABLED: 'true', MCP_JWT_PUBLIC_KEY: PRIVATE_PEM },
      'MCP_JWT_PUBLIC_KEY holds a private key',
    ],
  ])('stops on %s, naming the setting', async (_case, env, message) => {
    const result = await runCli(['run', '--port', '0'], {
      ...env,
      SUPERSET_MCP_DATA_DIR: data.dir,
    });
    expect(result.code).toBe(1);
    const lastLine = result.stderr.trim().split('\n').at(-1) ?? '';
    expect(lastLine).toMatch(/^superset-mcp: Refusing to start: /);
    expect(lastLine).toContain(message);
    const output = `${result.stdout}${result.stderr}`;
    expect(output).not.toContain(SECRET);
    expect(output).not.toContain(PRIVATE_PEM.split('\n')[2]);
    expect(output).not.toMatch(/Serving MCP at|MCP endpoint:/);
  });
});

describe('MCP_AUTH_FACTORY and MCP_USER_RESOLVER from the settings module', () => {
  const data = temporaryDataDir();
  let service: ServiceProcess;

  afterAll(async () => {
    await service?.stop();
    data.remove();
  });

  it('takes precedence over MCP_AUTH_ENABLED and runs calls as the resolved user', async () => {
    const settingsModule = join(data.dir, 'superset_mcp_config.js');
    const usersRepository = join(SERVICE_ROOT, 'dist', 'users', 'users.repository.js');
    writeFileSync(
      settingsModule,
      `const { UsersRepository } = require(${JSON.stringify(usersRepository)});
module.exports = {
  MCP_AUTH_ENABLED: true,
  MCP_AUTHORIZATION_SERVERS: ['https://sso.example.com'],
  MCP_AUTH_FACTORY: (app) => {
    const users = app.get(UsersRepository);
    return {
      async verify(token) {
        if (token !== 'opaque-token-of-the-owners-team') throw new Error('unknown token');
        const owner = await users.findByUsername('owner');
        return {
          claims: { team: 'owners', contact: owner.email },
          clientId: 'sso-gateway',
          expiresAt: Math.floor(Date.now() / 1000) + 600,
          scopes: ['mcp:read'],
          subject: 'team:owners',
        };
      },
    };
  },
  MCP_USER_RESOLVER: (principal) => (principal.claims.team === 'owners' ? 'owner' : null),
};
`,
    );
    service = await startServiceProcess({
      SUPERSET_MCP_CONFIG_PATH: settingsModule,
      SUPERSET_MCP_DATA_DIR: data.dir,
    });
    expect(service.output()).toContain('MCP_AUTH_FACTORY takes precedence');

    const call = {
      id: 1,
      jsonrpc: '2.0',
      method: 'tools/call',
      params: { arguments: { request: {} }, name: 'get_instance_info' },
    };
    const accepted = await postJson(service.url, call, {
      Authorization: 'Bearer opaque-token-of-the-owners-team',
    });
    expect(accepted.status).toBe(200);
    expect(toolJson(accepted.json.result).current_user.username).toBe('owner');

    const refused = await postJson(service.url, call, { Authorization: 'Bearer someone-else' });
    expect(refused.status).toBe(401);
    expect(refused.json).toEqual({
      error: 'invalid_token',
      error_description: 'Authentication failed',
    });

    const metadata = await fetch(`${service.origin}/.well-known/oauth-protected-resource`);
    await expect(metadata.json()).resolves.toMatchObject({
      authorization_servers: ['https://sso.example.com'],
      resource: service.url,
    });
  });
});
