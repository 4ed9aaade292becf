import type { Request, Response } from 'express';
import { describe, expect, it, vi } from 'vitest';

import type { AuthService } from '../auth/auth.service.js';
import type { Caller } from '../auth/caller.js';
import type { Settings } from '../config/settings.js';
import { ClientMessageRouter } from './client-message-router.service.js';
import { InMemorySessionStore } from './in-memory-session-store.js';
import type { McpServerFactory } from './mcp-server.factory.js';
import { McpController } from './mcp.controller.js';
import { SessionService } from './session.service.js';

const caller = { principal: null, scopes: [], user: { id: 1 } } as unknown as Caller;

const initialize = (clientInfo: Record<string, unknown>) => ({
  id: 1,
  jsonrpc: '2.0',
  method: 'initialize',
  params: { capabilities: {}, clientInfo, protocolVersion: '2025-06-18' },
});

interface Answer {
  status?: number;
  headers: Record<string, string>;
  body?: { error: { code: number; message: string } };
}

function exchange(
  body: unknown,
  ip: string,
): { request: Request; response: Response; answer: Answer } {
  const answer: Answer = { headers: {} };
  const response = {
    headersSent: false,
    json: (json: Answer['body']) => {
      answer.body = json;
      return response;
    },
    set: (headers: Record<string, string>) => {
      Object.assign(answer.headers, headers);
      return response;
    },
    status: (status: number) => {
      answer.status = status;
      return response;
    },
  };
  const request = {
    body,
    header: () => undefined,
    headers: {},
    ip,
    is: () => 'application/json',
  };
  return {
    answer,
    request: request as unknown as Request,
    response: response as unknown as Response,
  };
}

function controller(maxSessions: number) {
  const store = new InMemorySessionStore({
    maxBytes: 32 * 1024 * 1024,
    maxSessions,
    maxSessionsPerPrincipal: 100,
    ttlMs: 60_000,
  });
  const auth = { authenticate: () => Promise.resolve(caller) } as unknown as AuthService;
  const createServer = vi.fn();
  const servers = { create: createServer } as unknown as McpServerFactory;
  const mcp = new McpController(
    auth,
    new SessionService(store),
    servers,
    new ClientMessageRouter(),
    {} as Settings,
  );
  return { createServer, mcp, store };
}

describe(McpController.name, () => {
  it('refuses an initialize with oversized clientInfo: 400, -32602 naming the limit, nothing stored', async () => {
    const { createServer, mcp, store } = controller(10);
    const { answer, request, response } = exchange(
      initialize({ name: 'c', padding: 'x'.repeat(10_000), version: '1' }),
      '10.0.0.1',
    );
    await mcp.post(request, response);
    expect(answer.status).toBe(400);
    expect(answer.body?.error.code).toBe(-32602);
    expect(answer.body?.error.message).toContain('8192 bytes');
    expect(store.size).toBe(0);
    expect(createServer).not.toHaveBeenCalled();
  });

  it("answers 503 with Retry-After when other principals' sessions fill the store", async () => {
    const { createServer, mcp, store } = controller(2);
    for (const ip of ['10.0.0.1', '10.0.0.2']) {
      await store.create({
        clientCapabilities: {},
        clientInfo: null,
        createdAt: 0,
        id: ip,
        logLevel: null,
        principal: `address:${ip}`,
        protocolVersion: '2025-06-18',
        subject: null,
        userId: 1,
      });
    }
    const { answer, request, response } = exchange(
      initialize({ name: 'c', version: '1' }),
      '10.0.0.3',
    );
    await mcp.post(request, response);
    expect(answer.status).toBe(503);
    expect(answer.body?.error.code).toBe(-32000);
    expect(answer.headers['Retry-After']).toBe('60');
    expect(store.size).toBe(2);
    expect(createServer).not.toHaveBeenCalled();
  });
});
