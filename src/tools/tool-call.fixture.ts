import type { Caller } from '../auth/caller.js';
import type { SupersetUser } from '../users/superset-user.js';
import type { ToolCall } from './tool-call.js';

/** A Superset user for specs: active, no groups, the roles named. */
export function supersetUserFixture(
  fields: Partial<Omit<SupersetUser, 'roles'>> & { roles?: readonly string[] } = {},
): SupersetUser {
  const { roles = [], ...rest } = fields;
  return {
    active: true,
    email: '',
    firstName: '',
    groups: [],
    id: 1,
    lastName: '',
    username: 'admin',
    ...rest,
    roles: roles.map((name, index) => ({ id: index + 1, name })),
  };
}

/**
 * A tool call for specs, by a caller with no token (dev mode) unless one is given; logging,
 * progress and client requests do nothing unless overridden.
 */
export function toolCallFixture(
  tool: string,
  caller: Caller | SupersetUser,
  overrides: Partial<ToolCall> = {},
): ToolCall {
  return {
    callId: 'c'.repeat(32),
    caller: 'user' in caller ? caller : { principal: null, scopes: [], user: caller },
    log: () => Promise.resolve(),
    notes: {},
    reportProgress: () => Promise.resolve(),
    requestFromClient: () => Promise.resolve({}),
    sessionId: null,
    signal: new AbortController().signal,
    tool,
    ...overrides,
  };
}
