#!/usr/bin/env node
// What sharing sessions through Redis costs per request, measured side by side in one run against the
// built service (`npm run build` first): two services on one demo data folder, one keeping sessions in
// memory (the default), one in the local Redis (127.0.0.1:6379, a unique key prefix removed at the
// end). Cases alternate round by round: GET /health (floor), tools/list in a session as JSON on each,
// and on the Redis one tools/list over SSE at protocol 2025-06-18 (no event store) and 2025-11-25
// (every SSE event also written to a Redis stream for resuming). BENCH_ROUNDS overrides the rounds.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Redis } from 'ioredis';
import { startBenchService } from './support/bench-service.mjs';

const WARMUP = 100;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 1000);
const REDIS_URL = 'redis://127.0.0.1:6379/0';

function startService(dataDir, extraEnv = {}) {
  return startBenchService({ SUPERSET_MCP_DATA_DIR: dataDir, ...extraEnv });
}

async function post(url, body, headers) {
  const response = await fetch(url, {
    body: JSON.stringify(body),
    headers: { 'Content-Type': 'application/json', ...headers },
    method: 'POST',
  });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`${response.status}: ${text}`);
  return { response, text };
}

async function openSession(url, protocolVersion) {
  const { response } = await post(
    url,
    {
      id: 1,
      jsonrpc: '2.0',
      method: 'initialize',
      params: { capabilities: {}, clientInfo: { name: 'bench', version: '1' }, protocolVersion },
    },
    { Accept: 'application/json' },
  );
  const headers = {
    'Mcp-Protocol-Version': protocolVersion,
    'Mcp-Session-Id': response.headers.get('mcp-session-id'),
  };
  await fetch(url, {
    body: JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }),
    headers: { 'Content-Type': 'application/json', Accept: 'application/json', ...headers },
    method: 'POST',
  });
  return headers;
}

function toolsList(url, headers, accept) {
  return () =>
    post(url, { id: 2, jsonrpc: '2.0', method: 'tools/list' }, { ...headers, Accept: accept });
}

const JSON_ONLY = 'application/json';
const SSE = 'application/json, text/event-stream';

const data = mkdtempSync(join(tmpdir(), 'smcp-bench-'));
const prefix = `smcp_bench_${randomBytes(4).toString('hex')}_`;
const memory = await startService(data);
const redis = await startService(data, {
  MCP_STORE_CONFIG: JSON.stringify({
    CACHE_KEY_PREFIX: prefix,
    CACHE_REDIS_URL: REDIS_URL,
    enabled: true,
    event_store_prefix: `${prefix}events_`,
  }),
});
try {
  const cases = [
    ['GET /health (HTTP floor)', () => fetch(`${memory.origin}/health`).then((r) => r.text())],
    [
      'tools/list JSON, sessions in memory',
      toolsList(memory.url, await openSession(memory.url, '2025-06-18'), JSON_ONLY),
    ],
    [
      'tools/list JSON, sessions in Redis',
      toolsList(redis.url, await openSession(redis.url, '2025-06-18'), JSON_ONLY),
    ],
    [
      'tools/list SSE 2025-06-18, Redis',
      toolsList(redis.url, await openSession(redis.url, '2025-06-18'), SSE),
    ],
    [
      'tools/list SSE 2025-11-25, Redis + events',
      toolsList(redis.url, await openSession(redis.url, '2025-11-25'), SSE),
    ],
  ];
  for (let i = 0; i < WARMUP; i++) for (const [, run] of cases) await run();
  const samples = cases.map(() => new Float64Array(ROUNDS));
  for (let i = 0; i < ROUNDS; i++) {
    for (const [index, [, run]] of cases.entries()) {
      const start = process.hrtime.bigint();
      await run();
      samples[index][i] = Number(process.hrtime.bigint() - start) / 1e6;
    }
  }
  const rows = cases.map(([label], index) => {
    const sorted = samples[index].sort();
    const mean = sorted.reduce((a, b) => a + b, 0) / ROUNDS;
    return {
      label,
      mean,
      p50: sorted[Math.floor(ROUNDS * 0.5)],
      p99: sorted[Math.floor(ROUNDS * 0.99)],
    };
  });
  const floor = rows[0].p50;
  console.log(`redis sessions: ${ROUNDS} rounds each, alternating, after ${WARMUP} warm-up rounds`);
  console.log('| case | mean ms | p50 ms | p99 ms | × floor (p50) |');
  console.log('| --- | --- | --- | --- | --- |');
  for (const row of rows) {
    console.log(
      `| ${row.label} | ${row.mean.toFixed(3)} | ${row.p50.toFixed(3)} | ${row.p99.toFixed(3)} | ${(row.p50 / floor).toFixed(2)} |`,
    );
  }
} finally {
  await Promise.all([memory.stop(), redis.stop()]);
  const client = new Redis(REDIS_URL);
  const keys = await client.keys(`${prefix}*`);
  if (keys.length > 0) await client.del(...keys);
  client.disconnect();
  rmSync(data, { force: true, recursive: true });
}
