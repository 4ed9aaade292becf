import { randomBytes } from 'node:crypto';

import { Inject, Injectable } from '@nestjs/common';

import type { Caller } from '../auth/caller.js';
import type { SessionRecord } from './session-record.js';
import { SESSION_STORE, type SessionStore } from './session-store.js';

export interface NewSession {
  readonly protocolVersion: string;
  readonly clientInfo: Record<string, unknown> | null;
  readonly clientCapabilities: Record<string, unknown>;
}

/** Mints, finds and ends MCP sessions; a session is only ever found by the user who opened it. */
@Injectable()
export class SessionService {
  constructor(@Inject(SESSION_STORE) private readonly store: SessionStore) {}

  /** 32 random bytes as hex: visible ASCII, unguessable. */
  newId(): string {
    return randomBytes(32).toString('hex');
  }

  async open(id: string, caller: Caller, session: NewSession): Promise<SessionRecord> {
    const record: SessionRecord = {
      clientCapabilities: session.clientCapabilities,
      clientInfo: session.clientInfo,
      createdAt: Date.now(),
      id,
      logLevel: null,
      protocolVersion: session.protocolVersion,
      subject: caller.principal?.subject ?? null,
      userId: caller.user.id,
    };
    await this.store.save(record);
    return record;
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

  async setLogLevel(record: SessionRecord, level: string): Promise<void> {
    await this.store.save({ ...record, logLevel: level });
  }
}
