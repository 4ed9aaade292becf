import { Injectable } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { describe, expect, it } from 'vitest';

import { SettingsModule } from '../config/settings.module.js';
import type { AuditConfig, Settings } from '../config/settings.js';
import { McpMetrics } from '../metrics/mcp-metrics.service.js';
import { useMetadataTestModule } from '../superset/database/metadata-test-module.fixture.js';
import { Log } from '../superset/logs/log.entity.js';
import { ToolCallObservers } from '../tools/tool-call-observers.service.js';
import type { ToolRegistry } from '../tools/tool-registry.service.js';
import { ActionLogRepository } from './action-log.repository.js';
import { AuditBatchWriter } from './audit-batch-writer.service.js';
import type { AuditRow } from './tool-call-audit-row.js';

/** The real repository, counting the INSERT statements it sends. */
@Injectable()
class CountingActionLog extends ActionLogRepository {
  inserts = 0;

  override async insert(rows: readonly AuditRow[]): Promise<void> {
    this.inserts += 1;
    await super.insert(rows);
  }
}

const USER_ID = 41;
// No timer flushes during a test: writes happen when a batch fills or on flush().
const CONFIG: AuditConfig = {
  batch_size: 10,
  enabled: true,
  flush_interval_ms: 60_000,
  max_queue: 1000,
};

function row(index: number, userId = USER_ID): AuditRow {
  return {
    action: 'mcp_tool_call',
    dashboardId: index % 2 === 0 ? index : null,
    dttm: `2026-01-01 00:00:${String(index % 60).padStart(2, '0')}.000000`,
    durationMs: index,
    json: JSON.stringify({ mcp_call_id: `call-${index}` }),
    sliceId: null,
    userId,
  };
}

function callIds(rows: readonly { json: string }[]): string[] {
  return rows.map((logged) => (JSON.parse(logged.json) as { mcp_call_id: string }).mcp_call_id);
}

function metrics(): McpMetrics {
  return new McpMetrics(new ToolCallObservers(), {
    get: () => undefined,
  } as unknown as ToolRegistry);
}

function writerFor(
  moduleRef: { get: <T>(type: new (...args: never[]) => T) => T },
  config: AuditConfig,
): { writer: AuditBatchWriter; actionLog: CountingActionLog; metrics: McpMetrics } {
  const actionLog = moduleRef.get(CountingActionLog);
  actionLog.inserts = 0;
  const counted = metrics();
  const writer = new AuditBatchWriter(
    { MCP_AUDIT_CONFIG: config } as unknown as Settings,
    actionLog,
    counted,
  );
  return { actionLog, metrics: counted, writer };
}

describe.each(['sqlite', 'postgres'] as const)('AuditBatchWriter on %s', (dialect) => {
  const metadata = useMetadataTestModule(dialect, {
    imports: [SettingsModule.forRoot({} as Settings), TypeOrmModule.forFeature([Log])],
    prepare: (db) =>
      db.execute(
        'INSERT INTO ab_user (id, first_name, last_name, username, email, active) VALUES (?, ?, ?, ?, ?, ?)',
        [USER_ID, 'Audit', 'User', 'audit', 'audit@example.com', dialect === 'sqlite' ? 1 : true],
      ),
    providers: [CountingActionLog],
  });

  const written = async () =>
    metadata.db.query<{
      action: string;
      json: string;
      user_id: number;
      duration_ms: number;
      dashboard_id: number | null;
      referrer: string | null;
    }>('SELECT action, json, user_id, duration_ms, dashboard_id, referrer FROM logs ORDER BY id');

  it('writes N rows in fewer INSERTs, batch_size at a time, in order', async () => {
    await metadata.db.execute('DELETE FROM logs');
    const { actionLog, writer } = writerFor(metadata.moduleRef, CONFIG);
    for (let index = 1; index <= 25; index += 1) writer.enqueue(row(index));
    await writer.flush();
    const rows = await written();
    expect(rows).toHaveLength(25);
    expect(actionLog.inserts).toBe(3);
    expect(callIds(rows)).toEqual(Array.from({ length: 25 }, (_, i) => `call-${i + 1}`));
    expect(rows[1]).toMatchObject({
      action: 'mcp_tool_call',
      dashboard_id: 2,
      duration_ms: 2,
      referrer: null,
      user_id: USER_ID,
    });
    expect(writer.backlog).toBe(0);
  });

  it('drops the oldest rows past max_queue and counts them', async () => {
    await metadata.db.execute('DELETE FROM logs');
    const { metrics: counted, writer } = writerFor(metadata.moduleRef, {
      ...CONFIG,
      batch_size: 100,
      max_queue: 5,
    });
    for (let index = 1; index <= 8; index += 1) writer.enqueue(row(index));
    await writer.flush();
    const rows = await written();
    expect(callIds(rows)).toEqual(['call-4', 'call-5', 'call-6', 'call-7', 'call-8']);
    expect(await counted.registry.metrics()).toMatch(/^superset_mcp_audit_rows_dropped_total 3$/m);
  });

  it('keeps the rows of a batch the database takes when one row is refused', async () => {
    await metadata.db.execute('DELETE FROM logs');
    const { metrics: counted, writer } = writerFor(metadata.moduleRef, CONFIG);
    writer.enqueue(row(1));
    writer.enqueue(row(2, 999_999)); // no such user: the foreign key refuses it
    writer.enqueue(row(3));
    await writer.flush();
    expect(callIds(await written())).toEqual(['call-1', 'call-3']);
    const text = await counted.registry.metrics();
    expect(text).toMatch(/^superset_mcp_audit_rows_dropped_total 1$/m);
    expect(text).toMatch(/^superset_mcp_audit_write_failures_total 1$/m);
  });

  it('writes what is queued at shutdown', async () => {
    await metadata.db.execute('DELETE FROM logs');
    const { writer } = writerFor(metadata.moduleRef, CONFIG);
    for (let index = 1; index <= 4; index += 1) writer.enqueue(row(index));
    await writer.beforeApplicationShutdown();
    expect(await written()).toHaveLength(4);
    writer.enqueue(row(5));
    expect(writer.backlog).toBe(0);
  });

  it('writes nothing when disabled', async () => {
    await metadata.db.execute('DELETE FROM logs');
    const { actionLog, writer } = writerFor(metadata.moduleRef, { ...CONFIG, enabled: false });
    writer.enqueue(row(1));
    await writer.flush();
    expect(actionLog.inserts).toBe(0);
    expect(await written()).toHaveLength(0);
  });

  if (dialect === 'postgres') {
    it('keeps rows while the database is away and writes every one when it is back', async () => {
      await metadata.db.execute('DELETE FROM logs');
      const { metrics: counted, writer } = writerFor(metadata.moduleRef, CONFIG);
      const [{ name }] = await metadata.db.query<{ name: string }>(
        'SELECT current_database() AS name',
      );
      const admin = await import('pg').then(
        ({ Client }) => new Client({ database: 'postgres', host: '127.0.0.1', user: 'postgres' }),
      );
      await admin.connect();
      try {
        await admin.query(`ALTER DATABASE "${name}" WITH ALLOW_CONNECTIONS false`);
        await admin.query(
          "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND application_name = 'superset-mcp'",
          [name],
        );
        for (let index = 1; index <= 15; index += 1) writer.enqueue(row(index));
        await writer.flush();
        expect(writer.backlog).toBe(15);
        expect(await counted.registry.metrics()).toMatch(
          /^superset_mcp_audit_write_failures_total [1-9]/m,
        );
        expect(await counted.registry.metrics()).toMatch(/^superset_mcp_audit_backlog 15$/m);
      } finally {
        await admin.query(`ALTER DATABASE "${name}" WITH ALLOW_CONNECTIONS true`);
        await admin.end();
      }
      await writer.flush();
      expect(writer.backlog).toBe(0);
      expect(await written()).toHaveLength(15);
      expect(await counted.registry.metrics()).toMatch(
        /^superset_mcp_audit_rows_dropped_total 0$/m,
      );
    });
  }
});
