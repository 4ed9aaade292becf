import { InvalidSettingsError } from './invalid-settings.error.js';
import type { Settings } from './settings.js';

export interface CliOverrides {
  readonly host?: string;
  readonly port?: string;
  readonly debug?: boolean;
}

/** Command-line flags win over every other source, like `superset mcp run --host/--port/--debug`. */
export function applyCliOverrides(settings: Settings, overrides: CliOverrides): Settings {
  let port = settings.MCP_SERVICE_PORT;
  if (overrides.port !== undefined) {
    port = Number(overrides.port);
    if (!/^\d+$/.test(overrides.port) || port > 65535) {
      throw new InvalidSettingsError([
        `--port: expected an integer from 0 to 65535, got "${overrides.port}"`,
      ]);
    }
  }
  return Object.freeze({
    ...settings,
    MCP_DEBUG: overrides.debug ? true : settings.MCP_DEBUG,
    MCP_SERVICE_HOST: overrides.host ?? settings.MCP_SERVICE_HOST,
    MCP_SERVICE_PORT: port,
    sources: [...settings.sources, 'cli'],
  });
}
