#!/usr/bin/env node
// Cost of an empty `tools/list` round trip, measured side by side in one run against the built service
// (`npm run build` first): a plain HTTP GET /health as the floor, a sessionless JSON tools/list (curl
// style), and tools/list inside an initialised session over SSE with the SDK client.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { startBenchService } from './support/bench-service.mjs';

const WARMUP = 200;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2000);

function startService(dataDir) {
  return startBenchService({ SUPERSET_MCP_DATA_DIR: dataDir });
}

async function measure(label, rounds, fn) {
  for (let i = 0; i < WARMUP; i++) await fn();
  const samples = new Float64Array(rounds);
  for (let i = 0; i < rounds; i++) {
    const start = process.hrtime.bigint();
    await fn();
    samples[i] = Number(process.hrtime.bigint() - start) / 1e6;
  }
  samples.sort();
  const mean = samples.reduce((a, b) => a + b, 0) / rounds;
  return {
    label,
    mean,
    p50: samples[Math.floor(rounds * 0.5)],
    p99: samples[Math.floor(rounds * 0.99)],
  };
}

const dataDir = mkdtempSync(join(tmpdir(), 'smcp-bench-'));
const { child, url } = await startService(dataDir);
try {
  const origin = new URL(url).origin;
  const body = JSON.stringify({ id: 1, jsonrpc: '2.0', method: 'tools/list' });
  const client = new Client({ name: 'bench', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(url)));

  const results = [
    await measure('GET /health (HTTP floor)', ROUNDS, async () => {
      const response = await fetch(`${origin}/health`);
      await response.arrayBuffer();
    }),
    await measure('tools/list, sessionless JSON (curl style)', ROUNDS, async () => {
      const response = await fetch(url, {
        body,
        headers: { 'Content-Type': 'application/json' },
        method: 'POST',
      });
      await response.arrayBuffer();
    }),
    await measure('tools/list in a session, SSE (SDK client)', ROUNDS, () => client.listTools()),
  ];
  await client.close();

  const floor = results[0].mean;
  console.log(
    `tools/list round trip, ${ROUNDS} rounds each after ${WARMUP} warm-up, Node ${process.versions.node}`,
  );
  console.log('| case | mean ms | p50 ms | p99 ms | × floor |');
  console.log('|---|---|---|---|---|');
  for (const r of results) {
    console.log(
      `| ${r.label} | ${r.mean.toFixed(3)} | ${r.p50.toFixed(3)} | ${r.p99.toFixed(3)} | ${(r.mean / floor).toFixed(2)} |`,
    );
  }
} finally {
  child.kill('SIGTERM');
  rmSync(dataDir, { force: true, recursive: true });
}
