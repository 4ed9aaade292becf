import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';

import { describe, expect, it } from 'vitest';

// semver ships no types of its own; these are the three calls used here.
const semver = createRequire(__filename)('semver') as {
  minVersion(range: string): { version: string } | null;
  satisfies(version: string, range: string): boolean;
  major(version: string): number;
};

interface LockedPackage {
  readonly dev?: boolean;
  readonly engines?: { readonly node?: string } | readonly string[];
}

const ROOT = resolve(__dirname, '..');
const manifest = JSON.parse(readFileSync(resolve(ROOT, 'package.json'), 'utf8')) as {
  engines: { node: string };
};
const lock = JSON.parse(readFileSync(resolve(ROOT, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, LockedPackage>;
};

/** The oldest release of each Node line that package.json says the service runs on. */
function oldestSupportedReleases(range: string): string[] {
  return range.split('||').map((part) => semver.minVersion(part.trim())?.version ?? part);
}

describe('runtime dependencies and the Node versions the README promises', () => {
  const releases = oldestSupportedReleases(manifest.engines.node);

  it('package.json names Node 20, 22 and 24', () => {
    expect(releases.map((version) => semver.major(version))).toEqual([20, 22, 24]);
  });

  it('every production package in the lockfile accepts each of them (no EBADENGINE at runtime)', () => {
    const refusing: string[] = [];
    for (const [path, locked] of Object.entries(lock.packages)) {
      if (path === '' || locked.dev) continue;
      const wanted = Array.isArray(locked.engines)
        ? undefined
        : (locked.engines as { node?: string } | undefined)?.node;
      if (!wanted) continue;
      for (const release of releases) {
        if (!semver.satisfies(release, wanted))
          refusing.push(`${path} wants node ${wanted}, not ${release}`);
      }
    }
    expect(refusing).toEqual([]);
  });
});
