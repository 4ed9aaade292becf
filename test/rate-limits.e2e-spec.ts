import { randomBytes } from 'node:crypto';

import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { connectClient, postJson, toolJson, type ConnectedClient } from './support/mcp-client.js';
import {
  startServiceProcess,
  temporaryDataDir,
  type ServiceProcess,
} from './support/service-process.js';

const ACCEPT_BOTH = { Accept: 'application/json, text/event-stream' };
const LIST_TOOLS = { id: 1, jsonrpc: '2.0', method: 'tools/list' };
const RETRY_AFTER = /retry after (\d+) s$/;

const resultText = (result: unknown): string =>
  (result as { content: { text: string }[] }).content[0].text;

const callTool = (mcp: ConnectedClient, name: string) =>
  mcp.client.callTool({ arguments: name === 'health_check' ? {} : { request: {} }, name });

describe('rate limits', () => {
  describe('by default', () => {
    const data = temporaryDataDir();
    let service: ServiceProcess;
    let mcp: ConnectedClient;

    beforeAll(async () => {
      service = await startServiceProcess({ SUPERSET_MCP_DATA_DIR: data.dir });
      mcp = await connectClient(service.url);
    });

    afterAll(async () => {
      await mcp?.close();
      await service?.stop();
      data.remove();
    });

    it('are off: more calls than the default limits would allow all pass', async () => {
      for (let batch = 0; batch < 13; batch += 1) {
        const results = await Promise.all(
          Array.from({ length: 10 }, () => callTool(mcp, 'health_check')),
        );
        for (const result of results) expect(result.isError).toBeFalsy();
      }
      const statuses = await Promise.all(
        Array.from({ length: 20 }, () => postJson(service.url, LIST_TOOLS, ACCEPT_BOTH)),
      );
      expect(statuses.every((answer) => answer.status === 200)).toBe(true);
    });
  });

  describe('when enabled', () => {
    const HTTP_LIMIT = 12;
    const data = temporaryDataDir();
    let service: ServiceProcess;

    beforeAll(async () => {
      service = await startServiceProcess({
        MCP_RATE_LIMIT_CONFIG: JSON.stringify({
          enabled: true,
          http_requests_per_window: HTTP_LIMIT,
          tool_limits: { get_instance_info: 2, list_chart: 5 },
        }),
        SUPERSET_MCP_DATA_DIR: data.dir,
      });
    });

    afterAll(async () => {
      await service?.stop();
      data.remove();
    });

    it('warns at start-up about a tool_limits key that names no tool', () => {
      expect(service.output()).toContain(
        "MCP_RATE_LIMIT_CONFIG.tool_limits names no tool 'list_chart' (ignored); did you mean list_charts?",
      );
    });

    it('answers a principal over the HTTP limit 429 with Retry-After and a JSON-RPC error, and no one else', async () => {
      const from = (address: string) => ({ ...ACCEPT_BOTH, 'X-Forwarded-For': address });
      for (let i = 0; i < HTTP_LIMIT; i += 1) {
        expect((await postJson(service.url, LIST_TOOLS, from('10.7.0.1'))).status).toBe(200);
      }
      const refused = await postJson(service.url, LIST_TOOLS, from('10.7.0.1'));
      expect(refused.status).toBe(429);
      const seconds = Number(refused.headers.get('retry-after'));
      expect(Number.isInteger(seconds) && seconds >= 1).toBe(true);
      expect(refused.json).toEqual({
        error: {
          code: -32000,
          message: `Rate limit exceeded: ${HTTP_LIMIT} requests per 60 s; retry after ${seconds} s`,
        },
        id: null,
        jsonrpc: '2.0',
      });

      expect((await postJson(service.url, LIST_TOOLS, from('10.7.0.2'))).status).toBe(200);
      // A bearer token is a principal of its own, wherever it comes from.
      const withToken = { ...from('10.7.0.1'), Authorization: 'Bearer e2e-http-limit' };
      expect((await postJson(service.url, LIST_TOOLS, withToken)).status).toBe(200);
      // Counted before authentication: an unauthenticated GET is refused too.
      const get = await fetch(service.url, { headers: { 'X-Forwarded-For': '10.7.0.1' } });
      expect(get.status).toBe(429);
    });

    it('refuses a tool over its own limit with an isError result saying when to retry, and no other tool', async () => {
      const mcp = await connectClient(service.url, { Authorization: 'Bearer e2e-tool-limit' });
      try {
        for (let i = 0; i < 2; i += 1) {
          expect((await callTool(mcp, 'get_instance_info')).isError).toBeFalsy();
        }
        const refused = await callTool(mcp, 'get_instance_info');
        expect(refused.isError).toBe(true);
        expect(resultText(refused)).toMatch(
          /^Rate limit exceeded for get_instance_info: 2 calls per 60 s; retry after \d+ s$/,
        );
        expect(Number(RETRY_AFTER.exec(resultText(refused))?.[1])).toBeGreaterThanOrEqual(1);
        expect(toolJson(await callTool(mcp, 'health_check')).status).toBe('healthy');
      } finally {
        await mcp.close();
      }
    });

    it('counts refused requests and tool calls in /metrics', async () => {
      const text = await (await fetch(`${service.origin}/metrics`)).text();
      const refused = (scope: string) =>
        Number(
          new RegExp(`^superset_mcp_rate_limited_total\\{scope="${scope}"\\} (\\d+)$`, 'm').exec(
            text,
          )?.[1],
        );
      expect(refused('http')).toBeGreaterThanOrEqual(2);
      expect(refused('tool')).toBeGreaterThanOrEqual(1);
    });
  });

  describe('with token authentication', () => {
    const HTTP_LIMIT = 3;
    const data = temporaryDataDir();
    let service: ServiceProcess;

    beforeAll(async () => {
      service = await startServiceProcess({
        MCP_AUTH_ENABLED: 'true',
        MCP_JWT_ALGORITHM: 'HS256',
        MCP_JWT_SECRET: 'e2e-rate-limit-secret-for-hs256-0123456789',
        MCP_RATE_LIMIT_CONFIG: JSON.stringify({
          enabled: true,
          http_requests_per_window: HTTP_LIMIT,
        }),
        SUPERSET_MCP_DATA_DIR: data.dir,
      });
    });

    afterAll(async () => {
      await service?.stop();
      data.remove();
    });

    it('counts requests before authentication: refused tokens and missing ones alike', async () => {
      const badToken = { ...ACCEPT_BOTH, Authorization: 'Bearer not-a-valid-jwt' };
      for (let i = 0; i < HTTP_LIMIT; i += 1) {
        expect((await postJson(service.url, LIST_TOOLS, badToken)).status).toBe(401);
      }
      expect((await postJson(service.url, LIST_TOOLS, badToken)).status).toBe(429);
      const noToken = { ...ACCEPT_BOTH, 'X-Forwarded-For': '10.9.0.1' };
      for (let i = 0; i < HTTP_LIMIT; i += 1) {
        expect((await postJson(service.url, LIST_TOOLS, noToken)).status).toBe(401);
      }
      expect((await postJson(service.url, LIST_TOOLS, noToken)).status).toBe(429);
    });
  });

  describe('with Redis, across two service processes', () => {
    const HTTP_LIMIT = 10;
    const prefix = `superset_mcp_e2e_${randomBytes(6).toString('hex')}_`;
    const dataA = temporaryDataDir();
    const dataB = temporaryDataDir();
    let serviceA: ServiceProcess;
    let serviceB: ServiceProcess;

    beforeAll(async () => {
      const env = (dir: string) => ({
        MCP_RATE_LIMIT_CONFIG: JSON.stringify({
          enabled: true,
          http_requests_per_window: HTTP_LIMIT,
          tool_limits: { get_instance_info: 3 },
        }),
        MCP_STORE_CONFIG: JSON.stringify({
          CACHE_KEY_PREFIX: prefix,
          CACHE_REDIS_URL: 'redis://127.0.0.1:6379/0',
          enabled: true,
        }),
        SUPERSET_MCP_DATA_DIR: dir,
      });
      [serviceA, serviceB] = await Promise.all([
        startServiceProcess(env(dataA.dir)),
        startServiceProcess(env(dataB.dir)),
      ]);
    });

    afterAll(async () => {
      await Promise.all([serviceA?.stop(), serviceB?.stop()]);
      dataA.remove();
      dataB.remove();
      const redis = new Redis('redis://127.0.0.1:6379/0');
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length > 0) await redis.del(...keys);
      await redis.quit();
    });

    it('count one principal’s requests to either process together', async () => {
      const from = { ...ACCEPT_BOTH, 'X-Forwarded-For': '10.8.0.1' };
      for (let i = 0; i < HTTP_LIMIT / 2; i += 1) {
        expect((await postJson(serviceA.url, LIST_TOOLS, from)).status).toBe(200);
        expect((await postJson(serviceB.url, LIST_TOOLS, from)).status).toBe(200);
      }
      expect((await postJson(serviceA.url, LIST_TOOLS, from)).status).toBe(429);
      expect((await postJson(serviceB.url, LIST_TOOLS, from)).status).toBe(429);
    });

    it('count one user’s calls of a tool on either process together', async () => {
      const a = await connectClient(serviceA.url, { Authorization: 'Bearer e2e-redis-a' });
      const b = await connectClient(serviceB.url, { Authorization: 'Bearer e2e-redis-b' });
      try {
        expect((await callTool(a, 'get_instance_info')).isError).toBeFalsy();
        expect((await callTool(b, 'get_instance_info')).isError).toBeFalsy();
        expect((await callTool(a, 'get_instance_info')).isError).toBeFalsy();
        const refused = await callTool(b, 'get_instance_info');
        expect(refused.isError).toBe(true);
        expect(resultText(refused)).toContain('Rate limit exceeded for get_instance_info');
      } finally {
        await Promise.all([a.close(), b.close()]);
      }
      const redis = new Redis('redis://127.0.0.1:6379/0');
      try {
        const keys = await redis.keys(`${prefix}ratelimit:*`);
        expect(keys.length).toBeGreaterThan(0);
        for (const key of keys) expect(await redis.pttl(key)).toBeGreaterThan(0);
      } finally {
        await redis.quit();
      }
    });
  });
});
