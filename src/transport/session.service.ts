import { randomBytes } from 'node:crypto';

import { Inject, Injectable } from '@nestjs/common';

import type { Caller } from '../auth/caller.js';
import type { SessionRecord } from './session-record.js';
import { SESSION_STORE, type SessionStore } from './session-store.js';

/** `clientInfo` and `capabilities` of one session together, as JSON. */
export const MAX_CLIENT_STATE_BYTES = 8192;

export interface NewSession {
  readonly protocolVersion: string;
  readonly clientInfo: Record<string, unknown> | null;
  readonly clientCapabilities: Record<string, unknown>;
}

/** Why no session was opened: what the client sent is too large, or the store has no room. */
export type SessionRefusal = 'client-state-too-large' | 'store-full';

/** Mints, finds and ends MCP sessions; a session is only ever found by the user who opened it. */
@Injectable()
export class SessionService {
  constructor(@Inject(SESSION_STORE) private readonly store: SessionStore) {}

  /** 32 random bytes as hex: visible ASCII, unguessable. */
  newId(): string {
    return randomBytes(32).toString('hex');
  }

  /**
   * Opens a session counted against `principal`'s quota, or says why not (storing nothing).
   * Opening one beyond the quota ends that principal's least recently used session.
   */
  async open(
    id: string,
    caller: Caller,
    principal: string,
    session: NewSession,
  ): Promise<SessionRecord | SessionRefusal> {
    const clientState = JSON.stringify([session.clientInfo, session.clientCapabilities]);
    if (Buffer.byteLength(clientState) > MAX_CLIENT_STATE_BYTES) return 'client-state-too-large';
    const record: SessionRecord = {
      clientCapabilities: session.clientCapabilities,
      clientInfo: session.clientInfo,
      createdAt: Date.now(),
      id,
      logLevel: null,
      principal,
      protocolVersion: session.protocolVersion,
      subject: caller.principal?.subject ?? null,
      userId: caller.user.id,
    };
    return (await this.store.create(record)) ? record : 'store-full';
  }

  async find(id: string, caller: Caller): Promise<SessionRecord | null> {
    const record = await this.store.touch(id);
    if (!record || record.userId !== caller.user.id) return null;
    return record;
  }

  async end(id: string, caller: Caller): Promise<boolean> {
    if (!(await this.find(id, caller))) return false;
    return this.store.delete(id);
  }

  /** Forgets a session the transport never handed out (its initialize was refused). */
  async discard(id: string): Promise<void> {
    await this.store.delete(id);
  }

  async setLogLevel(record: SessionRecord, level: string): Promise<void> {
    await this.store.update({ ...record, logLevel: level });
  }
}
