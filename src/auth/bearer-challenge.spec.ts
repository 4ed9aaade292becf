import { describe, expect, it } from 'vitest';

import { AuthenticationError } from './authentication.error.js';
import { bearerChallenge, isChallengeable } from './bearer-challenge.js';
import { InsufficientScopeError } from './insufficient-scope.error.js';

const METADATA = 'https://mcp.example.com/.well-known/oauth-protected-resource/mcp';
const GENERIC_BODY = { error: 'invalid_token', error_description: 'Authentication failed' };

describe('bearerChallenge', () => {
  it('answers an invalid token with 401 invalid_token and where the metadata is', () => {
    const challenge = bearerChallenge(new AuthenticationError('bad signature'), {
      requiredScopes: [],
      resourceMetadataUrl: METADATA,
    });
    expect(challenge).toEqual({
      body: GENERIC_BODY,
      status: 401,
      wwwAuthenticate: `Bearer error="invalid_token", resource_metadata="${METADATA}"`,
    });
  });

  it('gives no reason: every refused token gets the same answer', () => {
    const context = { requiredScopes: [], resourceMetadataUrl: METADATA };
    const answers = (['expired', 'unknown user', 'inactive user', 'issuer mismatch'] as const).map(
      (reason) => bearerChallenge(new AuthenticationError(reason), context),
    );
    for (const answer of answers) expect(answer).toEqual(answers[0]);
    expect(JSON.stringify(answers[0])).not.toMatch(/expired|user|issuer/);
  });

  it('omits the error code from header and body when no token was sent (RFC 6750 §3.1)', () => {
    const challenge = bearerChallenge(new AuthenticationError('no token'), {
      requiredScopes: [],
      resourceMetadataUrl: METADATA,
    });
    expect(challenge.status).toBe(401);
    expect(challenge.body).toEqual({ error_description: 'A bearer token is required' });
    expect(challenge.wwwAuthenticate).toBe(`Bearer resource_metadata="${METADATA}"`);
  });

  it('omits the error code whenever the request carried no token it read (dev mode)', () => {
    const challenge = bearerChallenge(new AuthenticationError('unknown user'), {
      requiredScopes: ['mcp:read'],
      resourceMetadataUrl: METADATA,
      tokenSent: false,
    });
    expect(challenge.body).not.toHaveProperty('error');
    expect(challenge.wwwAuthenticate).toBe(
      `Bearer scope="mcp:read", resource_metadata="${METADATA}"`,
    );
  });

  it('announces the required scopes on a 401', () => {
    const challenge = bearerChallenge(new AuthenticationError('expired'), {
      requiredScopes: ['mcp:read', 'mcp:write'],
      resourceMetadataUrl: METADATA,
    });
    expect(challenge.wwwAuthenticate).toBe(
      `Bearer error="invalid_token", scope="mcp:read mcp:write", resource_metadata="${METADATA}"`,
    );
  });

  it('answers a missing scope with 403 insufficient_scope naming the scopes', () => {
    const challenge = bearerChallenge(new InsufficientScopeError(['mcp:read', 'mcp:write']), {
      requiredScopes: ['mcp:read', 'mcp:write'],
      resourceMetadataUrl: METADATA,
    });
    expect(challenge).toEqual({
      body: { error: 'insufficient_scope', error_description: 'The token lacks a required scope' },
      status: 403,
      wwwAuthenticate:
        `Bearer error="insufficient_scope", scope="mcp:read mcp:write", ` +
        `resource_metadata="${METADATA}", error_description="The token lacks a required scope"`,
    });
  });

  it('keeps header parameters inside their quotes and on one line', () => {
    const challenge = bearerChallenge(new AuthenticationError('malformed'), {
      requiredScopes: ['a"b', 'c\\d'],
      resourceMetadataUrl: 'https://h/x"\r\nSet-Cookie: y=1',
    });
    expect(challenge.wwwAuthenticate).toBe(
      'Bearer error="invalid_token", scope="a\\"b c\\\\d", resource_metadata="https://h/x\\"Set-Cookie: y=1"',
    );
    expect(challenge.wwwAuthenticate).not.toMatch(/[\r\n]/);
  });
});

describe('isChallengeable', () => {
  it('is true only for authentication and scope errors', () => {
    expect(isChallengeable(new AuthenticationError('expired'))).toBe(true);
    expect(isChallengeable(new InsufficientScopeError(['x']))).toBe(true);
    expect(isChallengeable(new Error('database down'))).toBe(false);
    expect(isChallengeable('expired')).toBe(false);
  });
});
