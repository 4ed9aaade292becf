interface MemoryEntry {
  readonly value: string;
  readonly bytes: number;
  readonly expiresAt: number | null;
}

/**
 * The in-process Keyv store of the result cache: Keyv hands it serialised strings, and it keeps at
 * most `maxEntries` of them and `maxBytes` in all, dropping the least recently used first and each
 * entry at the end of its TTL.
 */
export class MemoryKeyvStore {
  readonly opts = { dialect: 'memory' };
  namespace?: string;
  private readonly entries = new Map<string, MemoryEntry>();
  private bytes = 0;

  constructor(
    private readonly maxEntries: number,
    private readonly maxBytes: number,
    private readonly now: () => number = Date.now,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  get totalBytes(): number {
    return this.bytes;
  }

  get(key: string): Promise<string | undefined> {
    const entry = this.entries.get(key);
    if (!entry) return Promise.resolve(undefined);
    this.remove(key);
    if (entry.expiresAt !== null && entry.expiresAt <= this.now()) {
      return Promise.resolve(undefined);
    }
    this.insert(key, entry);
    return Promise.resolve(entry.value);
  }

  set(key: string, value: string, ttl?: number): Promise<boolean> {
    this.remove(key);
    const bytes = Buffer.byteLength(value) + Buffer.byteLength(key);
    if (bytes > this.maxBytes) return Promise.resolve(false);
    while (this.entries.size >= this.maxEntries || this.bytes + bytes > this.maxBytes) {
      const oldest = this.entries.keys().next();
      if (oldest.done) break;
      this.remove(oldest.value);
    }
    const expiresAt = typeof ttl === 'number' && ttl > 0 ? this.now() + ttl : null;
    this.insert(key, { bytes, expiresAt, value });
    return Promise.resolve(true);
  }

  delete(key: string): Promise<boolean> {
    return Promise.resolve(this.remove(key));
  }

  clear(): Promise<void> {
    this.entries.clear();
    this.bytes = 0;
    return Promise.resolve();
  }

  private insert(key: string, entry: MemoryEntry): void {
    this.entries.set(key, entry);
    this.bytes += entry.bytes;
  }

  private remove(key: string): boolean {
    const entry = this.entries.get(key);
    if (!entry) return false;
    this.entries.delete(key);
    this.bytes -= entry.bytes;
    return true;
  }
}
