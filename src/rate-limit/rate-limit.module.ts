import {
  Module,
  RequestMethod,
  type MiddlewareConsumer,
  type NestModule,
  type OnModuleInit,
} from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';

import { InjectSettings } from '../config/inject-settings.decorator.js';
import type { Settings } from '../config/settings.js';
import { McpMetrics } from '../metrics/mcp-metrics.service.js';
import { ToolsModule } from '../tools/tools.module.js';
import { HttpRateLimitMiddleware } from './http-rate-limit.middleware.js';
import { RateLimitSettingsReporter } from './rate-limit-settings.reporter.js';
import { RateLimiter } from './rate-limiter.service.js';
import { ToolRateLimitGuard } from './tool-rate-limit.guard.js';

/** `MCP_RATE_LIMIT_CONFIG`: requests to /mcp per principal, tool calls per Superset user. */
@Module({
  exports: [RateLimiter],
  imports: [ToolsModule],
  providers: [
    RateLimitSettingsReporter,
    RateLimiter,
    { provide: APP_GUARD, useClass: ToolRateLimitGuard },
  ],
})
export class RateLimitModule implements NestModule, OnModuleInit {
  constructor(
    @InjectSettings() private readonly settings: Settings,
    private readonly limiter: RateLimiter,
    private readonly metrics: McpMetrics,
  ) {}

  /** Refused tool calls reach the metrics through the call's notes; refused requests from here. */
  onModuleInit(): void {
    this.limiter.onRefusal(({ kind }) => {
      if (kind === 'http') this.metrics.countRateLimited('http');
    });
  }

  configure(consumer: MiddlewareConsumer): void {
    if (!this.settings.MCP_RATE_LIMIT_CONFIG.enabled) return;
    consumer.apply(HttpRateLimitMiddleware).forRoutes({ method: RequestMethod.ALL, path: 'mcp' });
  }
}
