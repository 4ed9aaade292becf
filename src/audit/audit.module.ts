import { Module } from '@nestjs/common';

import { ToolsModule } from '../tools/tools.module.js';
import { ActionLogRepository } from './action-log.repository.js';
import { AuditBatchWriter } from './audit-batch-writer.service.js';
import { ToolCallAuditor } from './tool-call-auditor.service.js';

/** Tool calls in Superset's `logs` table (its Action Log); needs MetricsModule (global). */
@Module({
  imports: [ToolsModule],
  providers: [ActionLogRepository, AuditBatchWriter, ToolCallAuditor],
})
export class AuditModule {}
