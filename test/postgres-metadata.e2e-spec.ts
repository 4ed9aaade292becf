import { join } from 'node:path';

import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { loadDemoContent } from '../src/demo/demo-loader.js';
import { createExamplesDatabase } from '../src/demo/examples-data.js';
import { createMetadataSchema, type MetadataSchemaVersion } from '../src/demo/metadata-schema.js';
import { postgresRunner } from '../src/demo/sql-runner.js';
import {
  createTemporaryPostgresDatabase,
  type TemporaryPostgresDatabase,
} from '../src/superset/database/temporary-postgres-database.fixture.js';
import { connectClient, postJson, toolJson } from './support/mcp-client.js';
import {
  startServiceProcess,
  temporaryDataDir,
  type ServiceProcess,
} from './support/service-process.js';

describe.each<MetadataSchemaVersion>(['current', 'legacy4'])(
  'a Postgres metadata database (%s schema)',
  (version) => {
    const data = temporaryDataDir();
    let database: TemporaryPostgresDatabase;
    let service: ServiceProcess;

    beforeAll(async () => {
      database = await createTemporaryPostgresDatabase();
      const run = postgresRunner(database.client);
      await createMetadataSchema(run, 'postgres', { version });
      const examplesFile = join(data.dir, 'examples.db');
      createExamplesDatabase(examplesFile);
      await loadDemoContent(run, 'postgres', {
        examplesUri: `sqlite:///${examplesFile}`,
        withGroups: version === 'current',
      });
      service = await startServiceProcess({
        // Every request resolves its caller afresh, so the outage below is met before any tool
        // (with the access cache a kept caller meets it in the tool: see cache.e2e-spec.ts).
        MCP_ACCESS_CACHE_TTL: '0',
        MCP_DEV_USERNAME: 'alpha',
        SQLALCHEMY_DATABASE_URI: database.uri,
      });
    });

    afterAll(async () => {
      await service?.stop();
      await database?.drop();
      data.remove();
    });

    it('does not start the demo and serves the configured database', async () => {
      expect(service.output()).not.toContain('DEMO');
      const mcp = await connectClient(service.url);
      try {
        const info = toolJson(
          await mcp.client.callTool({ arguments: { request: {} }, name: 'get_instance_info' }),
        );
        expect(info.instance_summary.total_dashboards).toBe(2); // Alpha: the published ones
        expect(info.instance_summary.total_charts).toBeGreaterThanOrEqual(10);
        expect(info.current_user).toMatchObject({ roles: ['Alpha'], username: 'alpha' });
        expect(info.database_breakdown.by_type).toEqual({ sqlite: 1 });
        const health = toolJson(await mcp.client.callTool({ arguments: {}, name: 'health_check' }));
        expect(health.status).toBe('healthy');
      } finally {
        await mcp.close();
      }
    });

    it('answers with a clear error while the metadata database is down, and recovers', async () => {
      const admin = new Client({ database: 'postgres', host: '127.0.0.1', user: 'postgres' });
      await admin.connect();
      const call = () =>
        postJson(service.url, {
          id: 1,
          jsonrpc: '2.0',
          method: 'tools/call',
          params: { arguments: {}, name: 'health_check' },
        });
      try {
        await admin.query(`ALTER DATABASE "${database.name}" WITH ALLOW_CONNECTIONS false`);
        await admin.query(
          "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND application_name = 'superset-mcp'",
          [database.name],
        );
        const down = await call();
        expect(down.status).toBe(503);
        expect(down.json.error.message).toMatch(/temporarily unavailable/);
        expect(down.text).not.toMatch(/password|postgres:\/\//i);
        const ready = await fetch(`${service.origin}/ready`);
        expect(ready.status).toBe(503);
      } finally {
        await admin.query(`ALTER DATABASE "${database.name}" WITH ALLOW_CONNECTIONS true`);
        await admin.end();
      }
      const up = await call();
      expect(up.status).toBe(200);
      expect(JSON.parse(up.json.result.content[0].text).status).toBe('healthy');
      expect(service.child.exitCode).toBeNull();
    });
  },
);
