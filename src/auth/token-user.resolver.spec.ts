import { describe, expect, it } from 'vitest';

import type { Settings, TokenPrincipal, UserResolver } from '../config/settings.js';
import { loadSettings } from '../config/settings.loader.js';
import type { SupersetUser } from '../users/superset-user.js';
import type { UserLookup } from '../users/user-lookup.service.js';
import type { AuthenticationError } from './authentication.error.js';
import { TokenUserResolver, userNameFromClaims } from './token-user.resolver.js';

function user(username: string, active = true): SupersetUser {
  return {
    active,
    email: `${username}@example.com`,
    firstName: username,
    groups: [],
    id: username.length,
    lastName: 'Test',
    roles: [{ id: 1, name: 'Alpha' }],
    username,
  };
}

const USERS = [user('alpha'), user('gamma'), user('inactive', false), user('bob@corp')];

/** An in-memory stand-in for the metadata database's ab_user table. */
const usersTable = {
  findByEmail: (email: string) =>
    Promise.resolve(USERS.find((candidate) => candidate.email === email) ?? null),
  findByUsername: (username: string) =>
    Promise.resolve(USERS.find((candidate) => candidate.username === username) ?? null),
} as unknown as UserLookup;

function principal(claims: Record<string, unknown>, extra: Partial<TokenPrincipal> = {}) {
  return {
    claims,
    clientId: null,
    expiresAt: Math.floor(Date.now() / 1000) + 300,
    scopes: [],
    subject: null,
    ...extra,
  } satisfies TokenPrincipal;
}

async function resolver(userResolver: UserResolver | null = null): Promise<TokenUserResolver> {
  const { settings } = await loadSettings({}, '/');
  return new TokenUserResolver(
    { ...settings, MCP_USER_RESOLVER: userResolver } satisfies Settings,
    usersTable,
  );
}

async function refusal(promise: Promise<unknown>): Promise<string> {
  const error = (await promise.then(
    () => null,
    (caught: unknown) => caught,
  )) as AuthenticationError | null;
  expect(error?.name).toBe('AuthenticationError');
  return error?.reason ?? '';
}

describe('userNameFromClaims', () => {
  it.each([
    ['subject first', { client_id: 'b', email: 'c@x', sub: 'd', subject: 'a', username: 'e' }, 'a'],
    ['then client_id', { client_id: 'b', email: 'c@x', sub: 'd', username: 'e' }, 'b'],
    ['then sub', { email: 'c@x', sub: 'd', username: 'e' }, 'd'],
    ['then email', { email: 'c@x', username: 'e' }, 'c@x'],
    ['then username', { username: 'e' }, 'e'],
    ['skipping empty and non-string claims', { client_id: '', sub: 42, username: 'e' }, 'e'],
  ])('takes %s', (_case, claims, expected) => {
    expect(userNameFromClaims(principal(claims))).toBe(expected);
  });

  it("falls back to the principal's own subject and client id", () => {
    expect(userNameFromClaims(principal({}, { subject: 'alpha' }))).toBe('alpha');
    expect(userNameFromClaims(principal({}, { clientId: 'svc' }))).toBe('svc');
    expect(userNameFromClaims(principal({ scope: 'x' }))).toBeNull();
  });
});

describe(TokenUserResolver.name, () => {
  it('finds the user by username', async () => {
    const found = await (await resolver()).resolve(principal({ sub: 'alpha' }));
    expect(found.username).toBe('alpha');
  });

  it('finds the user by email when the claim holds an @', async () => {
    const found = await (await resolver()).resolve(principal({ email: 'gamma@example.com' }));
    expect(found.username).toBe('gamma');
  });

  it('prefers a username that contains an @ over an email match', async () => {
    const found = await (await resolver()).resolve(principal({ sub: 'bob@corp' }));
    expect(found.username).toBe('bob@corp');
  });

  it('refuses a token whose user does not exist, without trying later claims', async () => {
    const subject = principal({ email: 'alpha@example.com', sub: 'ghost' });
    await expect(refusal((await resolver()).resolve(subject))).resolves.toBe('unknown user');
  });

  it('refuses an inactive user', async () => {
    const subject = principal({ sub: 'inactive' });
    await expect(refusal((await resolver()).resolve(subject))).resolves.toBe('inactive user');
  });

  it('refuses a token that names nobody', async () => {
    await expect(refusal((await resolver()).resolve(principal({})))).resolves.toBe('no user claim');
  });

  it('lets MCP_USER_RESOLVER choose the username', async () => {
    const byGroup: UserResolver = (token) => (token.claims.team === 'ops' ? 'gamma' : null);
    const custom = await resolver(byGroup);
    await expect(custom.resolve(principal({ sub: 'alpha', team: 'ops' }))).resolves.toMatchObject({
      username: 'gamma',
    });
    await expect(refusal(custom.resolve(principal({ sub: 'alpha' })))).resolves.toBe(
      'no user claim',
    );
  });

  it('refuses when MCP_USER_RESOLVER throws', async () => {
    const broken = await resolver(() => Promise.reject(new Error('directory offline')));
    await expect(refusal(broken.resolve(principal({ sub: 'alpha' })))).resolves.toBe(
      'user resolver failed',
    );
  });
});
