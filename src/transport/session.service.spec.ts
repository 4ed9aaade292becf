import { describe, expect, it } from 'vitest';

import type { Caller } from '../auth/caller.js';
import { InMemorySessionStore } from './in-memory-session-store.js';
import { MAX_CLIENT_STATE_BYTES, SessionService } from './session.service.js';

const caller = { principal: null, scopes: [], user: { id: 7 } } as unknown as Caller;

function service(): { sessions: SessionService; store: InMemorySessionStore } {
  const store = new InMemorySessionStore({
    maxBytes: 32 * 1024 * 1024,
    maxSessions: 10_000,
    maxSessionsPerPrincipal: 100,
    ttlMs: 86_400_000,
  });
  return { sessions: new SessionService(store), store };
}

describe(SessionService.name, () => {
  it('refuses and stores nothing when clientInfo and capabilities exceed the limit', async () => {
    const { sessions, store } = service();
    const opened = await sessions.open(sessions.newId(), caller, 'address:1', {
      clientCapabilities: { experimental: { blob: 'x'.repeat(MAX_CLIENT_STATE_BYTES) } },
      clientInfo: { name: 'client', version: '1' },
      protocolVersion: '2025-06-18',
    });
    expect(opened).toBe('client-state-too-large');
    expect(store.size).toBe(0);
  });

  it('opens a session with ordinary client state', async () => {
    const { sessions } = service();
    const id = sessions.newId();
    const opened = await sessions.open(id, caller, 'address:1', {
      clientCapabilities: { elicitation: {}, sampling: {} },
      clientInfo: { name: 'client', title: 'A client', version: '1.2.3' },
      protocolVersion: '2025-06-18',
    });
    expect(opened).toMatchObject({ id, principal: 'address:1', userId: 7 });
    expect(await sessions.find(id, caller)).toMatchObject({ id });
  });

  it("keeps another principal's idle session through 10,000 opens from one principal", async () => {
    const { sessions } = service();
    const newSession = {
      clientCapabilities: {},
      clientInfo: { name: 'client', version: '1' },
      protocolVersion: '2025-06-18',
    };
    const idle = sessions.newId();
    await sessions.open(idle, caller, 'address:10.0.0.1', newSession);
    for (let index = 0; index < 10_000; index += 1) {
      expect(
        await sessions.open(sessions.newId(), caller, 'address:10.0.0.2', newSession),
      ).not.toBe('store-full');
    }
    expect(await sessions.find(idle, caller)).not.toBeNull();
  });
});
