import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';

import type { ResponseSizeConfig } from '../config/settings.js';

/**
 * Tokens are estimated from the UTF-8 bytes of the serialized result: `ceil(bytes / 3.5)`.
 *
 * For ASCII JSON this is upstream's original `len(json) / 3.5`; text outside ASCII counts by its
 * UTF-8 bytes (2 to 4 per character), which keeps the estimate on the safe side for scripts where
 * one token covers fewer characters. It costs one `JSON.stringify` of the result (the text the client
 * receives) and one `Buffer.byteLength` over it: linear in the size of the result, no tokenizer.
 */
export const BYTES_PER_TOKEN = 3.5;

/** The estimated tokens of `bytes` bytes of serialized result. */
export function tokensForBytes(bytes: number): number {
  return Math.ceil(bytes / BYTES_PER_TOKEN);
}

/** How big one serialized result is. */
export interface ResponseSize {
  readonly bytes: number;
  readonly tokens: number;
}

/**
 * The most bytes a response may take: `token_limit` turned into bytes by the formula above, or
 * `max_bytes` when that is lower. A result of at most `maxBytes` bytes is within both limits.
 */
export interface SizeBudget {
  readonly maxBytes: number;
  /** Responses above this many bytes are logged as close to the limit. */
  readonly warnBytes: number;
  readonly tokenLimit: number;
  /** Which limit `maxBytes` comes from, for the messages. */
  readonly boundBy: 'token_limit' | 'max_bytes';
}

export function sizeBudget(config: ResponseSizeConfig): SizeBudget {
  const fromTokens = Math.floor(config.token_limit * BYTES_PER_TOKEN);
  const boundBy =
    config.max_bytes !== null && config.max_bytes < fromTokens ? 'max_bytes' : 'token_limit';
  const maxBytes = boundBy === 'max_bytes' ? (config.max_bytes as number) : fromTokens;
  return {
    boundBy,
    maxBytes,
    tokenLimit: config.token_limit,
    warnBytes: Math.floor((maxBytes * config.warn_threshold_pct) / 100),
  };
}

export function sizeOfText(text: string): ResponseSize {
  const bytes = Buffer.byteLength(text, 'utf8');
  return { bytes, tokens: tokensForBytes(bytes) };
}

/**
 * The size of `value` as the executor serializes it (`JSON.stringify(value ?? null)`), or null when
 * it cannot be serialized (a BigInt, a cycle): the caller treats that as over the limit. Never throws.
 */
export function sizeOfJson(value: unknown): ResponseSize | null {
  try {
    const text = JSON.stringify(value ?? null) as string | undefined;
    return typeof text === 'string' ? sizeOfText(text) : null;
  } catch {
    return null;
  }
}

/** Bytes of one element as it appears inside a serialized array (`undefined` becomes `null`). */
export function elementBytes(element: unknown): number {
  const text = JSON.stringify(element) as string | undefined;
  return text === undefined ? 4 : Buffer.byteLength(text, 'utf8');
}

/** The text of MCP content a tool shaped itself: text blocks and embedded text resources. */
export function sizeOfContent(result: CallToolResult): ResponseSize {
  let bytes = 0;
  for (const block of result.content) {
    if (block.type === 'text') bytes += Buffer.byteLength(block.text, 'utf8');
    else if (block.type === 'resource' && 'text' in block.resource) {
      bytes += Buffer.byteLength(block.resource.text, 'utf8');
    }
  }
  return { bytes, tokens: tokensForBytes(bytes) };
}

/** "~25,000 tokens" or "50,000 bytes": the limit that binds, as the messages name it. */
export function describeLimit(budget: SizeBudget): string {
  return budget.boundBy === 'max_bytes'
    ? `${budget.maxBytes.toLocaleString('en-US')} bytes`
    : `~${budget.tokenLimit.toLocaleString('en-US')} tokens`;
}
