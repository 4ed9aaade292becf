import { Module } from '@nestjs/common';

import { SupersetModule } from '../superset/superset.module.js';
import { HealthController } from './health.controller.js';

@Module({
  controllers: [HealthController],
  imports: [SupersetModule],
})
export class HealthModule {}
