import type { INestApplicationContext } from '@nestjs/common';

/**
 * The service's typed settings. Property names are Superset's own configuration keys so that a
 * `superset_config.py` translates one to one. Only `src/config/` builds this object; every other
 * class receives it through `@InjectSettings()`.
 */
export interface Settings {
  /** Where the settings came from, for the start-up banner (never contains secrets). */
  readonly sources: readonly string[];
  /**
   * Unknown setting names that are close to a known one (`MCP_AUTH_ENABLE` → `MCP_AUTH_ENABLED`),
   * from the environment or the settings module; already warned about. Absent when built by hand.
   */
  readonly misspelledSettings?: Readonly<Record<string, string>>;

  // Service
  readonly MCP_SERVICE_HOST: string;
  readonly MCP_SERVICE_PORT: number;
  /** Public base URL of this service (used in OAuth metadata and client snippets). */
  readonly MCP_SERVICE_URL: string | null;
  readonly MCP_DEBUG: boolean;
  /** Base URL of the Superset web app, for links in tool responses. */
  readonly SUPERSET_WEBSERVER_ADDRESS: string;
  /** Origins allowed to call /mcp from a browser, in addition to same-host loopback origins. */
  readonly MCP_ALLOWED_ORIGINS: readonly string[];
  /** Largest accepted request body, in bytes. */
  readonly MCP_MAX_REQUEST_BYTES: number;

  // Metadata database and secrets
  readonly SQLALCHEMY_DATABASE_URI: string | null;
  /** `SECRET_KEY`, else `SUPERSET_SECRET_KEY`; null when neither is set. */
  readonly SECRET_KEY: string | null;
  /** Folder of the embedded demo (SQLite metadata DB + examples DB). */
  readonly SUPERSET_MCP_DATA_DIR: string;
  /** Most rows one SQL statement may return (Superset's `SQL_MAX_ROW`). */
  readonly SQL_MAX_ROW: number;
  /** Engine name → functions SQL may not call; null keeps Superset's defaults. */
  readonly DISALLOWED_SQL_FUNCTIONS: Readonly<Record<string, readonly string[]>> | null;

  // Auth
  readonly MCP_DEV_USERNAME: string | null;
  readonly MCP_AUTH_ENABLED: boolean;
  readonly MCP_AUTH_FACTORY: AuthFactory | null;
  readonly MCP_JWT_ALGORITHM: string;
  readonly MCP_JWKS_URI: string | null;
  readonly MCP_JWT_PUBLIC_KEY: string | null;
  readonly MCP_JWT_SECRET: string | null;
  readonly MCP_JWT_ISSUER: string | readonly string[] | null;
  readonly MCP_JWT_AUDIENCE: string | readonly string[] | null;
  readonly MCP_JWT_LEEWAY_SECONDS: number;
  readonly MCP_REQUIRED_SCOPES: readonly string[];
  readonly MCP_JWT_DEBUG_ERRORS: boolean;
  readonly MCP_USER_RESOLVER: UserResolver | null;
  readonly MCP_AUTHORIZATION_SERVERS: readonly string[];
  readonly MCP_RBAC_ENABLED: boolean;
  /** Token scopes a caller needs for read-only and for mutating tools; null = not required. */
  readonly MCP_TOOL_SCOPES: { readonly read: string | null; readonly write: string | null };
  /** Superset's feature flags that change access rules (`DASHBOARD_RBAC`). */
  readonly FEATURE_FLAGS: Readonly<Record<string, boolean>>;
  /** Name of Superset's admin role (`AUTH_ROLE_ADMIN`). */
  readonly AUTH_ROLE_ADMIN: string;
  readonly AUTH_ROLE_PUBLIC: string;

  // Tools and responses
  readonly MCP_DISABLED_TOOLS: readonly string[];
  readonly MCP_STRUCTURED_OUTPUT_ENABLED: boolean;
  readonly MCP_RESPONSE_SIZE_CONFIG: ResponseSizeConfig;
  readonly MCP_CACHE_CONFIG: CacheConfig;
  readonly MCP_STORE_CONFIG: StoreConfig;
  /** Open sessions one principal (user and token subject; client address in dev mode) may hold. */
  readonly MCP_MAX_SESSIONS_PER_PRINCIPAL: number;
  /** Seconds a caller's user, roles, groups and permission pairs are reused; 0 reads them every call. */
  readonly MCP_ACCESS_CACHE_TTL: number;
  readonly MCP_RATE_LIMIT_CONFIG: RateLimitConfig;
  /** Tool calls written to Superset's `logs` table (its Action Log). */
  readonly MCP_AUDIT_CONFIG: AuditConfig;
  /** Serves Prometheus metrics at /metrics. */
  readonly MCP_METRICS_ENABLED: boolean;
  /** `text` for people, `json` (one object per line) for log collectors. */
  readonly MCP_LOG_FORMAT: 'text' | 'json';
  /** How long a shutdown waits for calls in flight before closing. */
  readonly MCP_SHUTDOWN_TIMEOUT_SECONDS: number;
  readonly MCP_SESSION_CONFIG: Readonly<Record<string, unknown>>;
  readonly MCP_CSRF_CONFIG: Readonly<Record<string, unknown>>;
  readonly MCP_STATELESS_HTTP: boolean;
  /** Registers the conformance suite's fixture tools, resources and prompts. Test only. */
  readonly MCP_CONFORMANCE_FIXTURES: boolean;

  // Upstream keys accepted so a copied `superset_config.py` loads cleanly; absent unless set.
  readonly MCP_API_KEY_ENABLED?: boolean | null;
  readonly MCP_API_KEY_CREATE_URL?: string;
  readonly MCP_EMBEDDED_GUEST_AUTH_ENABLED?: boolean;
  readonly MCP_GUEST_ALLOWED_TOOLS?: readonly string[];
  readonly MCP_RESTRICTED_TOOL_POLICY?: RestrictedToolPolicy | null;
  readonly MCP_DISABLED_CHART_PLUGINS?: readonly string[];
  readonly MCP_CHART_PLUGIN_ENABLED_FUNC?: ChartPluginEnabledFunc | null;
  readonly MCP_ERROR_HOOK?: ErrorHook | null;
  readonly MCP_TOOL_SEARCH_CONFIG?: Readonly<Record<string, unknown>>;
  /** Role name → dataset UUIDs a holder of that role may use; null means no routing limit. */
  readonly MCP_DATASET_ROLE_ALLOWLIST?: Readonly<Record<string, readonly string[]>> | null;
  readonly MCP_BUG_REPORT_CONTACT?: string | null;
  readonly MCP_FACTORY_CONFIG?: Readonly<Record<string, unknown>>;
  readonly MCP_FEATURE_FLAGS?: Readonly<Record<string, unknown>>;
  readonly MCP_ADMIN_USERNAME?: string | null;
  readonly MCP_PARSE_REQUEST_ENABLED?: boolean;
  readonly WEBDRIVER_BASEURL?: string;
}

export interface ResponseSizeConfig {
  readonly enabled: boolean;
  /** Estimated tokens a response may take. */
  readonly token_limit: number;
  /** Serialized UTF-8 bytes a response may take, when set (checked as well as token_limit). */
  readonly max_bytes: number | null;
  readonly warn_threshold_pct: number;
  readonly max_list_items: number;
  readonly excluded_tools: readonly string[];
}

export interface CacheConfig {
  readonly enabled: boolean;
  readonly list_tools_ttl: number;
  readonly list_resources_ttl: number;
  readonly list_prompts_ttl: number;
  readonly read_resource_ttl: number;
  readonly get_prompt_ttl: number;
  readonly call_tool_ttl: number;
  readonly max_item_size: number;
  readonly excluded_tools: readonly string[];
  /** Prefix of cache keys in Redis; null: MCP_STORE_CONFIG.CACHE_KEY_PREFIX followed by `cache:`. */
  readonly CACHE_KEY_PREFIX: string | null;
  /** Upstream's switch for one cache entry per call regardless of who asked; off unless set. */
  readonly dangerously_share_cache_across_principals: boolean;
}

export interface RateLimitConfig {
  readonly enabled: boolean;
  /** Length of the sliding window. */
  readonly window_seconds: number;
  /** HTTP requests to /mcp one principal may make per window (429 beyond). */
  readonly http_requests_per_window: number;
  /** Tool calls one user may make per window, across tools. */
  readonly tool_calls_per_window: number;
  /** Per-tool limits per user and window, tighter than tool_calls_per_window. */
  readonly tool_limits: Readonly<Record<string, number>>;
  readonly excluded_tools: readonly string[];
}

export interface AuditConfig {
  readonly enabled: boolean;
  /** Rows written per INSERT. */
  readonly batch_size: number;
  readonly flush_interval_ms: number;
  /** Rows held while the metadata database is away; beyond it the oldest are dropped and counted. */
  readonly max_queue: number;
}

export interface StoreConfig {
  readonly enabled: boolean;
  readonly CACHE_REDIS_URL: string | null;
  readonly CACHE_KEY_PREFIX: string;
  readonly session_ttl: number;
  readonly event_store_max_events: number;
  readonly event_store_ttl: number;
  readonly event_store_prefix: string;
}

/** What an auth provider returns for a verified bearer token. */
export interface TokenPrincipal {
  readonly subject: string | null;
  readonly clientId: string | null;
  readonly scopes: readonly string[];
  readonly claims: Readonly<Record<string, unknown>>;
  /** Expiry, seconds since the epoch. */
  readonly expiresAt: number;
}

export interface AuthProvider {
  verify(token: string): Promise<TokenPrincipal>;
}

export type AuthFactory = (app: INestApplicationContext) => AuthProvider | Promise<AuthProvider>;

/** Maps a verified token to a Superset username (or null when it names nobody). */
export type UserResolver = (principal: TokenPrincipal) => string | null | Promise<string | null>;

/** Given the calling user, the only tools they may call, or null when they are not restricted. */
export type RestrictedToolPolicy = (
  user: unknown,
) => Iterable<string> | null | Promise<Iterable<string> | null>;

/** Whether a chart type plugin is offered; overrides `MCP_DISABLED_CHART_PLUGINS` when set. */
export type ChartPluginEnabledFunc = (chartType: string) => boolean;

/** Receives unexpected tool errors, e.g. to forward them to an error tracker. */
export type ErrorHook = (error: unknown, context: Readonly<Record<string, unknown>>) => void;
