#!/usr/bin/env node
// `npm test`: lint, typecheck, build, Vitest on this Node, the runtime-dependent e2e suites again with
// the service on Node 22 and 24, then the MCP conformance suite. Every stage runs (a failed build only stops the
// stages that need `dist/`), and the last line is always `N passed, M failed`.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { basename, delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SERVICE_NODE_MAJORS = [22, 24];
// e2e suites that test the service's logic (contracts, permissions, hostile input) or the repository
// itself, not the runtime: the first Vitest pass runs them; the passes with the service on Node 22
// and 24 leave them out, so the suite stays well inside CI's time.
const RUNTIME_INDEPENDENT_E2E = [
  'test/auth-attacks.e2e-spec.ts',
  'test/auth-mcp-remote.e2e-spec.ts',
  'test/auth-startup.e2e-spec.ts',
  'test/build-script.e2e-spec.ts',
  'test/cache.e2e-spec.ts',
  'test/deployment-files.e2e-spec.ts',
  'test/fuzz.e2e-spec.ts',
  'test/list-contracts.e2e-spec.ts',
  'test/metadata-startup.e2e-spec.ts',
  'test/metrics.e2e-spec.ts',
  'test/nginx-proxy.e2e-spec.ts',
  'test/rate-limits.e2e-spec.ts',
  'test/rbac-matrix.e2e-spec.ts',
  'test/response-size.e2e-spec.ts',
  'test/runtime-dependencies.e2e-spec.ts',
  'test/sql-lab-history.e2e-spec.ts',
  'test/startup-settings.e2e-spec.ts',
];
const CONFORMANCE_LINE = /conformance: (\d+) passed, (\d+) failed/g;

const results = [];
let interrupted = false;
let runningChild = null;
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    interrupted = true;
    runningChild?.kill(signal);
  });
}

function banner(text) {
  process.stdout.write(`\n==> ${text}\n`);
}

function secondsSince(startedAt) {
  return (Date.now() - startedAt) / 1000;
}

function record(name, { passed, failed, skipped = 0, seconds, note = '' }) {
  results.push({ name, passed, failed, skipped, seconds, note });
  const counts = `${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`;
  process.stdout.write(
    `<== ${name}: ${failed > 0 ? 'FAILED' : 'ok'} (${counts}) in ${seconds.toFixed(1)} s` +
      `${note ? ` - ${note}` : ''}\n`,
  );
}

/**
 * Runs a command to completion with no stdin. `output`: 'inherit' passes everything through,
 * 'echo' also collects stdout, 'quiet' collects stdout and stderr without printing them.
 */
function run(command, args, { cwd = REPO_ROOT, env = process.env, output = 'inherit' } = {}) {
  return new Promise((resolveRun) => {
    let text = '';
    const stdio =
      output === 'inherit'
        ? ['ignore', 'inherit', 'inherit']
        : ['ignore', 'pipe', output === 'quiet' ? 'pipe' : 'inherit'];
    const child = spawn(command, args, { cwd, env, stdio });
    runningChild = child;
    child.stdout?.on('data', (chunk) => {
      text += chunk.toString();
      if (output === 'echo') process.stdout.write(chunk);
    });
    child.stderr?.on('data', (chunk) => {
      text += chunk.toString();
    });
    child.once('error', (error) => {
      resolveRun({ code: 127, text: `cannot run ${command}: ${error.message}` });
    });
    child.once('close', (code, signal) => {
      runningChild = null;
      resolveRun({ code: code ?? (signal ? 128 : 1), text });
    });
  });
}

async function runStep(name, command, args) {
  banner(name);
  const startedAt = Date.now();
  const { code, text } = await run(command, args);
  if (code === 127) process.stderr.write(`${text}\n`);
  const ok = code === 0;
  record(name, {
    passed: ok ? 1 : 0,
    failed: ok ? 0 : 1,
    seconds: secondsSince(startedAt),
    note: ok ? '' : `exit code ${code}`,
  });
  return ok;
}

function recordNotRun(name, reason) {
  banner(name);
  process.stdout.write(`not run: ${reason}\n`);
  record(name, { passed: 0, failed: 1, seconds: 0, note: `not run: ${reason}` });
}

/**
 * Counts a Vitest JSON report. A file that failed outside any test (import error, failing
 * beforeAll) has no failed test of its own, so it counts as one failure.
 */
function countVitestReport(reportFile) {
  const report = JSON.parse(readFileSync(reportFile, 'utf8'));
  let failedOutsideTests = 0;
  for (const file of report.testResults ?? []) {
    const failedTests = (file.assertionResults ?? []).filter((test) => test.status === 'failed');
    if (file.status === 'failed' && failedTests.length === 0) failedOutsideTests += 1;
  }
  return {
    passed: report.numPassedTests ?? 0,
    failed: (report.numFailedTests ?? 0) + failedOutsideTests,
    skipped: (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0),
  };
}

async function runVitest(name, reportFile, vitestArgs, env = process.env) {
  banner(name);
  const startedAt = Date.now();
  rmSync(reportFile, { force: true });
  const { code, text } = await run(
    'npx',
    [
      'vitest',
      'run',
      // Vitest's default is one worker fewer than the cores (one, here); the e2e files mostly wait
      // on services they started, so two at a time roughly halves the wall time.
      `--maxWorkers=${Math.max(2, availableParallelism())}`,
      ...vitestArgs,
      '--reporter=default',
      '--reporter=json',
      `--outputFile=${reportFile}`,
    ],
    { env },
  );
  if (code === 127) process.stderr.write(`${text}\n`);
  let counts = { passed: 0, failed: 0, skipped: 0 };
  let note = '';
  try {
    counts = countVitestReport(reportFile);
  } catch (error) {
    note = `no readable JSON report (${error.code ?? error.message})`;
  }
  if (code !== 0 && counts.failed === 0) {
    counts.failed = 1;
    note ||= `vitest exited with ${code} but no test failed (no test files, or an error outside tests)`;
  }
  record(name, { ...counts, seconds: secondsSince(startedAt), note });
}

function sha256(file) {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

async function describeNode(nodeBinary) {
  const { code, text } = await run(
    nodeBinary,
    ['-p', 'JSON.stringify({ version: process.version, modules: process.versions.modules })'],
    { output: 'quiet' },
  );
  if (code !== 0) throw new Error(`${nodeBinary} does not run: ${text.trim()}`);
  return JSON.parse(text.trim());
}

/** PATH with the given node first, so node-gyp and anything it spawns use that node. */
function envWithNodeFirst(nodeBinary, extra = {}) {
  return {
    ...process.env,
    PATH: `${dirname(nodeBinary)}${delimiter}${process.env.PATH ?? ''}`,
    ...extra,
  };
}

async function sqliteLoadError(nodeBinary, runtimeRoot) {
  const script =
    "const Database = require('better-sqlite3'); new Database(':memory:').prepare('select 1').get();";
  const { code, text } = await run(nodeBinary, ['-e', script], {
    cwd: runtimeRoot,
    env: envWithNodeFirst(nodeBinary),
    output: 'quiet',
  });
  if (code === 0) return null;
  const lines = text.trim().split('\n');
  return (
    lines.find((line) => /Assertion failed|Error/.test(line))?.trim() ??
    `exit code ${code}: ${lines.slice(0, 3).join(' ')}`
  );
}

/**
 * From Node 24.19 the header-only `node::ObjectWrap` registers an environment cleanup hook and its
 * destructor aborts the process when V8 collects the object outside a JS context
 * (nodejs/node#65446). An addon deriving from it (better-sqlite3 <= 12) and compiled against
 * those headers crashes the service at some GC; the e2e suite meets that only by chance, so this
 * checks the cause: the headers it was built with and the addon's sources.
 */
function objectWrapAbortHazard(nodeDir, runtimeRoot) {
  return (
    hooksObjectWrap(nodeDir) &&
    derivesObjectWrap(join(runtimeRoot, 'node_modules', 'better-sqlite3'))
  );
}

function hooksObjectWrap(nodeDir) {
  const header = join(nodeDir, 'include', 'node', 'node_object_wrap.h');
  return readFileSync(header, 'utf8').includes('RemoveEnvironmentCleanupHook');
}

function derivesObjectWrap(sqlitePackage) {
  const sources = join(sqlitePackage, 'src');
  return readdirSync(sources, { recursive: true })
    .filter((file) => /\.(?:cpp|hpp|cc|h)$/.test(file))
    .some((file) => readFileSync(join(sources, file), 'utf8').includes('public node::ObjectWrap'));
}

/**
 * The last release of each major whose `node::ObjectWrap` has no cleanup hook. The ABI is the
 * same across a major, so an addon built against these headers loads on the newest release and
 * does not carry the aborting destructor (the workaround given in nodejs/node#65446).
 */
const LAST_HEADERS_WITHOUT_OBJECTWRAP_HOOK = { 24: '24.18.1' };

/** The Node tree whose headers better-sqlite3 is compiled against for `nodeBinary`. */
async function headersFor(nodeBinary, sqlitePackage) {
  const own = dirname(dirname(nodeBinary));
  if (!hooksObjectWrap(own) || !derivesObjectWrap(sqlitePackage)) return own;
  const { version } = await describeNode(nodeBinary);
  const safe =
    LAST_HEADERS_WITHOUT_OBJECTWRAP_HOOK[Number(version.replace(/^v/, '').split('.')[0])];
  if (!safe) return own;
  const { nodeRuntime } = await import('./node-runtime.mjs');
  return dirname(dirname(await nodeRuntime(safe)));
}

/** npm's own node-gyp: npm sets npm_execpath under `npm test`; otherwise find npm on PATH. */
function nodeGypScript() {
  const candidates = [];
  if (process.env.npm_execpath) candidates.push(dirname(dirname(process.env.npm_execpath)));
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const npm = join(dir, 'npm');
    if (dir && existsSync(npm)) candidates.push(dirname(dirname(realpathSync(npm))));
  }
  candidates.push(join(dirname(dirname(process.execPath)), 'lib', 'node_modules', 'npm'));
  for (const npmDir of candidates) {
    const script = join(npmDir, 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
    if (existsSync(script)) return script;
  }
  throw new Error('cannot find node-gyp (looked next to npm)');
}

/**
 * Gives `<runtimeRoot>/node_modules/better-sqlite3` a real (not hard-linked) copy of the package
 * with an addon built for `nodeBinary`, compiling it only when no cached build exists.
 */
async function installSqliteFor(nodeBinary, runtimeRoot, cacheDir) {
  const node = await describeNode(nodeBinary);
  const source = join(REPO_ROOT, 'node_modules', 'better-sqlite3');
  const nodeDir = await headersFor(nodeBinary, source);
  const marker = join(runtimeRoot, '.better-sqlite3-headers');
  const builtWith = existsSync(marker) ? readFileSync(marker, 'utf8') : null;
  if (builtWith === nodeDir && (await sqliteLoadError(nodeBinary, runtimeRoot)) === null) {
    process.stdout.write(`better-sqlite3 already loads on Node ${node.version}\n`);
    return nodeDir;
  }
  const target = join(runtimeRoot, 'node_modules', 'better-sqlite3');
  const { version: sqliteVersion } = JSON.parse(readFileSync(join(source, 'package.json'), 'utf8'));
  const headersVersion = basename(nodeDir).replace(/^node-/, '');
  const cachedAddon = join(
    cacheDir,
    'better-sqlite3',
    sqliteVersion,
    `node-${node.version}-abi${node.modules}-headers-${headersVersion}-${process.platform}-${process.arch}`,
    'better_sqlite3.node',
  );
  const builtAddon = join(target, 'build', 'Release', 'better_sqlite3.node');

  rmSync(target, { recursive: true, force: true });
  cpSync(source, target, {
    recursive: true,
    filter: (path) => path !== join(source, 'build'),
  });

  if (existsSync(cachedAddon)) {
    mkdirSync(dirname(builtAddon), { recursive: true });
    copyFileSync(cachedAddon, builtAddon);
    const loadError = await sqliteLoadError(nodeBinary, runtimeRoot);
    if (loadError === null) {
      process.stdout.write(
        `better-sqlite3 ${sqliteVersion} for Node ${node.version}: cached build\n`,
      );
      return nodeDir;
    }
    process.stdout.write(`cached better-sqlite3 build does not load (${loadError}); rebuilding\n`);
    rmSync(join(target, 'build'), { recursive: true, force: true });
  }

  process.stdout.write(
    `compiling better-sqlite3 ${sqliteVersion} for Node ${node.version} (headers ${nodeDir}/include/node)\n`,
  );
  const startedAt = Date.now();
  const { code, text } = await run(
    nodeBinary,
    [
      nodeGypScript(),
      'rebuild',
      '--release',
      `--nodedir=${nodeDir}`,
      `--jobs=${availableParallelism()}`,
    ],
    {
      cwd: target,
      env: envWithNodeFirst(nodeBinary, { npm_config_nodedir: nodeDir }),
      output: 'quiet',
    },
  );
  if (code !== 0) {
    process.stdout.write(`${text.trim().split('\n').slice(-60).join('\n')}\n`);
    throw new Error(`node-gyp rebuild of better-sqlite3 failed with exit code ${code}`);
  }
  const loadError = await sqliteLoadError(nodeBinary, runtimeRoot);
  if (loadError !== null)
    throw new Error(`the freshly built better-sqlite3 does not load: ${loadError}`);
  mkdirSync(dirname(cachedAddon), { recursive: true });
  const partial = `${cachedAddon}.${process.pid}.partial`;
  copyFileSync(builtAddon, partial);
  renameSync(partial, cachedAddon);
  process.stdout.write(
    `compiled in ${secondsSince(startedAt).toFixed(0)} s; cached at ${cachedAddon}\n`,
  );
  return nodeDir;
}

/**
 * `<cache>/runtime-node<major>/`: this repo's package.json and a fresh copy of dist/, its
 * node_modules as hard links (refreshed when package-lock.json changes) and better-sqlite3
 * rebuilt for that Node.
 */
export async function prepareRuntimeRoot(major, nodeBinary, cacheDir) {
  const runtimeRoot = join(cacheDir, `runtime-node${major}`);
  mkdirSync(runtimeRoot, { recursive: true });
  copyFileSync(join(REPO_ROOT, 'package.json'), join(runtimeRoot, 'package.json'));
  rmSync(join(runtimeRoot, 'dist'), { recursive: true, force: true });
  cpSync(join(REPO_ROOT, 'dist'), join(runtimeRoot, 'dist'), { recursive: true });

  const modules = join(runtimeRoot, 'node_modules');
  const lockStamp = join(runtimeRoot, 'package-lock.sha256');
  const lockHash = sha256(join(REPO_ROOT, 'package-lock.json'));
  const stampedHash = existsSync(lockStamp) ? readFileSync(lockStamp, 'utf8').trim() : null;
  if (!existsSync(modules) || stampedHash !== lockHash) {
    process.stdout.write(`linking node_modules into ${runtimeRoot}\n`);
    rmSync(lockStamp, { force: true });
    rmSync(modules, { recursive: true, force: true });
    // The real folder: a node_modules that is a symlink would otherwise be copied as the link, and
    // rebuilding better-sqlite3 below would then delete the checkout's own copy.
    const source = realpathSync(join(REPO_ROOT, 'node_modules'));
    const { code, text } = await run('cp', ['-al', source, modules], {
      output: 'quiet',
    });
    if (code !== 0) throw new Error(`cp -al node_modules failed: ${text.trim()}`);
    writeFileSync(lockStamp, `${lockHash}\n`);
  }
  const nodeDir = await installSqliteFor(nodeBinary, runtimeRoot, cacheDir);
  writeFileSync(join(runtimeRoot, '.better-sqlite3-headers'), nodeDir);
  return runtimeRoot;
}

async function runServiceNodeE2e(major, reportFile, distBuilt) {
  if (!distBuilt) {
    recordNotRun(`e2e, service on Node ${major}`, 'the build failed');
    return;
  }
  const prepareName = `prepare Node ${major} runtime root`;
  banner(prepareName);
  const startedAt = Date.now();
  let nodeBinary;
  let runtimeRoot;
  let version;
  let hazard;
  try {
    const { nodeRuntime, runtimeCacheDir } = await import('./node-runtime.mjs');
    nodeBinary = await nodeRuntime(major);
    runtimeRoot = await prepareRuntimeRoot(major, nodeBinary, runtimeCacheDir());
    ({ version } = await describeNode(nodeBinary));
    hazard = objectWrapAbortHazard(
      readFileSync(join(runtimeRoot, '.better-sqlite3-headers'), 'utf8'),
      runtimeRoot,
    );
  } catch (error) {
    process.stderr.write(`${error.stack ?? error}\n`);
    record(prepareName, {
      passed: 0,
      failed: 1,
      seconds: secondsSince(startedAt),
      note: error.message.split('\n')[0],
    });
    return;
  }
  process.stdout.write(`Node ${version} at ${nodeBinary}, root ${runtimeRoot}\n`);
  record(prepareName, { passed: 0, failed: 0, seconds: secondsSince(startedAt) });

  const hazardCheckName = `better-sqlite3 safe from GC aborts on Node ${version}`;
  banner(hazardCheckName);
  if (hazard) {
    process.stdout.write(
      `better-sqlite3 derives from node::ObjectWrap and was compiled against Node ${version} ` +
        'headers whose ObjectWrap destructor aborts when V8 collects it outside JS ' +
        "(nodejs/node#65446): the service can die with 'Assertion failed: (env) != nullptr'.\n",
    );
  }
  record(hazardCheckName, {
    passed: hazard ? 0 : 1,
    failed: hazard ? 1 : 0,
    seconds: 0,
    note: hazard ? 'ObjectWrap cleanup-hook abort, nodejs/node#65446' : '',
  });

  const excludes = RUNTIME_INDEPENDENT_E2E.flatMap((file) => ['--exclude', file]);
  await runVitest(
    `e2e, service on Node ${version}`,
    reportFile,
    ['--project', 'e2e', ...excludes],
    {
      ...process.env,
      SMCP_E2E_NODE: nodeBinary,
      SMCP_E2E_ROOT: runtimeRoot,
    },
  );
}

async function runConformance(distBuilt) {
  const name = 'MCP conformance';
  if (!distBuilt) {
    recordNotRun(name, 'the build failed');
    return;
  }
  const script = join(REPO_ROOT, 'scripts', 'conformance.mjs');
  if (!existsSync(script)) {
    recordNotRun(name, 'scripts/conformance.mjs does not exist');
    return;
  }
  banner(name);
  const startedAt = Date.now();
  const { code, text } = await run(process.execPath, [script], { output: 'echo' });
  const last = [...text.matchAll(CONFORMANCE_LINE)].at(-1);
  let passed = last ? Number(last[1]) : 0;
  let failed = last ? Number(last[2]) : 0;
  let note = last ? '' : "no 'conformance: N passed, M failed' line";
  if (!last || (code !== 0 && failed === 0)) {
    failed += 1;
    note ||= `exit code ${code} with no failed check`;
  }
  if (passed === 0 && failed === 0) failed = 1;
  record(name, { passed, failed, seconds: secondsSince(startedAt), note });
}

function printSummary(totalSeconds) {
  const width = Math.max(...results.map((result) => result.name.length));
  process.stdout.write('\nSummary\n');
  for (const { name, passed, failed, skipped, seconds, note } of results) {
    const status = failed > 0 ? 'FAILED' : 'ok';
    const counts = `${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`;
    process.stdout.write(
      `  ${name.padEnd(width)}  ${status.padEnd(6)}  ${counts.padEnd(36)} ${seconds.toFixed(1).padStart(6)} s` +
        `${note ? `  (${note})` : ''}\n`,
    );
  }
  process.stdout.write(`  total time ${(totalSeconds / 60).toFixed(1)} min\n`);
}

async function runAll(scratch) {
  await runStep('lint', 'npm', ['run', 'lint']);
  if (interrupted) return;
  await runStep('typecheck', 'npm', ['run', 'typecheck']);
  if (interrupted) return;
  const distBuilt = await runStep('build', 'npm', ['run', 'build']);
  if (interrupted) return;
  const { version } = await describeNode(process.execPath);
  const ownNodeEnv = { ...process.env };
  delete ownNodeEnv.SMCP_E2E_NODE;
  delete ownNodeEnv.SMCP_E2E_ROOT;
  await runVitest(
    `vitest (unit + e2e) on Node ${version}`,
    join(scratch, 'vitest.json'),
    [],
    ownNodeEnv,
  );
  for (const major of SERVICE_NODE_MAJORS) {
    if (interrupted) return;
    await runServiceNodeE2e(major, join(scratch, `e2e-node${major}.json`), distBuilt);
  }
  if (interrupted) return;
  await runConformance(distBuilt);
}

async function main() {
  const startedAt = Date.now();
  const scratch = mkdtempSync(join(tmpdir(), 'smcp-run-tests-'));
  try {
    await runAll(scratch);
  } catch (error) {
    process.stderr.write(`${error.stack ?? error}\n`);
    record('test runner', { passed: 0, failed: 1, seconds: 0, note: 'crashed' });
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  if (interrupted)
    record('interrupted', { passed: 0, failed: 1, seconds: 0, note: 'stopped by a signal' });
  printSummary(secondsSince(startedAt));
  const passed = results.reduce((sum, result) => sum + result.passed, 0);
  const failed = results.reduce((sum, result) => sum + result.failed, 0);
  process.stdout.write(`${passed} passed, ${failed} failed\n`);
  process.exitCode = failed > 0 ? 1 : 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await main();
}
