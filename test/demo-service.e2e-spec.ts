import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  connectClient,
  postJson,
  postWithHost,
  toolJson,
  type ConnectedClient,
} from './support/mcp-client.js';
import {
  startServiceProcess,
  temporaryDataDir,
  type ServiceProcess,
} from './support/service-process.js';

const ACCEPT_BOTH = { Accept: 'application/json, text/event-stream' };

describe('embedded demo over Streamable HTTP', () => {
  let service: ServiceProcess;
  let mcp: ConnectedClient;
  const data = temporaryDataDir();

  beforeAll(async () => {
    service = await startServiceProcess({ SUPERSET_MCP_DATA_DIR: data.dir });
    mcp = await connectClient(service.url);
  });

  afterAll(async () => {
    await mcp?.close();
    await service?.stop();
    data.remove();
  });

  it('prints the demo banner: no auth, loopback only', () => {
    expect(service.output()).toContain('NO AUTHENTICATION');
    expect(service.output()).toContain("runs as Superset user 'admin'");
    expect(new URL(service.url).hostname).toBe('127.0.0.1');
  });

  it('initialises a session and lists the tools with annotations', async () => {
    expect(mcp.transport.sessionId).toMatch(/^[0-9a-f]{64}$/);
    const { tools } = await mcp.client.listTools();
    const names = tools.map((tool) => tool.name);
    expect(names).toEqual(expect.arrayContaining(['health_check', 'get_instance_info']));
    for (const tool of tools) {
      expect(tool.description).toBeTruthy();
      expect(tool.inputSchema.type).toBe('object');
      expect(tool.annotations?.readOnlyHint).toBeTypeOf('boolean');
      expect(tool.annotations?.title).toBeTruthy();
    }
    expect(mcp.client.getInstructions()).toContain('get_instance_info');
  });

  it('health_check reports a healthy service and metadata database', async () => {
    const health = toolJson(await mcp.client.callTool({ arguments: {}, name: 'health_check' }));
    expect(health).toMatchObject({
      database: 'ok',
      service: 'Superset MCP Service',
      status: 'healthy',
    });
    expect(Date.parse(health.timestamp)).not.toBeNaN();
  });

  it('get_instance_info describes the demo content and the caller', async () => {
    const info = toolJson(
      await mcp.client.callTool({ arguments: { request: {} }, name: 'get_instance_info' }),
    );
    expect(info.instance_summary).toMatchObject({
      total_dashboards: 3,
      total_databases: 1,
    });
    expect(info.instance_summary.total_charts).toBeGreaterThanOrEqual(10);
    expect(info.instance_summary.total_datasets).toBeGreaterThanOrEqual(4);
    expect(info.instance_summary.total_users).toBeGreaterThanOrEqual(3);
    expect(info.dashboard_breakdown).toMatchObject({ published: 2, unpublished: 1 });
    expect(info.database_breakdown.by_type).toEqual({ sqlite: 1 });
    expect(info.current_user).toMatchObject({ roles: ['Admin'], username: 'admin' });
    expect(info.feature_availability.accessible_menus.length).toBeGreaterThan(0);
    expect(info.recent_activity.charts_created_last_30_days).toBeGreaterThanOrEqual(0);
  });

  it('links to a Superset on its default address, by dashboard slug', async () => {
    const list = toolJson(
      await mcp.client.callTool({
        arguments: { request: { search: 'Sales Overview' } },
        name: 'list_dashboards',
      }),
    );
    expect(list.dashboards[0].url).toBe('http://localhost:8088/superset/dashboard/sales-overview/');
  });

  it('answers the deployment guide curl example without Accept or initialize', async () => {
    const response = await postJson(service.url, { id: 1, jsonrpc: '2.0', method: 'tools/list' });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('application/json');
    expect(response.json.result.tools.map((tool: { name: string }) => tool.name)).toContain(
      'health_check',
    );
  });

  it('rejects malformed input with JSON-RPC errors and stays up', async () => {
    const malformed = await postJson(service.url, '{"jsonrpc": "2.0", "method": ', ACCEPT_BOTH);
    expect(malformed.status).toBe(400);
    expect(malformed.json.error.code).toBe(-32700);

    const wrongShape = await postJson(service.url, { hello: 'world' }, ACCEPT_BOTH);
    expect(wrongShape.status).toBe(400);
    expect(wrongShape.json.error.code).toBeLessThan(0);

    const unknownMethod = await postJson(service.url, {
      id: 7,
      jsonrpc: '2.0',
      method: 'no/such/method',
    });
    expect(unknownMethod.json.error.code).toBe(-32601);

    const huge = await postJson(service.url, {
      id: 8,
      jsonrpc: '2.0',
      method: 'tools/list',
      params: { padding: 'x'.repeat(5 * 1024 * 1024) },
    });
    expect(huge.status).toBe(413);

    const notJson = await fetch(service.url, { body: 'hello', method: 'POST' });
    expect(notJson.status).toBe(415);

    const health = toolJson(await mcp.client.callTool({ arguments: {}, name: 'health_check' }));
    expect(health.status).toBe('healthy');
  });

  it('returns clear tool errors for unknown tools and wrong arguments', async () => {
    const unknown = await postJson(service.url, {
      id: 9,
      jsonrpc: '2.0',
      method: 'tools/call',
      params: { arguments: {}, name: 'no_such_tool' },
    });
    expect(unknown.json.error).toMatchObject({ code: -32602 });
    expect(unknown.json.error.message).toContain('no_such_tool');

    const extra = await mcp.client.callTool({ arguments: { surprise: 1 }, name: 'health_check' });
    expect(extra.isError).toBe(true);
    expect((extra.content as { text: string }[])[0].text).toMatch(
      /^Validation error in health_check: .*surprise/,
    );

    const wrongType = await mcp.client.callTool({
      arguments: { request: 'not an object' },
      name: 'get_instance_info',
    });
    expect(wrongType.isError).toBe(true);
    expect((wrongType.content as { text: string }[])[0].text).toContain(
      'Validation error in get_instance_info: request',
    );
  });

  it('accepts the request wrapper sent as a JSON string', async () => {
    const result = await mcp.client.callTool({
      arguments: { request: '{}' },
      name: 'get_instance_info',
    });
    expect(result.isError).toBeFalsy();
    expect(toolJson(result).current_user.username).toBe('admin');
  });

  it('serves sessions: unknown id 404, DELETE ends one', async () => {
    const unknown = await postJson(
      service.url,
      { id: 1, jsonrpc: '2.0', method: 'tools/list' },
      { ...ACCEPT_BOTH, 'Mcp-Session-Id': 'f'.repeat(64) },
    );
    expect(unknown.status).toBe(404);
    expect(unknown.json.error.code).toBe(-32001);

    const second = await connectClient(service.url);
    const sessionId = second.transport.sessionId ?? '';
    await second.client.listTools();
    const ended = await fetch(service.url, {
      headers: { 'Mcp-Session-Id': sessionId },
      method: 'DELETE',
    });
    expect(ended.status).toBe(200);
    const after = await postJson(
      service.url,
      { id: 2, jsonrpc: '2.0', method: 'tools/list' },
      { ...ACCEPT_BOTH, 'Mcp-Session-Id': sessionId },
    );
    expect(after.status).toBe(404);
    const noHeader = await fetch(service.url, { method: 'DELETE' });
    expect(noHeader.status).toBe(400);
  });

  it('answers GET with 405, and a browser with the hello page', async () => {
    const sse = await fetch(service.url, { headers: { Accept: 'text/event-stream' } });
    expect(sse.status).toBe(405);
    expect(sse.headers.get('allow')).toBe('POST, DELETE');
    const browser = await fetch(service.url, { headers: { Accept: 'text/html,*/*' } });
    expect(browser.status).toBe(200);
    const page = await browser.text();
    expect(page).toContain('MCP API Endpoint');
    expect(page).toContain('mcp-remote');
    expect(page).toContain(service.url);
  });

  it('refuses foreign origins and hosts (DNS rebinding)', async () => {
    const foreignOrigin = await postJson(
      service.url,
      { id: 1, jsonrpc: '2.0', method: 'tools/list' },
      { Origin: 'https://evil.example.com' },
    );
    expect(foreignOrigin.status).toBe(403);
    const localOrigin = await postJson(
      service.url,
      { id: 1, jsonrpc: '2.0', method: 'tools/list' },
      { Origin: service.origin },
    );
    expect(localOrigin.status).toBe(200);
    const foreignHost = await postWithHost(service.url, 'evil.example.com', {
      id: 1,
      jsonrpc: '2.0',
      method: 'tools/list',
    });
    expect(foreignHost.status).toBe(403);
    const localHost = await postWithHost(service.url, new URL(service.url).host, {
      id: 1,
      jsonrpc: '2.0',
      method: 'tools/list',
    });
    expect(localHost.status).toBe(200);
  });

  it('serves liveness and readiness', async () => {
    const health = await fetch(`${service.origin}/health`);
    expect(health.status).toBe(200);
    const ready = await fetch(`${service.origin}/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready' });
  });

  it('reuses the demo databases on the next start', async () => {
    const again = await startServiceProcess({ SUPERSET_MCP_DATA_DIR: data.dir });
    try {
      expect(again.output()).toContain('Reusing the demo databases');
    } finally {
      await again.stop();
    }
    expect(service.output()).toContain('Created the demo databases');
  });
});
