import { Inject, Module, type OnModuleInit } from '@nestjs/common';

import { AuthModule } from '../auth/auth.module.js';
import { McpMetrics } from '../metrics/mcp-metrics.service.js';
import { ToolsModule } from '../tools/tools.module.js';
import { ClientMessageRouter } from './client-message-router.service.js';
import { eventStoreProvider } from './event-store.provider.js';
import { McpServerFactory } from './mcp-server.factory.js';
import { McpController } from './mcp.controller.js';
import { OriginGuard } from './origin.guard.js';
import { SESSION_STORE, type SessionStore } from './session-store.js';
import { sessionStoreProvider } from './session-store.provider.js';
import { SessionService } from './session.service.js';

@Module({
  controllers: [McpController],
  imports: [AuthModule, ToolsModule],
  providers: [
    ClientMessageRouter,
    eventStoreProvider,
    McpServerFactory,
    OriginGuard,
    SessionService,
    sessionStoreProvider,
  ],
})
export class TransportModule implements OnModuleInit {
  constructor(
    @Inject(SESSION_STORE) private readonly store: SessionStore,
    private readonly metrics: McpMetrics,
  ) {}

  onModuleInit(): void {
    this.metrics.observeSessions(() => this.store.count());
  }
}
