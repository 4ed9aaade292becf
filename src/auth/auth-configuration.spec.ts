import { generateKeyPairSync } from 'node:crypto';

import { describe, expect, it } from 'vitest';

import type { Settings } from '../config/settings.js';
import { loadSettings } from '../config/settings.loader.js';
import {
  authConfigurationProblems,
  authConfigurationWarnings,
  authModeOf,
  authorizationServers,
  isLoopbackHost,
  publicKeyFromSetting,
} from './auth-configuration.js';

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const RSA_PUBLIC_PEM = rsa.publicKey.export({ format: 'pem', type: 'spki' }).toString();
const RSA_PRIVATE_PEM = rsa.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
const EC_PUBLIC_PEM = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  .publicKey.export({ format: 'pem', type: 'spki' })
  .toString();
const SECRET = 'a-test-secret-that-is-long-enough-for-hs256';

async function settingsFrom(env: Record<string, string>): Promise<Settings> {
  return (await loadSettings(env, '/')).settings;
}

describe('authConfigurationProblems', () => {
  it.each([
    [
      'auth enabled with no key material',
      { MCP_AUTH_ENABLED: 'true' },
      'MCP_AUTH_ENABLED=true needs key material: set MCP_JWKS_URI or MCP_JWT_PUBLIC_KEY',
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
      'HS384 with a leftover public key',
      {
        MCP_AUTH_ENABLED: 'true',
        MCP_JWT_ALGORITHM: 'HS384',
        MCP_JWT_PUBLIC_KEY: RSA_PUBLIC_PEM,
        MCP_JWT_SECRET: SECRET,
      },
      'MCP_JWT_PUBLIC_KEY must not be set with MCP_JWT_ALGORITHM=HS384',
    ],
    [
      'RS256 with only a secret',
      { MCP_AUTH_ENABLED: 'true', MCP_JWT_SECRET: SECRET },
      'MCP_JWT_ALGORITHM=RS256 needs MCP_JWKS_URI or MCP_JWT_PUBLIC_KEY; MCP_JWT_SECRET only works',
    ],
    [
      'RS256 with a key and a leftover secret',
      { MCP_AUTH_ENABLED: 'true', MCP_JWT_PUBLIC_KEY: RSA_PUBLIC_PEM, MCP_JWT_SECRET: SECRET },
      'MCP_JWT_SECRET must not be set with MCP_JWT_ALGORITHM=RS256',
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
      'a JWKS URI over plain http to another host',
      { MCP_AUTH_ENABLED: 'true', MCP_JWKS_URI: 'http://idp.example.com/jwks' },
      'MCP_JWKS_URI must use https',
    ],
    [
      'both a JWKS URI and a public key',
      {
        MCP_AUTH_ENABLED: 'true',
        MCP_JWKS_URI: 'https://idp.example.com/jwks',
        MCP_JWT_PUBLIC_KEY: RSA_PUBLIC_PEM,
      },
      'Set only one of MCP_JWKS_URI and MCP_JWT_PUBLIC_KEY',
    ],
    [
      'a private key as the public key',
      { MCP_AUTH_ENABLED: 'true', MCP_JWT_PUBLIC_KEY: RSA_PRIVATE_PEM },
      'MCP_JWT_PUBLIC_KEY holds a private key',
    ],
    [
      'a public key that is not PEM',
      { MCP_AUTH_ENABLED: 'true', MCP_JWT_PUBLIC_KEY: 'not a key' },
      'MCP_JWT_PUBLIC_KEY is not a PEM-encoded public key',
    ],
    [
      'an EC key for RS256',
      { MCP_AUTH_ENABLED: 'true', MCP_JWT_PUBLIC_KEY: EC_PUBLIC_PEM },
      'MCP_JWT_PUBLIC_KEY holds a key of type ec, but MCP_JWT_ALGORITHM=RS256 needs an RSA key',
    ],
  ])('refuses %s, naming the setting', async (_case, env, message) => {
    const problems = authConfigurationProblems(await settingsFrom(env));
    expect(problems.join('\n')).toContain(message);
    for (const secret of [SECRET, RSA_PRIVATE_PEM, RSA_PUBLIC_PEM]) {
      expect(problems.join('\n')).not.toContain(secret.slice(30, 60));
    }
  });

  it.each([
    ['JWKS over https', { MCP_JWKS_URI: 'https://idp.example.com/jwks' }],
    ['JWKS over http on 127.0.0.1', { MCP_JWKS_URI: 'http://127.0.0.1:8080/jwks' }],
    ['JWKS over http on localhost', { MCP_JWKS_URI: 'http://localhost:8080/jwks' }],
    ['JWKS over http on ::1', { MCP_JWKS_URI: 'http://[::1]:8080/jwks' }],
    ['a static RSA key', { MCP_JWT_PUBLIC_KEY: RSA_PUBLIC_PEM }],
    [
      'a static RSA key with escaped line breaks',
      { MCP_JWT_PUBLIC_KEY: RSA_PUBLIC_PEM.replaceAll('\n', '\\n') },
    ],
    ['an EC key for ES256', { MCP_JWT_ALGORITHM: 'ES256', MCP_JWT_PUBLIC_KEY: EC_PUBLIC_PEM }],
    ['an HS512 secret', { MCP_JWT_ALGORITHM: 'HS512', MCP_JWT_SECRET: SECRET }],
  ])('accepts %s', async (_case, env) => {
    const settings = await settingsFrom({ MCP_AUTH_ENABLED: 'true', ...env });
    expect(authConfigurationProblems(settings)).toEqual([]);
  });

  it('checks no JWT settings in dev mode or when a factory is configured', async () => {
    const dev = await settingsFrom({ MCP_DEV_USERNAME: 'admin', MCP_JWT_SECRET: SECRET });
    expect(authConfigurationProblems(dev)).toEqual([]);
    const factory: Settings = {
      ...(await settingsFrom({ MCP_AUTH_ENABLED: 'false', MCP_JWT_ALGORITHM: 'HS256' })),
      MCP_AUTH_FACTORY: () => ({ verify: () => Promise.reject(new Error('no')) }),
    };
    expect(authConfigurationProblems(factory)).toEqual([]);
  });

  it('refuses a misspelt auth setting that leaves auth off on a non-loopback address', async () => {
    const typo = await settingsFrom({
      MCP_AUTH_ENABLE: 'true',
      MCP_DEV_USERNAME: 'admin',
      MCP_JWKS_URI: 'https://idp.example.com/jwks',
      MCP_SERVICE_HOST: '0.0.0.0',
    });
    expect(authConfigurationProblems(typo)).toEqual([
      'MCP_AUTH_ENABLE is not a setting (MCP_AUTH_ENABLED?), and authentication is off on ' +
        'MCP_SERVICE_HOST=0.0.0.0, which is not loopback: correct the name',
    ]);
  });

  it('only warns about a misspelt auth setting on loopback, or once auth is on anyway', async () => {
    const loopback = await settingsFrom({ MCP_AUTH_ENABLE: 'true', MCP_DEV_USERNAME: 'admin' });
    expect(authConfigurationProblems(loopback)).toEqual([]);
    const authOn = await settingsFrom({
      MCP_AUTH_ENABLED: 'true',
      MCP_JWKS_URI: 'https://idp.example.com/jwks',
      MCP_JWT_AUDIENCES: 'x',
      MCP_SERVICE_HOST: '0.0.0.0',
    });
    expect(authConfigurationProblems(authOn)).toEqual([]);
    const otherTypo = await settingsFrom({
      MCP_DEV_USERNAME: 'admin',
      MCP_SERVICE_HOST: '0.0.0.0',
      SUPERSET_WEBSERVER_ADRESS: 'http://superset:8088',
    });
    expect(authConfigurationProblems(otherTypo)).toEqual([]);
  });
});

describe('isLoopbackHost', () => {
  it.each([
    ['127.0.0.1', true],
    ['127.1.2.3', true],
    ['localhost', true],
    ['::1', true],
    ['[::1]', true],
    ['0.0.0.0', false],
    ['::', false],
    ['10.0.0.5', false],
    ['127.example.com', false],
  ])('%s → %s', (host, loopback) => {
    expect(isLoopbackHost(host)).toBe(loopback);
  });
});

describe('authModeOf', () => {
  it('prefers the factory, then JWT, then the dev user', async () => {
    const jwt = await settingsFrom({ MCP_AUTH_ENABLED: 'true' });
    const factory = {
      ...jwt,
      MCP_AUTH_FACTORY: () => ({ verify: () => Promise.reject(new Error('no')) }),
    };
    expect(authModeOf(factory)).toBe('factory');
    expect(authModeOf(jwt)).toBe('jwt');
    expect(authModeOf(await settingsFrom({}))).toBe('dev');
  });
});

describe('authConfigurationWarnings', () => {
  it('warns about a missing audience, a short secret and no authorization server', async () => {
    const settings = await settingsFrom({
      MCP_AUTH_ENABLED: 'true',
      MCP_JWT_ALGORITHM: 'HS256',
      MCP_JWT_SECRET: 'xq7Zk',
    });
    const warnings = authConfigurationWarnings(settings).join('\n');
    expect(warnings).toContain('MCP_JWT_AUDIENCE is not set');
    expect(warnings).toContain('MCP_JWT_SECRET is shorter than 32 characters');
    expect(warnings).toContain('Neither MCP_AUTHORIZATION_SERVERS nor MCP_JWT_ISSUER is set');
    expect(warnings).not.toContain('xq7Zk');
  });

  it('warns that key settings do nothing while auth is off', async () => {
    const settings = await settingsFrom({ MCP_JWKS_URI: 'https://idp.example.com/jwks' });
    expect(authConfigurationWarnings(settings)).toEqual([
      'JWT key settings are present but MCP_AUTH_ENABLED is false: tokens are not checked.',
    ]);
  });
});

describe('authorizationServers', () => {
  it('uses MCP_AUTHORIZATION_SERVERS, else the issuer or issuers', async () => {
    expect(
      authorizationServers(
        await settingsFrom({
          MCP_AUTHORIZATION_SERVERS: 'https://login.example.com',
          MCP_JWT_ISSUER: 'https://issuer.example.com',
        }),
      ),
    ).toEqual(['https://login.example.com']);
    expect(
      authorizationServers(await settingsFrom({ MCP_JWT_ISSUER: 'https://issuer.example.com' })),
    ).toEqual(['https://issuer.example.com']);
    expect(
      authorizationServers(
        await settingsFrom({ MCP_JWT_ISSUER: '["https://a.example.com","https://b.example.com"]' }),
      ),
    ).toEqual(['https://a.example.com', 'https://b.example.com']);
    expect(authorizationServers(await settingsFrom({}))).toEqual([]);
  });
});

describe('publicKeyFromSetting', () => {
  it('reads a PEM with real or escaped line breaks', () => {
    expect(publicKeyFromSetting(RSA_PUBLIC_PEM, 'RS256').asymmetricKeyType).toBe('rsa');
    expect(
      publicKeyFromSetting(RSA_PUBLIC_PEM.replaceAll('\n', '\\n'), 'PS256').asymmetricKeyType,
    ).toBe('rsa');
  });

  it('refuses an EC key on the wrong curve', () => {
    expect(() => publicKeyFromSetting(EC_PUBLIC_PEM, 'ES384')).toThrow(
      'needs an EC key on curve secp384r1',
    );
  });
});
