import { join } from 'node:path';

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
import { connectClient, toolJson } from './support/mcp-client.js';
import {
  startServiceProcess,
  temporaryDataDir,
  type ServiceProcess,
} from './support/service-process.js';

async function until(check: () => Promise<boolean> | boolean): Promise<void> {
  const deadline = Date.now() + 45_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not reached');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The JSON-RPC answer in a JSON or an SSE response body. */
function answerOf(text: string): { result: unknown } {
  const json = text.trimStart().startsWith('{')
    ? text
    : text
        .split('\n')
        .filter((line) => line.startsWith('data:'))
        .map((line) => line.slice(5))
        .find((data) => data.includes('"id":9'));
  return JSON.parse(json ?? 'null') as { result: unknown };
}

const INITIALIZE = {
  id: 1,
  jsonrpc: '2.0',
  method: 'initialize',
  params: {
    capabilities: {},
    clientInfo: { name: 'late', version: '1' },
    protocolVersion: '2025-06-18',
  },
};

describe('graceful shutdown', () => {
  const data = temporaryDataDir();
  let database: TemporaryPostgresDatabase;

  beforeAll(async () => {
    database = await createTemporaryPostgresDatabase();
    const run = postgresRunner(database.client);
    await createMetadataSchema(run, 'postgres');
    const examplesFile = join(data.dir, 'examples.db');
    createExamplesDatabase(examplesFile);
    await loadDemoContent(run, 'postgres', { examplesUri: `sqlite:///${examplesFile}` });
  });

  afterAll(async () => {
    await database?.drop();
    data.remove();
  });

  /** Starts the service, then holds a lock that makes list_dashboards wait inside the database. */
  async function serviceWithBlockedCall(timeoutSeconds: number) {
    const service = await startServiceProcess({
      // Rows are written only at shutdown, so they show the final flush.
      MCP_AUDIT_CONFIG: '{"batch_size": 1000, "flush_interval_ms": 60000}',
      MCP_DEV_USERNAME: 'alpha',
      MCP_SHUTDOWN_TIMEOUT_SECONDS: String(timeoutSeconds),
      SQLALCHEMY_DATABASE_URI: database.uri,
    });
    const mcp = await connectClient(service.url);
    await mcp.client.callTool({ arguments: {}, name: 'health_check' });
    const locker = new Client({ database: database.name, host: '127.0.0.1', user: 'postgres' });
    locker.on('error', () => undefined); // terminated when the database is dropped
    await locker.connect();
    await locker.query('BEGIN');
    await locker.query('LOCK TABLE dashboards IN ACCESS EXCLUSIVE MODE');
    // A raw POST: the SDK client would wait out its own request timeout on a closed stream.
    const call = fetch(service.url, {
      body: JSON.stringify({
        id: 9,
        jsonrpc: '2.0',
        method: 'tools/call',
        params: { arguments: { request: {} }, name: 'list_dashboards' },
      }),
      headers: {
        Accept: 'application/json, text/event-stream',
        'Content-Type': 'application/json',
        'Mcp-Protocol-Version': '2025-06-18',
        'Mcp-Session-Id': mcp.transport.sessionId ?? '',
      },
      method: 'POST',
    })
      .then((response) => response.text())
      .then(
        (text) => ({ result: answerOf(text) }),
        (error: unknown) => ({ error }),
      );
    await until(async () => {
      const { rows } = await database.client.query(
        "SELECT 1 FROM pg_stat_activity WHERE datname = $1 AND application_name = 'superset-mcp' AND wait_event_type = 'Lock'",
        [database.name],
      );
      return rows.length > 0;
    });
    return { call, locker, mcp, service };
  }

  async function stopped(service: ServiceProcess): Promise<void> {
    await until(() => service.child.exitCode !== null || service.child.signalCode !== null);
  }

  it('lets a call in flight finish after SIGTERM, refuses new requests, then writes its audit row', async () => {
    const { call, locker, mcp, service } = await serviceWithBlockedCall(60);
    try {
      service.child.kill('SIGTERM');
      await until(() => service.output().includes('SIGTERM: no new connections'));

      const late = await fetch(service.url, {
        body: JSON.stringify(INITIALIZE),
        headers: {
          Accept: 'application/json, text/event-stream',
          'Content-Type': 'application/json',
        },
        method: 'POST',
      }).then(
        (response) => response.status,
        () => 'connection refused',
      );
      expect([503, 'connection refused']).toContain(late);
      expect(service.child.exitCode).toBeNull();

      await locker.query('COMMIT');
      const outcome = await call;
      expect(outcome).toHaveProperty('result');
      const listed = toolJson((outcome as { result: { result: unknown } }).result.result);
      expect(listed.dashboards.length).toBeGreaterThan(0);

      await stopped(service);
      expect(service.child.signalCode).toBe('SIGTERM');
      const { rows } = await database.client.query<{ json: string }>(
        "SELECT json FROM logs WHERE action = 'mcp_tool_call' ORDER BY id",
      );
      expect(rows.map((row) => (JSON.parse(row.json) as { tool: string }).tool)).toEqual([
        'health_check',
        'list_dashboards',
      ]);
    } finally {
      await locker.end();
      await mcp.close().catch(() => undefined);
      await service.stop();
    }
  });

  it('closes a call still in flight after MCP_SHUTDOWN_TIMEOUT_SECONDS and stops', async () => {
    const { call, locker, mcp, service } = await serviceWithBlockedCall(1);
    try {
      service.child.kill('SIGTERM');
      await stopped(service);
      expect(await call).toHaveProperty('error');
      expect(service.output()).toMatch(/closing with 1 request\(s\) still in flight/);
      expect(service.child.signalCode).toBe('SIGTERM');
    } finally {
      await locker.end();
      await mcp.close().catch(() => undefined);
      await service.stop();
    }
  });
});
