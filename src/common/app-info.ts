import { readFileSync } from 'node:fs';
import { join } from 'node:path';

interface PackageJson {
  readonly name: string;
  readonly version: string;
}

// dist/common/ and src/common/ are both two levels below the package root.
const packageJson = JSON.parse(
  readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8'),
) as PackageJson;

export const APP_NAME = 'superset-mcp';
export const APP_VERSION = packageJson.version;
