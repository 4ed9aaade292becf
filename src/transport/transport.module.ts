import { Module } from '@nestjs/common';

import { AuthModule } from '../auth/auth.module.js';
import { ToolsModule } from '../tools/tools.module.js';
import { ClientMessageRouter } from './client-message-router.service.js';
import { McpServerFactory } from './mcp-server.factory.js';
import { McpController } from './mcp.controller.js';
import { OriginGuard } from './origin.guard.js';
import { sessionStoreProvider } from './session-store.provider.js';
import { SessionService } from './session.service.js';

@Module({
  controllers: [McpController],
  imports: [AuthModule, ToolsModule],
  providers: [
    ClientMessageRouter,
    McpServerFactory,
    OriginGuard,
    SessionService,
    sessionStoreProvider,
  ],
})
export class TransportModule {}
