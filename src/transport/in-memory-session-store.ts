import type { OnModuleDestroy, OnModuleInit } from '@nestjs/common';

import type { SessionRecord } from './session-record.js';
import type { SessionStore } from './session-store.js';

export interface SessionStoreLimits {
  readonly ttlMs: number;
  readonly maxSessions: number;
  /** Serialized size of all records together. */
  readonly maxBytes: number;
  readonly maxSessionsPerPrincipal: number;
}

interface Entry {
  readonly record: SessionRecord;
  readonly bytes: number;
  expiresAt: number;
}

/** What a stored session costs beyond its JSON: map entries, the id twice, object headers. */
const ENTRY_OVERHEAD_BYTES = 512;
const LONGEST_SWEEP_INTERVAL_MS = 60_000;

/**
 * Keeps sessions in this process. Idle sessions expire (on a timer, not only when another session
 * opens); each principal holds a bounded number, and the store a bounded number and size in all.
 */
export class InMemorySessionStore implements SessionStore, OnModuleInit, OnModuleDestroy {
  /** Least recently used first; every use moves an entry to the end. */
  private readonly entries = new Map<string, Entry>();
  /** The ids each principal holds, least recently used first. */
  private readonly idsByPrincipal = new Map<string, Set<string>>();
  private storedBytes = 0;
  private sweepTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly limits: SessionStoreLimits,
    private readonly now: () => number = Date.now,
  ) {}

  onModuleInit(): void {
    const interval = Math.min(this.limits.ttlMs, LONGEST_SWEEP_INTERVAL_MS);
    this.sweepTimer = setInterval(() => this.removeExpired(), interval);
    this.sweepTimer.unref();
  }

  onModuleDestroy(): void {
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    this.sweepTimer = null;
  }

  create(record: SessionRecord): Promise<boolean> {
    this.removeExpired();
    const own = this.idsByPrincipal.get(record.principal);
    while (own && own.size >= this.limits.maxSessionsPerPrincipal) {
      this.remove(own.values().next().value as string);
    }
    const bytes = recordBytes(record);
    const full =
      this.entries.size >= this.limits.maxSessions ||
      this.storedBytes + bytes > this.limits.maxBytes;
    if (full) return Promise.resolve(false);
    this.insert(record, bytes);
    return Promise.resolve(true);
  }

  update(record: SessionRecord): Promise<void> {
    const entry = this.entries.get(record.id);
    if (entry && entry.expiresAt > this.now()) {
      this.remove(record.id);
      this.insert(record, recordBytes(record));
    }
    return Promise.resolve();
  }

  touch(id: string): Promise<SessionRecord | null> {
    const entry = this.entries.get(id);
    if (!entry) return Promise.resolve(null);
    if (entry.expiresAt <= this.now()) {
      this.remove(id);
      return Promise.resolve(null);
    }
    this.remove(id);
    this.insert(entry.record, entry.bytes);
    return Promise.resolve(entry.record);
  }

  delete(id: string): Promise<boolean> {
    return Promise.resolve(this.remove(id));
  }

  count(): Promise<number> {
    return Promise.resolve(this.entries.size);
  }

  get size(): number {
    return this.entries.size;
  }

  get bytes(): number {
    return this.storedBytes;
  }

  /** Entries are in order of last use and share one TTL, so the expired ones come first. */
  removeExpired(): void {
    const now = this.now();
    for (const [id, entry] of this.entries) {
      if (entry.expiresAt > now) break;
      this.remove(id);
    }
  }

  private insert(record: SessionRecord, bytes: number): void {
    this.entries.set(record.id, { bytes, expiresAt: this.now() + this.limits.ttlMs, record });
    this.storedBytes += bytes;
    const own = this.idsByPrincipal.get(record.principal) ?? new Set<string>();
    own.add(record.id);
    this.idsByPrincipal.set(record.principal, own);
  }

  private remove(id: string): boolean {
    const entry = this.entries.get(id);
    if (!entry) return false;
    this.entries.delete(id);
    this.storedBytes -= entry.bytes;
    const own = this.idsByPrincipal.get(entry.record.principal);
    own?.delete(id);
    if (own?.size === 0) this.idsByPrincipal.delete(entry.record.principal);
    return true;
  }
}

function recordBytes(record: SessionRecord): number {
  return Buffer.byteLength(JSON.stringify(record)) + ENTRY_OVERHEAD_BYTES;
}
