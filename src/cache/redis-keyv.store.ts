import type { Logger } from '@nestjs/common';
import type { Redis } from 'ioredis';

import { redactSecrets } from '../common/redact-secrets.js';

const SCAN_BATCH = 500;

/**
 * The Redis Keyv store of the result cache, over the service's shared ioredis connection. A failed
 * command is a miss (reads) or a skipped write, never an error for the call; the first failure of
 * an outage is logged, and so is the first success after it.
 */
export class RedisKeyvStore {
  readonly opts = { dialect: 'redis' };
  namespace?: string;
  private down = false;

  constructor(
    private readonly redis: () => Redis,
    /** Every key this store writes starts with it; `clear` deletes only those. */
    private readonly prefix: string,
    private readonly logger: Logger,
  ) {}

  get(key: string): Promise<string | undefined> {
    return this.guard(async () => (await this.redis().get(key)) ?? undefined, undefined);
  }

  set(key: string, value: string, ttl?: number): Promise<boolean> {
    return this.guard(async () => {
      if (typeof ttl === 'number' && ttl > 0) {
        await this.redis().set(key, value, 'PX', Math.ceil(ttl));
      } else {
        await this.redis().set(key, value);
      }
      return true;
    }, false);
  }

  delete(key: string): Promise<boolean> {
    return this.guard(async () => (await this.redis().del(key)) > 0, false);
  }

  clear(): Promise<void> {
    return this.guard(async () => {
      let cursor = '0';
      do {
        const [next, keys] = await this.redis().scan(
          cursor,
          'MATCH',
          `${escapeGlob(this.prefix)}*`,
          'COUNT',
          SCAN_BATCH,
        );
        if (keys.length > 0) await this.redis().unlink(...keys);
        cursor = next;
      } while (cursor !== '0');
    }, undefined);
  }

  private async guard<T>(command: () => Promise<T>, fallback: T): Promise<T> {
    try {
      const result = await command();
      if (this.down) {
        this.down = false;
        this.logger.log('Result cache: Redis answers again; caching resumed.');
      }
      return result;
    } catch (error) {
      if (!this.down) {
        this.down = true;
        const reason = redactSecrets(error instanceof Error ? error.message : String(error));
        this.logger.warn(
          `Result cache: Redis command failed (${reason}); calls are answered without the cache until it is back.`,
        );
      }
      return fallback;
    }
  }
}

function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, '\\$&');
}
