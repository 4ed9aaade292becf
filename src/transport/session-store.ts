import type { SessionRecord } from './session-record.js';

export const SESSION_STORE = Symbol('SESSION_STORE');

/** Session records shared by every replica; memory for one process, Redis for many. */
export interface SessionStore {
  /**
   * Stores a new session. Beyond its principal's quota, that principal's least recently used
   * sessions make room; false, storing nothing, when the store is full of other principals'.
   */
  create(record: SessionRecord): Promise<boolean>;
  /** Replaces a stored session's record; does nothing when it has ended or expired. */
  update(record: SessionRecord): Promise<void>;
  /** The record, with its time to live renewed; null when unknown or expired. */
  touch(id: string): Promise<SessionRecord | null>;
  delete(id: string): Promise<boolean>;
  /** Sessions held, across replicas for a shared store (expired ones not yet swept included). */
  count(): Promise<number>;
}
