import { spawnSync } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  unlinkSync,
  writeFileSync,
  existsSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const BUILD_SCRIPT = resolve(__dirname, '..', 'scripts', 'build.mjs');

// Stands in for `nest build`: writes dist/cli.js and counts how often it ran.
const STAND_IN_COMPILER =
  `"${process.execPath}" -e "const fs=require('fs');fs.mkdirSync('dist',{recursive:true});` +
  `fs.writeFileSync('dist/cli.js','');fs.appendFileSync('compiles.log','x')"`;

describe('scripts/build.mjs (npm run build, and npm start through prestart)', () => {
  let root: string;

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'smcp-build-'));
    mkdirSync(join(root, 'src', 'feature'), { recursive: true });
    writeFileSync(join(root, 'tsconfig.json'), '{}');
    writeFileSync(join(root, 'src', 'cli.ts'), 'export const a = 1;\n');
    writeFileSync(join(root, 'src', 'feature', 'feature.service.ts'), 'export const b = 2;\n');
  });

  afterEach(() => rmSync(root, { force: true, recursive: true }));

  function build(...args: string[]) {
    const result = spawnSync(process.execPath, [BUILD_SCRIPT, ...args], {
      encoding: 'utf8',
      env: { ...process.env, SMCP_BUILD_COMMAND: STAND_IN_COMPILER, SMCP_BUILD_ROOT: root },
    });
    return { code: result.status, stdout: result.stdout, stderr: result.stderr };
  }

  const compiles = () =>
    existsSync(join(root, 'compiles.log'))
      ? readFileSync(join(root, 'compiles.log'), 'utf8').length
      : 0;

  it('--if-stale compiles once, then starts from the existing build', () => {
    expect(build('--if-stale').code).toBe(0);
    const second = build('--if-stale');
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('not rebuilding');
    expect(compiles()).toBe(1);
  });

  it('--if-stale compiles again when a source, a new file, a removed file or the settings change', () => {
    build('--if-stale');
    writeFileSync(join(root, 'src', 'cli.ts'), 'export const a = 3;\n');
    build('--if-stale');
    writeFileSync(join(root, 'src', 'feature', 'other.service.ts'), 'export const c = 4;\n');
    build('--if-stale');
    unlinkSync(join(root, 'src', 'feature', 'other.service.ts'));
    build('--if-stale');
    writeFileSync(join(root, 'tsconfig.json'), '{"compilerOptions":{}}');
    build('--if-stale');
    expect(compiles()).toBe(5);
  });

  it('--if-stale ignores specs and test fixtures, which are not compiled', () => {
    build('--if-stale');
    writeFileSync(join(root, 'src', 'feature', 'feature.service.spec.ts'), 'it("x", () => {});\n');
    writeFileSync(join(root, 'src', 'feature', 'data.fixture.ts'), 'export const d = 1;\n');
    build('--if-stale');
    expect(compiles()).toBe(1);
  });

  it('--if-stale compiles when dist/cli.js is gone, and a plain build always compiles', () => {
    build('--if-stale');
    rmSync(join(root, 'dist', 'cli.js'));
    build('--if-stale');
    build();
    expect(compiles()).toBe(3);
  });

  it('a failed compile leaves no digest behind, so the next start compiles again', () => {
    const failing = spawnSync(process.execPath, [BUILD_SCRIPT, '--if-stale'], {
      encoding: 'utf8',
      env: { ...process.env, SMCP_BUILD_COMMAND: 'exit 3', SMCP_BUILD_ROOT: root },
    });
    expect(failing.status).toBe(3);
    expect(existsSync(join(root, 'dist', '.source-digest'))).toBe(false);
    build('--if-stale');
    expect(compiles()).toBe(1);
  });

  it('refuses an unknown argument with usage and exit code 2', () => {
    const result = build('--force');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('usage: build.mjs [--if-stale]');
    expect(compiles()).toBe(0);
  });
});
