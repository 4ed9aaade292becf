import { Global, Module } from '@nestjs/common';

import { ToolsModule } from '../tools/tools.module.js';
import { McpMetrics } from './mcp-metrics.service.js';
import { MetricsController } from './metrics.controller.js';

/** Global so any layer (rate limits, the audit writer) can count into the same registry. */
@Global()
@Module({
  controllers: [MetricsController],
  exports: [McpMetrics],
  imports: [ToolsModule],
  providers: [McpMetrics],
})
export class MetricsModule {}
