import type { Settings } from './settings.js';

export const DEMO_USERNAME = 'admin';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

/** True when no metadata database is configured and the embedded demo serves instead. */
export function isDemoMode(settings: Settings): boolean {
  return settings.SQLALCHEMY_DATABASE_URI === null;
}

/**
 * The demo has no authentication, so it runs as the demo admin and refuses any address a
 * neighbour could reach.
 */
export function applyDemoDefaults(settings: Settings): Settings {
  if (settings.MCP_AUTH_ENABLED) return settings;
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
