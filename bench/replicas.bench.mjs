#!/usr/bin/env node
// Requests per second of one replica vs three behind nginx: the deployment's own nginx site
// (config/nginx/templates, TLS) rendered twice, one instance in front of replica 1 only and one
// round-robin over replicas 1-3. The three built services share a Redis this benchmark starts and a
// temporary Postgres metadata database with the demo content. Both cases run side by side in one
// run, alternately for BENCH_ROUNDS rounds of BENCH_SECONDS each, with BENCH_CONCURRENCY clients
// (each its own session) calling list_dashboards as fast as they are answered. The load generator
// runs on the same machine: on few cores it competes with the replicas. Run by `npm run bench`.
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { cpus, tmpdir } from 'node:os';
import { performance } from 'node:perf_hooks';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import pg from 'pg';
import { Agent, fetch } from 'undici';

// SMCP_E2E_ROOT, as for the e2e tests: a build elsewhere, so a rebuild here cannot pull dist/ away.
const ROOT = process.env.SMCP_E2E_ROOT ?? resolve(fileURLToPath(import.meta.url), '..', '..');
const SOURCE_ROOT = resolve(fileURLToPath(import.meta.url), '..', '..');
const NGINX = process.env.SMCP_NGINX ?? '/usr/sbin/nginx';
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);

const fromDist = (path) => import(pathToFileURL(join(ROOT, 'dist', path)).href);
const { loadDemoContent } = await fromDist('demo/demo-loader.js');
const { createExamplesDatabase } = await fromDist('demo/examples-data.js');
const { createMetadataSchema } = await fromDist('demo/metadata-schema.js');
const { postgresRunner } = await fromDist('demo/sql-runner.js');

const cleanups = [];
const cleanUp = async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
};

function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });
}

async function waitForPort(port, what) {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const open = await new Promise((resolveOpen) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => resolveOpen(socket.destroy() && true));
      socket.once('error', () => resolveOpen(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`${what} did not listen on ${port}`);
    await new Promise((resolveWait) => setTimeout(resolveWait, 100));
  }
}

function stopChild(child) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolveStop) => {
    child.once('exit', resolveStop);
    child.kill('SIGTERM');
  });
}

async function postgresDemo() {
  const server = { host: '127.0.0.1', port: 5432, user: 'postgres' };
  const name = `smcp_bench_${randomBytes(6).toString('hex')}`;
  const admin = async (sql) => {
    const client = new pg.Client({ ...server, database: 'postgres' });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE DATABASE "${name}"`);
  const dataDir = mkdtempSync(join(tmpdir(), 'smcp-bench-'));
  const client = new pg.Client({ ...server, database: name });
  cleanups.push(async () => {
    await client.end().catch(() => undefined);
    await admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    rmSync(dataDir, { force: true, recursive: true });
  });
  await client.connect();
  const run = postgresRunner(client);
  await createMetadataSchema(run, 'postgres');
  const examplesFile = join(dataDir, 'examples.db');
  createExamplesDatabase(examplesFile);
  await loadDemoContent(run, 'postgres', { examplesUri: `sqlite:///${examplesFile}` });
  return `postgresql://${server.user}@${server.host}:${server.port}/${name}`;
}

const replicaPids = [];

/** CPU seconds (user + system) the replicas have used so far, from /proc (Linux). */
function replicaCpuSeconds() {
  let ticks = 0;
  for (const pid of replicaPids) {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    ticks += Number(fields[11]) + Number(fields[12]);
  }
  return ticks / 100;
}

async function startReplica(env) {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [join(ROOT, 'dist', 'cli.js'), 'run', '--port', String(port)],
    {
      env: { HOME: process.env.HOME, NO_COLOR: '1', PATH: process.env.PATH, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  cleanups.push(() => stopChild(child));
  let output = '';
  await new Promise((resolveStart, reject) => {
    const onData = (chunk) => {
      output += chunk;
      if (/Serving MCP at|MCP endpoint:/.test(output)) resolveStart();
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`service exited ${code}:\n${output}`)));
  });
  child.stdout.resume();
  child.stderr.resume();
  replicaPids.push(child.pid);
  return `127.0.0.1:${port}`;
}

/** The deployment's nginx site rendered for an nginx of the benchmark's own, as the e2e test does. */
async function startNginx(port, upstreams) {
  const dir = mkdtempSync(join(tmpdir(), 'smcp-bench-nginx-'));
  chmodSync(dir, 0o755);
  const tls = join(dir, 'tls');
  const temp = join(dir, 'temp');
  mkdirSync(tls);
  mkdirSync(temp);
  chmodSync(temp, 0o777);
  execFileSync(
    'openssl',
    [
      ...['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=localhost', '-days', '1'],
      ...['-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1'],
      ...['-keyout', join(tls, 'key.pem'), '-out', join(tls, 'cert.pem')],
    ],
    { stdio: 'ignore' },
  );
  const values = {
    NGINX_HTTPS_PORT: `127.0.0.1:${port}`,
    NGINX_SERVER_NAME: 'localhost',
    NGINX_TLS_DIR: tls,
    NGINX_UPSTREAM_SERVERS: upstreams
      .map((address) => `server ${address} max_fails=1 fail_timeout=30s;`)
      .join(' '),
  };
  const template = readFileSync(
    join(SOURCE_ROOT, 'config', 'nginx', 'templates', 'superset-mcp.conf.template'),
    'utf8',
  );
  writeFileSync(
    join(dir, 'superset-mcp.conf'),
    template.replace(/\$\{(\w+)\}/g, (_whole, name) => {
      if (values[name] === undefined) throw new Error(`the nginx template needs ${name}`);
      return values[name];
    }),
  );
  writeFileSync(
    join(dir, 'nginx.conf'),
    [
      'worker_processes 1;',
      `error_log ${join(dir, 'error.log')} warn;`,
      'events { worker_connections 1024; }',
      'http {',
      '  access_log off;',
      ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map(
        (kind) => `  ${kind}_temp_path ${join(temp, kind)};`,
      ),
      `  include ${join(dir, 'superset-mcp.conf')};`,
      '}',
    ].join('\n'),
  );
  const child = spawn(
    NGINX,
    ['-e', join(dir, 'error.log'), '-p', dir, '-c', join(dir, 'nginx.conf')].concat([
      '-g',
      `daemon off; pid ${join(dir, 'nginx.pid')};`,
    ]),
    { stdio: 'ignore' },
  );
  cleanups.push(async () => {
    await stopChild(child);
    rmSync(dir, { force: true, recursive: true });
  });
  await waitForPort(port, 'nginx');
  const agent = new Agent({ connect: { ca: readFileSync(join(tls, 'cert.pem')) } });
  cleanups.push(() => agent.destroy());
  return { agent, url: `https://localhost:${port}/mcp` };
}

const HEADERS = {
  Accept: 'application/json, text/event-stream',
  'Content-Type': 'application/json',
};

async function post(proxy, body, sessionId) {
  const response = await fetch(proxy.url, {
    body: JSON.stringify(body),
    dispatcher: proxy.agent,
    headers: sessionId ? { ...HEADERS, 'Mcp-Session-Id': sessionId } : HEADERS,
    method: 'POST',
  });
  const text = await response.text();
  if (response.status >= 300 || text.includes('"isError":true') || text.includes('"error":')) {
    throw new Error(`HTTP ${response.status}: ${text.slice(0, 300)}`);
  }
  return response;
}

/** An initialised session, as an SDK client makes it. */
async function openSession(proxy) {
  const response = await post(proxy, {
    id: 0,
    jsonrpc: '2.0',
    method: 'initialize',
    params: {
      capabilities: {},
      clientInfo: { name: 'replicas-bench', version: '1.0.0' },
      protocolVersion: '2025-06-18',
    },
  });
  const sessionId = response.headers.get('mcp-session-id');
  await post(proxy, { jsonrpc: '2.0', method: 'notifications/initialized' }, sessionId);
  return sessionId;
}

const CALL = {
  jsonrpc: '2.0',
  method: 'tools/call',
  params: { arguments: { request: { page_size: 10 } }, name: 'list_dashboards' },
};

/** CONCURRENCY clients calling for `seconds`; completed calls per second and latency percentiles. */
async function measure(proxy, sessions, seconds) {
  const latencies = [];
  const deadline = performance.now() + seconds * 1000;
  let id = 1;
  await Promise.all(
    sessions.map(async (sessionId) => {
      while (performance.now() < deadline) {
        const start = performance.now();
        await post(proxy, { ...CALL, id: id++ }, sessionId);
        latencies.push(performance.now() - start);
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  return {
    calls: latencies.length,
    p50: latencies[Math.floor(latencies.length * 0.5)],
    p99: latencies[Math.floor(latencies.length * 0.99)],
  };
}

try {
  const databaseUri = await postgresDemo();
  const redisPort = await freePort();
  const redis = spawn(
    'redis-server',
    ['--port', String(redisPort), '--save', '', '--appendonly', 'no', '--bind', '127.0.0.1'],
    { stdio: 'ignore' },
  );
  cleanups.push(() => stopChild(redis));
  await waitForPort(redisPort, 'redis-server');
  const [onePort, threePort] = [await freePort(), await freePort()];
  const env = {
    MCP_DEV_USERNAME: 'admin',
    MCP_SERVICE_URL: `https://localhost:${threePort}`,
    MCP_STORE_CONFIG: JSON.stringify({
      CACHE_KEY_PREFIX: `smcp_bench_${randomBytes(4).toString('hex')}_`,
      CACHE_REDIS_URL: `redis://127.0.0.1:${redisPort}/0`,
      enabled: true,
    }),
    SQLALCHEMY_DATABASE_URI: databaseUri,
  };
  const replicas = [];
  for (let index = 0; index < 3; index += 1) replicas.push(await startReplica(env));
  const direct = new Agent();
  cleanups.push(() => direct.destroy());
  const cases = [
    { label: '1 replica behind nginx', proxy: await startNginx(onePort, replicas.slice(0, 1)) },
    { label: '3 replicas behind nginx', proxy: await startNginx(threePort, replicas) },
    // What nginx and TLS cost: replica 1 without the proxy.
    { label: '1 replica, direct HTTP', proxy: { agent: direct, url: `http://${replicas[0]}/mcp` } },
  ];
  for (const entry of cases) {
    entry.sessions = [];
    for (let index = 0; index < CONCURRENCY; index += 1) {
      entry.sessions.push(await openSession(entry.proxy));
    }
    entry.results = [];
    // Warm-up as long as a round: three replicas have three JITs and pools to warm.
    await measure(entry.proxy, entry.sessions, SECONDS);
  }
  for (let round = 0; round < ROUNDS; round += 1) {
    for (const entry of round % 2 === 0 ? cases : [...cases].reverse()) {
      const cpuBefore = replicaCpuSeconds();
      const result = await measure(entry.proxy, entry.sessions, SECONDS);
      entry.results.push({ ...result, cpu: replicaCpuSeconds() - cpuBefore });
    }
  }
  console.log(
    `${cpus().length} cores, Node ${process.version}, ${CONCURRENCY} concurrent sessions, ` +
      `list_dashboards (page_size 10) on a Postgres demo, ${ROUNDS} alternating rounds of ${SECONDS} s`,
  );
  console.log('| case | calls/s | p50 ms | p99 ms | × 1 replica | replica CPU ms / call |');
  console.log('| --- | --- | --- | --- | --- | --- |');
  const sum = (entry, key) => entry.results.reduce((total, result) => total + result[key], 0);
  const rate = (entry) =>
    entry.results.reduce((sum, result) => sum + result.calls, 0) / (ROUNDS * SECONDS);
  const median = (values) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)];
  for (const entry of cases) {
    console.log(
      `| ${entry.label} | ${rate(entry).toFixed(0)} | ` +
        `${median(entry.results.map((r) => r.p50)).toFixed(2)} | ` +
        `${median(entry.results.map((r) => r.p99)).toFixed(2)} | ` +
        `${(rate(entry) / rate(cases[0])).toFixed(2)} | ` +
        `${((sum(entry, 'cpu') * 1000) / sum(entry, 'calls')).toFixed(1)} |`,
    );
  }
} finally {
  await cleanUp();
}
