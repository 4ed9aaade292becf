#!/usr/bin/env node
// `npm run build`: compiles src/ into dist/ with the Nest CLI and records a digest of what it
// compiled. With --if-stale (`npm start`), it compiles only when that digest no longer matches the
// sources, so a second `npm start` starts at once instead of rebuilding for half a minute.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const DEFAULT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CONFIG_FILES = ['tsconfig.json', 'tsconfig.build.json', 'nest-cli.json'];
const DIGEST_FILE = join('dist', '.source-digest');

/** Compiled sources: what tsconfig.build.json takes (specs and test fixtures stay out). */
function isCompiledSource(name) {
  return name.endsWith('.ts') && !name.endsWith('.spec.ts') && !name.endsWith('.fixture.ts');
}

function sourceFiles(root, folder = 'src') {
  const files = [];
  for (const entry of readdirSync(join(root, folder), { withFileTypes: true })) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) files.push(...sourceFiles(root, path));
    else if (isCompiledSource(entry.name)) files.push(path);
  }
  return files;
}

/** One digest over the names and contents of the sources and the compiler settings. */
export function sourceDigest(root) {
  const hash = createHash('sha256');
  const files = [
    ...CONFIG_FILES.filter((file) => existsSync(join(root, file))),
    ...sourceFiles(root),
  ];
  for (const file of files.sort()) {
    hash.update(`${file}\0`);
    hash.update(readFileSync(join(root, file)));
    hash.update('\0');
  }
  return hash.digest('hex');
}

function builtDigest(root) {
  const file = join(root, DIGEST_FILE);
  if (!existsSync(file) || !existsSync(join(root, 'dist', 'cli.js'))) return null;
  return readFileSync(file, 'utf8').trim();
}

/** The compiler to run; tests swap in a stand-in through SMCP_BUILD_COMMAND. */
function compile(root) {
  const command = process.env.SMCP_BUILD_COMMAND;
  const result = command
    ? spawnSync(command, { cwd: root, shell: true, stdio: 'inherit' })
    : spawnSync(
        process.execPath,
        [join(root, 'node_modules', '@nestjs', 'cli', 'bin', 'nest.js'), 'build'],
        {
          cwd: root,
          stdio: 'inherit',
        },
      );
  return result.status ?? 1;
}

export function build(root, { ifStale }) {
  const digest = sourceDigest(root);
  if (ifStale && builtDigest(root) === digest) {
    process.stdout.write(
      `dist/ is up to date with ${relative(process.cwd(), join(root, 'src')) || 'src'}; not rebuilding\n`,
    );
    return 0;
  }
  // A compile that fails half-way must not leave an earlier digest looking current.
  rmSync(join(root, DIGEST_FILE), { force: true });
  const status = compile(root);
  if (status === 0) writeFileSync(join(root, DIGEST_FILE), `${digest}\n`);
  return status;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const unknown = args.filter((arg) => arg !== '--if-stale');
  if (unknown.length > 0) {
    process.stderr.write(`build: unknown argument ${unknown[0]}; usage: build.mjs [--if-stale]\n`);
    process.exit(2);
  }
  const root = process.env.SMCP_BUILD_ROOT ? resolve(process.env.SMCP_BUILD_ROOT) : DEFAULT_ROOT;
  process.exit(build(root, { ifStale: args.includes('--if-stale') }));
}
