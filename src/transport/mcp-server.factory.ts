import { randomUUID } from 'node:crypto';

import { Injectable } from '@nestjs/common';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import type { RequestHandlerExtra } from '@modelcontextprotocol/sdk/shared/protocol.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { jsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/types.js';
import { AjvJsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/ajv';
import {
  CallToolRequestSchema,
  ErrorCode,
  ListToolsRequestSchema,
  SetLevelRequestSchema,
  type ServerNotification,
  type ServerRequest,
  type ServerCapabilities,
} from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';

import type { Caller } from '../auth/caller.js';
import { ResultCache } from '../cache/result-cache.service.js';
import { APP_NAME, APP_VERSION } from '../common/app-info.js';
import { InjectSettings } from '../config/inject-settings.decorator.js';
import type { Settings } from '../config/settings.js';
import { toolsVisibleTo } from '../tools/access/tool-visibility.js';
import { McpFeatureRegistry } from '../tools/mcp-feature.registry.js';
import type { LogLevel, ToolCall } from '../tools/tool-call.js';
import { ToolExecutor } from '../tools/tool-executor.service.js';
import { ToolRegistry, type RegisteredTool } from '../tools/tool-registry.service.js';
import { ClientMessageRouter } from './client-message-router.service.js';
import { JsonRpcRequestError } from './json-rpc-request.error.js';
import { RoutedTransport } from './routed-transport.js';
import { instructionsFor } from './server-instructions.js';
import { SecurityService } from '../users/security.service.js';
import type { SessionRecord } from './session-record.js';
import { SessionService } from './session.service.js';

type Extra = RequestHandlerExtra<ServerRequest, ServerNotification>;

export interface RequestServer {
  connect(): Promise<void>;
  close(): Promise<void>;
}

const AnyResult = z.record(z.string(), z.unknown());

const PRINTABLE_TOOL_NAME = /^[A-Za-z0-9_.\-/]{1,64}$/;

/**
 * The SDK builds an Ajv instance (a good part of a request's CPU) for every server it constructs,
 * to check elicitation answers; built only when a server actually needs one.
 */
const ON_DEMAND_VALIDATOR: jsonSchemaValidator = {
  getValidator: (schema) => new AjvJsonSchemaValidator().getValidator(schema),
};

/** Builds the short-lived server that answers one HTTP request for one caller. */
@Injectable()
export class McpServerFactory {
  constructor(
    private readonly tools: ToolRegistry,
    private readonly executor: ToolExecutor,
    private readonly features: McpFeatureRegistry,
    private readonly sessions: SessionService,
    private readonly router: ClientMessageRouter,
    private readonly security: SecurityService,
    private readonly cache: ResultCache,
    @InjectSettings() private readonly settings: Settings,
  ) {}

  /**
   * A server for one HTTP request, wired to that request's transport; `routingSessionId` lets
   * later POSTs of the session reach it (answers to its requests, cancellations).
   */
  async create(
    caller: Caller,
    session: SessionRecord | null,
    transport: Transport,
    routingSessionId: string | null,
    onCancelled?: (requestId: string | number) => void,
  ): Promise<RequestServer> {
    const visibleTools = await this.toolsVisibleTo(caller);
    const server = new Server(
      { name: APP_NAME, title: 'Superset MCP', version: APP_VERSION },
      {
        capabilities: this.capabilities(),
        instructions: instructionsFor(visibleTools.map((tool) => tool.options)),
        jsonSchemaValidator: ON_DEMAND_VALIDATOR,
      },
    );
    if (session) restoreClientState(server, session);

    const answer = this.cache.answerFor(caller);
    server.setRequestHandler(ListToolsRequestSchema, () =>
      answer('tools/list', '', null, () => ({
        tools: visibleTools.map((tool) => tool.definition),
      })),
    );
    server.setRequestHandler(CallToolRequestSchema, async (request, extra) => {
      const tool = this.tools.get(request.params.name);
      if (!tool) {
        throw new JsonRpcRequestError(
          ErrorCode.InvalidParams,
          `Unknown tool: ${toolNameForMessage(request.params.name)}`,
        );
      }
      const call = toolCall(tool, caller, session, extra);
      return this.executor.execute(tool, request.params.arguments, call);
    });
    server.setRequestHandler(SetLevelRequestSchema, async (request) => {
      if (session) await this.sessions.setLogLevel(session, request.params.level);
      return {};
    });
    this.features.attach(server, caller, answer);
    const routed = new RoutedTransport(transport, this.router, routingSessionId, onCancelled);
    return {
      close: () => server.close(),
      connect: () => server.connect(routed),
    };
  }

  /** Tools whose scope and Superset permission the caller holds; calls are checked again. */
  private async toolsVisibleTo(caller: Caller): Promise<RegisteredTool[]> {
    const access = await this.security.accessFor(caller.user);
    return toolsVisibleTo(this.tools.all(), caller, access, this.settings);
  }

  private capabilities(): ServerCapabilities {
    return { logging: {}, tools: { listChanged: false }, ...this.features.capabilities() };
  }
}

function toolCall(
  tool: RegisteredTool,
  caller: Caller,
  session: SessionRecord | null,
  extra: Extra,
): ToolCall {
  const progressToken = extra._meta?.progressToken;
  return {
    callId: randomUUID().replaceAll('-', ''),
    caller,
    notes: {},
    log: (level: LogLevel, data: unknown, logger?: string) =>
      extra.sendNotification({
        method: 'notifications/message',
        params: { data, level, ...(logger ? { logger } : {}) },
      }),
    reportProgress: async (progress: number, total?: number, message?: string) => {
      if (progressToken === undefined) return;
      await extra.sendNotification({
        method: 'notifications/progress',
        params: { progress, progressToken, ...(total === undefined ? {} : { total }), message },
      });
    },
    // With the call's signal, a cancelled call stops waiting and tells the client to drop the request.
    requestFromClient: (request) =>
      extra.sendRequest(request as ServerRequest, AnyResult, { signal: extra.signal }),
    sessionId: session?.id ?? null,
    signal: extra.signal,
    tool: tool.options.name,
  };
}

/**
 * The SDK only learns the client's capabilities from `initialize`, which an earlier request of the
 * session answered; hand them to this request's server so it may ask for sampling or elicitation.
 */
function restoreClientState(server: Server, session: SessionRecord): void {
  const state = server as unknown as {
    _clientCapabilities?: Record<string, unknown>;
    _clientVersion?: Record<string, unknown>;
  };
  state._clientCapabilities = { ...session.clientCapabilities };
  if (session.clientInfo) state._clientVersion = { ...session.clientInfo };
}

/** A caller-sent tool name fit to repeat in an error: short and plain, else a placeholder. */
function toolNameForMessage(name: string): string {
  return PRINTABLE_TOOL_NAME.test(name) ? name : '(not a valid tool name)';
}
