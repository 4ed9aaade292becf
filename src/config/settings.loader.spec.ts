import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

import { InvalidSettingsError } from './invalid-settings.error.js';
import { loadSettings } from './settings.loader.js';

let workDir: string;
let moduleCount = 0;

beforeAll(async () => {
  workDir = await mkdtemp(path.join(os.tmpdir(), 'smcp-settings-'));
});

afterAll(async () => {
  await rm(workDir, { recursive: true, force: true });
});

/** Writes a settings module under a fresh name (imported modules are cached by path). */
async function writeModule(extension: string, source: string): Promise<string> {
  moduleCount += 1;
  const file = path.join(workDir, `settings-${moduleCount}${extension}`);
  await writeFile(file, source);
  return file;
}

async function loadWithModule(extension: string, source: string, env: NodeJS.ProcessEnv = {}) {
  const file = await writeModule(extension, source);
  return { file, ...(await loadSettings({ SUPERSET_MCP_CONFIG_PATH: file, ...env }, workDir)) };
}

async function loadError(env: NodeJS.ProcessEnv): Promise<InvalidSettingsError> {
  const error: unknown = await loadSettings(env, workDir).catch((caught: unknown) => caught);
  if (!(error instanceof InvalidSettingsError)) {
    throw new Error(`expected an InvalidSettingsError, got ${String(error)}`);
  }
  return error;
}

describe(loadSettings.name, () => {
  describe('defaults', () => {
    it('uses the documented defaults when nothing is configured', async () => {
      const { settings, warnings } = await loadSettings({}, workDir);

      expect(warnings).toEqual([]);
      expect(settings).toEqual({
        sources: ['defaults'],
        MCP_SERVICE_HOST: '127.0.0.1',
        MCP_SERVICE_PORT: 5008,
        MCP_SERVICE_URL: null,
        MCP_DEBUG: false,
        SUPERSET_WEBSERVER_ADDRESS: 'http://localhost:9001',
        MCP_ALLOWED_ORIGINS: [],
        MCP_MAX_REQUEST_BYTES: 4 * 1024 * 1024,
        MCP_MAX_SESSIONS_PER_PRINCIPAL: 100,
        SQLALCHEMY_DATABASE_URI: null,
        SECRET_KEY: null,
        SUPERSET_MCP_DATA_DIR: path.join(workDir, '.superset-mcp'),
        SQL_MAX_ROW: 100_000,
        DISALLOWED_SQL_FUNCTIONS: null,
        MCP_DEV_USERNAME: null,
        MCP_AUTH_ENABLED: false,
        MCP_AUTH_FACTORY: null,
        MCP_JWT_ALGORITHM: 'RS256',
        MCP_JWKS_URI: null,
        MCP_JWT_PUBLIC_KEY: null,
        MCP_JWT_SECRET: null,
        MCP_JWT_ISSUER: null,
        MCP_JWT_AUDIENCE: null,
        MCP_JWT_LEEWAY_SECONDS: 30,
        MCP_REQUIRED_SCOPES: [],
        MCP_JWT_DEBUG_ERRORS: false,
        MCP_USER_RESOLVER: null,
        MCP_AUTHORIZATION_SERVERS: [],
        MCP_RBAC_ENABLED: true,
        MCP_TOOL_SCOPES: { read: null, write: null },
        FEATURE_FLAGS: {},
        AUTH_ROLE_ADMIN: 'Admin',
        AUTH_ROLE_PUBLIC: 'Public',
        MCP_DISABLED_TOOLS: [],
        MCP_STRUCTURED_OUTPUT_ENABLED: false,
        MCP_RESPONSE_SIZE_CONFIG: {
          enabled: true,
          token_limit: 25_000,
          max_bytes: null,
          warn_threshold_pct: 80,
          max_list_items: 100,
          excluded_tools: ['health_check', 'generate_explore_link', 'open_sql_lab_with_context'],
        },
        MCP_CACHE_CONFIG: {
          enabled: false,
          list_tools_ttl: 300,
          list_resources_ttl: 300,
          list_prompts_ttl: 300,
          read_resource_ttl: 3600,
          get_prompt_ttl: 3600,
          call_tool_ttl: 3600,
          max_item_size: 1_048_576,
          excluded_tools: [],
          CACHE_KEY_PREFIX: null,
          dangerously_share_cache_across_principals: false,
        },
        MCP_STORE_CONFIG: {
          enabled: false,
          CACHE_REDIS_URL: null,
          CACHE_KEY_PREFIX: 'superset_mcp_',
          session_ttl: 86_400,
          event_store_max_events: 100,
          event_store_ttl: 3600,
          event_store_prefix: 'mcp_events_',
        },
        MCP_ACCESS_CACHE_TTL: 10,
        MCP_RATE_LIMIT_CONFIG: {
          enabled: false,
          window_seconds: 60,
          http_requests_per_window: 600,
          tool_calls_per_window: 120,
          tool_limits: {},
          excluded_tools: [],
        },
        MCP_AUDIT_CONFIG: {
          enabled: true,
          batch_size: 100,
          flush_interval_ms: 1000,
          max_queue: 10_000,
        },
        MCP_METRICS_ENABLED: true,
        MCP_LOG_FORMAT: 'text',
        MCP_SHUTDOWN_TIMEOUT_SECONDS: 30,
        MCP_SESSION_CONFIG: {
          SESSION_COOKIE_HTTPONLY: true,
          SESSION_COOKIE_SECURE: false,
          SESSION_COOKIE_SAMESITE: 'Lax',
          SESSION_COOKIE_NAME: 'superset_session',
          PERMANENT_SESSION_LIFETIME: 86_400,
        },
        MCP_CSRF_CONFIG: { WTF_CSRF_ENABLED: true, WTF_CSRF_TIME_LIMIT: null },
        MCP_STATELESS_HTTP: true,
        MCP_CONFORMANCE_FIXTURES: false,
      });
    });

    it('freezes the settings, their dicts and their lists', async () => {
      const { settings } = await loadSettings({}, workDir);

      expect(Object.isFrozen(settings)).toBe(true);
      expect(Object.isFrozen(settings.sources)).toBe(true);
      expect(Object.isFrozen(settings.MCP_RESPONSE_SIZE_CONFIG)).toBe(true);
      expect(Object.isFrozen(settings.MCP_RESPONSE_SIZE_CONFIG.excluded_tools)).toBe(true);
      expect(Object.isFrozen(settings.MCP_SESSION_CONFIG)).toBe(true);
    });

    it('returns independent objects on each load', async () => {
      const first = await loadSettings({ MCP_DISABLED_TOOLS: 'execute_sql' }, workDir);
      const second = await loadSettings({}, workDir);

      expect(second.settings.MCP_DISABLED_TOOLS).toEqual([]);
      expect(second.settings.MCP_CACHE_CONFIG).not.toBe(first.settings.MCP_CACHE_CONFIG);
    });
  });

  describe('environment variables', () => {
    it.each<[string, string, string, unknown]>([
      ['MCP_SERVICE_HOST', '0.0.0.0', 'MCP_SERVICE_HOST', '0.0.0.0'],
      ['MCP_SERVICE_PORT', '8080', 'MCP_SERVICE_PORT', 8080],
      ['MCP_SERVICE_PORT', ' 8081 ', 'MCP_SERVICE_PORT', 8081],
      ['MCP_SERVICE_URL', 'https://mcp.example.com/', 'MCP_SERVICE_URL', 'https://mcp.example.com'],
      ['MCP_DEBUG', 'true', 'MCP_DEBUG', true],
      ['MCP_DEBUG', 'YES', 'MCP_DEBUG', true],
      ['MCP_DEBUG', '1', 'MCP_DEBUG', true],
      ['MCP_RBAC_ENABLED', 'false', 'MCP_RBAC_ENABLED', false],
      ['MCP_RBAC_ENABLED', 'No', 'MCP_RBAC_ENABLED', false],
      ['MCP_RBAC_ENABLED', '0', 'MCP_RBAC_ENABLED', false],
      [
        'SUPERSET_WEBSERVER_ADDRESS',
        'https://superset.example.com/',
        'SUPERSET_WEBSERVER_ADDRESS',
        'https://superset.example.com',
      ],
      [
        'MCP_ALLOWED_ORIGINS',
        'https://claude.ai, https://chatgpt.com/',
        'MCP_ALLOWED_ORIGINS',
        ['https://claude.ai', 'https://chatgpt.com'],
      ],
      [
        'MCP_REQUIRED_SCOPES',
        '["mcp:read", "mcp:write"]',
        'MCP_REQUIRED_SCOPES',
        ['mcp:read', 'mcp:write'],
      ],
      [
        'MCP_DISABLED_TOOLS',
        'execute_sql,,generate_chart',
        'MCP_DISABLED_TOOLS',
        ['execute_sql', 'generate_chart'],
      ],
      ['MCP_MAX_REQUEST_BYTES', '1048576', 'MCP_MAX_REQUEST_BYTES', 1_048_576],
      ['MCP_JWT_ALGORITHM', 'HS256', 'MCP_JWT_ALGORITHM', 'HS256'],
      ['MCP_JWT_ISSUER', 'https://idp.example.com', 'MCP_JWT_ISSUER', 'https://idp.example.com'],
      [
        'MCP_JWT_ISSUER',
        '["https://a.example", "https://b.example"]',
        'MCP_JWT_ISSUER',
        ['https://a.example', 'https://b.example'],
      ],
      ['MCP_JWT_AUDIENCE', 'superset-mcp', 'MCP_JWT_AUDIENCE', 'superset-mcp'],
      ['MCP_JWT_LEEWAY_SECONDS', '0', 'MCP_JWT_LEEWAY_SECONDS', 0],
      [
        'MCP_JWKS_URI',
        'https://idp.example.com/jwks.json',
        'MCP_JWKS_URI',
        'https://idp.example.com/jwks.json',
      ],
      [
        'MCP_AUTHORIZATION_SERVERS',
        'https://idp.example.com',
        'MCP_AUTHORIZATION_SERVERS',
        ['https://idp.example.com'],
      ],
      ['MCP_DEV_USERNAME', 'admin', 'MCP_DEV_USERNAME', 'admin'],
      ['SUPERSET_MCP_DATA_DIR', 'state', 'SUPERSET_MCP_DATA_DIR', 'state'],
      [
        'SUPERSET_MCP_DATA_DIR',
        '/var/lib/superset-mcp',
        'SUPERSET_MCP_DATA_DIR',
        '/var/lib/superset-mcp',
      ],
      ['MCP_API_KEY_ENABLED', 'true', 'MCP_API_KEY_ENABLED', true],
      ['MCP_GUEST_ALLOWED_TOOLS', 'list_charts', 'MCP_GUEST_ALLOWED_TOOLS', ['list_charts']],
      ['MCP_FEATURE_FLAGS', '{"X": true}', 'MCP_FEATURE_FLAGS', { X: true }],
      ['WEBDRIVER_BASEURL', 'http://superset:8088/', 'WEBDRIVER_BASEURL', 'http://superset:8088/'],
      [
        'MCP_DATASET_ROLE_ALLOWLIST',
        '{"Readers": ["0b9e8a36-7d3e-4c8e-9a55-9a3c3f5b2e11"]}',
        'MCP_DATASET_ROLE_ALLOWLIST',
        { Readers: ['0b9e8a36-7d3e-4c8e-9a55-9a3c3f5b2e11'] },
      ],
    ])('reads %s=%j', async (name, raw, key, value) => {
      const { settings } = await loadSettings({ [name]: raw }, workDir);

      const expectedValue =
        key === 'SUPERSET_MCP_DATA_DIR' ? path.resolve(workDir, value as string) : value;
      expect(settings[key as keyof typeof settings]).toEqual(expectedValue);
      expect(settings.sources).toEqual(['defaults', 'env']);
    });

    it.each([
      'postgresql://superset:secret@db:5432/superset',
      'postgres://superset@db/superset',
      'postgresql+psycopg2://superset:secret@db/superset?sslmode=require',
      'postgresql+psycopg://superset@db/superset',
      'sqlite:///superset.db',
      'sqlite:////var/lib/superset/superset.db',
      'sqlite://',
    ])('accepts the metadata database URI %s', async (uri) => {
      const { settings } = await loadSettings({ SQLALCHEMY_DATABASE_URI: uri }, workDir);

      expect(settings.SQLALCHEMY_DATABASE_URI).toBe(uri);
    });

    it('merges a JSON dict key by key over the defaults', async () => {
      const { settings } = await loadSettings(
        { MCP_RESPONSE_SIZE_CONFIG: '{"max_bytes": 1000}' },
        workDir,
      );

      expect(settings.MCP_RESPONSE_SIZE_CONFIG).toEqual({
        enabled: true,
        token_limit: 25_000,
        max_bytes: 1000,
        warn_threshold_pct: 80,
        max_list_items: 100,
        excluded_tools: ['health_check', 'generate_explore_link', 'open_sql_lab_with_context'],
      });
    });

    it('merges session and CSRF records and keeps extra Flask keys', async () => {
      const { settings } = await loadSettings(
        {
          MCP_SESSION_CONFIG:
            '{"SESSION_COOKIE_SECURE": true, "SESSION_COOKIE_DOMAIN": "example.com"}',
          MCP_CSRF_CONFIG: '{"WTF_CSRF_TIME_LIMIT": 3600}',
        },
        workDir,
      );

      expect(settings.MCP_SESSION_CONFIG).toMatchObject({
        SESSION_COOKIE_SECURE: true,
        SESSION_COOKIE_HTTPONLY: true,
        SESSION_COOKIE_DOMAIN: 'example.com',
      });
      expect(settings.MCP_CSRF_CONFIG).toEqual({
        WTF_CSRF_ENABLED: true,
        WTF_CSRF_TIME_LIMIT: 3600,
      });
    });

    it('accepts an enabled store with a Redis URL', async () => {
      const { settings } = await loadSettings(
        { MCP_STORE_CONFIG: '{"enabled": true, "CACHE_REDIS_URL": "redis://127.0.0.1:6379/0"}' },
        workDir,
      );

      expect(settings.MCP_STORE_CONFIG).toMatchObject({
        enabled: true,
        CACHE_REDIS_URL: 'redis://127.0.0.1:6379/0',
        CACHE_KEY_PREFIX: 'superset_mcp_',
      });
    });

    it.each<[NodeJS.ProcessEnv, string]>([
      [{ SECRET_KEY: 'from-secret-key' }, 'from-secret-key'],
      [{ SUPERSET_SECRET_KEY: 'from-superset-secret-key' }, 'from-superset-secret-key'],
      [{ SECRET_KEY: 'wins', SUPERSET_SECRET_KEY: 'loses' }, 'wins'],
      [{ SECRET_KEY: '', SUPERSET_SECRET_KEY: 'fallback' }, 'fallback'],
    ])('takes SECRET_KEY from %j', async (env, secretKey) => {
      const { settings } = await loadSettings(env, workDir);

      expect(settings.SECRET_KEY).toBe(secretKey);
    });

    it('ignores empty and blank variables', async () => {
      const { settings } = await loadSettings(
        { MCP_SERVICE_PORT: '', MCP_DEBUG: '  ', SUPERSET_MCP_CONFIG_PATH: '' },
        workDir,
      );

      expect(settings.MCP_SERVICE_PORT).toBe(5008);
      expect(settings.MCP_DEBUG).toBe(false);
      expect(settings.sources).toEqual(['defaults']);
    });

    it('warns about unknown MCP_ variables by name only', async () => {
      const { warnings } = await loadSettings(
        { MCP_SERVICE_PROT: '8080', MCP_SECRET_THING: 'do-not-print-me', MCP_DEBUG: 'true' },
        workDir,
      );

      expect(warnings).toEqual([
        'Unknown setting MCP_SERVICE_PROT in the environment (ignored); did you mean MCP_SERVICE_PORT?',
        'Unknown setting MCP_SECRET_THING in the environment (ignored)',
      ]);
      expect(warnings.join('\n')).not.toContain('do-not-print-me');
    });

    it('names the setting a misspelt variable most likely meant, whatever its prefix', async () => {
      const { settings, warnings } = await loadSettings(
        {
          MCP_AUTH_ENABLE: 'true',
          SQLALCHEMY_DATABASE_URL: 'postgresql://u:do-not-print-me@db/superset',
          mcp_debug: 'true',
        },
        workDir,
      );

      expect(warnings).toEqual([
        'Unknown setting MCP_AUTH_ENABLE in the environment (ignored); did you mean MCP_AUTH_ENABLED?',
        'Unknown setting SQLALCHEMY_DATABASE_URL in the environment (ignored); did you mean SQLALCHEMY_DATABASE_URI?',
        'Unknown setting mcp_debug in the environment (ignored); did you mean MCP_DEBUG?',
      ]);
      expect(warnings.join('\n')).not.toContain('do-not-print-me');
      expect(settings.misspelledSettings).toEqual({
        MCP_AUTH_ENABLE: 'MCP_AUTH_ENABLED',
        SQLALCHEMY_DATABASE_URL: 'SQLALCHEMY_DATABASE_URI',
        mcp_debug: 'MCP_DEBUG',
      });
      expect(settings.MCP_AUTH_ENABLED).toBe(false);
    });

    it('warns about a near miss of a feature flag the service reads, not about the others', async () => {
      const { settings, warnings } = await loadSettings(
        { FEATURE_FLAGS: '{"DASHBORD_RBAC": true, "DASHBOARD_CROSS_FILTERS": true}' },
        workDir,
      );

      expect(warnings).toEqual([
        'FEATURE_FLAGS.DASHBORD_RBAC is not read here; did you mean DASHBOARD_RBAC?',
      ]);
      expect(settings.FEATURE_FLAGS.DASHBOARD_RBAC).toBeUndefined();
    });

    it('suggests the key a misspelt dict key meant', async () => {
      await expect(loadSettings({ MCP_CACHE_CONFIG: '{"enable": true}' }, workDir)).rejects.toThrow(
        'MCP_CACHE_CONFIG.enable: unknown key; did you mean enabled?',
      );
    });

    it('does not warn about variables that are not ours', async () => {
      const { warnings } = await loadSettings(
        {
          PATH: '/usr/bin',
          HOME: '/root',
          NODE_ENV: 'test',
          SUPERSET_SECRET_KEY: 'x',
          FOO_MCP_BAR: '1',
        },
        workDir,
      );

      expect(warnings).toEqual([]);
    });
  });

  describe('settings module', () => {
    it.each<[string, string]>([
      ['.cjs', 'module.exports = { MCP_SERVICE_PORT: 6001, MCP_DEBUG: true };'],
      ['.js', 'module.exports = { MCP_SERVICE_PORT: 6001, MCP_DEBUG: true };'],
      ['.js', 'exports.MCP_SERVICE_PORT = 6001;\nexports.MCP_DEBUG = true;'],
      ['.mjs', 'export default { MCP_SERVICE_PORT: 6001, MCP_DEBUG: true };'],
      ['.mjs', 'export const MCP_SERVICE_PORT = 6001;\nexport const MCP_DEBUG = true;'],
      [
        '.ts',
        'const port: number = 6001;\nexport default { MCP_SERVICE_PORT: port, MCP_DEBUG: true as boolean };',
      ],
      ['.ts', 'export const MCP_SERVICE_PORT: number = 6001;\nexport const MCP_DEBUG = true;'],
      ['.ts', 'module.exports = { MCP_SERVICE_PORT: 6001, MCP_DEBUG: true };'],
    ])('loads a %s module: %s', async (extension, source) => {
      const { settings, warnings, file } = await loadWithModule(extension, source);

      expect(settings.MCP_SERVICE_PORT).toBe(6001);
      expect(settings.MCP_DEBUG).toBe(true);
      expect(settings.sources).toEqual(['defaults', `file:${file}`]);
      expect(warnings).toEqual([]);
    });

    it('resolves a relative SUPERSET_MCP_CONFIG_PATH against the working directory', async () => {
      const file = await writeModule('.cjs', 'module.exports = { MCP_SERVICE_PORT: 6002 };');

      const { settings } = await loadSettings(
        { SUPERSET_MCP_CONFIG_PATH: path.basename(file) },
        workDir,
      );

      expect(settings.MCP_SERVICE_PORT).toBe(6002);
      expect(settings.sources).toEqual(['defaults', `file:${file}`]);
    });

    it('keeps functions exported by the module', async () => {
      const { settings } = await loadWithModule(
        '.ts',
        [
          "import type { TokenPrincipal } from './nothing-at-runtime';",
          'export const MCP_AUTH_FACTORY = () => ({ verify: async (token: string) => ({ token }) });',
          "export const MCP_USER_RESOLVER = (principal: TokenPrincipal) => principal.subject ?? 'nobody';",
        ].join('\n'),
      );

      expect(settings.MCP_AUTH_FACTORY).toBeTypeOf('function');
      expect(settings.MCP_USER_RESOLVER?.({ subject: 'alice' } as never)).toBe('alice');
      expect(settings.MCP_USER_RESOLVER?.({ subject: null } as never)).toBe('nobody');
    });

    it('lets the module require files next to it', async () => {
      await writeFile(path.join(workDir, 'shared-port.cjs'), 'module.exports = 6003;');

      const { settings } = await loadWithModule(
        '.ts',
        "const port: number = require('./shared-port.cjs');\nexport const MCP_SERVICE_PORT = port;",
      );

      expect(settings.MCP_SERVICE_PORT).toBe(6003);
    });

    it('turns sets into lists, as a translated superset_config.py may use them', async () => {
      const { settings } = await loadWithModule(
        '.cjs',
        [
          "exports.MCP_DISABLED_TOOLS = new Set(['execute_sql']);",
          "exports.MCP_CACHE_CONFIG = { excluded_tools: new Set(['generate_chart']) };",
        ].join('\n'),
      );

      expect(settings.MCP_DISABLED_TOOLS).toEqual(['execute_sql']);
      expect(settings.MCP_CACHE_CONFIG.excluded_tools).toEqual(['generate_chart']);
    });

    it('warns about unknown exports but not about module plumbing', async () => {
      const { warnings, file } = await loadWithModule(
        '.ts',
        'export const ROW_LIMIT = 5000;\nexport const MCP_DEBUG = true;\nexport default { SQLLAB_TIMEOUT: 30 };',
      );

      expect(warnings).toEqual([
        `Unknown setting SQLLAB_TIMEOUT in ${file} (ignored)`,
        `Unknown setting ROW_LIMIT in ${file} (ignored)`,
      ]);
    });

    it('names the setting a misspelt export most likely meant', async () => {
      const { settings, warnings, file } = await loadWithModule(
        '.js',
        'module.exports = { MCP_AUTH_ENABLE: true, MCP_JWKS_URL: "https://idp/jwks" };',
      );

      expect(warnings).toEqual([
        `Unknown setting MCP_AUTH_ENABLE in ${file} (ignored); did you mean MCP_AUTH_ENABLED?`,
        `Unknown setting MCP_JWKS_URL in ${file} (ignored); did you mean MCP_JWKS_URI?`,
      ]);
      expect(settings.misspelledSettings).toEqual({
        MCP_AUTH_ENABLE: 'MCP_AUTH_ENABLED',
        MCP_JWKS_URL: 'MCP_JWKS_URI',
      });
    });

    it('accepts the upstream keys operators copy from superset_config.py', async () => {
      const { settings, warnings } = await loadWithModule(
        '.mjs',
        [
          'export const MCP_API_KEY_ENABLED = null;',
          "export const MCP_API_KEY_CREATE_URL = '/profile/';",
          'export const MCP_EMBEDDED_GUEST_AUTH_ENABLED = false;',
          "export const MCP_GUEST_ALLOWED_TOOLS = new Set(['list_charts']);",
          'export const MCP_RESTRICTED_TOOL_POLICY = () => null;',
          'export const MCP_DISABLED_CHART_PLUGINS = [];',
          'export const MCP_CHART_PLUGIN_ENABLED_FUNC = null;',
          'export const MCP_ERROR_HOOK = () => undefined;',
          "export const MCP_TOOL_SEARCH_CONFIG = { enabled: false, strategy: 'bm25' };",
          'export const MCP_DATASET_ROLE_ALLOWLIST = null;',
          'export const MCP_BUG_REPORT_CONTACT = null;',
          'export const MCP_FACTORY_CONFIG = { name: null };',
          'export const MCP_FEATURE_FLAGS = {};',
          "export const MCP_ADMIN_USERNAME = 'admin';",
          'export const MCP_PARSE_REQUEST_ENABLED = true;',
          "export const WEBDRIVER_BASEURL = 'http://localhost:9001/';",
        ].join('\n'),
      );

      expect(warnings).toEqual([]);
      expect(settings).toMatchObject({
        MCP_API_KEY_ENABLED: null,
        MCP_GUEST_ALLOWED_TOOLS: ['list_charts'],
        MCP_TOOL_SEARCH_CONFIG: { enabled: false, strategy: 'bm25' },
        MCP_ADMIN_USERNAME: 'admin',
        WEBDRIVER_BASEURL: 'http://localhost:9001/',
      });
      expect(settings.MCP_ERROR_HOOK).toBeTypeOf('function');
    });

    it('drops upstream-only dict keys with a warning', async () => {
      const { settings, warnings } = await loadWithModule(
        '.cjs',
        [
          'module.exports = {',
          "  MCP_STORE_CONFIG: { WRAPPER_TYPE: 'key_value.aio.wrappers.prefix_keys.PrefixKeysWrapper' },",
          '};',
        ].join('\n'),
      );

      expect(warnings).toEqual([
        'MCP_STORE_CONFIG.WRAPPER_TYPE is an upstream Superset option with no effect here (ignored)',
      ]);
      expect(settings.MCP_STORE_CONFIG).not.toHaveProperty('WRAPPER_TYPE');
    });
  });

  describe('precedence', () => {
    it('lets the environment beat the module and the module beat the defaults', async () => {
      const { settings, file } = await loadWithModule(
        '.cjs',
        "module.exports = { MCP_SERVICE_PORT: 7000, MCP_SERVICE_HOST: '0.0.0.0', SECRET_KEY: 'from-file' };",
        { MCP_SERVICE_PORT: '9000', SUPERSET_SECRET_KEY: 'from-env' },
      );

      expect(settings.MCP_SERVICE_PORT).toBe(9000);
      expect(settings.MCP_SERVICE_HOST).toBe('0.0.0.0');
      expect(settings.MCP_DEBUG).toBe(false);
      expect(settings.SECRET_KEY).toBe('from-env');
      expect(settings.sources).toEqual(['defaults', `file:${file}`, 'env']);
    });

    it('merges dicts key by key across defaults, module and environment', async () => {
      const { settings } = await loadWithModule(
        '.mjs',
        'export const MCP_CACHE_CONFIG = { enabled: true, call_tool_ttl: 10, list_tools_ttl: 20 };',
        { MCP_CACHE_CONFIG: '{"call_tool_ttl": 30}' },
      );

      expect(settings.MCP_CACHE_CONFIG).toEqual({
        enabled: true,
        list_tools_ttl: 20,
        list_resources_ttl: 300,
        list_prompts_ttl: 300,
        read_resource_ttl: 3600,
        get_prompt_ttl: 3600,
        call_tool_ttl: 30,
        max_item_size: 1_048_576,
        excluded_tools: [],
        CACHE_KEY_PREFIX: null,
        dangerously_share_cache_across_principals: false,
      });
    });

    it('resolves a data directory from the module against the working directory', async () => {
      const { settings } = await loadWithModule(
        '.cjs',
        "module.exports = { SUPERSET_MCP_DATA_DIR: 'demo-data' };",
      );

      expect(settings.SUPERSET_MCP_DATA_DIR).toBe(path.join(workDir, 'demo-data'));
    });
  });

  describe('validation', () => {
    it.each<[NodeJS.ProcessEnv, string]>([
      [
        { MCP_SERVICE_PORT: 'abc' },
        'MCP_SERVICE_PORT: expected an integer from 1 to 65535, got "abc"',
      ],
      [
        { MCP_SERVICE_PORT: '70000' },
        'MCP_SERVICE_PORT: expected an integer from 1 to 65535, got 70000',
      ],
      [
        { MCP_SERVICE_PORT: '80.5' },
        'MCP_SERVICE_PORT: expected an integer from 1 to 65535, got 80.5',
      ],
      [{ MCP_DEBUG: 'maybe' }, 'MCP_DEBUG: expected true or false, got "maybe"'],
      [
        { MCP_SERVICE_URL: 'ftp://files.example.com' },
        'MCP_SERVICE_URL: expected an http(s) URL, got "ftp://files.example.com"',
      ],
      [
        { SUPERSET_WEBSERVER_ADDRESS: 'localhost:9001' },
        'SUPERSET_WEBSERVER_ADDRESS: expected an http(s) URL, got "localhost:9001"',
      ],
      [
        { MCP_ALLOWED_ORIGINS: 'https://claude.ai,https://claude.ai/chat' },
        'MCP_ALLOWED_ORIGINS[1]: expected an origin such as https://claude.ai, got "https://claude.ai/chat"',
      ],
      [
        { MCP_REQUIRED_SCOPES: '["a", 1]' },
        'MCP_REQUIRED_SCOPES[1]: expected a non-empty string, got 1',
      ],
      [
        { MCP_REQUIRED_SCOPES: '[broken' },
        'MCP_REQUIRED_SCOPES: expected a list of names, got "[broken"',
      ],
      [
        { MCP_JWT_ALGORITHM: 'none' },
        'MCP_JWT_ALGORITHM: expected one of RS256, RS384, RS512, ES256, ES384, ES512, PS256, PS384, PS512, HS256, HS384, HS512, got "none"',
      ],
      [
        { MCP_JWT_LEEWAY_SECONDS: '301' },
        'MCP_JWT_LEEWAY_SECONDS: expected an integer from 0 to 300, got 301',
      ],
      [
        { MCP_JWT_ISSUER: '[]' },
        'MCP_JWT_ISSUER: expected a non-empty string or a non-empty list of strings, got a list',
      ],
      [{ MCP_JWKS_URI: 'jwks.json' }, 'MCP_JWKS_URI: expected an http(s) URL, got "jwks.json"'],
      [
        { MCP_AUTH_FACTORY: 'my_package.auth.factory' },
        'MCP_AUTH_FACTORY: expected a function (functions can only come from the settings module), got "my_package.auth.factory"',
      ],
      [
        { MCP_CACHE_CONFIG: '{not json' },
        'MCP_CACHE_CONFIG: expected a JSON object, got "{not json"',
      ],
      [{ MCP_CACHE_CONFIG: '[1, 2]' }, 'MCP_CACHE_CONFIG: expected a JSON object, got a list'],
      [
        { MCP_RESPONSE_SIZE_CONFIG: '{"max_byts": 1000}' },
        'MCP_RESPONSE_SIZE_CONFIG.max_byts: unknown key; did you mean max_bytes?',
      ],
      [
        { MCP_RESPONSE_SIZE_CONFIG: '{"max_bytes": "big"}' },
        'MCP_RESPONSE_SIZE_CONFIG.max_bytes: expected an integer of at least 1, got "big"',
      ],
      [
        { MCP_RESPONSE_SIZE_CONFIG: '{"warn_threshold_pct": 120}' },
        'MCP_RESPONSE_SIZE_CONFIG.warn_threshold_pct: expected an integer from 1 to 100, got 120',
      ],
      [
        { MCP_STORE_CONFIG: '{"enabled": true}' },
        'MCP_STORE_CONFIG.CACHE_REDIS_URL: required when MCP_STORE_CONFIG.enabled is true',
      ],
      [
        { MCP_STORE_CONFIG: '{"session_tll": 5}' },
        'MCP_STORE_CONFIG.session_tll: unknown key; did you mean session_ttl?',
      ],
      [
        { MCP_SESSION_CONFIG: '{"SESSION_COOKIE_SAMESITE": "lax"}' },
        `MCP_SESSION_CONFIG.SESSION_COOKIE_SAMESITE: expected 'Lax', 'Strict', 'None' or null, got "lax"`,
      ],
      [
        { MCP_DATASET_ROLE_ALLOWLIST: '{"Readers": ["not-a-uuid"]}' },
        'MCP_DATASET_ROLE_ALLOWLIST.Readers[0]: expected a dataset UUID, got "not-a-uuid"',
      ],
      [
        { SQLALCHEMY_DATABASE_URI: 'mysql://superset:hunter2@db/superset' },
        "SQLALCHEMY_DATABASE_URI: unsupported metadata database scheme 'mysql'; supported: postgresql, sqlite",
      ],
      [
        { SQLALCHEMY_DATABASE_URI: 'mssql+pyodbc://sa:hunter2@db/superset' },
        "SQLALCHEMY_DATABASE_URI: unsupported metadata database scheme 'mssql+pyodbc'; supported: postgresql, sqlite",
      ],
      [
        { SQLALCHEMY_DATABASE_URI: 'sqlite://host/superset.db' },
        'SQLALCHEMY_DATABASE_URI: sqlite URIs take no host: use sqlite:///relative/path, sqlite:////absolute/path or sqlite:// (in memory)',
      ],
      [
        { SQLALCHEMY_DATABASE_URI: 'postgresql://superset:hunter2@db/superset?sslmode=verify' },
        "SQLALCHEMY_DATABASE_URI: unsupported sslmode 'verify'; supported: disable, allow, prefer, require, verify-ca, verify-full",
      ],
      [
        { SQLALCHEMY_DATABASE_URI: 'postgresql://superset:hunter2@db:99999/superset' },
        'SQLALCHEMY_DATABASE_URI: not a valid postgresql URI (percent-encode special characters of the user name and password)',
      ],
      [
        { MCP_SERVICE_URL: 'https://ops:hunter2@mcp.example.com' },
        'MCP_SERVICE_URL: must not contain a user name or password: it would be shown in links, metadata and logs',
      ],
      [
        { SUPERSET_WEBSERVER_ADDRESS: 'https://admin:hunter2@superset.example.com' },
        'SUPERSET_WEBSERVER_ADDRESS: must not contain a user name or password: it would be shown in links, metadata and logs',
      ],
      [
        { MCP_JWKS_URI: 'https://client:hunter2@idp.example.com/jwks' },
        'MCP_JWKS_URI: must not contain a user name or password: it would be shown in links, metadata and logs',
      ],
      [
        { MCP_AUTHORIZATION_SERVERS: 'https://client:hunter2@idp.example.com' },
        'MCP_AUTHORIZATION_SERVERS[0]: must not contain a user name or password: it would be shown in links, metadata and logs',
      ],
      [
        { SQLALCHEMY_DATABASE_URI: 'superset:hunter2@db/superset' },
        'SQLALCHEMY_DATABASE_URI: expected a URI such as postgresql://user:password@host/superset or sqlite:////abs/path/superset.db',
      ],
    ])('rejects %j', async (env, problem) => {
      const error = await loadError(env);

      expect(error.problems).toEqual([problem]);
      expect(error.message).toBe(`Invalid settings: ${problem}`);
    });

    it('reports every bad key at once', async () => {
      const error = await loadError({ MCP_SERVICE_PORT: '0', MCP_DEBUG: 'perhaps' });

      expect(error.problems).toEqual([
        'MCP_SERVICE_PORT: expected an integer from 1 to 65535, got 0',
        'MCP_DEBUG: expected true or false, got "perhaps"',
      ]);
      expect(error.message).toBe(`Invalid settings: ${error.problems.join('; ')}`);
    });

    it.each<[string, string]>([
      ['.cjs', 'module.exports = { MCP_SERVICE_PORT: "6004", MCP_SERVICE_HOST: "" };'],
      ['.mjs', 'export default { MCP_SERVICE_PORT: "6004", MCP_SERVICE_HOST: "" };'],
    ])('validates values from a %s module without coercing strings', async (extension, source) => {
      const file = await writeModule(extension, source);

      const error = await loadError({ SUPERSET_MCP_CONFIG_PATH: file });

      expect(error.problems).toEqual([
        'MCP_SERVICE_HOST: expected a non-empty string, got ""',
        'MCP_SERVICE_PORT: expected an integer from 1 to 65535, got "6004"',
      ]);
    });
  });

  describe('secrets in messages', () => {
    const secret = 'hunter2-do-not-print';

    it.each<[string, string]>([
      ['SECRET_KEY', `module.exports = { SECRET_KEY: ['${secret}'] };`],
      ['MCP_JWT_SECRET', `module.exports = { MCP_JWT_SECRET: { value: '${secret}' } };`],
      ['MCP_JWT_SECRET', `module.exports = { MCP_JWT_SECRET: 12345 };`],
      ['MCP_JWT_PUBLIC_KEY', `module.exports = { MCP_JWT_PUBLIC_KEY: ['${secret}'] };`],
      ['SQLALCHEMY_DATABASE_URI', `module.exports = { SQLALCHEMY_DATABASE_URI: ['${secret}'] };`],
    ])('does not show the value of %s from a module', async (key, source) => {
      const file = await writeModule('.cjs', source);

      const error = await loadError({ SUPERSET_MCP_CONFIG_PATH: file });

      expect(error.problems).toHaveLength(1);
      expect(error.message).toContain(`${key}: expected`);
      expect(error.message).not.toContain(secret);
      expect(error.message).not.toContain('12345');
      expect(error.message).not.toContain('got');
    });

    it.each<NodeJS.ProcessEnv>([
      { SQLALCHEMY_DATABASE_URI: `mysql://superset:${secret}@db/superset` },
      { SQLALCHEMY_DATABASE_URI: `sqlite://superset:${secret}@db/superset` },
      { SQLALCHEMY_DATABASE_URI: `superset:${secret}@db/superset` },
      { MCP_STORE_CONFIG: `{"enabled": true, "CACHE_REDIS_URL": "http://:${secret}@cache"}` },
      { MCP_STORE_CONFIG: `{"enabled": true, "CACHE_REDIS_URL": "redis://:${secret}@cache"` },
      { MCP_SERVICE_URL: `ftp://deploy:${secret}@files.example.com` },
      { MCP_AUTHORIZATION_SERVERS: `ldap://admin:${secret}@directory` },
    ])('does not show the secret in %j', async (env) => {
      const error = await loadError(env);

      expect(error.problems).toHaveLength(1);
      expect(error.message).not.toContain(secret);
    });
  });

  describe('settings module problems', () => {
    it('fails on a missing file', async () => {
      const file = path.join(workDir, 'missing.js');

      await expect(loadSettings({ SUPERSET_MCP_CONFIG_PATH: file }, workDir)).rejects.toThrow(
        `Invalid settings: SUPERSET_MCP_CONFIG_PATH: no file at ${file}`,
      );
    });

    it('fails on an unsupported extension', async () => {
      const file = await writeModule('.json', '{"MCP_DEBUG": true}');

      await expect(loadSettings({ SUPERSET_MCP_CONFIG_PATH: file }, workDir)).rejects.toThrow(
        `SUPERSET_MCP_CONFIG_PATH: expected a .js, .cjs, .mjs or .ts file, got ${file}`,
      );
    });

    it.each<[string, string, string]>([
      ['.cjs', "throw new Error('boom');", 'boom'],
      ['.mjs', "throw new Error('boom');", 'boom'],
      ['.ts', 'const broken: number = ;', ''],
    ])('names the module when a %s module fails to load', async (extension, source, reason) => {
      const file = await writeModule(extension, source);

      const error = await loadError({ SUPERSET_MCP_CONFIG_PATH: file });

      expect(error.message).toContain(
        `SUPERSET_MCP_CONFIG_PATH: loading ${file} failed: ${reason}`,
      );
      expect(error.cause).toBeInstanceOf(Error);
    });

    it('fails when the module exports something other than settings', async () => {
      const file = await writeModule('.cjs', 'module.exports = 42;');

      await expect(loadSettings({ SUPERSET_MCP_CONFIG_PATH: file }, workDir)).rejects.toThrow(
        'SUPERSET_MCP_CONFIG_PATH: the module must export an object of settings or named settings',
      );
    });

    it('asks for a .js module when TypeScript cannot be loaded', async () => {
      const file = await writeModule('.ts', 'export const MCP_SERVICE_PORT: number = 6005;');
      vi.doMock('typescript', () => {
        throw new Error('Cannot find module typescript');
      });

      try {
        await expect(loadSettings({ SUPERSET_MCP_CONFIG_PATH: file }, workDir)).rejects.toThrow(
          `SUPERSET_MCP_CONFIG_PATH: ${file} is TypeScript but the typescript package cannot be loaded; use a .js settings module instead`,
        );
      } finally {
        vi.doUnmock('typescript');
      }
    });
  });
});
