import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import vm from 'node:vm';

import { z } from 'zod';

import { closestName } from './closest-name.js';
import { InvalidSettingsError } from './invalid-settings.error.js';
import { redactUri } from './redact.js';
import type { Settings } from './settings.js';
import {
  FEATURE_FLAGS_READ,
  IGNORED_UPSTREAM_DICT_KEYS,
  SECRET_SETTINGS,
  SETTINGS_DEFAULTS,
  settingsSchema,
} from './settings.schema.js';

export interface LoadedSettings {
  settings: Settings;
  /** Problems worth a log line that do not stop start-up (unknown keys, ignored upstream keys). */
  warnings: string[];
}

type SettingValues = Record<string, unknown>;

type EnvKind = 'flag' | 'number' | 'list' | 'string-or-list' | 'dict' | 'text';

const KNOWN_SETTINGS: ReadonlySet<string> = new Set(Object.keys(settingsSchema.shape));

/** Environment variables the loader reads besides the settings themselves. */
const OTHER_ENV_NAMES: ReadonlySet<string> = new Set([
  'SUPERSET_MCP_CONFIG_PATH',
  'SUPERSET_SECRET_KEY',
]);

/** Unknown names close to a known setting: given name → the setting it most likely meant. */
type Misspellings = Record<string, string>;

/**
 * Builds the settings from, later wins: defaults, the settings module named by
 * `SUPERSET_MCP_CONFIG_PATH`, then environment variables. Dicts merge key by key across layers.
 * Throws `InvalidSettingsError` naming every bad key.
 */
export async function loadSettings(
  env: NodeJS.ProcessEnv = process.env,
  cwd = process.cwd(),
): Promise<LoadedSettings> {
  const warnings: string[] = [];
  const misspelled: Misspellings = {};
  const sources = ['defaults'];
  const layers: SettingValues[] = [SETTINGS_DEFAULTS];

  const configPath = env.SUPERSET_MCP_CONFIG_PATH?.trim();
  if (configPath) {
    const file = path.resolve(cwd, configPath);
    const exported = settingsFromExports(await readSettingsModule(file));
    layers.push(knownSettings(exported, file, warnings, misspelled));
    sources.push(`file:${file}`);
  }

  const fromEnv = readEnvironment(env, warnings, misspelled);
  if (Object.keys(fromEnv).length > 0) {
    layers.push(fromEnv);
    sources.push('env');
  }

  const merged = dropIgnoredUpstreamKeys(mergeLayers(layers), warnings);
  const result = settingsSchema.safeParse(merged, { reportInput: true });
  if (!result.success) {
    throw new InvalidSettingsError(result.error.issues.flatMap(describeIssue));
  }
  warnings.push(...featureFlagNearMisses(result.data.FEATURE_FLAGS));
  const settings: Settings = {
    ...result.data,
    SUPERSET_MCP_DATA_DIR: path.resolve(cwd, result.data.SUPERSET_MCP_DATA_DIR),
    ...(Object.keys(misspelled).length > 0 ? { misspelledSettings: misspelled } : {}),
    sources,
  };
  return { settings: deepFreeze(settings), warnings };
}

async function readSettingsModule(file: string): Promise<unknown> {
  if (!existsSync(file)) {
    throw new InvalidSettingsError([`SUPERSET_MCP_CONFIG_PATH: no file at ${file}`]);
  }
  const extension = path.extname(file);
  if (!['.js', '.cjs', '.mjs', '.ts'].includes(extension)) {
    throw new InvalidSettingsError([
      `SUPERSET_MCP_CONFIG_PATH: expected a .js, .cjs, .mjs or .ts file, got ${file}`,
    ]);
  }
  try {
    return extension === '.ts'
      ? await loadTypeScriptModule(file)
      : ((await import(pathToFileURL(file).href)) as unknown);
  } catch (error) {
    if (error instanceof InvalidSettingsError) {
      throw error;
    }
    const reason = error instanceof Error ? error.message : String(error);
    throw new InvalidSettingsError(
      [`SUPERSET_MCP_CONFIG_PATH: loading ${file} failed: ${reason}`],
      {
        cause: error,
      },
    );
  }
}

async function loadTypeScriptModule(file: string): Promise<unknown> {
  const requireFromFile = createRequire(file);
  try {
    return requireFromFile(file);
  } catch {
    // No TypeScript loader is registered: Node read the file as JavaScript and met TypeScript syntax.
  }
  const ts = await import('typescript').then(
    (typescript) => typescript.default,
    () => null,
  );
  if (ts === null) {
    throw new InvalidSettingsError([
      `SUPERSET_MCP_CONFIG_PATH: ${file} is TypeScript but the typescript package cannot be loaded; use a .js settings module instead`,
    ]);
  }
  const { outputText } = ts.transpileModule(readFileSync(file, 'utf8'), {
    fileName: file,
    compilerOptions: {
      module: ts.ModuleKind.CommonJS,
      target: ts.ScriptTarget.ES2022,
      esModuleInterop: true,
    },
  });
  const module = { exports: {} as unknown };
  const run = vm.compileFunction(
    outputText,
    ['exports', 'require', 'module', '__filename', '__dirname'],
    { filename: file },
  ) as (...args: unknown[]) => void;
  run(module.exports, requireFromFile, module, file, path.dirname(file));
  return module.exports;
}

/** A module's settings: its default export object (unwrapped through CommonJS interop) plus named exports. */
function settingsFromExports(exported: unknown, depth = 0): SettingValues {
  const defaultExport = isObject(exported) ? exported.default : undefined;
  if (!isObject(exported) || (defaultExport !== undefined && !isObject(defaultExport))) {
    throw new InvalidSettingsError([
      'SUPERSET_MCP_CONFIG_PATH: the module must export an object of settings or named settings',
    ]);
  }
  const base =
    depth < 2 && isObject(defaultExport) ? settingsFromExports(defaultExport, depth + 1) : {};
  const named = Object.entries(exported).filter(
    ([key, value]) =>
      key !== 'default' && !key.startsWith('__') && key !== 'module.exports' && value !== undefined,
  );
  return {
    ...base,
    ...Object.fromEntries(named.map(([key, value]) => [key, setsToArrays(value)])),
  };
}

function knownSettings(
  values: SettingValues,
  file: string,
  warnings: string[],
  misspelled: Misspellings,
): SettingValues {
  const known: SettingValues = {};
  for (const [key, value] of Object.entries(values)) {
    if (KNOWN_SETTINGS.has(key)) {
      known[key] = value;
      continue;
    }
    const meant = closestName(key, KNOWN_SETTINGS);
    if (meant !== null) misspelled[key] = meant;
    warnings.push(`Unknown setting ${key} in ${file} (ignored)${didYouMean(meant)}`);
  }
  return known;
}

function readEnvironment(
  env: NodeJS.ProcessEnv,
  warnings: string[],
  misspelled: Misspellings,
): SettingValues {
  const values: SettingValues = {};
  for (const [name, raw] of Object.entries(env)) {
    if (raw === undefined || raw.trim() === '') {
      continue;
    }
    if (KNOWN_SETTINGS.has(name)) {
      values[name] = parseEnvValue(raw, envKindOf(name));
      continue;
    }
    if (OTHER_ENV_NAMES.has(name)) {
      continue;
    }
    // Any prefix: SQLALCHEMY_DATABASE_URL silently meant the demo instead of the real database.
    const meant = closestName(name, KNOWN_SETTINGS);
    if (meant !== null) misspelled[name] = meant;
    if (meant !== null || name.startsWith('MCP_')) {
      warnings.push(`Unknown setting ${name} in the environment (ignored)${didYouMean(meant)}`);
    }
  }
  const supersetSecretKey = env.SUPERSET_SECRET_KEY;
  if (values.SECRET_KEY === undefined && supersetSecretKey?.trim()) {
    values.SECRET_KEY = supersetSecretKey;
  }
  return values;
}

/** `FEATURE_FLAGS` holds all of Superset's flags; only a near miss of one read here is suspicious. */
function featureFlagNearMisses(flags: Readonly<Record<string, boolean>>): string[] {
  return Object.keys(flags).flatMap((flag) => {
    if (FEATURE_FLAGS_READ.includes(flag)) return [];
    const meant = closestName(flag, FEATURE_FLAGS_READ);
    return meant === null ? [] : [`FEATURE_FLAGS.${flag} is not read here${didYouMean(meant)}`];
  });
}

function didYouMean(meant: string | null): string {
  return meant === null ? '' : `; did you mean ${meant}?`;
}

function envKindOf(key: string): EnvKind {
  let schema: z.core.$ZodType = settingsSchema.shape[key as keyof typeof settingsSchema.shape];
  while (schema instanceof z.ZodNullable || schema instanceof z.ZodOptional) {
    schema = schema.unwrap();
  }
  if (schema instanceof z.ZodBoolean) return 'flag';
  if (schema instanceof z.ZodNumber) return 'number';
  if (schema instanceof z.ZodArray) return 'list';
  if (schema instanceof z.ZodUnion) return 'string-or-list';
  if (schema instanceof z.ZodObject || schema instanceof z.ZodRecord) return 'dict';
  return 'text';
}

/** Converts an environment string to the setting's type; leaves it as is when it does not convert, so validation reports it. */
function parseEnvValue(raw: string, kind: EnvKind): unknown {
  const trimmed = raw.trim();
  switch (kind) {
    case 'flag': {
      const lower = trimmed.toLowerCase();
      if (['true', '1', 'yes'].includes(lower)) return true;
      if (['false', '0', 'no'].includes(lower)) return false;
      return raw;
    }
    case 'number':
      return /^[+-]?\d+(\.\d+)?$/.test(trimmed) ? Number(trimmed) : raw;
    case 'list':
      return trimmed.startsWith('[')
        ? parseJson(trimmed)
        : trimmed
            .split(',')
            .map((item) => item.trim())
            .filter((item) => item !== '');
    case 'string-or-list':
      return trimmed.startsWith('[') ? parseJson(trimmed) : trimmed;
    case 'dict':
      return parseJson(trimmed);
    case 'text':
      return raw;
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function mergeLayers(layers: readonly SettingValues[]): SettingValues {
  const merged: SettingValues = {};
  for (const layer of layers) {
    for (const [key, value] of Object.entries(layer)) {
      const previous = merged[key];
      merged[key] =
        isPlainObject(previous) && isPlainObject(value) ? { ...previous, ...value } : value;
    }
  }
  return merged;
}

function dropIgnoredUpstreamKeys(merged: SettingValues, warnings: string[]): SettingValues {
  for (const [setting, keys] of Object.entries(IGNORED_UPSTREAM_DICT_KEYS)) {
    const dict = merged[setting];
    if (!isPlainObject(dict)) {
      continue;
    }
    const present = keys.filter((key) => key in dict);
    if (present.length > 0) {
      merged[setting] = Object.fromEntries(
        Object.entries(dict).filter(([key]) => !keys.includes(key)),
      );
      warnings.push(
        ...present.map(
          (key) => `${setting}.${key} is an upstream Superset option with no effect here (ignored)`,
        ),
      );
    }
  }
  return merged;
}

function describeIssue(issue: z.core.$ZodIssue): string[] {
  const where = formatPath(issue.path);
  if (issue.code === 'unrecognized_keys') {
    const allowed = allowedKeys(issue.path);
    return issue.keys.map(
      (key) => `${where}.${key}: unknown key${didYouMean(closestName(key, allowed))}`,
    );
  }
  if (!issue.message.startsWith('expected ') || isSecretPath(issue.path)) {
    return [`${where}: ${issue.message}`];
  }
  return [`${where}: ${issue.message}, got ${describeValue(issue.input)}`];
}

/** The keys of the dict setting at `segments`, to suggest one for an unknown key. */
function allowedKeys(segments: readonly PropertyKey[]): string[] {
  let schema: z.core.$ZodType | undefined =
    settingsSchema.shape[String(segments[0]) as keyof typeof settingsSchema.shape];
  while (schema instanceof z.ZodNullable || schema instanceof z.ZodOptional) {
    schema = schema.unwrap();
  }
  if (schema instanceof z.ZodPipe) schema = schema.in;
  return schema instanceof z.ZodObject ? Object.keys(schema.shape) : [];
}

function formatPath(segments: readonly PropertyKey[]): string {
  return segments.reduce<string>(
    (text, segment) =>
      typeof segment === 'number'
        ? `${text}[${segment}]`
        : `${text}${text === '' ? '' : '.'}${String(segment)}`,
    '',
  );
}

function isSecretPath(segments: readonly PropertyKey[]): boolean {
  const [setting, key] = segments;
  return (
    SECRET_SETTINGS.has(String(setting)) ||
    (setting === 'MCP_STORE_CONFIG' && (key === undefined || key === 'CACHE_REDIS_URL'))
  );
}

function describeValue(value: unknown): string {
  if (typeof value === 'string') {
    const shown = /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? redactUri(value) : value;
    return JSON.stringify(shown.length > 60 ? `${shown.slice(0, 60)}…` : shown);
  }
  if (typeof value === 'function') return 'a function';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object' && value !== null) return 'an object';
  return String(value);
}

function isObject(value: unknown): value is SettingValues {
  return typeof value === 'object' && value !== null;
}

function isPlainObject(value: unknown): value is SettingValues {
  return Object.prototype.toString.call(value) === '[object Object]';
}

/** Python configs use sets for tool lists; a translated settings module may too. */
function setsToArrays(value: unknown): unknown {
  if (value instanceof Set) {
    return [...(value as Set<unknown>)];
  }
  if (isPlainObject(value)) {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, setsToArrays(item)]),
    );
  }
  return value;
}

function deepFreeze<T>(value: T): T {
  if (Array.isArray(value) || isPlainObject(value)) {
    Object.values(value).forEach(deepFreeze);
    Object.freeze(value);
  }
  return value;
}
