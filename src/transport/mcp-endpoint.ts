import type { Settings } from '../config/settings.js';

/** The URL clients should use for /mcp: the public one when configured, else the bound address. */
export function mcpEndpointUrl(settings: Settings): string {
  if (settings.MCP_SERVICE_URL) return `${settings.MCP_SERVICE_URL.replace(/\/+$/, '')}/mcp`;
  const host = settings.MCP_SERVICE_HOST.includes(':')
    ? `[${settings.MCP_SERVICE_HOST}]`
    : settings.MCP_SERVICE_HOST;
  return `http://${host}:${settings.MCP_SERVICE_PORT}/mcp`;
}
