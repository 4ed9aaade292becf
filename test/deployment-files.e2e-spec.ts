import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

import { loadSettings } from '../src/config/settings.loader.js';
import { unhonouredSettingWarnings } from '../src/config/unhonoured-settings.js';

interface ComposeService {
  readonly environment?: Record<string, string>;
}

const ROOT = resolve(__dirname, '..');
const compose = parse(readFileSync(resolve(ROOT, 'docker-compose.yml'), 'utf8')) as {
  services: Record<string, ComposeService>;
};

/** Compose's `${NAME:-default}` / `${NAME:?message}` with the values an operator would give. */
function interpolate(value: string, given: Record<string, string>): string {
  return value.replace(/\$\{(\w+)(?::([-?])([^}]*))?\}/g, (_match, name: string, kind, rest) => {
    if (given[name] !== undefined) return given[name];
    if (kind === '-') return rest as string;
    throw new Error(`docker-compose.yml needs ${name}: ${String(rest)}`);
  });
}

describe('docker-compose.yml describes only what the service does', () => {
  const operator = {
    MCP_JWKS_URI: 'https://idp.example.com/.well-known/jwks.json',
    SQLALCHEMY_DATABASE_URI: 'postgresql://superset:secret@db.example.com:5432/superset',
    SUPERSET_SECRET_KEY: 'a-secret-key-of-the-superset-install',
  };
  const service = compose.services['superset-mcp'];
  const environment = Object.fromEntries(
    Object.entries(service?.environment ?? {}).map(([key, value]) => [
      key,
      interpolate(String(value), operator),
    ]),
  );

  it('runs the service image and nothing that stands in for parts not built', () => {
    expect(Object.keys(compose.services)).toEqual(['superset-mcp']);
  });

  it('gives the service settings that load without a warning and that it acts on', async () => {
    const { settings, warnings } = await loadSettings(environment, ROOT);
    expect(warnings).toEqual([]);
    expect(unhonouredSettingWarnings(settings)).toEqual([]);
    expect(settings.MCP_AUTH_ENABLED).toBe(true);
    expect(settings.SQLALCHEMY_DATABASE_URI).toBe(operator.SQLALCHEMY_DATABASE_URI);
  });

  it('refuses to come up without the metadata database, the secret key and the JWKS URL', () => {
    for (const name of Object.keys(operator)) {
      const without: Record<string, string> = { ...operator };
      delete without[name];
      expect(() =>
        Object.values(service?.environment ?? {}).map((value) =>
          interpolate(String(value), without),
        ),
      ).toThrow(name);
    }
  });
});
