import { describe, expect, it } from 'vitest';

import type { ResponseSizeConfig } from '../config/settings.js';
import {
  BYTES_PER_TOKEN,
  describeLimit,
  sizeBudget,
  sizeOfContent,
  sizeOfJson,
  tokensForBytes,
} from './response-size-estimate.js';

const config = (extra: Partial<ResponseSizeConfig> = {}): ResponseSizeConfig => ({
  enabled: true,
  excluded_tools: [],
  max_bytes: null,
  max_list_items: 100,
  token_limit: 1000,
  warn_threshold_pct: 80,
  ...extra,
});

describe('the token estimate', () => {
  it('is the UTF-8 bytes of the serialized result over 3.5, rounded up', () => {
    expect(BYTES_PER_TOKEN).toBe(3.5);
    expect(tokensForBytes(0)).toBe(0);
    expect(tokensForBytes(7)).toBe(2);
    expect(tokensForBytes(8)).toBe(3);
    const value = { name: 'a'.repeat(100) };
    const text = JSON.stringify(value);
    expect(sizeOfJson(value)).toEqual({ bytes: text.length, tokens: Math.ceil(text.length / 3.5) });
  });

  it('counts text outside ASCII by its bytes, not its characters', () => {
    expect(sizeOfJson('日本語')?.bytes).toBe(11);
    expect(sizeOfJson('😀')?.bytes).toBe(6);
  });

  it('measures what the executor sends: undefined as null', () => {
    expect(sizeOfJson(undefined)).toEqual({ bytes: 4, tokens: 2 });
  });

  it('never throws: a result it cannot serialize has no size', () => {
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    expect(sizeOfJson(cycle)).toBeNull();
    expect(sizeOfJson({ big: 1n })).toBeNull();
    expect(sizeOfJson(() => 1)).toBeNull();
  });

  it('measures the text of MCP content a tool shaped itself, not its binary blocks', () => {
    expect(
      sizeOfContent({
        content: [
          { text: 'abcd', type: 'text' },
          { data: 'A'.repeat(1000), mimeType: 'image/png', type: 'image' },
          { resource: { text: 'é', uri: 'x://y' }, type: 'resource' },
        ],
      }),
    ).toEqual({ bytes: 6, tokens: 2 });
  });
});

describe('sizeBudget', () => {
  it('turns token_limit into bytes and takes max_bytes when it is lower', () => {
    expect(sizeBudget(config())).toEqual({
      boundBy: 'token_limit',
      maxBytes: 3500,
      tokenLimit: 1000,
      warnBytes: 2800,
    });
    expect(sizeBudget(config({ max_bytes: 2000, warn_threshold_pct: 50 }))).toEqual({
      boundBy: 'max_bytes',
      maxBytes: 2000,
      tokenLimit: 1000,
      warnBytes: 1000,
    });
    expect(sizeBudget(config({ max_bytes: 9000 })).boundBy).toBe('token_limit');
  });

  it('names the limit that binds', () => {
    expect(describeLimit(sizeBudget(config({ token_limit: 25_000 })))).toBe('~25,000 tokens');
    expect(describeLimit(sizeBudget(config({ max_bytes: 50_000, token_limit: 25_000 })))).toBe(
      '50,000 bytes',
    );
  });
});
