import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';

import { InjectSettings } from '../config/inject-settings.decorator.js';
import type { Settings } from '../config/settings.js';
import { ToolCallObservers } from '../tools/tool-call-observers.service.js';
import { ActionLogRepository } from './action-log.repository.js';
import { AuditBatchWriter } from './audit-batch-writer.service.js';
import { toolCallAuditRow } from './tool-call-audit-row.js';

/**
 * Queues one `logs` row per finished tool call. The row is built here, on the call's path, so the
 * queue holds small clipped rows rather than whole argument objects.
 */
@Injectable()
export class ToolCallAuditor implements OnModuleInit {
  private readonly logger = new Logger('Audit');

  constructor(
    private readonly actionLog: ActionLogRepository,
    @InjectSettings() private readonly settings: Settings,
    private readonly observers: ToolCallObservers,
    private readonly writer: AuditBatchWriter,
  ) {}

  onModuleInit(): void {
    if (!this.settings.MCP_AUDIT_CONFIG.enabled) return;
    if (!this.actionLog.writable) {
      this.logger.warn(
        'tool calls are not audited: the metadata database is read-only to this service ' +
          '(MCP_AUDIT_CONFIG.enabled=false silences this)',
      );
      return;
    }
    this.observers.subscribe((record) => this.writer.enqueue(toolCallAuditRow(record)));
  }
}
