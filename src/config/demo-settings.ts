import { SETTINGS_DEFAULTS } from './settings.schema.js';
import type { Settings } from './settings.js';

export const DEMO_USERNAME = 'admin';

/**
 * Where the demo's links point unless SUPERSET_WEBSERVER_ADDRESS says otherwise: Superset's own
 * default address (`superset run`, the official Docker images). Nothing answers there unless a
 * Superset runs over the same metadata; the demo brings none.
 */
export const DEMO_WEBSERVER_ADDRESS = 'http://localhost:8088';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

/** True when no metadata database is configured and the embedded demo serves instead. */
export function isDemoMode(settings: Settings): boolean {
  return settings.SQLALCHEMY_DATABASE_URI === null;
}

/**
 * The demo links to a Superset on its default address unless another one is configured. Without
 * authentication it runs as the demo admin and refuses any address a neighbour could reach.
 */
export function applyDemoDefaults(configured: Settings): Settings {
  const settings =
    configured.SUPERSET_WEBSERVER_ADDRESS === SETTINGS_DEFAULTS.SUPERSET_WEBSERVER_ADDRESS
      ? { ...configured, SUPERSET_WEBSERVER_ADDRESS: DEMO_WEBSERVER_ADDRESS }
      : configured;
  if (settings.MCP_AUTH_ENABLED) return Object.freeze(settings);
  if (!LOOPBACK.has(settings.MCP_SERVICE_HOST)) {
    throw new Error(
      `The embedded demo has no authentication and only binds to loopback; ` +
        `MCP_SERVICE_HOST=${settings.MCP_SERVICE_HOST} needs SQLALCHEMY_DATABASE_URI and auth.`,
    );
  }
  return Object.freeze({
    ...settings,
    MCP_DEV_USERNAME: settings.MCP_DEV_USERNAME ?? DEMO_USERNAME,
  });
}
