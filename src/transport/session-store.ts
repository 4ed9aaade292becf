import type { SessionRecord } from './session-record.js';

export const SESSION_STORE = Symbol('SESSION_STORE');

/** Session records shared by every replica; memory for one process, Redis for many. */
export interface SessionStore {
  save(record: SessionRecord): Promise<void>;
  /** The record, with its time to live renewed; null when unknown or expired. */
  touch(id: string): Promise<SessionRecord | null>;
  delete(id: string): Promise<boolean>;
}
