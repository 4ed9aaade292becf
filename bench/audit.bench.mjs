#!/usr/bin/env node
// What auditing costs a tool call: three built services on their own copies of the embedded demo
// (SQLite metadata database, where an INSERT runs on the service's own thread), measured
// alternately in one run: audit off, audit on with the default batches, audit on with one row per
// INSERT (batch_size 1). health_check is the cheapest tool, so the audit's share is at its largest.
// Run by `npm run bench` (which builds first); BENCH_ROUNDS overrides the rounds, SMCP_E2E_ROOT the build.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { startBenchService } from './support/bench-service.mjs';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 1000);
const WARMUP = 100;

const CASES = [
  { label: 'audit off', audit: '{"enabled": false}' },
  { label: 'audit on (batch_size 100, flush 1 s)', audit: '{"enabled": true}' },
  {
    label: 'audit on, one row per INSERT (batch_size 1)',
    audit: '{"enabled": true, "batch_size": 1}',
  },
];

async function startService(dataDir, audit) {
  return startBenchService({ MCP_AUDIT_CONFIG: audit, SUPERSET_MCP_DATA_DIR: dataDir });
}

function stats(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const mean = sorted.reduce((sum, value) => sum + value, 0) / sorted.length;
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return { mean, p50: at(0.5), p99: at(0.99) };
}

const dirs = CASES.map(() => mkdtempSync(join(tmpdir(), 'smcp-bench-audit-')));
const services = [];
try {
  for (const [index, entry] of CASES.entries())
    services.push(await startService(dirs[index], entry.audit));
  const clients = [];
  for (const service of services) {
    const client = new Client({ name: 'bench', version: '1' });
    await client.connect(new StreamableHTTPClientTransport(new URL(service.url)));
    clients.push(client);
  }
  const call = (client) => client.callTool({ arguments: {}, name: 'health_check' });
  for (let round = 0; round < WARMUP; round += 1) for (const client of clients) await call(client);
  const samples = CASES.map(() => []);
  for (let round = 0; round < ROUNDS; round += 1) {
    // Rotating the order keeps any one case from always following another.
    for (let offset = 0; offset < clients.length; offset += 1) {
      const index = (round + offset) % clients.length;
      const started = performance.now();
      await call(clients[index]);
      samples[index].push(performance.now() - started);
    }
  }
  const floor = stats(samples[0]);
  console.log(
    `${ROUNDS} rounds each after ${WARMUP} warm-up rounds, health_check over SSE (SDK client)\n`,
  );
  console.log('| case | mean ms | p50 ms | p99 ms | × audit off (p50) |');
  console.log('| --- | --- | --- | --- | --- |');
  for (const [index, entry] of CASES.entries()) {
    const { mean, p50, p99 } = stats(samples[index]);
    console.log(
      `| ${entry.label} | ${mean.toFixed(3)} | ${p50.toFixed(3)} | ${p99.toFixed(3)} | ${(p50 / floor.p50).toFixed(2)} |`,
    );
  }
  for (const client of clients) await client.close();
} finally {
  await Promise.all(services.map((service) => service.stop()));
  for (const dir of dirs) rmSync(dir, { force: true, recursive: true });
}
