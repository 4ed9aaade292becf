import { join } from 'node:path';

import Database from 'better-sqlite3';
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { loadDemoContent } from '../src/demo/demo-loader.js';
import { createExamplesDatabase } from '../src/demo/examples-data.js';
import { createMetadataSchema } from '../src/demo/metadata-schema.js';
import { postgresRunner } from '../src/demo/sql-runner.js';
import {
  createTemporaryPostgresDatabase,
  type TemporaryPostgresDatabase,
} from '../src/superset/database/temporary-postgres-database.fixture.js';
import { connectClient } from './support/mcp-client.js';
import {
  startServiceProcess,
  temporaryDataDir,
  type ServiceProcess,
} from './support/service-process.js';

interface LogRow {
  action: string;
  user_id: number;
  dttm: string;
  dashboard_id: number | null;
  slice_id: number | null;
  duration_ms: number;
  json: string;
  referrer: string | null;
}

/** Polls until `check` holds; the deadline only bounds a broken run, it asserts nothing. */
async function eventually<T>(read: () => Promise<T>, check: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + 45_000;
  for (;;) {
    const value = await read();
    if (check(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('audit rows in the SQLite demo', () => {
  const data = temporaryDataDir();
  let service: ServiceProcess;

  beforeAll(async () => {
    // No timed flush during the test: only a full batch or the shutdown writes rows.
    service = await startServiceProcess({
      MCP_AUDIT_CONFIG: '{"batch_size": 1000, "flush_interval_ms": 60000}',
      SUPERSET_MCP_DATA_DIR: data.dir,
    });
  });

  afterAll(async () => {
    await service?.stop();
    data.remove();
  });

  it('writes one row per call, redacted, and flushes the queue on SIGTERM', async () => {
    const mcp = await connectClient(service.url);
    try {
      await mcp.client.callTool({
        arguments: { request: { identifier: 1 } },
        name: 'get_dashboard_info',
      });
      await mcp.client.callTool({
        arguments: { request: { password: 'hunter2', search: 'sales', token: 'tok-123456' } },
        name: 'list_dashboards',
      });
      await mcp.client.callTool({
        arguments: { request: { identifier: 999999 } },
        name: 'get_chart_info',
      });
    } finally {
      await mcp.close();
    }
    const metadata = new Database(join(data.dir, 'superset.db'), { readonly: true });
    try {
      const logged = () =>
        metadata
          .prepare("SELECT * FROM logs WHERE action = 'mcp_tool_call' ORDER BY id")
          .all() as LogRow[];
      expect(logged()).toHaveLength(0); // queued, not written on the calls' path
      await service.stop(); // SIGTERM
      expect(service.child.exitCode ?? service.child.signalCode).not.toBeNull();

      const rows = logged();
      expect(rows).toHaveLength(3);
      const { id: adminId } = metadata
        .prepare("SELECT id FROM ab_user WHERE username = 'admin'")
        .get() as { id: number };
      for (const row of rows) {
        expect(row).toMatchObject({ referrer: null, user_id: adminId });
        expect(row.dttm).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}$/);
        expect(row.duration_ms).toBeGreaterThanOrEqual(0);
      }
      const [dashboard, listing, chart] = rows.map(
        (row) => JSON.parse(row.json) as Record<string, unknown>,
      );
      expect(rows[0]).toMatchObject({ dashboard_id: 1, slice_id: null });
      expect(dashboard).toMatchObject({
        dashboard_id: 1,
        method: 'tools/call',
        outcome: 'success',
        params: { request: { identifier: 1 } },
        success: true,
        tool: 'get_dashboard_info',
      });
      expect(dashboard.mcp_call_id).toMatch(/^[0-9a-f]{32}$/);
      expect(listing).toMatchObject({
        error_type: 'validation_error',
        outcome: 'validation_error',
        params: { request: { password: '[REDACTED]', search: 'sales', token: '[REDACTED]' } },
        success: false,
        tool: 'list_dashboards',
      });
      expect(rows[1].json).not.toMatch(/hunter2|tok-123456/);
      expect(rows[2]).toMatchObject({ dashboard_id: null, slice_id: 999999 });
      expect(chart).toMatchObject({
        error_type: 'NotFound',
        success: false,
        tool: 'get_chart_info',
      });
      expect(service.output()).not.toMatch(/hunter2|tok-123456/);
    } finally {
      metadata.close();
    }
  });
});

describe('audit rows across a Postgres metadata database outage', () => {
  const data = temporaryDataDir();
  let database: TemporaryPostgresDatabase;
  let service: ServiceProcess;

  beforeAll(async () => {
    database = await createTemporaryPostgresDatabase();
    const run = postgresRunner(database.client);
    await createMetadataSchema(run, 'postgres');
    const examplesFile = join(data.dir, 'examples.db');
    createExamplesDatabase(examplesFile);
    await loadDemoContent(run, 'postgres', { examplesUri: `sqlite:///${examplesFile}` });
    service = await startServiceProcess({
      MCP_AUDIT_CONFIG: '{"flush_interval_ms": 5000}',
      MCP_DEV_USERNAME: 'alpha',
      SQLALCHEMY_DATABASE_URI: database.uri,
    });
  });

  afterAll(async () => {
    await service?.stop();
    await database?.drop();
    data.remove();
  });

  const auditRows = async () =>
    Number(
      (
        await database.client.query<{ n: string }>(
          "SELECT count(*) AS n FROM logs WHERE action = 'mcp_tool_call'",
        )
      ).rows[0].n,
    );
  const metric = async (name: string) => {
    const text = await (await fetch(`${service.origin}/metrics`)).text();
    return Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);
  };

  it('keeps the rows while the database is away and writes every one when it is back', async () => {
    const mcp = await connectClient(service.url);
    const admin = new Client({ database: 'postgres', host: '127.0.0.1', user: 'postgres' });
    await admin.connect();
    try {
      for (let call = 0; call < 3; call += 1) {
        await mcp.client.callTool({ arguments: {}, name: 'health_check' });
      }
      // The rows wait for the flush interval; the database goes away before it ends.
      await admin.query(`ALTER DATABASE "${database.name}" WITH ALLOW_CONNECTIONS false`);
      await admin.query(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND application_name = 'superset-mcp'",
        [database.name],
      );
      expect(
        await eventually(
          () => metric('superset_mcp_audit_write_failures_total'),
          (n) => n >= 1,
        ),
      ).toBeGreaterThanOrEqual(1);
      expect(await metric('superset_mcp_audit_backlog')).toBe(3);
    } finally {
      await admin.query(`ALTER DATABASE "${database.name}" WITH ALLOW_CONNECTIONS true`);
      await admin.end();
    }
    // the test's own connection was not terminated (only the service's)
    expect(await eventually(auditRows, (n) => n === 3)).toBe(3);
    for (let call = 0; call < 2; call += 1) {
      await mcp.client.callTool({ arguments: {}, name: 'health_check' });
    }
    await mcp.close();
    expect(await eventually(auditRows, (n) => n === 5)).toBe(5);
    expect(await metric('superset_mcp_audit_rows_dropped_total')).toBe(0);
    expect(await metric('superset_mcp_audit_backlog')).toBe(0);
    expect(service.output()).toMatch(/cannot write audit rows/);
    expect(service.output()).toMatch(/audit rows are written again/);
  });
});
