import { spawn, type ChildProcess } from 'node:child_process';

import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { FetchLike } from '@modelcontextprotocol/sdk/shared/transport.js';
import { CreateMessageRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { Agent, fetch as undiciFetch } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { postgresDemoFixture, type DemoFixture } from './support/demo-fixtures.js';
import { hmacSecret, signedToken } from './support/jwt-tokens.js';
import { startNginxProxy, waitForPort, type NginxProxy } from './support/nginx-proxy.js';
import { freePort } from './support/oidc-issuer.js';
import { startServiceProcess, type ServiceProcess } from './support/service-process.js';

/**
 * The deployment's nginx site (config/nginx/templates, rendered for this nginx) with TLS in front
 * of three service processes that share one Redis and one Postgres metadata database, driven by
 * the SDK client as an assistant would. nginx's access log says which replica answered each
 * request (the client tags every request it sends); each replica's /metrics, read directly, says
 * which tool calls it ran.
 */

const SECRET = 'nginx-proxy-spec-secret-0123456789abcdef';
const SAMPLED_TEXT = 'sampled by the nginx test client';

interface Replica {
  readonly service: ServiceProcess;
  /** 127.0.0.1:PORT, as nginx's upstream address names it */
  readonly host: string;
  readonly origin: string;
}

interface SentRequest {
  readonly tag: string;
  /** `initialize`, `tools/call health_check`, `answer`, `GET`… */
  readonly kind: string;
}

function describeRequest(method: string | undefined, body: unknown): string {
  if ((method ?? 'GET') !== 'POST' || typeof body !== 'string') return method ?? 'GET';
  const message = JSON.parse(body) as {
    method?: string;
    params?: { name?: string };
  };
  if (message.method === undefined) return 'answer';
  return message.method === 'tools/call' ? `tools/call ${message.params?.name}` : message.method;
}

/** `superset_mcp_tool_calls_total` of one tool in a Prometheus text exposition, summed over outcomes. */
function toolCalls(metrics: string, tool: string): number {
  let total = 0;
  for (const line of metrics.split('\n')) {
    if (line.startsWith('superset_mcp_tool_calls_total{') && line.includes(`tool="${tool}"`)) {
      total += Number(line.slice(line.lastIndexOf(' ') + 1));
    }
  }
  return total;
}

describe('three replicas behind the shipped nginx site with TLS', () => {
  let fixture: DemoFixture;
  let redis: ChildProcess;
  let replicas: Replica[] = [];
  let proxy: NginxProxy;
  let agent: Agent;
  let client: Client;
  let transport: StreamableHTTPClientTransport;
  const sent: SentRequest[] = [];
  let token: string;

  /** The replica (host:port) that answered each tagged request, once nginx has logged it. */
  async function landedOn(kind: string): Promise<string[][]> {
    const tags = sent.filter((request) => request.kind === kind).map((request) => request.tag);
    for (let attempt = 0; attempt < 50; attempt += 1) {
      const byTag = new Map(proxy.requests().map((request) => [request.tag, request.upstreams]));
      if (tags.every((tag) => byTag.has(tag))) return tags.map((tag) => byTag.get(tag) ?? []);
      await new Promise((resolveWait) => setTimeout(resolveWait, 100));
    }
    throw new Error(`nginx did not log every ${kind} request`);
  }

  const hostOf = (replica: Replica) => replica.host;

  async function metricsOf(replica: Replica): Promise<string> {
    const response = await fetch(`${replica.origin}/metrics`);
    expect(response.status).toBe(200);
    return response.text();
  }

  const tlsFetch: FetchLike = async (url, init) => {
    const tag = String(sent.length + 1);
    sent.push({ kind: describeRequest(init?.method, init?.body), tag });
    const headers = Object.fromEntries(new Headers(init?.headers).entries());
    const response = await undiciFetch(url, {
      body: init?.body as string | undefined,
      dispatcher: agent,
      headers: { ...headers, 'X-Test-Tag': tag },
      method: init?.method,
      signal: init?.signal,
    });
    return response;
  };

  beforeAll(async () => {
    fixture = await postgresDemoFixture();
    const redisPort = await freePort();
    redis = spawn(
      'redis-server',
      ['--port', String(redisPort), '--save', '', '--appendonly', 'no', '--bind', '127.0.0.1'],
      { stdio: 'ignore' },
    );
    await waitForPort(redisPort, 'redis-server');
    const nginxPort = await freePort();
    const env = {
      ...fixture.env,
      MCP_AUTH_ENABLED: 'true',
      MCP_CONFORMANCE_FIXTURES: 'true',
      MCP_JWT_ALGORITHM: 'HS256',
      MCP_JWT_SECRET: SECRET,
      MCP_SERVICE_URL: `https://localhost:${nginxPort}`,
      MCP_STORE_CONFIG: JSON.stringify({
        CACHE_KEY_PREFIX: 'smcp_nginx_e2e_',
        CACHE_REDIS_URL: `redis://127.0.0.1:${redisPort}/0`,
        enabled: true,
      }),
    };
    for (let index = 0; index < 3; index += 1) {
      // The service logs the public URL only, so the test chooses each replica's port.
      const port = await freePort();
      const service = await startServiceProcess(env, ['--port', String(port)]);
      replicas.push({ host: `127.0.0.1:${port}`, origin: `http://127.0.0.1:${port}`, service });
    }
    proxy = await startNginxProxy({ port: nginxPort, upstreams: replicas.map(hostOf) });
    agent = new Agent({ connect: { ca: proxy.certificate } });
    token = await signedToken({ sub: 'admin' }, hmacSecret(SECRET), { alg: 'HS256' });
  });

  afterAll(async () => {
    await client?.close().catch(() => undefined);
    await proxy?.stop();
    await agent?.destroy();
    await Promise.all(replicas.map((replica) => replica.service.stop()));
    replicas = [];
    if (redis && redis.exitCode === null) {
      const exited = new Promise((resolveExit) => redis.once('exit', resolveExit));
      redis.kill('SIGTERM');
      await exited;
    }
    await fixture?.close();
  });

  it('names the proxy, not a replica, in the challenge and the metadata it serves', async () => {
    const denied = await tlsFetch(`${proxy.origin}/mcp`, {
      body: JSON.stringify({ id: 1, jsonrpc: '2.0', method: 'tools/list' }),
      headers: {
        Accept: 'application/json, text/event-stream',
        'Content-Type': 'application/json',
      },
      method: 'POST',
    });
    expect(denied.status).toBe(401);
    expect(denied.headers.get('www-authenticate')).toContain(
      `resource_metadata="${proxy.origin}/.well-known/oauth-protected-resource/mcp"`,
    );
    const metadata = await tlsFetch(`${proxy.origin}/.well-known/oauth-protected-resource/mcp`);
    expect(((await metadata.json()) as { resource: string }).resource).toBe(`${proxy.origin}/mcp`);
    for (const path of ['/health', '/ready']) {
      expect((await tlsFetch(`${proxy.origin}${path}`)).status).toBe(200);
    }
  });

  it('initializes an SDK client through nginx over TLS with its bearer token passed on', async () => {
    client = new Client(
      { name: 'superset-mcp-nginx-e2e', version: '1.0.0' },
      { capabilities: { sampling: {} } },
    );
    client.setRequestHandler(CreateMessageRequestSchema, () => ({
      content: { text: SAMPLED_TEXT, type: 'text' },
      model: 'nginx-test-model',
      role: 'assistant',
    }));
    transport = new StreamableHTTPClientTransport(new URL(`${proxy.origin}/mcp`), {
      fetch: tlsFetch,
      requestInit: { headers: { Authorization: `Bearer ${token}` } },
    });
    await client.connect(transport);
    expect(transport.sessionId).toEqual(expect.any(String));
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name)).toEqual(
      expect.arrayContaining(['health_check', 'test_sampling', 'test_tool_with_progress']),
    );
  });

  it('spreads the calls of one session over all three replicas', async () => {
    for (let call = 0; call < 6; call += 1) {
      const result = await client.callTool({ arguments: {}, name: 'health_check' });
      expect(result.isError).toBeFalsy();
    }
    const landed = await landedOn('tools/call health_check');
    expect(new Set(landed.flat())).toEqual(new Set(replicas.map(hostOf)));
    // Each replica's own count, read from it directly, not through nginx.
    for (const replica of replicas) {
      expect(toolCalls(await metricsOf(replica), 'health_check')).toBeGreaterThanOrEqual(1);
    }
  });

  it('answers a sampling request started on one replica with a POST that lands on another', async () => {
    // The tool cannot finish before the client has read the sampling request from the still-open
    // event stream: were nginx buffering that stream, this call would never return. (The site
    // turns buffering off for /mcp; the SDK's X-Accel-Buffering: no header also does, per response.)
    const result = await client.callTool({
      arguments: { prompt: 'Say something' },
      name: 'test_sampling',
    });
    expect(result.isError).toBeFalsy();
    expect(JSON.stringify(result.content)).toContain(SAMPLED_TEXT);
    const [[callReplica]] = await landedOn('tools/call test_sampling');
    const answers = await landedOn('answer');
    const [answerReplica] = answers[answers.length - 1];
    expect(answerReplica).toBeDefined();
    expect(answerReplica).not.toBe(callReplica);
  });

  it('passes progress notifications through as they are sent, before the result', async () => {
    const events: string[] = [];
    const result = await client.callTool(
      { arguments: {}, name: 'test_tool_with_progress' },
      undefined,
      { onprogress: (progress) => events.push(`progress ${progress.progress}`) },
    );
    events.push('result');
    expect(result.isError).toBeFalsy();
    expect(events).toEqual(['progress 0', 'progress 50', 'progress 100', 'result']);
  });

  it('carries on with no error when the replica that began the session is killed', async () => {
    const [[initialReplica]] = await landedOn('initialize');
    const victim = replicas.find((replica) => hostOf(replica) === initialReplica);
    if (!victim) throw new Error(`no replica at ${initialReplica}`);
    const exited = new Promise((resolveExit) => victim.service.child.once('exit', resolveExit));
    victim.service.child.kill('SIGKILL');
    await exited;
    const survivors = replicas.filter((replica) => replica !== victim);
    const before = await Promise.all(
      survivors.map(async (replica) => toolCalls(await metricsOf(replica), 'list_dashboards')),
    );

    const sessionId = transport.sessionId;
    for (let call = 0; call < 6; call += 1) {
      const result = await client.callTool({
        arguments: { request: { page_size: 2 } },
        name: 'list_dashboards',
      });
      expect(result.isError).toBeFalsy();
    }
    expect(transport.sessionId).toBe(sessionId);

    const landed = await landedOn('tools/call list_dashboards');
    // Every call ended on a survivor; the one whose turn fell on the dead replica was refused
    // there and passed on by nginx (proxy_next_upstream error) within the same request.
    for (const upstreams of landed) {
      expect(survivors.map(hostOf)).toContain(upstreams[upstreams.length - 1]);
    }
    expect(landed.filter((upstreams) => upstreams.length > 1)).toEqual([
      [hostOf(victim), expect.any(String)],
    ]);
    const after = await Promise.all(
      survivors.map(async (replica) => toolCalls(await metricsOf(replica), 'list_dashboards')),
    );
    expect(after.reduce((sum, count) => sum + count, 0) - before.reduce((a, b) => a + b, 0)).toBe(
      6,
    );
    expect(after.every((count, index) => count > before[index])).toBe(true);
  });
});
