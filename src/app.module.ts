import { DynamicModule, Module } from '@nestjs/common';

import { AuditModule } from './audit/audit.module.js';
import { CacheModule } from './cache/cache.module.js';
import { SettingsModule } from './config/settings.module.js';
import type { Settings } from './config/settings.js';
import { UnhonouredSettingsReporter } from './config/unhonoured-settings.reporter.js';
import { ConformanceModule } from './conformance/conformance.module.js';
import { HealthModule } from './health/health.module.js';
import { MetricsModule } from './metrics/metrics.module.js';
import { RateLimitModule } from './rate-limit/rate-limit.module.js';
import { RedisModule } from './redis/redis.module.js';
import { ResponseSizeModule } from './response-size/response-size.module.js';
import { MetadataDatabaseModule } from './superset/database/metadata-database.module.js';
import { TransportModule } from './transport/transport.module.js';

@Module({})
export class AppModule {
  /** The whole service for these settings, reading the metadata database at `metadataUri`. */
  static forRoot(settings: Settings, metadataUri: string): DynamicModule {
    return {
      imports: [
        SettingsModule.forRoot(settings),
        MetadataDatabaseModule.forRoot(metadataUri),
        RedisModule,
        // Global interceptors run outermost first in this order: the size guard checks every
        // answer, cached or not (as upstream), and the cache keeps untrimmed results.
        ResponseSizeModule,
        CacheModule,
        HealthModule,
        RateLimitModule,
        MetricsModule,
        AuditModule,
        TransportModule,
        ...(settings.MCP_CONFORMANCE_FIXTURES ? [ConformanceModule] : []),
      ],
      module: AppModule,
      // A start-up report of the whole service, not of every module that reads settings.
      providers: [UnhonouredSettingsReporter],
    };
  }
}
