import { CanActivate, ExecutionContext, ForbiddenException, Injectable } from '@nestjs/common';
import type { Request } from 'express';

import { InjectSettings } from '../config/inject-settings.decorator.js';
import type { Settings } from '../config/settings.js';

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

/**
 * DNS-rebinding and cross-site protection for /mcp: a browser `Origin` must be allow-listed, and a
 * service bound to loopback answers only requests addressed to a loopback or configured host name.
 */
@Injectable()
export class OriginGuard implements CanActivate {
  private readonly allowedOrigins: ReadonlySet<string>;
  private readonly allowedHosts: ReadonlySet<string>;
  private readonly loopbackOnly: boolean;

  constructor(@InjectSettings() settings: Settings) {
    const publicUrl = settings.MCP_SERVICE_URL ? new URL(settings.MCP_SERVICE_URL) : null;
    this.allowedOrigins = new Set([
      ...settings.MCP_ALLOWED_ORIGINS.map((origin) => origin.replace(/\/+$/, '').toLowerCase()),
      ...(publicUrl ? [publicUrl.origin.toLowerCase()] : []),
    ]);
    this.allowedHosts = new Set([
      ...LOOPBACK_HOSTS,
      ...(publicUrl ? [publicUrl.hostname.toLowerCase()] : []),
    ]);
    this.loopbackOnly = LOOPBACK_HOSTS.has(settings.MCP_SERVICE_HOST.toLowerCase());
  }

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<Request>();
    if (this.loopbackOnly && !this.hostAllowed(request.headers.host)) {
      throw forbidden('Forbidden: Host not allowed');
    }
    const origin = request.headers.origin;
    if (origin !== undefined && !this.originAllowed(origin)) {
      throw forbidden('Forbidden: Origin not allowed');
    }
    return true;
  }

  private hostAllowed(host: string | undefined): boolean {
    if (!host) return false;
    const name = host.toLowerCase().replace(/:\d+$/, '');
    return this.allowedHosts.has(name);
  }

  private originAllowed(origin: string): boolean {
    const normalised = origin.toLowerCase();
    if (this.allowedOrigins.has(normalised)) return true;
    try {
      return LOOPBACK_HOSTS.has(new URL(normalised).hostname);
    } catch {
      return false;
    }
  }
}

function forbidden(message: string): ForbiddenException {
  return new ForbiddenException({ error: { code: -32000, message }, id: null, jsonrpc: '2.0' });
}
