import { Module } from '@nestjs/common';

import { InstanceStatsRepository } from './instance/instance-stats.repository.js';

@Module({
  exports: [InstanceStatsRepository],
  providers: [InstanceStatsRepository],
})
export class SupersetModule {}
