import { Controller, Get, NotFoundException, Res } from '@nestjs/common';
import type { Response } from 'express';

import { InjectSettings } from '../config/inject-settings.decorator.js';
import type { Settings } from '../config/settings.js';
import { McpMetrics } from './mcp-metrics.service.js';

/** Prometheus scrape endpoint; 404 unless `MCP_METRICS_ENABLED`. No authentication, no user data. */
@Controller()
export class MetricsController {
  constructor(
    private readonly metrics: McpMetrics,
    @InjectSettings() private readonly settings: Settings,
  ) {}

  @Get('metrics')
  async metricsText(@Res() response: Response): Promise<void> {
    if (!this.settings.MCP_METRICS_ENABLED) throw new NotFoundException();
    const text = await this.metrics.registry.metrics();
    response.status(200).type(this.metrics.registry.contentType).send(text);
  }
}
