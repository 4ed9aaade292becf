import { Test } from '@nestjs/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { InMemorySessionStore, type SessionStoreLimits } from './in-memory-session-store.js';
import type { SessionRecord } from './session-record.js';
import { SESSION_STORE } from './session-store.js';

const MINUTE = 60_000;

const LIMITS: SessionStoreLimits = {
  maxBytes: 1024 * 1024,
  maxSessions: 1000,
  maxSessionsPerPrincipal: 3,
  ttlMs: 10 * MINUTE,
};

function record(id: string, principal: string, padding = ''): SessionRecord {
  return {
    clientCapabilities: {},
    clientInfo: { name: 'client', padding, version: '1' },
    createdAt: 0,
    id,
    logLevel: null,
    principal,
    protocolVersion: '2025-06-18',
    subject: null,
    userId: 1,
  };
}

function clock(): { now: () => number; advance: (ms: number) => void } {
  let time = 1_000_000;
  return { advance: (ms) => (time += ms), now: () => time };
}

describe(InMemorySessionStore.name, () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("evicts only the flooding principal's own least recently used sessions", async () => {
    const store = new InMemorySessionStore(LIMITS);
    await store.create(record('idle', 'alice'));
    for (let index = 0; index < 10_000; index += 1) {
      expect(await store.create(record(`flood-${index}`, 'mallory'))).toBe(true);
    }
    expect(await store.touch('idle')).not.toBeNull();
    expect(await store.touch('flood-0')).toBeNull();
    expect(await store.touch('flood-9999')).not.toBeNull();
    expect(store.size).toBe(1 + LIMITS.maxSessionsPerPrincipal);
  });

  it('keeps a principal’s recently used session over its older idle ones', async () => {
    const store = new InMemorySessionStore(LIMITS);
    for (const id of ['a', 'b', 'c']) await store.create(record(id, 'bob'));
    await store.touch('a');
    await store.create(record('d', 'bob'));
    expect(await store.touch('b')).toBeNull();
    expect(await store.touch('a')).not.toBeNull();
  });

  it("refuses a new session when others' sessions fill the count, evicting nobody", async () => {
    const store = new InMemorySessionStore({ ...LIMITS, maxSessions: 4 });
    for (const principal of ['p1', 'p2', 'p3', 'p4']) {
      await store.create(record(principal, principal));
    }
    expect(await store.create(record('late', 'p5'))).toBe(false);
    expect(await store.touch('late')).toBeNull();
    for (const principal of ['p1', 'p2', 'p3', 'p4']) {
      expect(await store.touch(principal)).not.toBeNull();
    }
  });

  it("refuses a new session when others' sessions fill the bytes, evicting nobody", async () => {
    const store = new InMemorySessionStore({ ...LIMITS, maxBytes: 20_000 });
    expect(await store.create(record('big-1', 'p1', 'x'.repeat(8000)))).toBe(true);
    expect(await store.create(record('big-2', 'p2', 'x'.repeat(8000)))).toBe(true);
    expect(await store.create(record('big-3', 'p3', 'x'.repeat(8000)))).toBe(false);
    expect(store.bytes).toBeLessThanOrEqual(20_000);
    expect(await store.touch('big-1')).not.toBeNull();
    await store.delete('big-1');
    expect(await store.create(record('big-3', 'p3', 'x'.repeat(8000)))).toBe(true);
  });

  it('makes room from expired sessions before refusing', async () => {
    const time = clock();
    const store = new InMemorySessionStore({ ...LIMITS, maxSessions: 2 }, time.now);
    await store.create(record('old-1', 'p1'));
    await store.create(record('old-2', 'p2'));
    time.advance(LIMITS.ttlMs);
    expect(await store.create(record('new', 'p3'))).toBe(true);
    expect(store.size).toBe(1);
  });

  it('frees expired sessions on its timer, with no session opened', async () => {
    vi.useFakeTimers();
    const time = clock();
    const store = new InMemorySessionStore(LIMITS, time.now);
    store.onModuleInit();
    await store.create(record('a', 'p1'));
    await store.create(record('b', 'p2'));
    time.advance(5 * MINUTE);
    await store.touch('b');

    time.advance(5 * MINUTE);
    vi.advanceTimersByTime(MINUTE);
    expect(store.size).toBe(1);
    expect(store.bytes).toBeGreaterThan(0);

    time.advance(5 * MINUTE);
    vi.advanceTimersByTime(MINUTE);
    expect(store.size).toBe(0);
    expect(store.bytes).toBe(0);
    store.onModuleDestroy();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('runs its timer while the module lives and stops it when the app closes', async () => {
    vi.useFakeTimers();
    const module = await Test.createTestingModule({
      providers: [{ provide: SESSION_STORE, useFactory: () => new InMemorySessionStore(LIMITS) }],
    }).compile();
    await module.init();
    expect(vi.getTimerCount()).toBe(1);
    await module.close();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('does not bring back an ended session when its log level changes', async () => {
    const store = new InMemorySessionStore(LIMITS);
    await store.create(record('a', 'p1'));
    await store.delete('a');
    await store.update({ ...record('a', 'p1'), logLevel: 'debug' });
    expect(await store.touch('a')).toBeNull();
  });
});
