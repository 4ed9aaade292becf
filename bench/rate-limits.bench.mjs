#!/usr/bin/env node
// What rate limits cost, side by side in one run against the built service (`npm run build` first):
// (1) one counter hit in each store — the in-process store, the Redis script, and a Redis PING as the
// round-trip floor; (2) a sessionless tools/call health_check (counted by the /mcp middleware and the
// tool guard) against three services started together — limits off, on in memory, on in Redis —
// measured in interleaved rounds so load from elsewhere falls on all three alike. Limits are set so
// high that nothing is refused. Needs Redis on 127.0.0.1:6379; its keys are deleted afterwards.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { Redis } from 'ioredis';
import { startBenchService } from './support/bench-service.mjs';

// SMCP_E2E_ROOT, as for the e2e tests: a build elsewhere, so a rebuild here cannot pull dist/ away.
const ROOT = process.env.SMCP_E2E_ROOT ?? resolve(fileURLToPath(import.meta.url), '..', '..');
const fromDist = (path) => import(pathToFileURL(join(ROOT, 'dist', path)).href);
const { MemoryRateLimitStore } = await fromDist('rate-limit/memory-rate-limit.store.js');
const { RedisRateLimitStore } = await fromDist('rate-limit/redis-rate-limit.store.js');

const REDIS_URL = 'redis://127.0.0.1:6379/0';
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 1000);
const WARMUP = 100;
const PREFIX = `superset_mcp_bench_${randomBytes(6).toString('hex')}_`;
const HIGH = 1_000_000_000;

async function startService(env) {
  const dataDir = mkdtempSync(join(tmpdir(), 'smcp-bench-'));
  const { stop, url } = await startBenchService({ SUPERSET_MCP_DATA_DIR: dataDir, ...env });
  return {
    stop: async () => {
      await stop();
      rmSync(dataDir, { force: true, recursive: true });
    },
    url,
  };
}

const summary = (label, samples) => {
  samples.sort();
  return {
    label,
    mean: samples.reduce((a, b) => a + b, 0) / samples.length,
    p50: samples[Math.floor(samples.length * 0.5)],
    p99: samples[Math.floor(samples.length * 0.99)],
  };
};

/** Runs every case once per round, in turn, so that drift in load is shared. */
async function interleaved(cases, rounds) {
  for (let i = 0; i < WARMUP; i += 1) for (const { run } of cases) await run(i);
  const samples = cases.map(() => new Float64Array(rounds));
  for (let i = 0; i < rounds; i += 1) {
    for (const [index, { run }] of cases.entries()) {
      const start = process.hrtime.bigint();
      await run(i);
      samples[index][i] = Number(process.hrtime.bigint() - start) / 1e6;
    }
  }
  return cases.map(({ label }, index) => summary(label, samples[index]));
}

function print(title, results) {
  const floor = results[0].mean;
  console.log(`\n${title}`);
  console.log(`| case | mean ms | p50 ms | p99 ms | × ${results[0].label} |`);
  console.log('|---|---|---|---|---|');
  for (const r of results) {
    console.log(
      `| ${r.label} | ${r.mean.toFixed(3)} | ${r.p50.toFixed(3)} | ${r.p99.toFixed(3)} | ${(r.mean / floor).toFixed(2)} |`,
    );
  }
}

const redis = new Redis(REDIS_URL);
const services = [];
try {
  const memory = new MemoryRateLimitStore(50_000);
  const shared = new RedisRateLimitStore(() => redis, `${PREFIX}ratelimit:`);
  const checks = (i) => [
    { key: `tools:user:${i % 100}`, limit: HIGH },
    { key: `tool:list_charts:user:${i % 100}`, limit: HIGH },
  ];
  print(
    `One hit of two checks (user x all tools, user x tool), ${ROUNDS} rounds, Node ${process.versions.node}`,
    await interleaved(
      [
        { label: 'Redis PING', run: () => redis.ping() },
        { label: 'Redis script', run: (i) => shared.hit(checks(i), 60_000, Date.now()) },
        { label: 'memory store', run: (i) => memory.hit(checks(i), 60_000, Date.now()) },
      ],
      ROUNDS,
    ),
  );

  const limits = JSON.stringify({
    enabled: true,
    http_requests_per_window: HIGH,
    tool_calls_per_window: HIGH,
  });
  const [off, inMemory, inRedis] = await Promise.all([
    startService({}),
    startService({ MCP_RATE_LIMIT_CONFIG: limits }),
    startService({
      MCP_RATE_LIMIT_CONFIG: limits,
      MCP_STORE_CONFIG: JSON.stringify({
        CACHE_KEY_PREFIX: PREFIX,
        CACHE_REDIS_URL: REDIS_URL,
        enabled: true,
      }),
    }),
  ]);
  services.push(off, inMemory, inRedis);
  const body = JSON.stringify({
    id: 1,
    jsonrpc: '2.0',
    method: 'tools/call',
    params: { arguments: {}, name: 'health_check' },
  });
  const call = (url) => async () => {
    const response = await fetch(url, {
      body,
      headers: { 'Content-Type': 'application/json' },
      method: 'POST',
    });
    await response.arrayBuffer();
  };
  print(
    `Sessionless tools/call health_check, ${ROUNDS} rounds`,
    await interleaved(
      [
        { label: 'limits off', run: call(off.url) },
        { label: 'limits in memory', run: call(inMemory.url) },
        { label: 'limits in Redis', run: call(inRedis.url) },
      ],
      ROUNDS,
    ),
  );
} finally {
  await Promise.all(services.map((service) => service.stop()));
  const keys = await redis.keys(`${PREFIX}*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
}
