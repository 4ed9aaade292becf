import type { Settings } from './settings.js';

/** A setting the service accepts but does not act on yet, and when a configuration relies on it. */
interface UnhonouredSetting {
  readonly setting: string;
  /** Whether these settings ask for the missing behaviour. */
  readonly requested: (settings: Settings) => boolean;
  /** What the operator does not get, in a few words. */
  readonly instead: string;
}

const present = (value: unknown): boolean => value !== undefined && value !== null;

/**
 * Every accepted setting the service does not honour yet. Each start-up names those a
 * configuration asks for; the change that implements one deletes its line.
 */
export const UNHONOURED_SETTINGS: readonly UnhonouredSetting[] = [
  {
    setting: 'MCP_STRUCTURED_OUTPUT_ENABLED',
    requested: (s) => s.MCP_STRUCTURED_OUTPUT_ENABLED,
    instead: 'tool results carry text content only, no structuredContent',
  },
  {
    setting: 'MCP_TOOL_SEARCH_CONFIG',
    requested: (s) => present(s.MCP_TOOL_SEARCH_CONFIG),
    instead: 'every enabled tool is listed; there is no tool search',
  },
  {
    setting: 'MCP_RESTRICTED_TOOL_POLICY',
    requested: (s) => present(s.MCP_RESTRICTED_TOOL_POLICY),
    instead: 'tools are NOT restricted by it; use MCP_DISABLED_TOOLS and Superset roles',
  },
  {
    setting: 'MCP_DATASET_ROLE_ALLOWLIST',
    requested: (s) => present(s.MCP_DATASET_ROLE_ALLOWLIST),
    instead: 'datasets are NOT limited by it, only by Superset permissions',
  },
  {
    setting: 'MCP_EMBEDDED_GUEST_AUTH_ENABLED and MCP_GUEST_ALLOWED_TOOLS',
    requested: (s) =>
      s.MCP_EMBEDDED_GUEST_AUTH_ENABLED === true || present(s.MCP_GUEST_ALLOWED_TOOLS),
    instead: 'guest tokens are not accepted',
  },
  {
    setting: 'MCP_API_KEY_ENABLED and MCP_API_KEY_CREATE_URL',
    requested: (s) => s.MCP_API_KEY_ENABLED === true || present(s.MCP_API_KEY_CREATE_URL),
    instead: 'API keys are not accepted; use bearer JWTs',
  },
  {
    setting: 'MCP_DISABLED_CHART_PLUGINS and MCP_CHART_PLUGIN_ENABLED_FUNC',
    requested: (s) =>
      present(s.MCP_DISABLED_CHART_PLUGINS) || present(s.MCP_CHART_PLUGIN_ENABLED_FUNC),
    instead: 'chart types are not filtered',
  },
  {
    setting: 'MCP_ERROR_HOOK',
    requested: (s) => present(s.MCP_ERROR_HOOK),
    instead: 'unexpected tool errors are only logged',
  },
  {
    setting: 'MCP_PARSE_REQUEST_ENABLED',
    requested: (s) => s.MCP_PARSE_REQUEST_ENABLED === false,
    instead: 'a `request` argument sent as a JSON string is always parsed',
  },
  {
    setting:
      'MCP_FACTORY_CONFIG, MCP_FEATURE_FLAGS, MCP_ADMIN_USERNAME, MCP_BUG_REPORT_CONTACT and WEBDRIVER_BASEURL',
    requested: (s) =>
      [
        s.MCP_FACTORY_CONFIG,
        s.MCP_FEATURE_FLAGS,
        s.MCP_ADMIN_USERNAME,
        s.MCP_BUG_REPORT_CONTACT,
        s.WEBDRIVER_BASEURL,
      ].some(present),
    instead: 'they have no effect',
  },
  {
    setting: 'AUTH_ROLE_PUBLIC',
    requested: (s) => s.AUTH_ROLE_PUBLIC !== 'Public',
    instead: 'there is no anonymous access, so no public role is used',
  },
];

/** One warning per unhonoured setting these settings ask for. */
export function unhonouredSettingWarnings(settings: Settings): string[] {
  return UNHONOURED_SETTINGS.filter((entry) => entry.requested(settings)).map(
    (entry) => `${entry.setting}: not honoured yet; ${entry.instead}.`,
  );
}
