import { z } from 'zod';

import type {
  AuthFactory,
  ChartPluginEnabledFunc,
  ErrorHook,
  RestrictedToolPolicy,
  UserResolver,
} from './settings.js';

export const JWT_ALGORITHMS = [
  'RS256',
  'RS384',
  'RS512',
  'ES256',
  'ES384',
  'ES512',
  'PS256',
  'PS384',
  'PS512',
  'HS256',
  'HS384',
  'HS512',
] as const;

/** Settings whose values must never appear in a message or a log. */
export const SECRET_SETTINGS: ReadonlySet<string> = new Set([
  'SECRET_KEY',
  'MCP_JWT_SECRET',
  'MCP_JWT_PUBLIC_KEY',
  'SQLALCHEMY_DATABASE_URI',
]);

/** The entries of Superset's `FEATURE_FLAGS` the service reads; a near miss of one is warned about. */
export const FEATURE_FLAGS_READ: readonly string[] = ['DASHBOARD_RBAC'];

/** Keys of upstream's dicts that have no meaning here: dropped with a warning instead of failing. */
export const IGNORED_UPSTREAM_DICT_KEYS: Readonly<Record<string, readonly string[]>> = {
  MCP_STORE_CONFIG: ['WRAPPER_TYPE'],
};

const expected = (what: string) => ({ error: `expected ${what}` });

const flag = () => z.boolean(expected('true or false'));

const integer = (min: number, max?: number) => {
  const message = expected(
    max === undefined ? `an integer of at least ${min}` : `an integer from ${min} to ${max}`,
  );
  const atLeastMin = z.int(message).min(min, message);
  return max === undefined ? atLeastMin : atLeastMin.max(max, message);
};

const text = () => z.string(expected('a non-empty string')).min(1, expected('a non-empty string'));

const names = () =>
  z.array(
    z.string(expected('a non-empty string')).min(1, expected('a non-empty string')),
    expected('a list of names'),
  );

function isHttpUrl(value: string): boolean {
  return URL.canParse(value) && ['http:', 'https:'].includes(new URL(value).protocol);
}

function hasCredentials(value: string): boolean {
  return URL.canParse(value) && (new URL(value).username !== '' || new URL(value).password !== '');
}

/** An http(s) URL without credentials: these URLs are shown in links, metadata and logs. */
const httpUrl = () =>
  z
    .string(expected('an http(s) URL'))
    .refine(isHttpUrl, expected('an http(s) URL'))
    .refine((value) => !isHttpUrl(value) || !hasCredentials(value), {
      error:
        'must not contain a user name or password: it would be shown in links, metadata and logs',
    });

const baseUrl = () => httpUrl().transform((url) => url.replace(/\/+$/, ''));

function isOrigin(value: string): boolean {
  if (!isHttpUrl(value)) {
    return false;
  }
  const url = new URL(value);
  return url.pathname === '/' && !url.search && !url.hash && !url.username && !url.password;
}

const origin = () => {
  const message = expected('an origin such as https://claude.ai');
  return z
    .string(message)
    .refine(isOrigin, message)
    .transform((value) => new URL(value).origin);
};

const stringOrList = () => {
  const message = expected('a non-empty string or a non-empty list of strings');
  return z.union(
    [z.string(message).min(1, message), z.array(text(), message).min(1, message)],
    message,
  );
};

const fn = <T>() =>
  z.custom<T>(
    (value) => typeof value === 'function',
    expected('a function (functions can only come from the settings module)'),
  );

const METADATA_URI_SCHEMES = [
  'postgresql',
  'postgres',
  'postgresql+psycopg2',
  'postgresql+psycopg',
];

/** What is wrong with a metadata database URI, phrased without echoing it (it may hold a password). */
function metadataUriProblem(uri: string): string | null {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(uri)?.[1];
  if (scheme === undefined) {
    return 'expected a URI such as postgresql://user:password@host/superset or sqlite:////abs/path/superset.db';
  }
  if (scheme === 'sqlite') {
    return uri === 'sqlite://' || uri.startsWith('sqlite:///')
      ? null
      : 'sqlite URIs take no host: use sqlite:///relative/path, sqlite:////absolute/path or sqlite:// (in memory)';
  }
  if (!METADATA_URI_SCHEMES.includes(scheme)) {
    return `unsupported metadata database scheme '${scheme}'; supported: postgresql, sqlite`;
  }
  if (!URL.canParse(uri)) {
    return 'not a valid postgresql URI (percent-encode special characters of the user name and password)';
  }
  const sslmode = new URL(uri).searchParams.get('sslmode');
  return sslmode === null || POSTGRES_SSL_MODES.includes(sslmode)
    ? null
    : `unsupported sslmode '${sslmode}'; supported: ${POSTGRES_SSL_MODES.join(', ')}`;
}

/** libpq's sslmode values, as the metadata database connection maps them. */
const POSTGRES_SSL_MODES = ['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full'];

const metadataUri = () =>
  z.string(expected('a database URI')).superRefine((uri, context) => {
    const problem = metadataUriProblem(uri);
    if (problem !== null) {
      context.addIssue({ code: 'custom', message: problem });
    }
  });

const redisUrl = () =>
  z
    .string(expected('a redis:// or rediss:// URL'))
    .refine(
      (url) => /^rediss?:\/\//i.test(url) && URL.canParse(url),
      expected('a redis:// or rediss:// URL'),
    );

const responseSizeConfig = z.strictObject(
  {
    enabled: flag(),
    token_limit: integer(1),
    max_bytes: integer(1).nullable(),
    warn_threshold_pct: integer(1, 100),
    max_list_items: integer(1),
    excluded_tools: names(),
  },
  expected('a JSON object'),
);

const cacheConfig = z.strictObject(
  {
    enabled: flag(),
    list_tools_ttl: integer(0),
    list_resources_ttl: integer(0),
    list_prompts_ttl: integer(0),
    read_resource_ttl: integer(0),
    get_prompt_ttl: integer(0),
    call_tool_ttl: integer(0),
    max_item_size: integer(1),
    excluded_tools: names(),
    CACHE_KEY_PREFIX: z.string(expected('a string')).nullable(),
    dangerously_share_cache_across_principals: flag(),
  },
  expected('a JSON object'),
);

const rateLimitConfig = z.strictObject(
  {
    enabled: flag(),
    window_seconds: integer(1, 86_400),
    http_requests_per_window: integer(1),
    tool_calls_per_window: integer(1),
    tool_limits: z.record(
      z.string(),
      integer(1),
      expected('a JSON object mapping tool names to calls per window'),
    ),
    excluded_tools: names(),
  },
  expected('a JSON object'),
);

const auditConfig = z.strictObject(
  {
    enabled: flag(),
    batch_size: integer(1, 10_000),
    flush_interval_ms: integer(10, 60_000),
    max_queue: integer(1, 1_000_000),
  },
  expected('a JSON object'),
);

const storeConfig = z
  .strictObject(
    {
      enabled: flag(),
      CACHE_REDIS_URL: redisUrl().nullable(),
      CACHE_KEY_PREFIX: z.string(expected('a string')),
      session_ttl: integer(1),
      event_store_max_events: integer(1),
      event_store_ttl: integer(1),
      event_store_prefix: z.string(expected('a string')),
    },
    expected('a JSON object'),
  )
  .superRefine((store, context) => {
    if (store.enabled && !store.CACHE_REDIS_URL) {
      context.addIssue({
        code: 'custom',
        path: ['CACHE_REDIS_URL'],
        message: 'required when MCP_STORE_CONFIG.enabled is true',
      });
    }
  });

const sessionConfig = z.looseObject(
  {
    SESSION_COOKIE_HTTPONLY: flag(),
    SESSION_COOKIE_SECURE: flag(),
    SESSION_COOKIE_SAMESITE: z
      .enum(['Lax', 'Strict', 'None'], expected("'Lax', 'Strict', 'None' or null"))
      .nullable(),
    SESSION_COOKIE_NAME: text(),
    PERMANENT_SESSION_LIFETIME: integer(0),
  },
  expected('a JSON object'),
);

const csrfConfig = z.looseObject(
  { WTF_CSRF_ENABLED: flag(), WTF_CSRF_TIME_LIMIT: integer(0).nullable() },
  expected('a JSON object'),
);

const dict = () => z.record(z.string(), z.unknown(), expected('a JSON object'));

const datasetRoleAllowlist = () =>
  z.record(
    z.string(),
    z.array(z.guid(expected('a dataset UUID')), expected('a list of dataset UUIDs')),
    expected('a JSON object mapping role names to lists of dataset UUIDs'),
  );

export const settingsSchema = z.object({
  MCP_SERVICE_HOST: text(),
  MCP_SERVICE_PORT: integer(1, 65535),
  MCP_SERVICE_URL: baseUrl().nullable(),
  MCP_DEBUG: flag(),
  SUPERSET_WEBSERVER_ADDRESS: baseUrl(),
  MCP_ALLOWED_ORIGINS: z.array(origin(), expected('a list of origins')),
  MCP_MAX_REQUEST_BYTES: integer(1),

  SQLALCHEMY_DATABASE_URI: metadataUri().nullable(),
  SECRET_KEY: text().nullable(),
  SUPERSET_MCP_DATA_DIR: text(),
  SQL_MAX_ROW: integer(1, 10_000_000),
  DISALLOWED_SQL_FUNCTIONS: z
    .record(z.string(), names(), expected('a JSON object mapping engine names to function names'))
    .nullable(),

  MCP_DEV_USERNAME: text().nullable(),
  MCP_AUTH_ENABLED: flag(),
  MCP_AUTH_FACTORY: fn<AuthFactory>().nullable(),
  MCP_JWT_ALGORITHM: z.enum(JWT_ALGORITHMS, expected(`one of ${JWT_ALGORITHMS.join(', ')}`)),
  MCP_JWKS_URI: httpUrl().nullable(),
  MCP_JWT_PUBLIC_KEY: text().nullable(),
  MCP_JWT_SECRET: text().nullable(),
  MCP_JWT_ISSUER: stringOrList().nullable(),
  MCP_JWT_AUDIENCE: stringOrList().nullable(),
  MCP_JWT_LEEWAY_SECONDS: integer(0, 300),
  MCP_REQUIRED_SCOPES: names(),
  MCP_JWT_DEBUG_ERRORS: flag(),
  MCP_USER_RESOLVER: fn<UserResolver>().nullable(),
  MCP_AUTHORIZATION_SERVERS: z.array(httpUrl(), expected('a list of http(s) URLs')),
  MCP_RBAC_ENABLED: flag(),
  MCP_TOOL_SCOPES: z.strictObject(
    { read: text().nullable(), write: text().nullable() },
    expected('an object {"read": scope or null, "write": scope or null}'),
  ),
  FEATURE_FLAGS: z.record(
    z.string(),
    z.boolean(expected('true or false')),
    expected('a JSON object of feature flags, e.g. {"DASHBOARD_RBAC": true}'),
  ),
  AUTH_ROLE_ADMIN: text(),
  AUTH_ROLE_PUBLIC: text(),

  MCP_DISABLED_TOOLS: names(),
  MCP_STRUCTURED_OUTPUT_ENABLED: flag(),
  MCP_RESPONSE_SIZE_CONFIG: responseSizeConfig,
  MCP_CACHE_CONFIG: cacheConfig,
  MCP_STORE_CONFIG: storeConfig,
  MCP_MAX_SESSIONS_PER_PRINCIPAL: integer(1),
  MCP_ACCESS_CACHE_TTL: integer(0, 3600),
  MCP_RATE_LIMIT_CONFIG: rateLimitConfig,
  MCP_AUDIT_CONFIG: auditConfig,
  MCP_METRICS_ENABLED: flag(),
  MCP_LOG_FORMAT: z.enum(['text', 'json'], expected("'text' or 'json'")),
  MCP_SHUTDOWN_TIMEOUT_SECONDS: integer(0, 600),
  MCP_SESSION_CONFIG: sessionConfig,
  MCP_CSRF_CONFIG: csrfConfig,
  MCP_STATELESS_HTTP: flag(),
  MCP_CONFORMANCE_FIXTURES: flag(),

  MCP_API_KEY_ENABLED: flag().nullable().optional(),
  MCP_API_KEY_CREATE_URL: text().optional(),
  MCP_EMBEDDED_GUEST_AUTH_ENABLED: flag().optional(),
  MCP_GUEST_ALLOWED_TOOLS: names().optional(),
  MCP_RESTRICTED_TOOL_POLICY: fn<RestrictedToolPolicy>().nullable().optional(),
  MCP_DISABLED_CHART_PLUGINS: names().optional(),
  MCP_CHART_PLUGIN_ENABLED_FUNC: fn<ChartPluginEnabledFunc>().nullable().optional(),
  MCP_ERROR_HOOK: fn<ErrorHook>().nullable().optional(),
  MCP_TOOL_SEARCH_CONFIG: dict().optional(),
  MCP_DATASET_ROLE_ALLOWLIST: datasetRoleAllowlist().nullable().optional(),
  MCP_BUG_REPORT_CONTACT: text().nullable().optional(),
  MCP_FACTORY_CONFIG: dict().optional(),
  MCP_FEATURE_FLAGS: dict().optional(),
  MCP_ADMIN_USERNAME: text().nullable().optional(),
  MCP_PARSE_REQUEST_ENABLED: flag().optional(),
  WEBDRIVER_BASEURL: httpUrl().optional(),
});

export type SettingsInput = z.input<typeof settingsSchema>;

/** The lowest layer of settings. `SUPERSET_MCP_DATA_DIR` is resolved against the working directory later. */
export const SETTINGS_DEFAULTS = {
  MCP_SERVICE_HOST: '127.0.0.1',
  MCP_SERVICE_PORT: 5008,
  MCP_SERVICE_URL: null,
  MCP_DEBUG: false,
  SUPERSET_WEBSERVER_ADDRESS: 'http://localhost:9001',
  MCP_ALLOWED_ORIGINS: [],
  MCP_MAX_REQUEST_BYTES: 4 * 1024 * 1024,

  SQLALCHEMY_DATABASE_URI: null,
  SECRET_KEY: null,
  SUPERSET_MCP_DATA_DIR: './.superset-mcp',
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
  MCP_MAX_SESSIONS_PER_PRINCIPAL: 100,
  MCP_ACCESS_CACHE_TTL: 10,
  MCP_RATE_LIMIT_CONFIG: {
    enabled: false,
    window_seconds: 60,
    http_requests_per_window: 600,
    tool_calls_per_window: 120,
    tool_limits: {},
    excluded_tools: [],
  },
  MCP_AUDIT_CONFIG: { enabled: true, batch_size: 100, flush_interval_ms: 1000, max_queue: 10_000 },
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
} satisfies SettingsInput;
