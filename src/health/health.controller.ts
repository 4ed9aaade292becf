import { Controller, Get, HttpCode, Res } from '@nestjs/common';
import type { Response } from 'express';

import { APP_VERSION } from '../common/app-info.js';
import { InstanceStatsRepository } from '../superset/instance/instance-stats.repository.js';

/** Liveness and readiness for load balancers and orchestrators; no authentication, no details. */
@Controller()
export class HealthController {
  constructor(private readonly stats: InstanceStatsRepository) {}

  @Get('health')
  @HttpCode(200)
  health(): { status: string; version: string } {
    return { status: 'ok', version: APP_VERSION };
  }

  @Get('ready')
  async ready(@Res() response: Response): Promise<void> {
    try {
      await this.stats.ping();
      response.status(200).json({ metadata_database: 'ok', status: 'ready' });
    } catch {
      response.status(503).json({ metadata_database: 'unreachable', status: 'not ready' });
    }
  }
}
