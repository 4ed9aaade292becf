import { describe, expect, it } from 'vitest';

import { closestName, editDistance } from './closest-name.js';
import { settingsSchema } from './settings.schema.js';

const KNOWN = Object.keys(settingsSchema.shape);

describe('closestName', () => {
  it.each([
    ['SQLALCHEMY_DATABASE_URL', 'SQLALCHEMY_DATABASE_URI'],
    ['MCP_AUTH_ENABLE', 'MCP_AUTH_ENABLED'],
    ['MCP_AUTH_ENABLE_', 'MCP_AUTH_ENABLED'],
    ['MCP_SERVICE_PROT', 'MCP_SERVICE_PORT'],
    ['mcp_auth_enabled', 'MCP_AUTH_ENABLED'],
    ['MCP_JWKS_URL', 'MCP_JWKS_URI'],
    ['MCP_JWT_AUDIENCES', 'MCP_JWT_AUDIENCE'],
    ['SECRETKEY', 'SECRET_KEY'],
    ['MCP_DEV_USERNAM', 'MCP_DEV_USERNAME'],
    ['SUPERSET_WEBSERVER_ADRESS', 'SUPERSET_WEBSERVER_ADDRESS'],
  ])('reads %s as %s', (typo, meant) => {
    expect(closestName(typo, KNOWN)).toBe(meant);
  });

  it.each([
    'PATH',
    'HOME',
    'HOSTNAME',
    'NODE_ENV',
    'SUPERSET_SECRET_KEY',
    'SUPERSET_MCP_CONFIG_PATH',
    'MCP_SECRET_THING',
    'npm_config_cache',
    'npm_package_name',
    'SECRET_KEY_FALLBACKS',
    'ROW_LIMIT',
    'SQLLAB_TIMEOUT',
  ])('leaves %s alone', (name) => {
    expect(closestName(name, KNOWN)).toBeNull();
  });
});

describe('editDistance', () => {
  it('counts a swapped pair as one edit', () => {
    expect(editDistance('PROT', 'PORT')).toBe(1);
    expect(editDistance('URL', 'URI')).toBe(1);
    expect(editDistance('ABC', 'ABC')).toBe(0);
  });
});
