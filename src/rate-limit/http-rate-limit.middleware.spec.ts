import { once } from 'node:events';
import type { Server } from 'node:http';

import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { SETTINGS_DEFAULTS } from '../config/settings.schema.js';
import type { Settings } from '../config/settings.js';
import { RedisConnections } from '../redis/redis-connections.js';
import { HttpRateLimitMiddleware } from './http-rate-limit.middleware.js';
import { RateLimiter } from './rate-limiter.service.js';

const LIMIT = 3;

describe(HttpRateLimitMiddleware.name, () => {
  let server: Server;
  let url: string;
  let limiter: RateLimiter;

  beforeAll(async () => {
    const settings = {
      ...SETTINGS_DEFAULTS,
      MCP_RATE_LIMIT_CONFIG: {
        ...SETTINGS_DEFAULTS.MCP_RATE_LIMIT_CONFIG,
        enabled: true,
        http_requests_per_window: LIMIT,
      },
    } as unknown as Settings;
    limiter = new RateLimiter(settings, new RedisConnections(settings));
    const middleware = new HttpRateLimitMiddleware(limiter, settings);
    const app = express();
    app.set('trust proxy', 'loopback');
    app.use('/mcp', (request, response, next) => void middleware.use(request, response, next));
    app.post('/mcp', (_request, response) => void response.json({ ok: true }));
    server = app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const address = server.address();
    url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/mcp`;
  });

  afterAll(() => {
    server?.close();
  });

  const post = (headers: Record<string, string>) =>
    fetch(url, {
      body: '{}',
      headers: { 'Content-Type': 'application/json', ...headers },
      method: 'POST',
    });

  it('refuses a principal over the limit with 429, Retry-After and a JSON-RPC error', async () => {
    const from = { 'X-Forwarded-For': '10.0.0.1' };
    for (let i = 0; i < LIMIT; i += 1) expect((await post(from)).status).toBe(200);
    const refused = await post(from);
    expect(refused.status).toBe(429);
    const seconds = Number(refused.headers.get('retry-after'));
    expect(Number.isInteger(seconds)).toBe(true);
    expect(seconds).toBeGreaterThanOrEqual(1);
    expect(await refused.json()).toEqual({
      error: {
        code: -32000,
        message: `Rate limit exceeded: ${LIMIT} requests per 60 s; retry after ${seconds} s`,
      },
      id: null,
      jsonrpc: '2.0',
    });
    expect(limiter.refusalCounts().http).toBe(1);
    // Another address is another principal.
    expect((await post({ 'X-Forwarded-For': '10.0.0.2' })).status).toBe(200);
  });

  it('counts a bearer token apart from the address it comes from, whatever the token is', async () => {
    const from = { 'X-Forwarded-For': '10.0.0.3' };
    const withToken = { ...from, Authorization: 'Bearer token-one' };
    for (let i = 0; i < LIMIT; i += 1) expect((await post(withToken)).status).toBe(200);
    expect((await post(withToken)).status).toBe(429);
    expect((await post({ ...from, Authorization: 'bearer token-two' })).status).toBe(200);
    expect((await post(from)).status).toBe(200);
  });
});
