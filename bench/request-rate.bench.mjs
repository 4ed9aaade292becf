#!/usr/bin/env node
// Requests per second of `list_dashboards` (a page of 10) and `get_chart_info` at CONNECTIONS
// concurrent connections, for an Admin and a Gamma user, against a bare Express + pg handler that
// runs the same data SQL and answers the same bytes: the service with no cache, with the access
// cache, and with the access and result caches, all measured in interleaved rounds in one run on a
// temporary Postgres metadata database with the demo content. Then the latency of a result-cache
// hit against a miss. The data SQL is recorded from the service itself (a preload that logs every
// pg query), leaving out the caller's lookup (ab_user, ab_user_role, ab_user_group and the
// permission pairs), which is what the bare handler does not need. Run by `npm run bench` (which
// builds first); BENCH_SECONDS / BENCH_ROUNDS / BENCH_CONNECTIONS override the sizes.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { performance } from 'node:perf_hooks';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import express from 'express';
import pg from 'pg';

const ROOT = process.env.SMCP_E2E_ROOT ?? resolve(fileURLToPath(import.meta.url), '..', '..');
const fromDist = (path) => import(pathToFileURL(join(ROOT, 'dist', path)).href);
const { loadDemoContent } = await fromDist('demo/demo-loader.js');
const { createExamplesDatabase } = await fromDist('demo/examples-data.js');
const { createMetadataSchema } = await fromDist('demo/metadata-schema.js');
const { postgresRunner } = await fromDist('demo/sql-runner.js');

const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const LATENCY_CALLS = 300;
const USERS = ['admin', 'sales'];
/** Statements of the caller's lookup: user, roles, groups, permission pairs. */
const LOOKUP =
  /FROM "ab_user" "AbUser"|FROM "ab_user_role"|FROM "ab_user_group"|FROM "ab_permission_view_role"/;

const CONFIGS = [
  { env: { MCP_ACCESS_CACHE_TTL: '0' }, label: 'service, no cache' },
  { env: { MCP_ACCESS_CACHE_TTL: '10' }, label: 'service, access cache' },
  {
    env: { MCP_ACCESS_CACHE_TTL: '10', MCP_CACHE_CONFIG: '{"enabled": true}' },
    label: 'service, access + result cache',
  },
];

const SQL_RECORDER = `
const { appendFileSync } = require('node:fs');
const pg = require(require.resolve('pg', { paths: [${JSON.stringify(ROOT)}] }));
const query = pg.Client.prototype.query;
pg.Client.prototype.query = function (config, values, callback) {
  const text = typeof config === 'string' ? config : config && config.text;
  const params = config && typeof config === 'object' && config.values ? config.values : values;
  if (typeof text === 'string') {
    appendFileSync(process.env.BENCH_SQL_LOG, JSON.stringify({ text, values: Array.isArray(params) ? params : [] }) + '\\n');
  }
  return query.apply(this, arguments);
};
`;

async function createTemporaryPostgresDatabase() {
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
  const client = new pg.Client({ ...server, database: name });
  await client.connect();
  return {
    client,
    drop: async () => {
      await client.end();
      await admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    },
    server,
    name,
    uri: `postgresql://${server.user}@${server.host}:${server.port}/${name}`,
  };
}

async function startService(uri, username, env, preload = null) {
  const args = [
    ...(preload ? ['--require', preload.script] : []),
    join(ROOT, 'dist', 'cli.js'),
    'run',
    '--port',
    '0',
  ];
  const child = spawn(process.execPath, args, {
    env: {
      HOME: process.env.HOME,
      MCP_DEV_USERNAME: username,
      NO_COLOR: '1',
      PATH: process.env.PATH,
      SQLALCHEMY_DATABASE_URI: uri,
      ...(preload && { BENCH_SQL_LOG: preload.log }),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const url = await new Promise((resolveUrl, reject) => {
    const onData = (chunk) => {
      output += chunk;
      const match = /(?:MCP endpoint:|Serving MCP at) (http:\/\/\S+\/mcp)/.exec(output);
      if (match) resolveUrl(match[1]);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`service exited ${code}:\n${output}`)));
  });
  return { child, url };
}

function toolCall(name, request) {
  return JSON.stringify({
    id: 1,
    jsonrpc: '2.0',
    method: 'tools/call',
    params: { arguments: { request }, name },
  });
}

async function post(url, body) {
  const response = await fetch(url, {
    body,
    headers: { 'Content-Type': 'application/json' },
    method: 'POST',
  });
  const bytes = Buffer.from(await response.arrayBuffer());
  if (response.status !== 200) throw new Error(`${url} answered ${response.status}: ${bytes}`);
  return { bytes, contentType: response.headers.get('content-type') };
}

/**
 * One call recorded on a service that logs its SQL: the statements it ran (without the lookup)
 * and the bytes it answered.
 */
async function record(url, log, body) {
  await post(url, body); // warm: the first call also reads schema details once
  const start = statSync(log).size;
  const answer = await post(url, body);
  const lines = readFileSync(log).subarray(start).toString().trim().split('\n');
  const statements = lines.map((line) => JSON.parse(line));
  return {
    ...answer,
    data: statements.filter((statement) => !LOOKUP.test(statement.text)),
    lookup: statements.filter((statement) => LOOKUP.test(statement.text)),
  };
}

/**
 * Express + pg, in a process of its own as the service is: each route runs its recorded data SQL
 * and sends the recorded bytes.
 */
async function startBare(database, routes, work) {
  const file = join(work, 'bare-routes.json');
  const serialised = [...routes].map(([path, recorded]) => ({
    bytes: recorded.bytes.toString('base64'),
    contentType: recorded.contentType,
    data: recorded.data,
    path,
  }));
  writeFileSync(file, JSON.stringify({ database: database.name, routes: serialised }));
  const child = spawn(process.execPath, [fileURLToPath(import.meta.url), 'bare', file], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const origin = await new Promise((resolveOrigin, reject) => {
    child.stdout.once('data', (chunk) => resolveOrigin(String(chunk).trim()));
    child.once('exit', (code) => reject(new Error(`bare server exited ${code}`)));
  });
  return { close: async () => child.kill('SIGTERM'), origin };
}

async function serveBare(file) {
  const { database, routes } = JSON.parse(readFileSync(file, 'utf8'));
  const pool = new pg.Pool({ database, host: '127.0.0.1', max: 10, port: 5432, user: 'postgres' });
  const app = express();
  for (const route of routes) {
    const bytes = Buffer.from(route.bytes, 'base64');
    app.post(route.path, express.raw({ limit: '1mb', type: '*/*' }), async (_request, response) => {
      try {
        for (const statement of route.data) await pool.query(statement.text, statement.values);
        response.type(route.contentType).send(bytes);
      } catch (error) {
        response.status(500).send(String(error));
      }
    });
  }
  const server = app.listen(0, '127.0.0.1', () => {
    console.log(`http://127.0.0.1:${server.address().port}`);
  });
}

/** Completed requests per second with `CONNECTIONS` loops posting `body` for `SECONDS`. */
async function rate(url, body) {
  const until = performance.now() + SECONDS * 1000;
  let done = 0;
  const loop = async () => {
    while (performance.now() < until) {
      await post(url, body);
      done += 1;
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: CONNECTIONS }, loop));
  return done / ((performance.now() - started) / 1000);
}

/** The answer with its `timestamp` values blanked: the only part that differs between calls. */
function withoutTimestamps(bytes) {
  return bytes.toString().replace(/\\"timestamp\\":\\"[^\\]*\\"/g, 'timestamp');
}

/** CPU milliseconds (user + system) process `pid` has used, from /proc (Linux). */
function cpuMs(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** Sequential latency, and the service's CPU per call: unlike time, CPU barely moves with load. */
async function latency(url, body, pid) {
  const cpuBefore = cpuMs(pid);
  const times = [];
  for (let i = 0; i < LATENCY_CALLS; i += 1) {
    const started = performance.now();
    await post(url, body);
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return {
    cpu: (cpuMs(pid) - cpuBefore) / LATENCY_CALLS,
    mean: times.reduce((sum, value) => sum + value, 0) / times.length,
    p50: times[Math.floor(times.length / 2)],
    p99: times[Math.floor(times.length * 0.99)],
  };
}

if (process.argv[2] === 'bare') {
  await serveBare(process.argv[3]);
} else {
  await main();
}

async function main() {
  const work = mkdtempSync(join(tmpdir(), 'smcp-bench-rate-'));
  const database = await createTemporaryPostgresDatabase();
  const children = [];
  let bare = null;
  try {
    const run = postgresRunner(database.client);
    await createMetadataSchema(run, 'postgres');
    const examplesFile = join(work, 'examples.db');
    createExamplesDatabase(examplesFile);
    await loadDemoContent(run, 'postgres', { examplesUri: `sqlite:///${examplesFile}` });
    await database.client.query('VACUUM ANALYZE');

    const preload = { log: join(work, 'sql.log'), script: join(work, 'record-sql.cjs') };
    writeFileSync(preload.script, SQL_RECORDER);
    writeFileSync(preload.log, '');

    // A chart both users may read: the first of sales's chart list (sales: Gamma + one dataset).
    const recorder = await startService(
      database.uri,
      'sales',
      { MCP_ACCESS_CACHE_TTL: '0' },
      preload,
    );
    children.push(recorder.child);
    const charts = JSON.parse(
      JSON.parse((await post(recorder.url, toolCall('list_charts', { page_size: 1 }))).bytes).result
        .content[0].text,
    );
    const chartId = charts.charts[0].id;
    recorder.child.kill('SIGTERM');

    const cases = [
      {
        label: 'list_dashboards (page of 10)',
        name: 'list_dashboards',
        request: { page_size: 10 },
      },
      { label: 'get_chart_info', name: 'get_chart_info', request: { identifier: chartId } },
    ];

    // Record each case's SQL and answer per user, on a service without caches.
    const routes = new Map();
    const recorded = new Map();
    for (const username of USERS) {
      const service = await startService(
        database.uri,
        username,
        { MCP_ACCESS_CACHE_TTL: '0' },
        preload,
      );
      children.push(service.child);
      for (const test of cases) {
        const path = `/${username}/${test.name}`;
        const body = toolCall(test.name, test.request);
        const calls = await record(service.url, preload.log, body);
        routes.set(path, calls);
        if (process.env.BENCH_PRINT_SQL) {
          for (const [kind, list] of [
            ['lookup', calls.lookup],
            ['data', calls.data],
          ]) {
            for (const { text } of list) console.log(`${path} ${kind}: ${text.slice(0, 160)}`);
          }
        }
        recorded.set(path, calls);
      }
      service.child.kill('SIGTERM');
    }
    bare = await startBare(database, routes, work);

    const services = new Map();
    const pids = new Map();
    for (const username of USERS) {
      for (const config of CONFIGS) {
        const service = await startService(database.uri, username, config.env);
        children.push(service.child);
        services.set(`${username}/${config.label}`, service.url);
        pids.set(service.url, service.child.pid);
      }
    }

    // Every service answers the bytes the bare handler sends, but for the time it was made.
    for (const username of USERS) {
      for (const test of cases) {
        const expected = recorded.get(`/${username}/${test.name}`).bytes;
        for (const config of CONFIGS) {
          const body = toolCall(test.name, test.request);
          const { bytes } = await post(services.get(`${username}/${config.label}`), body);
          if (withoutTimestamps(bytes) !== withoutTimestamps(expected)) {
            throw new Error(
              `${config.label} as ${username} answered other bytes for ${test.name}:\n${bytes}\n${expected}`,
            );
          }
        }
      }
    }

    const rates = new Map();
    const add = (key, value) => rates.set(key, [...(rates.get(key) ?? []), value]);
    for (let round = 0; round < ROUNDS; round += 1) {
      for (const username of USERS) {
        for (const test of cases) {
          const body = toolCall(test.name, test.request);
          add(
            `${username}/${test.name}/bare`,
            await rate(`${bare.origin}/${username}/${test.name}`, body),
          );
          for (const config of CONFIGS) {
            add(
              `${username}/${test.name}/${config.label}`,
              await rate(services.get(`${username}/${config.label}`), body),
            );
          }
        }
      }
    }
    const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

    console.log(
      `Requests/s at ${CONNECTIONS} connections, median of ${ROUNDS} interleaved rounds of ` +
        `${SECONDS} s, Node ${process.versions.node}`,
    );
    console.log(
      '| user | tool | statements (lookup + data) | bare | ' +
        CONFIGS.map((config) => `${config.label} (× bare)`).join(' | ') +
        ' |',
    );
    console.log(`|---|---|---|---|${CONFIGS.map(() => '---').join('|')}|`);
    for (const username of USERS) {
      for (const test of cases) {
        const calls = recorded.get(`/${username}/${test.name}`);
        const floor = median(rates.get(`${username}/${test.name}/bare`));
        const cells = CONFIGS.map((config) => {
          const value = median(rates.get(`${username}/${test.name}/${config.label}`));
          return `${value.toFixed(0)} (${(value / floor).toFixed(2)})`;
        });
        console.log(
          `| ${username} | ${test.label} | ${calls.lookup.length} + ${calls.data.length} | ` +
            `${floor.toFixed(0)} | ${cells.join(' | ')} |`,
        );
      }
    }

    console.log(
      `\nResult cache hit vs miss (force_refresh), ${LATENCY_CALLS} sequential calls each`,
    );
    console.log(
      '| user | tool | hit p50 ms | miss p50 ms | hit mean ms | miss mean ms | hit CPU ms | miss CPU ms |',
    );
    console.log('|---|---|---|---|---|---|---|---|');
    for (const username of USERS) {
      const url = services.get(`${username}/${CONFIGS[2].label}`);
      for (const test of cases) {
        const pid = pids.get(url);
        const hit = await latency(url, toolCall(test.name, test.request), pid);
        const miss = await latency(
          url,
          toolCall(test.name, { ...test.request, force_refresh: true }),
          pid,
        );
        console.log(
          `| ${username} | ${test.label} | ${hit.p50.toFixed(2)} | ${miss.p50.toFixed(2)} | ` +
            `${hit.mean.toFixed(2)} | ${miss.mean.toFixed(2)} | ${hit.cpu.toFixed(2)} | ${miss.cpu.toFixed(2)} |`,
        );
      }
    }
  } finally {
    for (const child of children) child.kill('SIGTERM');
    await bare?.close();
    await database.drop();
    rmSync(work, { force: true, recursive: true });
  }
}
