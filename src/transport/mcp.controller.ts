import { Controller, Delete, Get, Logger, Post, Req, Res, UseGuards } from '@nestjs/common';
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
import { helloPage } from './hello-page.js';
import { sendJsonRpcError } from './json-rpc-error.js';
import { mcpEndpointUrl } from './mcp-endpoint.js';
import { McpServerFactory } from './mcp-server.factory.js';
import { OriginGuard } from './origin.guard.js';
import type { SessionRecord } from './session-record.js';
import { MAX_CLIENT_STATE_BYTES, SessionService } from './session.service.js';

const SESSION_HEADER = 'mcp-session-id';
const SESSION_NOT_FOUND = -32001;
/** What `SessionService.newId` mints; anything else cannot name a session. */
const SESSION_ID = /^[0-9a-f]{64}$/;
const STORE_FULL_RETRY_AFTER_SECONDS = 60;
const STORE_DOWN_RETRY_AFTER_SECONDS = 5;

/**
 * Streamable HTTP at /mcp. Every POST is answered by a fresh server and transport; sessions live in
 * the session store, so any replica can serve any request of a session.
 */
@Controller('mcp')
@UseGuards(OriginGuard)
export class McpController {
  private readonly logger = new Logger(McpController.name);

  constructor(
    private readonly auth: AuthService,
    private readonly sessions: SessionService,
    private readonly servers: McpServerFactory,
    private readonly router: ClientMessageRouter,
    @InjectSettings() private readonly settings: Settings,
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
  get(@Req() request: Request, @Res() response: Response): void {
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

    const transport = new StreamableHTTPServerTransport({
      enableJsonResponse: jsonResponse,
      sessionIdGenerator: undefined,
      ...sessionOptions,
    });
    try {
      const server = await this.servers.create(caller, session, transport, session?.id ?? null);
      response.on('close', () => {
        void server.close();
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
