import { Module } from '@nestjs/common';

import { AuthModule } from '../auth/auth.module.js';
import { SETTINGS } from '../config/inject-settings.decorator.js';
import type { Settings } from '../config/settings.js';
import { ToolsModule } from '../tools/tools.module.js';
import { ClientMessageRouter } from './client-message-router.service.js';
import { InMemorySessionStore } from './in-memory-session-store.js';
import { McpServerFactory } from './mcp-server.factory.js';
import { McpController } from './mcp.controller.js';
import { OriginGuard } from './origin.guard.js';
import { SESSION_STORE } from './session-store.js';
import { SessionService } from './session.service.js';

const MAX_STORED_SESSIONS = 10_000;
const MAX_STORED_SESSION_BYTES = 32 * 1024 * 1024;

@Module({
  controllers: [McpController],
  imports: [AuthModule, ToolsModule],
  providers: [
    ClientMessageRouter,
    McpServerFactory,
    OriginGuard,
    SessionService,
    {
      inject: [SETTINGS],
      provide: SESSION_STORE,
      useFactory: (settings: Settings) =>
        new InMemorySessionStore({
          maxBytes: MAX_STORED_SESSION_BYTES,
          maxSessions: MAX_STORED_SESSIONS,
          maxSessionsPerPrincipal: settings.MCP_MAX_SESSIONS_PER_PRINCIPAL,
          ttlMs: settings.MCP_STORE_CONFIG.session_ttl * 1000,
        }),
    },
  ],
})
export class TransportModule {}
