#!/usr/bin/env node
// `npm run bench`: builds the service, then runs every benchmark in bench/ one after another.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const run = (command, args) => {
  const result = spawnSync(command, args, { cwd: ROOT, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
};

run('npm', ['run', 'build', '--silent']);
for (const file of readdirSync(join(ROOT, 'bench'))
  .filter((name) => name.endsWith('.bench.mjs'))
  .sort()) {
  console.log(`\n# ${file}`);
  run(process.execPath, [join(ROOT, 'bench', file)]);
}
