import { Controller, Get, Header, NotFoundException, Req } from '@nestjs/common';
import type { Request } from 'express';

import { AuthService } from './auth.service.js';
import {
  ProtectedResourceService,
  type ProtectedResourceMetadata,
} from './protected-resource.service.js';

/**
 * RFC 9728 protected resource metadata, where MCP clients look for it: path-inserted for /mcp
 * first, then the root. Served only when tokens are checked; in dev mode there is nothing to log
 * in to, so 404.
 */
@Controller('.well-known')
export class WellKnownController {
  constructor(
    private readonly auth: AuthService,
    private readonly resource: ProtectedResourceService,
  ) {}

  @Get(['oauth-protected-resource', 'oauth-protected-resource/mcp'])
  @Header('Access-Control-Allow-Origin', '*')
  @Header('Cache-Control', 'public, max-age=300')
  protectedResource(@Req() request: Request): ProtectedResourceMetadata {
    if (this.auth.mode === 'dev') throw new NotFoundException();
    return this.resource.metadata(request);
  }
}
