import type { Server, ServerResponse } from 'node:http';

import type { NextFunction, Request, Response } from 'express';

import { sendJsonRpcError } from '../transport/json-rpc-error.js';

/** JSON-RPC's implementation-defined server error, as the transport answers a full store. */
const SERVER_ERROR = -32000;

/**
 * Lets a stopping service finish what it started: tracks the HTTP requests in flight (an MCP
 * tool call is one POST whose response ends with the result) and, once draining, stops listening,
 * refuses requests that still arrive on open keep-alive connections (503, `Connection: close`) and
 * waits for those in flight, up to a timeout after which their connections are closed.
 */
export class HttpDrain {
  private readonly inFlight = new Set<ServerResponse>();
  private draining = false;
  private settle: ((drained: boolean) => void) | null = null;

  get requestsInFlight(): number {
    return this.inFlight.size;
  }

  /** Express middleware, mounted before every route. */
  readonly middleware = (_request: Request, response: Response, next: NextFunction): void => {
    if (this.draining) {
      sendJsonRpcError(
        response,
        503,
        SERVER_ERROR,
        'The service is shutting down; retry, another instance will answer.',
        { Connection: 'close', 'Retry-After': '1' },
      );
      return;
    }
    this.inFlight.add(response);
    const end = () => {
      if (!this.inFlight.delete(response)) return;
      if (this.inFlight.size === 0) this.settle?.(true);
    };
    response.once('finish', end);
    response.once('close', end);
    next();
  };

  /**
   * Stops accepting connections and resolves once no request is in flight (true) or after
   * `timeoutMs` (false), then closes every connection left, idle or not.
   */
  async drain(server: Server, timeoutMs: number): Promise<boolean> {
    this.draining = true;
    server.close();
    server.closeIdleConnections();
    // Responses not started yet tell their clients not to reuse the connection.
    for (const response of this.inFlight) {
      if (!response.headersSent) response.shouldKeepAlive = false;
    }
    let timer: NodeJS.Timeout | undefined;
    const drained = await new Promise<boolean>((resolve) => {
      if (this.inFlight.size === 0) return resolve(true);
      this.settle = resolve;
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    clearTimeout(timer);
    this.settle = null;
    server.closeAllConnections();
    return drained;
  }

  /** A second signal: stop waiting now. */
  abandon(): void {
    this.settle?.(false);
  }
}
