import type { SessionRecord } from './session-record.js';
import type { SessionStore } from './session-store.js';

interface Entry {
  record: SessionRecord;
  expiresAt: number;
}

/** Keeps sessions in this process, expiring idle ones and bounding how many are held. */
export class InMemorySessionStore implements SessionStore {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxSessions = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  save(record: SessionRecord): Promise<void> {
    this.entries.delete(record.id);
    this.entries.set(record.id, { expiresAt: this.now() + this.ttlMs, record });
    this.evict();
    return Promise.resolve();
  }

  touch(id: string): Promise<SessionRecord | null> {
    const entry = this.entries.get(id);
    if (!entry) return Promise.resolve(null);
    if (entry.expiresAt <= this.now()) {
      this.entries.delete(id);
      return Promise.resolve(null);
    }
    // Re-inserting keeps the map in least-recently-used order for eviction.
    this.entries.delete(id);
    this.entries.set(id, { expiresAt: this.now() + this.ttlMs, record: entry.record });
    return Promise.resolve(entry.record);
  }

  delete(id: string): Promise<boolean> {
    return Promise.resolve(this.entries.delete(id));
  }

  get size(): number {
    return this.entries.size;
  }

  private evict(): void {
    const now = this.now();
    for (const [id, entry] of this.entries) {
      if (this.entries.size <= this.maxSessions && entry.expiresAt > now) break;
      this.entries.delete(id);
    }
  }
}
