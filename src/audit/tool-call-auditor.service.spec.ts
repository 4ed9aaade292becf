import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import Database from 'better-sqlite3';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { Caller } from '../auth/caller.js';
import type { AuditConfig, Settings } from '../config/settings.js';
import { createMetadataSchema } from '../demo/metadata-schema.js';
import { McpMetrics } from '../metrics/mcp-metrics.service.js';
import { Log } from '../superset/logs/log.entity.js';
import { ToolCallObservers, type ToolCallRecord } from '../tools/tool-call-observers.service.js';
import type { ToolRegistry } from '../tools/tool-registry.service.js';
import { ActionLogRepository } from './action-log.repository.js';
import { AuditBatchWriter } from './audit-batch-writer.service.js';
import { toolCallAuditRow } from './tool-call-audit-row.js';
import { ToolCallAuditor } from './tool-call-auditor.service.js';

const CONFIG: AuditConfig = {
  batch_size: 100,
  enabled: true,
  flush_interval_ms: 60_000,
  max_queue: 100,
};

const record = {
  arguments: {},
  callId: 'c'.repeat(32),
  caller: { principal: null, scopes: [], user: { id: 1 } } as unknown as Caller,
  durationMs: 1,
  errorType: null,
  notes: {},
  outcome: 'success',
  resultBytes: 2,
  sessionId: null,
  startedAt: new Date(),
  tool: 'health_check',
} satisfies ToolCallRecord;

describe(ToolCallAuditor.name, () => {
  const folder = mkdtempSync(join(tmpdir(), 'smcp-auditor-'));
  const file = join(folder, 'superset.db');
  const sources: DataSource[] = [];

  beforeAll(async () => {
    const db = new Database(file);
    await createMetadataSchema((sql) => Promise.resolve(void db.exec(sql)), 'sqlite');
    db.close();
  });

  afterAll(async () => {
    await Promise.all(sources.map((source) => source.destroy()));
    rmSync(folder, { force: true, recursive: true });
  });

  async function auditorOver(readonly: boolean, config = CONFIG) {
    const source = new DataSource({
      database: file,
      entities: [Log],
      readonly,
      type: 'better-sqlite3',
    });
    await source.initialize();
    sources.push(source);
    const actionLog = new ActionLogRepository(source.getRepository(Log));
    const observers = new ToolCallObservers();
    const settings = { MCP_AUDIT_CONFIG: config } as unknown as Settings;
    const metrics = new McpMetrics(observers, { get: () => undefined } as unknown as ToolRegistry);
    const writer = new AuditBatchWriter(settings, actionLog, metrics);
    new ToolCallAuditor(actionLog, settings, observers, writer).onModuleInit();
    return { actionLog, observers, writer };
  }

  it('queues one row per finished call', async () => {
    const { actionLog, observers, writer } = await auditorOver(false);
    expect(actionLog.writable).toBe(true);
    observers.finished(record);
    expect(writer.backlog).toBe(1);
  });

  it('audits nothing when disabled', async () => {
    const { observers, writer } = await auditorOver(false, { ...CONFIG, enabled: false });
    observers.finished(record);
    expect(writer.backlog).toBe(0);
  });

  it('does not queue rows a read-only metadata database cannot take', async () => {
    const { actionLog, observers, writer } = await auditorOver(true);
    expect(actionLog.writable).toBe(false);
    await expect(actionLog.insert([toolCallAuditRow(record)])).rejects.toThrow(/readonly/);
    observers.finished(record);
    expect(writer.backlog).toBe(0);
  });
});
