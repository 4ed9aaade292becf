import { randomUUID } from 'node:crypto';
import { join } from 'node:path';

import { Redis } from 'ioredis';
import { Client as PgClient } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { loadDemoContent } from '../src/demo/demo-loader.js';
import { createExamplesDatabase } from '../src/demo/examples-data.js';
import { createMetadataSchema } from '../src/demo/metadata-schema.js';
import { postgresRunner } from '../src/demo/sql-runner.js';
import {
  createTemporaryPostgresDatabase,
  type TemporaryPostgresDatabase,
} from '../src/superset/database/temporary-postgres-database.fixture.js';
import { hmacSecret, signedToken } from './support/jwt-tokens.js';
import { connectClient, postJson, toolJson, type ConnectedClient } from './support/mcp-client.js';
import {
  startServiceProcess,
  temporaryDataDir,
  type ServiceProcess,
} from './support/service-process.js';

const SECRET = 'e2e-cache-secret-for-hs256-0123456789abcdef';
const REDIS_URL = 'redis://127.0.0.1:6379/0';
/** Seconds every cached answer is kept; long enough for a call and its repeat. */
const RESULT_TTL = 4;
/** Seconds the caller's user, roles and permissions are kept. */
const ACCESS_TTL = 1;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

type Store = 'memory' | 'redis';

describe.each<Store>(['memory', 'redis'])('the result cache in %s', (store) => {
  const data = temporaryDataDir();
  const prefix = `smcp-e2e-cache:${randomUUID()}:`;
  let database: TemporaryPostgresDatabase;
  let service: ServiceProcess;
  let redis: Redis | null = null;
  const clients = new Map<string, ConnectedClient>();

  const token = (username: string) =>
    signedToken({ sub: username }, hmacSecret(SECRET), { alg: 'HS256' });

  async function as(username: string): Promise<ConnectedClient> {
    let mcp = clients.get(username);
    if (!mcp) {
      mcp = await connectClient(service.url, { Authorization: `Bearer ${await token(username)}` });
      clients.set(username, mcp);
    }
    return mcp;
  }

  async function call(username: string, name: string, request: Record<string, unknown> = {}) {
    const mcp = await as(username);
    return toolJson(await mcp.client.callTool({ arguments: { request }, name }));
  }

  async function sql(text: string, values: unknown[] = []) {
    return (await database.client.query(text, values)).rows as Record<string, any>[];
  }

  /** The title a dashboard has in the metadata database now, renamed to something new. */
  async function rename(id: number): Promise<string> {
    const title = `Renamed ${randomUUID().slice(0, 8)}`;
    await sql('UPDATE dashboards SET dashboard_title = $1 WHERE id = $2', [title, id]);
    return title;
  }

  async function cacheKeys(pattern: string): Promise<string[]> {
    return redis!.keys(`${prefix}${pattern}`);
  }

  beforeAll(async () => {
    database = await createTemporaryPostgresDatabase();
    const run = postgresRunner(database.client);
    await createMetadataSchema(run, 'postgres');
    const examplesFile = join(data.dir, 'examples.db');
    createExamplesDatabase(examplesFile);
    await loadDemoContent(run, 'postgres', {
      examplesUri: `sqlite:///${examplesFile}`,
      withGroups: true,
    });
    if (store === 'redis') redis = new Redis(REDIS_URL);
    const ttls = {
      call_tool_ttl: RESULT_TTL,
      get_prompt_ttl: RESULT_TTL,
      list_prompts_ttl: RESULT_TTL,
      list_resources_ttl: RESULT_TTL,
      list_tools_ttl: RESULT_TTL,
      read_resource_ttl: RESULT_TTL,
    };
    service = await startServiceProcess({
      MCP_ACCESS_CACHE_TTL: String(ACCESS_TTL),
      MCP_AUTH_ENABLED: 'true',
      MCP_CACHE_CONFIG: JSON.stringify({
        enabled: true,
        ...ttls,
        ...(store === 'redis' && { CACHE_KEY_PREFIX: prefix }),
      }),
      MCP_JWT_ALGORITHM: 'HS256',
      MCP_JWT_SECRET: SECRET,
      ...(store === 'redis' && {
        MCP_STORE_CONFIG: JSON.stringify({ CACHE_REDIS_URL: REDIS_URL, enabled: true }),
      }),
      SQLALCHEMY_DATABASE_URI: database.uri,
    });
  });

  afterAll(async () => {
    for (const mcp of clients.values()) await mcp.close().catch(() => undefined);
    await service?.stop();
    if (redis) {
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length > 0) await redis.del(...keys);
      await redis.quit();
    }
    await database?.drop();
    data.remove();
  });

  it('says at start-up that the cache is on, keyed per principal', () => {
    expect(service.output()).toContain(
      `Result cache on, in ${store === 'redis' ? 'Redis' : 'this process'}, keys per principal`,
    );
    expect(service.output()).not.toContain('MCP_CACHE_CONFIG.enabled: not honoured');
  });

  it('serves a repeated tools/call from the cache until force_refresh or use_cache false', async () => {
    const request = { order_column: 'id', order_direction: 'asc', page_size: 10 };
    const first = await call('admin', 'list_dashboards', request);
    const id = Number(first.dashboards[0].id);
    const cachedTitle = first.dashboards[0].dashboard_title as string;

    const renamed = await rename(id);
    const hit = await call('admin', 'list_dashboards', request);
    expect(hit.dashboards[0].dashboard_title).toBe(cachedTitle);

    const bypass = await call('admin', 'list_dashboards', { ...request, use_cache: false });
    expect(bypass.dashboards[0].dashboard_title).toContain(renamed);
    // use_cache false neither read nor stored: the old entry is still served.
    expect((await call('admin', 'list_dashboards', request)).dashboards[0].dashboard_title).toBe(
      cachedTitle,
    );

    const refreshed = await call('admin', 'list_dashboards', { ...request, force_refresh: true });
    expect(refreshed.dashboards[0].dashboard_title).toContain(renamed);
    // force_refresh stored what it read.
    await rename(id);
    expect(
      (await call('admin', 'list_dashboards', request)).dashboards[0].dashboard_title,
    ).toContain(renamed);
  });

  it('forgets a tools/call result at the end of its TTL', async () => {
    const request = { order_column: 'id', order_direction: 'desc', page_size: 10 };
    const first = await call('admin', 'list_dashboards', request);
    const id = Number(first.dashboards[0].id);
    const renamed = await rename(id);
    expect((await call('admin', 'list_dashboards', request)).dashboards[0].dashboard_title).toBe(
      first.dashboards[0].dashboard_title,
    );
    await sleep(RESULT_TTL * 1000 + 500);
    expect(
      (await call('admin', 'list_dashboards', request)).dashboards[0].dashboard_title,
    ).toContain(renamed);
  });

  it('never serves one user the entry of another with different access', async () => {
    const request = { page_size: 50 };
    const admin = await call('admin', 'list_dashboards', request);
    const alpha = await call('alpha', 'list_dashboards', request);
    const gamma = await call('gamma', 'list_dashboards', request);
    expect(alpha.total_count).toBeLessThan(admin.total_count);
    // Repeats are hits, each user's own.
    expect(await call('alpha', 'list_dashboards', request)).toEqual(alpha);
    expect(await call('admin', 'list_dashboards', request)).toEqual(admin);
    expect(await call('gamma', 'list_dashboards', request)).toEqual(gamma);
    const adminInfo = await call('admin', 'get_instance_info');
    const alphaInfo = await call('alpha', 'get_instance_info');
    expect(alphaInfo.current_user.username).toBe('alpha');
    expect(adminInfo.current_user.username).toBe('admin');
    if (redis) {
      const keys = await cacheKeys('tools/call:list_dashboards:*');
      const principals = new Set(keys.map((key) => key.slice(key.lastIndexOf(':') + 1)));
      expect(principals.size).toBeGreaterThanOrEqual(3);
      for (const principal of principals) expect(principal).toMatch(/^u\d+\.[0-9a-f]{32}$/);
    }
  });

  it('answers tools/list, resources/list, prompts/list, resources/read and prompts/get through the cache', async () => {
    for (const username of ['admin', 'alpha']) {
      const mcp = await as(username);
      const tools = await mcp.client.listTools();
      expect(await mcp.client.listTools()).toEqual(tools);
      const resources = await mcp.client.listResources();
      expect(await mcp.client.listResources()).toEqual(resources);
      const prompts = await mcp.client.listPrompts();
      expect(await mcp.client.listPrompts()).toEqual(prompts);
      const prompt = await mcp.client.getPrompt({ arguments: {}, name: 'quickstart' });
      expect(await mcp.client.getPrompt({ arguments: {}, name: 'quickstart' })).toEqual(prompt);
    }
    // resources/read: a dashboard added to the database is not counted until the entry expires.
    const mcp = await as('admin');
    const read = async () => {
      const result = await mcp.client.readResource({ uri: 'instance://metadata' });
      const text = (result.contents[0] as { text: string }).text;
      return JSON.parse(text) as Record<string, any>;
    };
    const before = (await read()).instance_summary.total_dashboards as number;
    if (redis) {
      for (const method of [
        'tools/list',
        'resources/list',
        'prompts/list',
        'resources/read',
        'prompts/get',
      ]) {
        expect((await cacheKeys(`${method}:*`)).length, method).toBeGreaterThan(0);
      }
      const [key] = await cacheKeys('tools/list:*');
      const ttl = await redis.pttl(key);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(RESULT_TTL * 1000);
    }
    await sql(
      `INSERT INTO dashboards (dashboard_title, slug, published, uuid, created_on, changed_on)
       VALUES ('Added by the cache test', $1, true, $2, now(), now())`,
      [`cache-${randomUUID().slice(0, 8)}`, randomUUID()],
    );
    expect((await read()).instance_summary.total_dashboards).toBe(before);
    await sleep(RESULT_TTL * 1000 + 500);
    expect((await read()).instance_summary.total_dashboards).toBe(before + 1);
  });

  it('sees a role taken away in Superset once the access cache has expired', async () => {
    const before = await call('sales', 'get_instance_info');
    expect(before.current_user.roles).toContain('sales_analyst');
    await sql(
      `DELETE FROM ab_user_role WHERE user_id = (SELECT id FROM ab_user WHERE username = 'sales')
         AND role_id = (SELECT id FROM ab_role WHERE name = 'sales_analyst')`,
    );
    await sleep(ACCESS_TTL * 1000 + 500);
    // Within the result TTL, yet the changed roles make it another principal: a fresh answer.
    const after = await call('sales', 'get_instance_info');
    expect(after.current_user.roles).not.toContain('sales_analyst');
    expect(after.current_user.roles).toContain('Gamma');
  });

  if (store === 'memory') {
    it('answers a metadata database outage as temporarily unavailable, never as an internal error', async () => {
      await call('alpha', 'list_datasets', { page_size: 1 });
      const admin = new PgClient({ database: 'postgres', host: '127.0.0.1', user: 'postgres' });
      await admin.connect();
      try {
        await admin.query(`ALTER DATABASE "${database.name}" WITH ALLOW_CONNECTIONS false`);
        await admin.query(
          "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND application_name = 'superset-mcp'",
          [database.name],
        );
        // The caller is usually still kept (the tool meets the outage), or else resolving it does.
        const response = await postJson(
          service.url,
          {
            id: 1,
            jsonrpc: '2.0',
            method: 'tools/call',
            params: { arguments: { request: { page_size: 2 } }, name: 'list_datasets' },
          },
          { Authorization: `Bearer ${await token('alpha')}` },
        );
        expect(response.text).not.toMatch(/Internal error|password|postgres:\/\//i);
        if (response.status === 200) {
          expect(response.json.result.isError).toBe(true);
          expect(response.json.result.content[0].text).toBe(
            'Database error in list_datasets: Service temporarily unavailable. Please try again in a few moments.',
          );
        } else {
          expect(response.status).toBe(503);
          expect(response.json.error.message).toMatch(/temporarily unavailable/);
        }
      } finally {
        await admin.query(`ALTER DATABASE "${database.name}" WITH ALLOW_CONNECTIONS true`);
        await admin.end();
      }
      // Back by itself: a pooled connection the outage ended may fail one more call first.
      let recovered: Record<string, unknown> | null = null;
      for (let attempt = 0; attempt < 10 && recovered === null; attempt += 1) {
        const mcp = await as('alpha');
        const result = await mcp.client.callTool({
          arguments: { request: { page_size: 2 } },
          name: 'list_datasets',
        });
        if (result.isError) await new Promise((resolve) => setTimeout(resolve, 300));
        else recovered = toolJson(result);
      }
      expect(recovered?.count).toBe(2);
    });
  }

  if (store === 'redis') {
    it('serves from the entry Redis holds, and only to its principal', async () => {
      const request = { page_size: 3 };
      await call('alpha', 'list_charts', request);
      const [key] = await cacheKeys('tools/call:list_charts:*');
      const entry = JSON.parse((await redis!.get(key))!) as {
        value: { json: Record<string, any> };
      };
      entry.value.json.count = 4242;
      await redis!.set(key, JSON.stringify(entry), 'KEEPTTL');
      expect((await call('alpha', 'list_charts', request)).count).toBe(4242);
      expect((await call('admin', 'list_charts', request)).count).not.toBe(4242);
    });
  }
});
