#!/usr/bin/env node
// Runs the official MCP conformance suite (every server scenario, pending ones included) against
// the built service with its conformance fixtures on, judged against config/conformance-baseline.yml.
// Builds nothing: run `npm run build` first. The suite needs Node 22, fetched by node-runtime.mjs.
//
//   node scripts/conformance.mjs [--verbose]   --verbose streams the suite's and service's output
//
// Prints the suite's summary, then `conformance: N passed, M failed` (individual checks), and
// exits with the suite's exit code.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { clearTimeout, setTimeout } from 'node:timers';
import { basename, dirname, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

import { nodeRuntime } from './node-runtime.mjs';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SERVICE_CLI = join(REPO_ROOT, 'dist', 'cli.js');
const SUITE_CLI = join(
  REPO_ROOT,
  'node_modules',
  '@modelcontextprotocol',
  'conformance',
  'dist',
  'index.js',
);
const BASELINE = join(REPO_ROOT, 'config', 'conformance-baseline.yml');
const SUITE_NODE_MAJOR = 22;
const HOST = '127.0.0.1';
const START_TIMEOUT_MS = 120_000;
const STOP_TIMEOUT_MS = 10_000;
const SERVICE_LOG_TAIL_LINES = 80;
/** `server-<scenario>-<ISO timestamp with : and . as ->` */
const RESULT_DIR = /^server-(.+)-\d{4}-\d{2}-\d{2}T[\d-]+Z$/;

const verbose = process.argv.includes('--verbose');
// eslint-disable-next-line no-control-regex -- matching ANSI colour codes is the point
const ANSI = /\x1b\[[0-9;]*m/g;
const plain = (text) => text.replace(ANSI, '');
const forTerminal = (text) => (process.stdout.isTTY ? text : plain(text));

const children = new Set();
const temporaryDirs = [];

function cleanUp() {
  for (const child of children) child.kill('SIGKILL');
  for (const dir of temporaryDirs) rmSync(dir, { recursive: true, force: true });
}

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    cleanUp();
    process.exit(130);
  });
}

function temporaryDir(prefix) {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  temporaryDirs.push(dir);
  return dir;
}

function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, HOST, () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });
}

/** Starts a child process whose stdout and stderr are collected (and echoed when verbose). */
function start(command, args, env) {
  const child = spawn(command, args, { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  const state = { child, output: '', exit: null };
  const collect = (chunk) => {
    state.output += chunk.toString();
    if (verbose) process.stdout.write(forTerminal(chunk.toString()));
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  state.exited = new Promise((resolveExit) => {
    child.once('error', (error) => {
      state.output += `cannot run ${command}: ${error.message}\n`;
      state.exit = 127;
      children.delete(child);
      resolveExit(127);
    });
    child.once('close', (code, signal) => {
      state.exit = code ?? (signal ? 128 : 1);
      children.delete(child);
      resolveExit(state.exit);
    });
  });
  return state;
}

/** Any HTTP answer from /mcp means the service is up; connection errors mean not yet. */
function answers(url) {
  return new Promise((resolveProbe) => {
    const probe = request(url, { headers: { accept: 'text/html' }, method: 'GET' }, (response) => {
      response.resume();
      resolveProbe(true);
    });
    probe.setTimeout(2_000, () => probe.destroy());
    probe.once('error', () => resolveProbe(false));
    probe.end();
  });
}

async function waitUntilServing(service, url) {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (service.exit !== null) throw new Error(`the service exited with code ${service.exit}`);
    if (await answers(url)) return;
    await sleep(250);
  }
  throw new Error(`the service did not answer at ${url} within ${START_TIMEOUT_MS / 1000} s`);
}

async function stop(service) {
  if (service.exit !== null) return;
  const killTimer = setTimeout(() => service.child.kill('SIGKILL'), STOP_TIMEOUT_MS);
  service.child.kill('SIGTERM');
  await service.exited;
  clearTimeout(killTimer);
}

function tail(text, lines) {
  return plain(text).trimEnd().split('\n').slice(-lines).join('\n');
}

/** Every `<resultsDir>/server-<scenario>-<timestamp>/checks.json`, as `{ scenario, checks }`. */
function readResults(resultsDir) {
  return readdirSync(resultsDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => join(resultsDir, entry.name, 'checks.json'))
    .filter((file) => existsSync(file))
    .map((file) => ({
      scenario: RESULT_DIR.exec(basename(dirname(file)))?.[1] ?? file,
      checks: JSON.parse(readFileSync(file, 'utf8')),
    }));
}

/** The checks that made a scenario fail (FAILURE) or count as failing against a baseline (WARNING). */
function describeProblems(results) {
  const lines = [];
  for (const { scenario, checks } of results) {
    for (const check of checks) {
      if (check.status !== 'FAILURE' && check.status !== 'WARNING') continue;
      lines.push(
        `  ${scenario}: ${check.status} ${check.id}${check.errorMessage ? `: ${check.errorMessage}` : ''}`,
      );
    }
  }
  return lines;
}

function countChecks(suiteOutput, results) {
  const total = /Total: (\d+) passed, (\d+) failed/.exec(plain(suiteOutput));
  if (total) return { passed: Number(total[1]), failed: Number(total[2]) };
  const checks = results.flatMap((result) => result.checks);
  return {
    passed: checks.filter((check) => check.status === 'SUCCESS').length,
    failed: checks.filter((check) => check.status === 'FAILURE').length,
  };
}

async function main() {
  if (!existsSync(SERVICE_CLI)) {
    throw new Error(`${SERVICE_CLI} does not exist; run 'npm run build' first`);
  }
  if (!existsSync(SUITE_CLI)) {
    throw new Error(`${SUITE_CLI} does not exist; run 'npm install' first`);
  }
  const suiteNode = await nodeRuntime(SUITE_NODE_MAJOR);
  const port = await freePort();
  const url = `http://${HOST}:${port}/mcp`;
  const dataDir = temporaryDir('smcp-conformance-data-');
  const resultsDir = temporaryDir('smcp-conformance-results-');

  // A clean environment: no metadata database URI or settings file from the caller's shell, so
  // the service serves the embedded demo with authentication off.
  const service = start(
    process.execPath,
    [SERVICE_CLI, 'run', '--host', HOST, '--port', `${port}`],
    {
      HOME: process.env.HOME,
      PATH: process.env.PATH,
      TZ: process.env.TZ ?? 'UTC',
      NO_COLOR: '1',
      MCP_CONFORMANCE_FIXTURES: 'true',
      SUPERSET_MCP_DATA_DIR: dataDir,
    },
  );
  let suite;
  try {
    try {
      await waitUntilServing(service, url);
    } catch (error) {
      process.stdout.write(`service output:\n${tail(service.output, SERVICE_LOG_TAIL_LINES)}\n`);
      throw error;
    }
    if (!verbose) process.stdout.write(`service up at ${url}; running the conformance suite\n`);
    suite = start(
      suiteNode,
      [
        SUITE_CLI,
        'server',
        '--url',
        url,
        '--suite',
        'all',
        '--expected-failures',
        BASELINE,
        '-o',
        resultsDir,
      ],
      { ...process.env },
    );
    await suite.exited;
  } finally {
    await stop(service);
  }

  const results = readResults(resultsDir);
  const summaryAt = suite.output.indexOf('=== SUMMARY ===');
  if (suite.exit !== 0) {
    if (!verbose) {
      const problems = describeProblems(results);
      if (problems.length > 0) {
        process.stdout.write(`failed or warning checks:\n${problems.join('\n')}\n`);
      }
      process.stdout.write(
        `service output (last ${SERVICE_LOG_TAIL_LINES} lines):\n` +
          `${tail(service.output, SERVICE_LOG_TAIL_LINES)}\n`,
      );
    }
    if (summaryAt < 0) process.stdout.write(`suite output:\n${tail(suite.output, 60)}\n`);
  }
  if (!verbose && summaryAt >= 0) {
    process.stdout.write(`${forTerminal(suite.output.slice(summaryAt).trimEnd())}\n`);
  }
  const { passed, failed } = countChecks(suite.output, results);
  process.stdout.write(`conformance: ${passed} passed, ${failed} failed\n`);
  return suite.exit;
}

let exitCode = 1;
try {
  exitCode = await main();
} catch (error) {
  process.stderr.write(`conformance: ${error.message}\n`);
} finally {
  cleanUp();
}
process.exit(exitCode);
