import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

import { Logger } from '@nestjs/common';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';

import { SETTINGS_DEFAULTS } from '../config/settings.schema.js';
import type { Settings } from '../config/settings.js';
import { RedisConnections } from '../redis/redis-connections.js';
import { RateLimiter, type RateLimitRefusal } from './rate-limiter.service.js';

const settingsWith = (overrides: Record<string, unknown>): Settings =>
  ({
    ...SETTINGS_DEFAULTS,
    MCP_RATE_LIMIT_CONFIG: { ...SETTINGS_DEFAULTS.MCP_RATE_LIMIT_CONFIG, enabled: true },
    ...overrides,
  }) as unknown as Settings;

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  return typeof address === 'object' && address ? address.port : 0;
}

/** A redis-server of this test's own, so that it can be stopped and started again. */
async function startRedis(port: number): Promise<ChildProcess> {
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--save', '', '--appendonly', 'no', '--bind', '127.0.0.1'],
    { stdio: ['ignore', 'pipe', 'ignore'] },
  );
  let output = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Ready to accept connections')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`redis-server exited with ${code}`)));
  });
  return child;
}

async function stopRedis(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGCONT');
  child.kill('SIGTERM');
  await once(child, 'exit');
}

const rateLimitWarnings = (warn: { mock: { calls: unknown[][] } }): string[] =>
  warn.mock.calls.map((call) => String(call[0])).filter((line) => line.includes('rate limits'));

describe(RateLimiter.name, () => {
  afterEach(() => vi.restoreAllMocks());

  it('counts in memory without Redis, and tells listeners and the counts of each refusal', async () => {
    const settings = settingsWith({});
    const limiter = new RateLimiter(settings, new RedisConnections(settings));
    const refusals: RateLimitRefusal[] = [];
    limiter.onRefusal((refusal) => refusals.push(refusal));
    const check = [{ key: 'tools:user:1', limit: 1 }];
    expect(await limiter.hit('tool', check, 'list_charts')).toEqual({ allowed: true });
    expect((await limiter.hit('tool', check, 'list_charts')).allowed).toBe(false);
    expect((await limiter.hit('http', [{ key: 'http:a', limit: 1 }])).allowed).toBe(true);
    expect(refusals).toEqual([{ kind: 'tool', tool: 'list_charts' }]);
    expect(limiter.refusalCounts()).toEqual({ http: 0, tool: 1 });
  });

  describe('with Redis', () => {
    let port: number;
    let redis: ChildProcess | undefined;
    let connections: RedisConnections;
    let limiter: RateLimiter;
    const prefix = `superset_mcp_test_${randomBytes(6).toString('hex')}_`;

    beforeAll(async () => {
      port = await freePort();
      redis = await startRedis(port);
      const settings = settingsWith({
        MCP_STORE_CONFIG: {
          ...SETTINGS_DEFAULTS.MCP_STORE_CONFIG,
          CACHE_KEY_PREFIX: prefix,
          CACHE_REDIS_URL: `redis://127.0.0.1:${port}/0`,
          enabled: true,
        },
      });
      connections = new RedisConnections(settings);
      limiter = new RateLimiter(settings, connections);
      await limiter.onApplicationBootstrap();
    });

    afterAll(async () => {
      await connections?.onApplicationShutdown();
      await stopRedis(redis);
    });

    const untilRedisAnswers = async () => {
      for (;;) {
        try {
          await connections.ping();
          return;
        } catch {
          await sleep(100);
        }
      }
    };

    it('keeps counts in Redis under the prefix', async () => {
      const check = [{ key: 'http:token:abc', limit: 2 }];
      expect((await limiter.hit('http', check)).allowed).toBe(true);
      expect((await limiter.hit('http', check)).allowed).toBe(true);
      expect((await limiter.hit('http', check)).allowed).toBe(false);
      expect(await connections.client().keys(`${prefix}*`)).toEqual([
        `${prefix}ratelimit:http:token:abc`,
      ]);
    });

    it('counts in this process while Redis hangs, then goes back to Redis', async () => {
      const warn = vi.spyOn(Logger.prototype, 'warn');
      redis?.kill('SIGSTOP');
      const check = [{ key: 'hang', limit: 2 }];
      try {
        expect((await limiter.hit('http', check)).allowed).toBe(true);
        expect((await limiter.hit('http', check)).allowed).toBe(true);
        expect((await limiter.hit('http', check)).allowed).toBe(false);
      } finally {
        redis?.kill('SIGCONT');
      }
      expect(rateLimitWarnings(warn)).toHaveLength(1);
      const log = vi.spyOn(Logger.prototype, 'log');
      await untilRedisAnswers();
      await sleep(1100);
      // Redis never saw the three hits above: its count for the key starts from zero.
      expect((await limiter.hit('http', check)).allowed).toBe(true);
      expect(await connections.client().exists(`${prefix}ratelimit:hang`)).toBe(1);
      expect(log.mock.calls.some((call) => String(call[0]).includes('Redis answers again'))).toBe(
        true,
      );
    });

    it('counts in this process while Redis is down, warning once per outage', async () => {
      const warn = vi.spyOn(Logger.prototype, 'warn');
      await stopRedis(redis);
      const check = [{ key: 'down', limit: 3 }];
      expect((await limiter.hit('http', check)).allowed).toBe(true);
      await sleep(1100);
      expect((await limiter.hit('http', check)).allowed).toBe(true);
      expect((await limiter.hit('http', check)).allowed).toBe(true);
      expect((await limiter.hit('http', check)).allowed).toBe(false);
      expect(rateLimitWarnings(warn)).toHaveLength(1);
      expect(rateLimitWarnings(warn)[0]).toContain('counting in this process alone');

      redis = await startRedis(port);
      await untilRedisAnswers();
      await sleep(1100);
      expect((await limiter.hit('http', check)).allowed).toBe(true);
      expect(await connections.client().exists(`${prefix}ratelimit:down`)).toBe(1);
    });
  });
});
