import { createHash } from 'node:crypto';

import { Injectable, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';

import { InjectSettings } from '../config/inject-settings.decorator.js';
import type { Settings } from '../config/settings.js';
import { sendJsonRpcError } from '../transport/json-rpc-error.js';
import { RateLimiter } from './rate-limiter.service.js';
import { retryAfterSeconds } from './sliding-window.js';

const BEARER = /^Bearer +(\S+) *$/i;
const RATE_LIMITED = -32000;

/**
 * Counts every request to /mcp per principal before authentication, so a flood is refused before
 * it costs a token check or a database query: the SHA-256 of the bearer token when one is sent
 * (tokens are never kept), else the client address.
 */
@Injectable()
export class HttpRateLimitMiddleware implements NestMiddleware {
  private readonly limit: number;

  constructor(
    private readonly limiter: RateLimiter,
    @InjectSettings() settings: Settings,
  ) {
    this.limit = settings.MCP_RATE_LIMIT_CONFIG.http_requests_per_window;
  }

  async use(request: Request, response: Response, next: NextFunction): Promise<void> {
    const decision = await this.limiter.hit('http', [
      { key: `http:${principalOf(request)}`, limit: this.limit },
    ]);
    if (decision.allowed) return next();
    const seconds = retryAfterSeconds(decision.retryAfterMs);
    // An unread body would otherwise be parsed as the next request on this connection.
    if (!request.complete) response.set('Connection', 'close');
    sendJsonRpcError(
      response,
      429,
      RATE_LIMITED,
      `Rate limit exceeded: ${this.limit} requests per ${this.limiter.windowSeconds} s; retry after ${seconds} s`,
      { 'Retry-After': String(seconds) },
    );
  }
}

/** `token:<sha-256>` of the bearer token, or `address:<client address>`. */
export function principalOf(request: Request): string {
  const match = BEARER.exec(request.headers.authorization ?? '');
  if (match) return `token:${createHash('sha256').update(match[1]).digest('hex')}`;
  return `address:${request.ip ?? request.socket.remoteAddress ?? 'unknown'}`;
}
