import { Module } from '@nestjs/common';

import { ChartsRepository } from './charts/charts.repository.js';
import { InstanceStatsRepository } from './instance/instance-stats.repository.js';
import { SupersetUrls } from './superset-urls.service.js';

@Module({
  exports: [ChartsRepository, InstanceStatsRepository, SupersetUrls],
  providers: [ChartsRepository, InstanceStatsRepository, SupersetUrls],
})
export class SupersetModule {}
