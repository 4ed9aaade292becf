import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { postJson } from './support/mcp-client.js';
import {
  startServiceProcess,
  temporaryDataDir,
  type ServiceProcess,
} from './support/service-process.js';

const PROTOCOL_VERSION = '2025-06-18';
const RESUMABLE_PROTOCOL_VERSION = '2025-11-25';
const JSON_ONLY = { Accept: 'application/json' };
const ACCEPT_BOTH = { Accept: 'application/json, text/event-stream' };
/** How long the test waits for something that must happen (a reconnection); never asserted on. */
const PATIENCE_MS = 30_000;

type Message = Record<string, any>;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** A redis-server of this test's own, which it stops and starts again (keeping its data). */
class OwnRedis {
  private child: ChildProcess | null = null;
  readonly dir = mkdtempSync(join(tmpdir(), 'smcp-redis-'));

  constructor(readonly port: number) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}/0`;
  }

  async start(): Promise<void> {
    const child = spawn(
      'redis-server',
      ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { cwd: this.dir, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('Ready to accept connections')) resolve();
      });
      child.once('exit', (code) => reject(new Error(`redis-server exited ${code}:\n${output}`)));
    });
    this.child = child;
  }

  /** Saves its data to its own folder (as a persistent Redis would) and stops. */
  async stop(): Promise<void> {
    const child = this.child;
    this.child = null;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    spawn('redis-cli', ['-p', String(this.port), 'shutdown', 'save'], { stdio: 'ignore' });
    await exited;
  }

  async remove(): Promise<void> {
    if (this.child) {
      const exited = new Promise((resolve) => this.child?.once('exit', resolve));
      this.child.kill('SIGKILL');
      await exited;
    }
    rmSync(this.dir, { force: true, recursive: true });
  }
}

/** The messages of one POST answered as an SSE stream, read as they arrive. */
class EventStream {
  private readonly received: Message[] = [];
  /** The SSE event ids seen, in order (the first is the SDK's priming event when resumable). */
  readonly eventIds: string[] = [];
  private buffer = '';
  private wake: (() => void) | null = null;
  private ended = false;

  constructor(
    private readonly controller: AbortController,
    body: ReadableStream<Uint8Array>,
  ) {
    void this.read(body);
  }

  /** Resolves once the stream has ended (the server closed it). */
  async end(): Promise<Message[]> {
    while (!this.ended) await new Promise<void>((resolve) => (this.wake = resolve));
    return this.received;
  }

  /** The first message (from the start of the stream) that fits; rejects if the stream ends first. */
  async next(fits: (message: Message) => boolean): Promise<Message> {
    for (;;) {
      const found = this.received.find(fits);
      if (found) return found;
      if (this.ended) throw new Error(`stream ended; got ${JSON.stringify(this.received)}`);
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  close(): void {
    this.controller.abort();
  }

  private async read(body: ReadableStream<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    try {
      for await (const chunk of body) {
        this.buffer += decoder.decode(chunk, { stream: true });
        let end: number;
        while ((end = this.buffer.indexOf('\n\n')) >= 0) {
          const event = this.buffer.slice(0, end);
          this.buffer = this.buffer.slice(end + 2);
          const lines = event.split('\n');
          const data = lines
            .filter((line) => line.startsWith('data:'))
            .map((line) => line.slice(5).trim())
            .join('\n');
          const id = lines
            .find((line) => line.startsWith('id:'))
            ?.slice(3)
            .trim();
          if (id) this.eventIds.push(id);
          if (data) this.received.push(JSON.parse(data) as Message);
        }
        this.wake?.();
      }
    } catch {
      // Aborted by the test.
    }
    this.ended = true;
    this.wake?.();
  }
}

/** An MCP client made of raw POSTs, so that the test chooses which process gets each one. */
class RawSession {
  constructor(
    readonly id: string,
    readonly protocolVersion: string,
  ) {}

  static async initialize(
    service: ServiceProcess,
    protocolVersion = PROTOCOL_VERSION,
  ): Promise<RawSession> {
    const answer = await postJson(
      service.url,
      {
        id: 1,
        jsonrpc: '2.0',
        method: 'initialize',
        params: {
          capabilities: { elicitation: {}, sampling: {} },
          clientInfo: { name: 'redis-e2e', version: '1' },
          protocolVersion,
        },
      },
      JSON_ONLY,
    );
    expect(answer.status).toBe(200);
    const session = new RawSession(answer.headers.get('mcp-session-id') ?? '', protocolVersion);
    expect(session.id).toMatch(/^[0-9a-f]{64}$/);
    const initialized = await session.post(service, {
      jsonrpc: '2.0',
      method: 'notifications/initialized',
    });
    expect(initialized.status).toBe(202);
    return session;
  }

  post(service: ServiceProcess, body: Message): ReturnType<typeof postJson> {
    return postJson(service.url, body, {
      ...JSON_ONLY,
      'Mcp-Protocol-Version': this.protocolVersion,
      'Mcp-Session-Id': this.id,
    });
  }

  async request(service: ServiceProcess, method: string, params: Message = {}): Promise<Message> {
    const answer = await this.post(service, { id: randomUUID(), jsonrpc: '2.0', method, params });
    expect(answer.status, answer.text).toBe(200);
    return answer.json as Message;
  }

  /** A request answered as an SSE stream, which the server also uses to ask the client. */
  async stream(service: ServiceProcess, body: Message): Promise<EventStream> {
    return this.open(service, 'POST', body);
  }

  /** GET with `Last-Event-ID`: the rest of a stream that broke. */
  resume(service: ServiceProcess, lastEventId: string): Promise<EventStream> {
    return this.open(service, 'GET', undefined, { 'Last-Event-ID': lastEventId });
  }

  private async open(
    service: ServiceProcess,
    method: 'GET' | 'POST',
    body?: Message,
    headers: Record<string, string> = {},
  ): Promise<EventStream> {
    const controller = new AbortController();
    const response = await fetch(service.url, {
      body: body === undefined ? undefined : JSON.stringify(body),
      headers: {
        ...ACCEPT_BOTH,
        'Content-Type': 'application/json',
        'Mcp-Protocol-Version': this.protocolVersion,
        'Mcp-Session-Id': this.id,
        ...headers,
      },
      method,
      signal: controller.signal,
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    return new EventStream(controller, response.body as ReadableStream<Uint8Array>);
  }
}

async function eventually<T>(attempt: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + PATIENCE_MS;
  for (;;) {
    const value = await attempt();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

describe('sessions and client messages shared through Redis by two processes', () => {
  const data = temporaryDataDir();
  const keyPrefix = `smcp_e2e_${randomUUID().slice(0, 8)}_`;
  let redis: OwnRedis;
  let a: ServiceProcess;
  let b: ServiceProcess;

  beforeAll(async () => {
    redis = new OwnRedis(await freePort());
    await redis.start();
    const env = {
      MCP_CONFORMANCE_FIXTURES: 'true',
      MCP_STORE_CONFIG: JSON.stringify({
        CACHE_KEY_PREFIX: keyPrefix,
        CACHE_REDIS_URL: redis.url,
        enabled: true,
      }),
      SUPERSET_MCP_DATA_DIR: data.dir,
    };
    a = await startServiceProcess(env);
    b = await startServiceProcess(env);
  }, 180_000);

  afterAll(async () => {
    await a?.stop();
    await b?.stop();
    await redis?.remove();
    data.remove();
  });

  it('serves a session opened on one process from the other', async () => {
    const session = await RawSession.initialize(a);
    const listed = await session.request(b, 'tools/list');
    const names = (listed.result.tools as { name: string }[]).map((tool) => tool.name);
    expect(names).toContain('test_sampling');
    const called = await session.request(b, 'tools/call', {
      arguments: {},
      name: 'test_simple_text',
    });
    expect(called.result.content[0].text).toContain('simple text response');
    expect(a.output()).not.toMatch(/not honoured yet; sessions stay/);
  });

  it('keeps the session store under the configured key prefix', async () => {
    await RawSession.initialize(a);
    const keys = await new Promise<string>((resolve) => {
      const cli = spawn('redis-cli', ['-p', String(redis.port), '--scan'], { stdio: 'pipe' });
      let output = '';
      cli.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      cli.once('exit', () => resolve(output));
    });
    const all = keys.split('\n').filter(Boolean);
    expect(all.length).toBeGreaterThan(0);
    for (const key of all) expect(key.startsWith(keyPrefix)).toBe(true);
  });

  it('hands an answer posted to one process to the tool waiting for it on the other', async () => {
    const session = await RawSession.initialize(a);
    const call = await session.stream(a, {
      id: 'call-sampling',
      jsonrpc: '2.0',
      method: 'tools/call',
      params: { arguments: { prompt: 'Say hi' }, name: 'test_sampling' },
    });
    try {
      const asked = await call.next((message) => message.method === 'sampling/createMessage');
      const answered = await session.post(b, {
        id: asked.id,
        jsonrpc: '2.0',
        result: {
          content: { text: 'hello from the other replica', type: 'text' },
          model: 'e2e',
          role: 'assistant',
          stopReason: 'endTurn',
        },
      });
      expect(answered.status).toBe(202);
      const result = await call.next((message) => message.id === 'call-sampling');
      expect(result.result.content[0].text).toBe('LLM response: hello from the other replica');
    } finally {
      call.close();
    }
  });

  it('cancels, from the other process, a call waiting on this one', async () => {
    const session = await RawSession.initialize(a);
    const call = await session.stream(a, {
      id: 'call-to-cancel',
      jsonrpc: '2.0',
      method: 'tools/call',
      params: { arguments: { message: 'Who are you?' }, name: 'test_elicitation' },
    });
    try {
      const asked = await call.next((message) => message.method === 'elicitation/create');
      const cancelled = await session.post(b, {
        jsonrpc: '2.0',
        method: 'notifications/cancelled',
        params: { reason: 'user gave up', requestId: 'call-to-cancel' },
      });
      expect(cancelled.status).toBe(202);
      // The call on A stops waiting and withdraws its question to the client.
      const withdrawn = await call.next((message) => message.method === 'notifications/cancelled');
      expect(withdrawn.params.requestId).toBe(asked.id);
    } finally {
      call.close();
    }
  });

  it('resumes on B, with Last-Event-ID, a stream that broke on A while its call goes on', async () => {
    const session = await RawSession.initialize(a, RESUMABLE_PROTOCOL_VERSION);
    const call = await session.stream(a, {
      id: 'call-resumed',
      jsonrpc: '2.0',
      method: 'tools/call',
      params: { arguments: { prompt: 'Resume me' }, name: 'test_sampling' },
    });
    await call.next((message) => message.method === 'sampling/createMessage');
    const [priming] = call.eventIds;
    expect(priming).toBeTruthy();
    call.close();

    const resumed = await session.resume(b, priming);
    try {
      const asked = await resumed.next((message) => message.method === 'sampling/createMessage');
      const answered = await session.post(b, {
        id: asked.id,
        jsonrpc: '2.0',
        result: { content: { text: 'resumed', type: 'text' }, model: 'e2e', role: 'assistant' },
      });
      expect(answered.status).toBe(202);
      const messages = await resumed.end();
      const result = messages.find((message) => message.id === 'call-resumed');
      expect(result?.result.content[0].text).toBe('LLM response: resumed');
    } finally {
      resumed.close();
    }
  });

  it('ends a resumed stream when its call is cancelled', async () => {
    const session = await RawSession.initialize(a, RESUMABLE_PROTOCOL_VERSION);
    const call = await session.stream(a, {
      id: 'call-resumed-cancelled',
      jsonrpc: '2.0',
      method: 'tools/call',
      params: { arguments: { message: 'Still there?' }, name: 'test_elicitation' },
    });
    const asked = await call.next((message) => message.method === 'elicitation/create');
    const [priming] = call.eventIds;
    call.close();

    const resumed = await session.resume(b, priming);
    try {
      await resumed.next((message) => message.method === 'elicitation/create');
      const cancelled = await session.post(a, {
        jsonrpc: '2.0',
        method: 'notifications/cancelled',
        params: { requestId: 'call-resumed-cancelled' },
      });
      expect(cancelled.status).toBe(202);
      const messages = await resumed.end();
      expect(messages.some((message) => message.id === 'call-resumed-cancelled')).toBe(false);
      const withdrawn = messages.find((message) => message.method === 'notifications/cancelled');
      expect(withdrawn?.params.requestId).toBe(asked.id);
    } finally {
      resumed.close();
    }
  });

  it('answers a GET without Last-Event-ID 405, and an unknown Last-Event-ID 400', async () => {
    const session = await RawSession.initialize(a, RESUMABLE_PROTOCOL_VERSION);
    const plain = await fetch(b.url, {
      headers: { ...ACCEPT_BOTH, 'Mcp-Session-Id': session.id },
    });
    expect(plain.status).toBe(405);
    const unknown = await fetch(b.url, {
      headers: {
        ...ACCEPT_BOTH,
        'Last-Event-ID': `${randomUUID()}_1-0`,
        'Mcp-Session-Id': session.id,
      },
    });
    expect(unknown.status).toBe(400);
    expect(((await unknown.json()) as Message).error.message).toMatch(/cannot be resumed/);
  });

  it('refuses with a retryable 503 while Redis is down and serves the same session once it is back', async () => {
    const metadata = new Database(join(data.dir, 'superset.db'), { readonly: true });
    const auditRows = () =>
      (
        metadata.prepare("SELECT count(*) AS n FROM logs WHERE action = 'mcp_tool_call'").get() as {
          n: number;
        }
      ).n;
    // Rows of earlier tests may still be queued: wait until the count stops moving.
    let before = -1;
    while (before !== auditRows()) {
      before = auditRows();
      await new Promise((resolve) => setTimeout(resolve, 1500));
    }
    const session = await RawSession.initialize(a);
    expect((await session.request(b, 'tools/list')).result.tools.length).toBeGreaterThan(0);

    await redis.stop();
    // Calls that need no session are served while Redis is down, and audited.
    for (const service of [a, b]) {
      const sessionless = await postJson(
        service.url,
        {
          id: 7,
          jsonrpc: '2.0',
          method: 'tools/call',
          params: { arguments: {}, name: 'test_simple_text' },
        },
        JSON_ONLY,
      );
      expect(sessionless.status).toBe(200);
    }
    for (const service of [a, b]) {
      const refused = await session.post(service, {
        id: 5,
        jsonrpc: '2.0',
        method: 'tools/list',
      });
      expect(refused.status).toBe(503);
      expect(refused.headers.get('retry-after')).toBeTruthy();
      expect(refused.json.error.code).toBe(-32603);
      expect(refused.json.error.message).toMatch(/retry/i);
      expect(refused.text).not.toMatch(/Session not found|redis:\/\/|at .*\.js/);
      const opened = await postJson(
        service.url,
        {
          id: 1,
          jsonrpc: '2.0',
          method: 'initialize',
          params: {
            capabilities: {},
            clientInfo: { name: 'x', version: '1' },
            protocolVersion: PROTOCOL_VERSION,
          },
        },
        JSON_ONLY,
      );
      expect(opened.status).toBe(503);
      expect(opened.json.error.code).toBe(-32603);
      const ready = await fetch(`${service.origin}/ready`);
      expect(ready.status).toBe(503);
      expect(await ready.json()).toMatchObject({ metadata_database: 'ok', redis: 'unreachable' });
    }

    await redis.start();
    for (const service of [a, b]) {
      const served = await eventually(
        () => session.post(service, { id: 6, jsonrpc: '2.0', method: 'tools/list' }),
        (answer) => answer.status !== 503,
      );
      expect(served.status).toBe(200);
      expect(served.json.result.tools.length).toBeGreaterThan(0);
      const ready = await eventually(
        () => fetch(`${service.origin}/ready`),
        (response) => response.status === 200,
      );
      expect(await ready.json()).toMatchObject({ redis: 'ok', status: 'ready' });
      expect(service.child.exitCode).toBeNull();
    }

    // The routing channel is subscribed again too: an answer posted to B reaches A's tool.
    const call = await session.stream(a, {
      id: 'call-after-restart',
      jsonrpc: '2.0',
      method: 'tools/call',
      params: { arguments: { prompt: 'Again' }, name: 'test_sampling' },
    });
    try {
      const asked = await call.next((message) => message.method === 'sampling/createMessage');
      await session.post(b, {
        id: asked.id,
        jsonrpc: '2.0',
        result: { content: { text: 'back', type: 'text' }, model: 'e2e', role: 'assistant' },
      });
      const result = await call.next((message) => message.id === 'call-after-restart');
      expect(result.result.content[0].text).toBe('LLM response: back');
    } finally {
      call.close();
    }
    // No audit row lost: the two calls made during the outage and the one after it.
    try {
      expect(
        await eventually(
          () => Promise.resolve(auditRows()),
          (rows) => rows >= before + 3,
        ),
      ).toBe(before + 3);
    } finally {
      metadata.close();
    }
  }, 120_000);
});
