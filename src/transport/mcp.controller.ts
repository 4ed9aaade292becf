import {
  Controller,
  Delete,
  Get,
  Inject,
  Logger,
  type OnApplicationShutdown,
  Optional,
  Post,
  Req,
  Res,
  UseGuards,
} from '@nestjs/common';
import {
  StreamableHTTPServerTransport,
  type StreamableHTTPServerTransportOptions,
} from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import type { Request, Response } from 'express';

import { AuthService } from '../auth/auth.service.js';
import type { Caller } from '../auth/caller.js';
import { redactSecrets } from '../common/redact-secrets.js';
import { InjectSettings } from '../config/inject-settings.decorator.js';
import type { Settings } from '../config/settings.js';
import { RedisUnavailableError } from '../redis/redis-connections.js';
import { ClientMessageRouter } from './client-message-router.service.js';
import { EVENT_STORE } from './event-store.provider.js';
import { helloPage } from './hello-page.js';
import { sendJsonRpcError } from './json-rpc-error.js';
import { mcpEndpointUrl } from './mcp-endpoint.js';
import { McpServerFactory } from './mcp-server.factory.js';
import { OriginGuard } from './origin.guard.js';
import type { RedisEventStore } from './redis-event-store.js';
import { RequestEventStore } from './request-event-store.js';
import type { SessionRecord } from './session-record.js';
import { MAX_CLIENT_STATE_BYTES, SessionService } from './session.service.js';
import { StreamResumer } from './stream-resumer.js';

const SESSION_HEADER = 'mcp-session-id';
const SESSION_NOT_FOUND = -32001;
/** What `SessionService.newId` mints; anything else cannot name a session. */
const SESSION_ID = /^[0-9a-f]{64}$/;
const STORE_FULL_RETRY_AFTER_SECONDS = 60;
const STORE_DOWN_RETRY_AFTER_SECONDS = 5;
/** The first protocol version whose clients resume a stream (it has the SDK's priming event). */
const RESUMABLE_PROTOCOL_VERSION = '2025-11-25';
/** How long a call whose client's stream broke goes on (for a resume) before it is closed. */
const LONGEST_ORPHANED_CALL_MS = 10 * 60_000;
const MAX_EVENT_ID_LENGTH = 100;
/** Resumed streams one process follows at once; each polls the event store. */
const MAX_RESUMED_STREAMS = 1000;

/**
 * Streamable HTTP at /mcp. Every POST is answered by a fresh server and transport; sessions live in
 * the session store, so any replica can serve any request of a session.
 */
@Controller('mcp')
@UseGuards(OriginGuard)
export class McpController implements OnApplicationShutdown {
  private readonly logger = new Logger(McpController.name);
  /** The resumed streams this process follows, by SSE stream id (one each: a new resume wins). */
  private readonly resumed = new Map<string, StreamResumer>();

  constructor(
    private readonly auth: AuthService,
    private readonly sessions: SessionService,
    private readonly servers: McpServerFactory,
    private readonly router: ClientMessageRouter,
    @InjectSettings() private readonly settings: Settings,
    @Optional() @Inject(EVENT_STORE) private readonly events: RedisEventStore | null = null,
  ) {}

  @Post()
  async post(@Req() request: Request, @Res() response: Response): Promise<void> {
    await this.unlessStoreDown(response, () => this.handlePost(request, response));
  }

  private async handlePost(request: Request, response: Response): Promise<void> {
    const body: unknown = request.body;
    if (!request.is('application/json') || body === undefined) {
      return sendJsonRpcError(response, 415, -32700, 'Content-Type must be application/json');
    }
    const caller = await this.authenticate(request, response);
    if (!caller) return;

    if (isInitializeRequest(body)) return this.initialize(request, response, body, caller);

    const sessionId = request.header(SESSION_HEADER);
    let session: SessionRecord | null = null;
    if (sessionId !== undefined) {
      session = SESSION_ID.test(sessionId) ? await this.sessions.find(sessionId, caller) : null;
      if (!session) {
        return sendJsonRpcError(response, 404, SESSION_NOT_FOUND, 'Session not found');
      }
    }
    if (isClientAnswerOrNotification(body)) {
      if (session) await this.router.deliver(session.id, body);
      response.status(202).end();
      return;
    }
    await this.serve(request, response, body, caller, session);
  }

  @Get()
  async get(@Req() request: Request, @Res() response: Response): Promise<void> {
    const lastEventId = request.header('last-event-id');
    if (lastEventId !== undefined && this.events) {
      const events = this.events;
      return this.unlessStoreDown(response, () =>
        this.resume(request, response, events, lastEventId),
      );
    }
    const accept = request.header('accept') ?? '';
    if (accept.includes('text/html') && !accept.includes('text/event-stream')) {
      response
        .status(200)
        .type('html')
        .send(helloPage(this.publicEndpoint(request), this.auth.mode !== 'dev'));
      return;
    }
    sendJsonRpcError(response, 405, -32000, 'Method not allowed: this server has no GET stream', {
      Allow: 'POST, DELETE',
    });
  }

  @Delete()
  async delete(@Req() request: Request, @Res() response: Response): Promise<void> {
    await this.unlessStoreDown(response, () => this.handleDelete(request, response));
  }

  private async handleDelete(request: Request, response: Response): Promise<void> {
    const caller = await this.authenticate(request, response);
    if (!caller) return;
    const sessionId = request.header(SESSION_HEADER);
    if (sessionId === undefined) {
      return sendJsonRpcError(
        response,
        400,
        -32000,
        'Bad Request: Mcp-Session-Id header is required',
      );
    }
    if (!SESSION_ID.test(sessionId) || !(await this.sessions.end(sessionId, caller))) {
      return sendJsonRpcError(response, 404, SESSION_NOT_FOUND, 'Session not found');
    }
    response.status(200).end();
  }

  /** GET with `Last-Event-ID`: the rest of a broken SSE stream of this session, from any replica. */
  private async resume(
    request: Request,
    response: Response,
    events: RedisEventStore,
    lastEventId: string,
  ): Promise<void> {
    const caller = await this.authenticate(request, response);
    if (!caller) return;
    if (!(request.header('accept') ?? '').includes('text/event-stream')) {
      return sendJsonRpcError(
        response,
        406,
        -32000,
        'Not Acceptable: Client must accept text/event-stream',
      );
    }
    const sessionId = request.header(SESSION_HEADER);
    if (sessionId === undefined) {
      return sendJsonRpcError(
        response,
        400,
        -32000,
        'Bad Request: Mcp-Session-Id header is required',
      );
    }
    const session = SESSION_ID.test(sessionId) ? await this.sessions.find(sessionId, caller) : null;
    if (!session) return sendJsonRpcError(response, 404, SESSION_NOT_FOUND, 'Session not found');
    const tail = lastEventId.length <= MAX_EVENT_ID_LENGTH ? await events.after(lastEventId) : null;
    if (!tail || tail.sessionId !== session.id) {
      return sendJsonRpcError(
        response,
        400,
        -32000,
        'Unknown or expired Last-Event-ID: this stream cannot be resumed; send the request again',
      );
    }
    const streamId = lastEventId.split('_')[0] ?? lastEventId;
    this.resumed.get(streamId)?.stop();
    this.resumed.delete(streamId);
    if (this.resumed.size >= MAX_RESUMED_STREAMS) {
      return sendJsonRpcError(response, 503, -32000, 'Too many resumed streams; try again later', {
        'Retry-After': String(STORE_DOWN_RETRY_AFTER_SECONDS),
      });
    }
    response.status(200).set({
      'Cache-Control': 'no-cache, no-transform',
      'Content-Type': 'text/event-stream',
      'X-Accel-Buffering': 'no',
      [SESSION_HEADER]: session.id,
    });
    response.flushHeaders();
    const followForMs = this.settings.MCP_STORE_CONFIG.event_store_ttl * 1000;
    const resumer = new StreamResumer(events, response, lastEventId, followForMs);
    this.resumed.set(streamId, resumer);
    try {
      await resumer.run(tail.events);
    } finally {
      if (this.resumed.get(streamId) === resumer) this.resumed.delete(streamId);
    }
  }

  onApplicationShutdown(): void {
    for (const resumer of this.resumed.values()) resumer.stop();
    this.resumed.clear();
  }

  /**
   * Runs a request that needs the session store; while Redis is unreachable it is answered 503 /
   * -32603 telling the client to retry (never "Session not found": the session may well exist).
   */
  private async unlessStoreDown(response: Response, handle: () => Promise<void>): Promise<void> {
    try {
      await handle();
    } catch (error) {
      // RedisConnections logs the outage once; a line per refused request would flood the log.
      if (!(error instanceof RedisUnavailableError)) throw error;
      sendJsonRpcError(
        response,
        503,
        -32603,
        'Session store temporarily unavailable; retry the request shortly',
        { 'Retry-After': String(STORE_DOWN_RETRY_AFTER_SECONDS) },
      );
    }
  }

  /** The configured public URL, else the address this request reached (the bound port, not 0). */
  private publicEndpoint(request: Request): string {
    if (this.settings.MCP_SERVICE_URL) return mcpEndpointUrl(this.settings);
    return `${request.protocol}://${request.get('host')}/mcp`;
  }

  private async initialize(
    request: Request,
    response: Response,
    body: { params: { protocolVersion: string; capabilities: object; clientInfo: object } },
    caller: Caller,
  ): Promise<void> {
    const sessionId = this.sessions.newId();
    const opened = await this.sessions.open(sessionId, caller, principalOf(request, caller), {
      clientCapabilities: { ...body.params.capabilities },
      clientInfo: { ...body.params.clientInfo },
      protocolVersion: body.params.protocolVersion,
    });
    if (opened === 'client-state-too-large') {
      return sendJsonRpcError(
        response,
        400,
        -32602,
        `Invalid params: clientInfo and capabilities may take at most ${MAX_CLIENT_STATE_BYTES} bytes of JSON together`,
      );
    }
    if (opened === 'store-full') {
      return sendJsonRpcError(
        response,
        503,
        -32000,
        'Too many open sessions on this server; try again later',
        { 'Retry-After': String(STORE_FULL_RETRY_AFTER_SECONDS) },
      );
    }
    let handedOut = false;
    await this.serve(request, response, body, caller, null, {
      onsessioninitialized: () => {
        handedOut = true;
      },
      sessionIdGenerator: () => sessionId,
    });
    if (!handedOut) await this.sessions.discard(sessionId);
  }

  private async serve(
    request: Request,
    response: Response,
    body: unknown,
    caller: Caller,
    session: SessionRecord | null,
    sessionOptions: Pick<
      StreamableHTTPServerTransportOptions,
      'sessionIdGenerator' | 'onsessioninitialized'
    > = {},
  ): Promise<void> {
    const accept = request.header('accept') ?? '';
    // Plain JSON clients (curl, scripts) may omit Accept; answer them with one JSON object.
    const jsonResponse = !accept.includes('text/event-stream');
    if (jsonResponse) request.headers.accept = 'application/json, text/event-stream';

    const eventStore = jsonResponse ? null : this.eventStoreFor(session, body);
    const transport = new StreamableHTTPServerTransport({
      enableJsonResponse: jsonResponse,
      sessionIdGenerator: undefined,
      ...sessionOptions,
      ...(eventStore ? { eventStore } : {}),
    });
    try {
      const server = await this.servers.create(
        caller,
        session,
        transport,
        session?.id ?? null,
        eventStore ? (requestId) => void eventStore.cancelled(requestId) : undefined,
      );
      response.on('close', () => {
        // A resumable call goes on when the client's stream breaks; its events are stored.
        if (!eventStore) return void server.close();
        const limit = Math.min(
          this.settings.MCP_STORE_CONFIG.event_store_ttl * 1000,
          LONGEST_ORPHANED_CALL_MS,
        );
        const timer = setTimeout(() => void server.close(), limit).unref();
        void eventStore.answered.then(() => {
          clearTimeout(timer);
          void server.close();
        });
      });
      await server.connect();
      await transport.handleRequest(request, response, body);
    } catch (error) {
      this.logger.error(
        redactSecrets(
          `MCP request failed: ${error instanceof Error ? error.message : String(error)}`,
        ),
        error instanceof Error && error.stack ? redactSecrets(error.stack) : undefined,
      );
      sendJsonRpcError(response, 500, -32603, 'Internal error');
    }
  }

  /** A store for this POST's SSE events when the client can resume them (Redis store on). */
  private eventStoreFor(session: SessionRecord | null, body: unknown): RequestEventStore | null {
    if (!this.events || !session || session.protocolVersion < RESUMABLE_PROTOCOL_VERSION) {
      return null;
    }
    const messages = (Array.isArray(body) ? body : [body]) as Record<string, unknown>[];
    const requestIds = messages
      .filter((message) => typeof message?.method === 'string' && 'id' in message)
      .map((message) => message.id as string | number);
    if (requestIds.length === 0) return null;
    return new RequestEventStore(this.events, session.id, requestIds);
  }

  private async authenticate(request: Request, response: Response): Promise<Caller | null> {
    try {
      return await this.auth.authenticate(request);
    } catch (error) {
      const challenge = this.auth.challenge(error, request);
      if (!challenge) {
        // Not a credential problem: the metadata database (users, roles) is unreachable.
        this.logger.error(
          redactSecrets(
            `Resolving the caller failed: ${error instanceof Error ? error.message : String(error)}`,
          ),
        );
        sendJsonRpcError(
          response,
          503,
          -32603,
          'Service temporarily unavailable; try again shortly',
        );
        return null;
      }
      response
        .status(challenge.status)
        .set('WWW-Authenticate', challenge.wwwAuthenticate)
        .json(challenge.body);
      return null;
    }
  }
}

function isClientAnswerOrNotification(body: unknown): body is Record<string, unknown> {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return false;
  const message = body as Record<string, unknown>;
  if (message.jsonrpc !== '2.0') return false;
  const isAnswer =
    'id' in message && !('method' in message) && ('result' in message || 'error' in message);
  const isNotification = typeof message.method === 'string' && !('id' in message);
  return isAnswer || isNotification;
}

/**
 * Whose session quota a session counts against: the Superset user and token subject, or in dev
 * mode, where every caller is the same user, the client address.
 */
function principalOf(request: Request, caller: Caller): string {
  if (caller.principal) return `user:${caller.user.id}:${caller.principal.subject ?? ''}`;
  return `address:${request.ip ?? request.socket.remoteAddress ?? 'unknown'}`;
}
