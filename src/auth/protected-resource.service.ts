import type { IncomingMessage } from 'node:http';

import { Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';

import { InjectSettings } from '../config/inject-settings.decorator.js';
import type { Settings } from '../config/settings.js';
import { mcpEndpointUrl } from '../transport/mcp-endpoint.js';
import { authorizationServers } from './auth-configuration.js';

/** RFC 9728 OAuth 2.0 Protected Resource Metadata. */
export interface ProtectedResourceMetadata {
  readonly resource: string;
  readonly authorization_servers?: readonly string[];
  readonly scopes_supported?: readonly string[];
  readonly bearer_methods_supported: readonly string[];
  readonly resource_name: string;
}

const WELL_KNOWN_PATH = '/.well-known/oauth-protected-resource';
const WILDCARD_HOSTS = new Set(['0.0.0.0', '::', '']);
const HOST_HEADER = /^(?:[a-z0-9.-]+|\[[0-9a-f:.]+\])(?::\d{1,5})?$/i;

/** This service as an OAuth protected resource: its canonical URL and its metadata. */
@Injectable()
export class ProtectedResourceService {
  constructor(
    @InjectSettings() private readonly settings: Settings,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  /**
   * The canonical MCP URL: `MCP_SERVICE_URL` + `/mcp`, else the bound address (with the port
   * actually bound); when bound to every interface, the Host the client used.
   */
  resourceUrl(request: IncomingMessage): string {
    if (this.settings.MCP_SERVICE_URL) return mcpEndpointUrl(this.settings);
    const host = request.headers.host;
    if (WILDCARD_HOSTS.has(this.settings.MCP_SERVICE_HOST) && host && HOST_HEADER.test(host)) {
      return `http://${host}/mcp`;
    }
    return mcpEndpointUrl({ ...this.settings, MCP_SERVICE_PORT: this.boundPort() });
  }

  /** Where the metadata for `resourceUrl` is served (RFC 9728 §3.1, path inserted). */
  metadataUrl(request: IncomingMessage): string {
    const resource = new URL(this.resourceUrl(request));
    return `${resource.origin}${WELL_KNOWN_PATH}${resource.pathname.replace(/\/$/, '')}`;
  }

  metadata(request: IncomingMessage): ProtectedResourceMetadata {
    const servers = authorizationServers(this.settings);
    const scopes = this.settings.MCP_REQUIRED_SCOPES;
    return {
      resource: this.resourceUrl(request),
      ...(servers.length > 0 ? { authorization_servers: servers } : {}),
      ...(scopes.length > 0 ? { scopes_supported: scopes } : {}),
      bearer_methods_supported: ['header'],
      resource_name: 'Superset MCP',
    };
  }

  private boundPort(): number {
    const server: unknown = this.adapterHost.httpAdapter?.getHttpServer();
    const address =
      server && typeof (server as { address?: unknown }).address === 'function'
        ? (server as { address(): unknown }).address()
        : null;
    return typeof address === 'object' && address !== null && 'port' in address
      ? Number(address.port)
      : this.settings.MCP_SERVICE_PORT;
  }
}
