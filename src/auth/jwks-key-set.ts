import { createPublicKey, type KeyObject } from 'node:crypto';

import { Logger } from '@nestjs/common';
import { JwksClient } from 'jwks-rsa';

import { redactUri } from '../config/redact.js';
import { AuthenticationError } from './authentication.error.js';

export interface JwksKeySetOptions {
  /** Keys are trusted this long before the set is fetched again. */
  readonly maxAgeMs: number;
  /** At most this many fetches in any minute, however many unknown `kid`s arrive. */
  readonly fetchesPerMinute: number;
  readonly timeoutMs: number;
}

const DEFAULT_OPTIONS: JwksKeySetOptions = {
  fetchesPerMinute: 10,
  maxAgeMs: 10 * 60_000,
  timeoutMs: 5_000,
};

const NO_KID = '';

/**
 * The signing keys published at a JWKS URI. The whole set is cached and replaced on every fetch,
 * so a key the issuer removed stops being trusted as soon as the set is fetched again: after
 * `maxAgeMs`, or at once when a token names a `kid` the cache does not hold (rotation), subject to
 * the fetch rate limit.
 */
export class JwksKeySet {
  private readonly logger = new Logger(JwksKeySet.name);
  private readonly client: JwksClient;
  private readonly options: JwksKeySetOptions;
  private keys = new Map<string, KeyObject>();
  private fetchedAt = Number.NEGATIVE_INFINITY;
  private recentFetches: number[] = [];
  private inFlight: Promise<void> | null = null;

  constructor(
    private readonly jwksUri: string,
    private readonly algorithm: string,
    options: Partial<JwksKeySetOptions> = {},
  ) {
    this.options = { ...DEFAULT_OPTIONS, ...options };
    this.client = new JwksClient({
      cache: false,
      jwksUri,
      rateLimit: false,
      timeout: this.options.timeoutMs,
    });
  }

  /** The key for a token's `kid` (or the only key when the token names none). */
  async keyFor(kid: string | null): Promise<KeyObject> {
    const fresh = Date.now() - this.fetchedAt < this.options.maxAgeMs;
    const cached = this.lookup(kid);
    if (fresh && cached) return cached;
    if (!this.mayFetch()) {
      if (cached) return cached;
      throw new AuthenticationError('unknown kid');
    }
    await this.fetch();
    const key = this.lookup(kid);
    if (!key) throw new AuthenticationError('unknown kid');
    return key;
  }

  private lookup(kid: string | null): KeyObject | undefined {
    if (kid !== null) return this.keys.get(kid);
    return this.keys.size === 1 ? [...this.keys.values()][0] : undefined;
  }

  private mayFetch(): boolean {
    if (this.inFlight) return true;
    const now = Date.now();
    this.recentFetches = this.recentFetches.filter((at) => now - at < 60_000);
    return this.recentFetches.length < this.options.fetchesPerMinute;
  }

  private fetch(): Promise<void> {
    if (!this.inFlight) {
      this.recentFetches.push(Date.now());
      this.inFlight = this.load().finally(() => {
        this.inFlight = null;
      });
    }
    return this.inFlight;
  }

  private async load(): Promise<void> {
    let signingKeys: Awaited<ReturnType<JwksClient['getSigningKeys']>>;
    try {
      signingKeys = await this.client.getSigningKeys();
    } catch (error) {
      this.logger.warn(
        `Fetching the signing keys from ${redactUri(this.jwksUri)} failed: ${describe(error)}`,
      );
      throw new AuthenticationError('key set unavailable');
    }
    const keys = new Map<string, KeyObject>();
    for (const signingKey of signingKeys) {
      if (signingKey.alg && signingKey.alg !== this.algorithm) continue;
      keys.set(signingKey.kid ?? NO_KID, createPublicKey(signingKey.getPublicKey()));
    }
    this.keys = keys;
    this.fetchedAt = Date.now();
  }
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'object' && error !== null && 'errorMsg' in error) {
    return String(error.errorMsg);
  }
  return String(error);
}
