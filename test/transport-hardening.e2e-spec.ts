import { connect } from 'node:net';

import { McpError } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { connectClient, postJson, toolJson, type ConnectedClient } from './support/mcp-client.js';
import {
  startServiceProcess,
  temporaryDataDir,
  type ServiceProcess,
} from './support/service-process.js';

const ACCEPT_BOTH = { Accept: 'application/json, text/event-stream' };
const SESSIONS_PER_PRINCIPAL = 5;

const initialize = (clientInfo: Record<string, unknown> = { name: 'e2e', version: '1' }) => ({
  id: 1,
  jsonrpc: '2.0',
  method: 'initialize',
  params: { capabilities: {}, clientInfo, protocolVersion: '2025-06-18' },
});

interface RawAnswer {
  readonly head: string;
  /** Whether the server closed the connection after answering. */
  readonly closedByServer: boolean;
  readonly body: string;
}

/**
 * Sends request headers and the first part of a body, then waits: for the answer, and for the
 * server to close the connection (or not, within `waitForCloseMs`).
 */
function sendPartialRequest(
  origin: string,
  headers: string,
  firstPart: string,
  waitForCloseMs = 5000,
): Promise<RawAnswer> {
  const { hostname, port } = new URL(origin);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    let received = '';
    let timer: NodeJS.Timeout | undefined;
    const finish = (closedByServer: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      const [head, ...body] = received.split('\r\n\r\n');
      resolve({ body: body.join('\r\n\r\n'), closedByServer, head });
    };
    socket.on('error', (error: NodeJS.ErrnoException) => {
      // A reset after the answer still closes the connection.
      if (received && error.code === 'ECONNRESET') finish(true);
      else reject(error);
    });
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString();
      if (!timer && received.includes('\r\n\r\n')) {
        timer = setTimeout(() => finish(false), waitForCloseMs);
      }
    });
    socket.on('end', () => finish(true));
    socket.write(`${headers}\r\n\r\n${firstPart}`);
  });
}

describe('transport hardening', () => {
  let service: ServiceProcess;
  let mcp: ConnectedClient;
  const data = temporaryDataDir();

  beforeAll(async () => {
    service = await startServiceProcess({
      MCP_MAX_SESSIONS_PER_PRINCIPAL: String(SESSIONS_PER_PRINCIPAL),
      SUPERSET_MCP_DATA_DIR: data.dir,
    });
    mcp = await connectClient(service.url);
  });

  afterAll(async () => {
    await mcp?.close();
    await service?.stop();
    data.remove();
  });

  const stillServed = async () => {
    const health = toolJson(await mcp.client.callTool({ arguments: {}, name: 'health_check' }));
    expect(health.status).toBe('healthy');
  };

  describe('sessions', () => {
    it('refuses an initialize whose clientInfo and capabilities exceed 8 KiB, storing nothing', async () => {
      const huge = await postJson(
        service.url,
        initialize({ name: 'e2e', padding: 'x'.repeat(9000), version: '1' }),
        ACCEPT_BOTH,
      );
      expect(huge.status).toBe(400);
      expect(huge.json.error.code).toBe(-32602);
      expect(huge.json.error.message).toContain('8192 bytes');
      expect(huge.headers.get('mcp-session-id')).toBeNull();

      const hugeCapabilities = await postJson(
        service.url,
        {
          ...initialize(),
          params: {
            ...initialize().params,
            capabilities: { experimental: { blob: { data: 'x'.repeat(9000) } } },
          },
        },
        ACCEPT_BOTH,
      );
      expect(hugeCapabilities.status).toBe(400);
      expect(hugeCapabilities.headers.get('mcp-session-id')).toBeNull();
      await stillServed();
    });

    it("one principal's flood evicts only its own sessions, never another principal's idle one", async () => {
      const open = async (address: string) => {
        const answer = await postJson(service.url, initialize(), {
          ...ACCEPT_BOTH,
          'X-Forwarded-For': address,
        });
        expect(answer.status).toBe(200);
        return answer.headers.get('mcp-session-id') ?? '';
      };
      const listTools = (address: string, sessionId: string) =>
        postJson(
          service.url,
          { id: 2, jsonrpc: '2.0', method: 'tools/list' },
          { ...ACCEPT_BOTH, 'Mcp-Session-Id': sessionId, 'X-Forwarded-For': address },
        );

      const idle = await open('10.0.0.1');
      const flood: string[] = [];
      for (let batch = 0; batch < 30; batch += 1) {
        flood.push(...(await Promise.all(Array.from({ length: 10 }, () => open('10.0.0.2')))));
      }

      expect((await listTools('10.0.0.1', idle)).status).toBe(200);
      expect((await listTools('10.0.0.2', flood[0])).status).toBe(404);
      expect((await listTools('10.0.0.2', flood.at(-1) ?? '')).status).toBe(200);
      await stillServed();
    });

    it('answers 404 to a session id of absurd length or shape, for POST and DELETE', async () => {
      for (const sessionId of ['x'.repeat(8000), 'F'.repeat(64), ' '.repeat(10)]) {
        const posted = await postJson(
          service.url,
          { id: 3, jsonrpc: '2.0', method: 'tools/list' },
          { ...ACCEPT_BOTH, 'Mcp-Session-Id': sessionId },
        );
        expect(posted.status).toBe(404);
        expect(posted.json.error.code).toBe(-32001);
        const deleted = await fetch(service.url, {
          headers: { 'Mcp-Session-Id': sessionId },
          method: 'DELETE',
        });
        expect(deleted.status).toBe(404);
      }
    });
  });

  describe('request bodies', () => {
    it('refuses JSON nested deeper than 64 levels with a parse error naming the limit', async () => {
      const deepButClosed = `${'['.repeat(1_000_000)}${']'.repeat(1_000_000)}`;
      const unclosed = '['.repeat(4 * 1024 * 1024 - 1);
      const justTooDeep = `{"jsonrpc":"2.0","id":1,"method":"tools/list","params":${'['.repeat(64)}${']'.repeat(64)}}`;
      for (const body of [deepButClosed, unclosed, justTooDeep]) {
        const answer = await postJson(service.url, body, ACCEPT_BOTH);
        expect(answer.status).toBe(400);
        expect(answer.json.error.code).toBe(-32700);
        expect(answer.json.error.message).toContain('64');
      }
      await stillServed();
    });

    it('still serves requests nested as deep as the limit allows', async () => {
      const nested = (depth: number): unknown => (depth === 0 ? 'leaf' : { a: nested(depth - 1) });
      const answer = await postJson(service.url, {
        id: 4,
        jsonrpc: '2.0',
        method: 'tools/call',
        params: { arguments: { request: nested(58) }, name: 'health_check' },
      });
      expect(answer.status).toBe(200);
      expect(answer.json.result ?? answer.json.error).toBeDefined();
    });

    it('answers 413 to an oversized declared body and closes without reading the rest', async () => {
      const { host } = new URL(service.origin);
      const answer = await sendPartialRequest(
        service.origin,
        [
          'POST /mcp HTTP/1.1',
          `Host: ${host}`,
          'Content-Type: application/json',
          `Content-Length: ${100 * 1024 * 1024}`,
        ].join('\r\n'),
        '{"padding": "' + 'x'.repeat(64 * 1024),
      );
      expect(answer.head).toMatch(/^HTTP\/1\.1 413 /);
      expect(answer.head.toLowerCase()).toContain('connection: close');
      expect(JSON.parse(answer.body).error.message).toContain('4194304 bytes');
      expect(answer.closedByServer).toBe(true);
    });

    it('answers 413 to a chunked body once it passes the limit, and closes', async () => {
      const { host } = new URL(service.origin);
      const chunk = 'x'.repeat(1024 * 1024);
      const chunks = Array.from(
        { length: 9 },
        () => `${chunk.length.toString(16)}\r\n${chunk}\r\n`,
      );
      const answer = await sendPartialRequest(
        service.origin,
        [
          'POST /mcp HTTP/1.1',
          `Host: ${host}`,
          'Content-Type: application/json',
          'Transfer-Encoding: chunked',
        ].join('\r\n'),
        chunks.join(''),
      );
      expect(answer.head).toMatch(/^HTTP\/1\.1 413 /);
      expect(answer.head.toLowerCase()).toContain('connection: close');
      expect(answer.closedByServer).toBe(true);
    });

    it('answers 413 to a body a little over the limit even to fetch, which reads answers last', async () => {
      const answer = await postJson(service.url, {
        id: 8,
        jsonrpc: '2.0',
        method: 'tools/list',
        params: { padding: 'x'.repeat(5 * 1024 * 1024) },
      });
      expect(answer.status).toBe(413);
      expect(answer.headers.get('connection')).toBe('close');
      expect(answer.json.error.code).toBe(-32600);
    });

    it('stays up when a client goes away in the middle of a body', async () => {
      const { host, hostname, port } = new URL(service.origin);
      await new Promise<void>((resolve, reject) => {
        const socket = connect(Number(port), hostname, () => {
          const head = [
            'POST /mcp HTTP/1.1',
            `Host: ${host}`,
            'Content-Type: application/json',
            'Content-Length: 1000',
          ].join('\r\n');
          socket.write(`${head}\r\n\r\n{"jsonrpc": "2.0", `, () => {
            socket.destroy();
            resolve();
          });
        });
        socket.on('error', reject);
      });
      await stillServed();
    });

    it('keeps 400 for malformed JSON and 415 for other content types', async () => {
      const malformed = await postJson(service.url, '{"jsonrpc": "2.0", "method": ', ACCEPT_BOTH);
      expect(malformed.status).toBe(400);
      expect(malformed.json.error.code).toBe(-32700);
      const notJson = await fetch(service.url, { body: 'hello', method: 'POST' });
      expect(notJson.status).toBe(415);
      const gzip = await postJson(service.url, '{}', {
        ...ACCEPT_BOTH,
        'Content-Encoding': 'gzip',
      });
      expect(gzip.status).toBe(415);
      await stillServed();
    });

    it('serves a batch, and refuses one of more than 100 messages', async () => {
      const batch = (size: number) =>
        Array.from({ length: size }, (_, index) => ({
          id: index + 1,
          jsonrpc: '2.0',
          method: 'tools/list',
        }));
      const small = await postJson(service.url, batch(2), ACCEPT_BOTH);
      expect(small.status).toBe(200);
      const large = await postJson(service.url, batch(101), ACCEPT_BOTH);
      expect(large.status).toBe(400);
      expect(large.json.error.code).toBe(-32600);
    });
  });

  describe('errors a client sees', () => {
    it('repeats at most 200 characters of an unknown resource URI or prompt name', async () => {
      const long = 'z'.repeat(100_000);
      for (const request of [
        { method: 'resources/read', params: { uri: `instance://${long}` } },
        { method: 'prompts/get', params: { name: long } },
      ]) {
        const answer = await postJson(service.url, { id: 1, jsonrpc: '2.0', ...request });
        expect(answer.json.error.code).toBe(-32602);
        expect(answer.json.error.message).toMatch(/not found: .*z…$/);
        expect(answer.json.error.message.length).toBeLessThan(300);
      }
    });

    it('answers params the protocol does not allow with -32602 naming the field, not an internal error', async () => {
      const cases = [
        { method: 'tools/call', params: { arguments: null, name: 'list_charts' } },
        { method: 'tools/call', params: { arguments: 'text', name: 'list_charts' } },
        { method: 'tools/call', params: { junk: true } },
        { method: 'initialize', params: { capabilities: {}, protocolVersion: '2025-06-18' } },
      ];
      for (const [index, request] of cases.entries()) {
        const answer = await postJson(service.url, { id: index + 1, jsonrpc: '2.0', ...request });
        expect(answer.json.error.code).toBe(-32602);
        expect(answer.json.error.message).toMatch(/^Invalid params: params\.\w+: /);
        expect(answer.json.id).toBe(index + 1);
      }
      await stillServed();
    });

    it('says "MCP error -32602:" once in the unknown-tool error a real SDK client receives', async () => {
      const error = await mcp.client
        .callTool({ arguments: {}, name: 'no_such_tool' })
        .then(() => null)
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(McpError);
      expect((error as McpError).code).toBe(-32602);
      expect((error as McpError).message).toBe('MCP error -32602: Unknown tool: no_such_tool');
    });

    it('says the prefix once for every McpError a handler throws (prompts, resources)', async () => {
      const messages = await Promise.all([
        mcp.client.getPrompt({ name: 'no_such_prompt' }).catch((caught: McpError) => caught),
        mcp.client
          .readResource({ uri: 'superset://no/such/resource' })
          .catch((caught: McpError) => caught),
      ]);
      for (const error of messages) {
        expect(error).toBeInstanceOf(McpError);
        expect((error as McpError).message).toMatch(/^MCP error -32602: (?!MCP error)/);
      }
    });

    it('does not echo an absurd tool name back', async () => {
      const name = `${'a'.repeat(5000)}<script>`;
      const answer = await postJson(service.url, {
        id: 5,
        jsonrpc: '2.0',
        method: 'tools/call',
        params: { arguments: {}, name },
      });
      expect(answer.json.error.code).toBe(-32602);
      expect(answer.json.error.message).not.toContain('aaaa');
      expect(answer.json.error.message).not.toMatch(/MCP error/);
    });
  });

  describe('signals', () => {
    it('keeps serving after SIGUSR2; only SIGTERM and SIGINT stop it', async () => {
      const exited = new Promise<string>((resolve) =>
        service.child.once('exit', () => resolve('exited')),
      );
      const ignored = new Promise<string>((resolve) => {
        const check = () => {
          if (service.output().includes('Ignoring SIGUSR2')) resolve('ignored');
          else setTimeout(check, 50);
        };
        check();
      });
      service.child.kill('SIGUSR2');
      expect(await Promise.race([exited, ignored])).toBe('ignored');
      expect(service.child.exitCode).toBeNull();
      const health = await fetch(`${service.origin}/health`);
      expect(health.status).toBe(200);
      await stillServed();
    });
  });
});
