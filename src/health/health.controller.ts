import { Controller, Get, HttpCode, Res } from '@nestjs/common';
import type { Response } from 'express';

import { APP_VERSION } from '../common/app-info.js';
import { RedisConnections } from '../redis/redis-connections.js';
import { InstanceStatsRepository } from '../superset/instance/instance-stats.repository.js';

type Reachability = 'ok' | 'unreachable';

/** Liveness and readiness for load balancers and orchestrators; no authentication, no details. */
@Controller()
export class HealthController {
  constructor(
    private readonly stats: InstanceStatsRepository,
    private readonly redis: RedisConnections,
  ) {}

  @Get('health')
  @HttpCode(200)
  health(): { status: string; version: string } {
    return { status: 'ok', version: APP_VERSION };
  }

  /** Ready when the metadata database and, if sessions are shared through it, Redis answer. */
  @Get('ready')
  async ready(@Res() response: Response): Promise<void> {
    const [database, redis] = await Promise.all([
      reachability(() => this.stats.ping()),
      this.redis.enabled ? reachability(() => this.redis.ping()) : null,
    ]);
    const ready = database === 'ok' && redis !== 'unreachable';
    response.status(ready ? 200 : 503).json({
      metadata_database: database,
      ...(redis ? { redis } : {}),
      status: ready ? 'ready' : 'not ready',
    });
  }
}

async function reachability(ping: () => Promise<unknown>): Promise<Reachability> {
  try {
    await ping();
    return 'ok';
  } catch {
    return 'unreachable';
  }
}
