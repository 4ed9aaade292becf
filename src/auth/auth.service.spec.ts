import type { IncomingMessage } from 'node:http';

import { Logger, type INestApplicationContext, type LoggerService } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { SignJWT } from 'jose';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import type { AuthFactory, Settings, TokenPrincipal } from '../config/settings.js';
import { loadSettings } from '../config/settings.loader.js';
import type { SupersetUser } from '../users/superset-user.js';
import type { UserLookup } from '../users/user-lookup.service.js';
import { AuthService, MAX_BEARER_TOKEN_LENGTH } from './auth.service.js';
import { ProtectedResourceService } from './protected-resource.service.js';
import { TokenUserResolver } from './token-user.resolver.js';

const SECRET = 'auth-service-spec-secret-0123456789abcdef';
const HS256 = { MCP_AUTH_ENABLED: 'true', MCP_JWT_ALGORITHM: 'HS256', MCP_JWT_SECRET: SECRET };

const USERS: SupersetUser[] = ['admin', 'alpha', 'inactive'].map((username, index) => ({
  active: username !== 'inactive',
  email: `${username}@example.com`,
  firstName: username,
  groups: [],
  id: index + 1,
  lastName: 'Test',
  roles: [],
  username,
}));

const usersTable = {
  findByEmail: (email: string) => Promise.resolve(USERS.find((u) => u.email === email) ?? null),
  findByUsername: (name: string) => Promise.resolve(USERS.find((u) => u.username === name) ?? null),
} as unknown as UserLookup;

const applicationContext = { get: () => null } as unknown as INestApplicationContext;

/** Collects what the service logs, to check what reaches the log and what never does. */
class RecordingLogger implements LoggerService {
  readonly lines: string[] = [];
  log(message: unknown): void {
    this.lines.push(String(message));
  }
  warn(message: unknown): void {
    this.lines.push(String(message));
  }
  error(message: unknown): void {
    this.lines.push(String(message));
  }
}

async function settingsFrom(
  env: Record<string, string>,
  overrides: Partial<Settings> = {},
): Promise<Settings> {
  return { ...(await loadSettings(env, '/')).settings, ...overrides };
}

async function started(settings: Settings): Promise<AuthService> {
  const service = new AuthService(
    settings,
    usersTable,
    new TokenUserResolver(settings, usersTable),
    new ProtectedResourceService(settings, new HttpAdapterHost()),
  );
  service.useApplicationContext(applicationContext);
  await service.onApplicationBootstrap();
  return service;
}

function request(authorization?: string): IncomingMessage {
  return {
    headers: authorization === undefined ? { host: 'x' } : { authorization, host: 'x' },
  } as IncomingMessage;
}

function hs256(claims: Record<string, unknown>): Promise<string> {
  return new SignJWT({ exp: Math.floor(Date.now() / 1000) + 300, sub: 'alpha', ...claims })
    .setProtectedHeader({ alg: 'HS256' })
    .sign(new TextEncoder().encode(SECRET));
}

async function failure(service: AuthService, authorization?: string) {
  const error = await service.authenticate(request(authorization)).then(
    () => null,
    (caught: unknown) => caught,
  );
  return { challenge: service.challenge(error, request(authorization)), error };
}

describe(AuthService.name, () => {
  let logs: RecordingLogger;

  beforeEach(() => {
    logs = new RecordingLogger();
    Logger.overrideLogger(logs);
  });

  afterEach(() => Logger.overrideLogger(new Logger()));

  describe('start-up', () => {
    it('refuses unsafe settings with one line naming the setting', async () => {
      const settings = await settingsFrom({ MCP_AUTH_ENABLED: 'true', MCP_JWT_SECRET: SECRET });
      await expect(started(settings)).rejects.toThrow(
        /^Refusing to start: MCP_JWT_ALGORITHM=RS256 needs MCP_JWKS_URI or MCP_JWT_PUBLIC_KEY/,
      );
    });

    it('calls MCP_AUTH_FACTORY with the application, in preference to the JWT settings', async () => {
      const received: INestApplicationContext[] = [];
      const factory: AuthFactory = (app) => {
        received.push(app);
        return {
          verify: (token) =>
            token === 'let-me-in'
              ? Promise.resolve({
                  claims: {},
                  clientId: null,
                  expiresAt: Math.floor(Date.now() / 1000) + 60,
                  scopes: ['mcp:read'],
                  subject: 'alpha',
                })
              : Promise.reject(new Error('unknown token let-me-out')),
        };
      };
      const service = await started(await settingsFrom(HS256, { MCP_AUTH_FACTORY: factory }));
      expect(service.mode).toBe('factory');
      expect(received).toEqual([applicationContext]);
      const caller = await service.authenticate(request('Bearer let-me-in'));
      expect(caller.user.username).toBe('alpha');
      expect(caller.scopes).toEqual(['mcp:read']);
      expect(caller.principal?.subject).toBe('alpha');
      const refused = await failure(service, 'Bearer let-me-out');
      expect(refused.challenge?.status).toBe(401);
      expect(logs.lines.join('\n')).not.toContain('let-me-out');
    });

    it('refuses a factory that returns no provider', async () => {
      const factory = (() => ({})) as unknown as AuthFactory;
      await expect(started(await settingsFrom({}, { MCP_AUTH_FACTORY: factory }))).rejects.toThrow(
        'MCP_AUTH_FACTORY must return an object with a verify(token) method',
      );
    });

    it('refuses a factory whose provider vouches for tokens without a future expiry', async () => {
      const principal: TokenPrincipal = {
        claims: {},
        clientId: null,
        expiresAt: Math.floor(Date.now() / 1000) - 3600,
        scopes: [],
        subject: 'alpha',
      };
      const factory: AuthFactory = () => ({ verify: () => Promise.resolve(principal) });
      const service = await started(await settingsFrom({}, { MCP_AUTH_FACTORY: factory }));
      await expect(failure(service, 'Bearer old')).resolves.toMatchObject({
        error: { reason: 'expired' },
      });
    });

    it('checks the dev user in dev mode', async () => {
      await expect(started(await settingsFrom({}))).rejects.toThrow('MCP_DEV_USERNAME is not set');
      await expect(started(await settingsFrom({ MCP_DEV_USERNAME: 'ghost' }))).rejects.toThrow(
        "MCP_DEV_USERNAME: the demo has no user 'ghost'; its users are admin, alpha, gamma, sales, grace, owner, nobody.",
      );
      await expect(
        started(
          await settingsFrom({
            MCP_DEV_USERNAME: 'ghost',
            SQLALCHEMY_DATABASE_URI: 'postgresql://superset@db/superset',
          }),
        ),
      ).rejects.toThrow(
        "User 'ghost' not found. Please create admin user with: superset fab create-admin",
      );
      await expect(started(await settingsFrom({ MCP_DEV_USERNAME: 'inactive' }))).rejects.toThrow(
        "User 'inactive' is inactive",
      );
      const dev = await started(await settingsFrom({ MCP_DEV_USERNAME: 'admin' }));
      await expect(dev.authenticate(request())).resolves.toMatchObject({
        principal: null,
        scopes: ['*'],
        user: { username: 'admin' },
      });
    });

    it('blames no token when the dev user disappears while running', async () => {
      const dev = await started(await settingsFrom({ MCP_DEV_USERNAME: 'admin' }));
      const findByUsername = vi.spyOn(usersTable, 'findByUsername').mockResolvedValue(null);
      try {
        const { challenge, error } = await failure(dev, 'Bearer ignored-in-dev-mode');
        expect(error).toMatchObject({ reason: 'unknown user' });
        expect(challenge?.status).toBe(401);
        expect(challenge?.body).not.toHaveProperty('error');
        expect(challenge?.wwwAuthenticate).not.toContain('error=');
      } finally {
        findByUsername.mockRestore();
      }
    });
  });

  describe('with JWT', () => {
    let service: AuthService;

    beforeEach(async () => {
      service = await started(
        await settingsFrom({
          ...HS256,
          MCP_JWT_DEBUG_ERRORS: 'true',
          MCP_REQUIRED_SCOPES: 'mcp:read',
          MCP_SERVICE_URL: 'https://mcp.example.com',
        }),
      );
    });

    it('runs the call as the user and with the scopes of the token', async () => {
      const token = await hs256({ scope: 'mcp:read mcp:write' });
      const caller = await service.authenticate(request(`Bearer ${token}`));
      expect(caller.user.username).toBe('alpha');
      expect(caller.scopes).toEqual(['mcp:read', 'mcp:write']);
      expect(caller.principal?.claims.sub).toBe('alpha');
    });

    it.each([
      ['no Authorization header', undefined, 'no token'],
      ['another scheme', 'Basic YWxwaGE6cGFzcw==', 'no token'],
      ['an empty bearer token', 'Bearer ', 'malformed'],
      ['a bearer token with spaces', 'Bearer abc def', 'malformed'],
      ['a bearer token with odd characters', 'Bearer abc"def', 'malformed'],
      [
        'an oversized token',
        `Bearer ${'a'.repeat(MAX_BEARER_TOKEN_LENGTH + 1)}`,
        'token too large',
      ],
    ])('refuses %s', async (_case, authorization, reason) => {
      const { challenge, error } = await failure(service, authorization);
      expect(error).toMatchObject({ reason });
      expect(challenge?.status).toBe(401);
      // RFC 6750 §3.1: an error code only when a token was sent.
      if (reason === 'no token') {
        expect(challenge?.body).toEqual({ error_description: 'A bearer token is required' });
        expect(challenge?.wwwAuthenticate).not.toContain('error=');
      } else {
        expect(challenge?.body).toEqual({
          error: 'invalid_token',
          error_description: 'Authentication failed',
        });
        expect(challenge?.wwwAuthenticate).toContain('error="invalid_token"');
      }
    });

    it('answers a missing scope with 403 and the required scopes', async () => {
      const token = await hs256({ scope: 'mcp:write' });
      const { challenge } = await failure(service, `Bearer ${token}`);
      expect(challenge).toMatchObject({
        body: { error: 'insufficient_scope' },
        status: 403,
        wwwAuthenticate: expect.stringContaining('scope="mcp:read"'),
      });
      expect(challenge?.wwwAuthenticate).toContain(
        'resource_metadata="https://mcp.example.com/.well-known/oauth-protected-resource/mcp"',
      );
      expect(logs.lines).toContain('Authentication failed: missing scope');
    });

    it('refuses unknown and inactive users, never falling back to another user', async () => {
      for (const [sub, reason] of [
        ['ghost', 'unknown user'],
        ['inactive', 'inactive user'],
      ]) {
        const token = await hs256({ scope: 'mcp:read', sub });
        const { challenge, error } = await failure(service, `Bearer ${token}`);
        expect(error).toMatchObject({ reason });
        expect(challenge?.status).toBe(401);
        expect(logs.lines).toContain(`Authentication failed: ${reason}`);
        expect(logs.lines.join('\n')).not.toContain(token.slice(-20));
      }
    });

    it('logs only a generic line without MCP_JWT_DEBUG_ERRORS', async () => {
      const quiet = await started(await settingsFrom(HS256));
      await failure(quiet, 'Bearer not.a.token');
      expect(logs.lines).toContain('Authentication failed');
      expect(logs.lines.join('\n')).not.toMatch(/malformed|not\.a\.token/);
    });

    it('passes other errors on for the caller to handle', () => {
      expect(service.challenge(new Error('database down'), request())).toBeNull();
    });
  });
});
