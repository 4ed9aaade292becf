import type { Caller } from '../auth/caller.js';

export type LogLevel =
  'debug' | 'info' | 'notice' | 'warning' | 'error' | 'critical' | 'alert' | 'emergency';

/** A request the server sends to the client while a call runs (sampling, elicitation). */
export interface ClientRequest {
  readonly method: string;
  readonly params?: Record<string, unknown>;
}

/**
 * What the layers around a tool (cache, size guard, rate limits) found while serving one call, for
 * the audit row and the metrics written when it ends.
 */
export interface ToolCallNotes {
  /** The result came from the result cache. */
  cacheHit?: boolean;
  /** The size guard trimmed the result, or refused it as too large. */
  sizeGuard?: 'truncated' | 'refused';
  /** A per-user or per-tool rate limit refused the call. */
  rateLimited?: boolean;
}

/** Everything a tool may know or do about the call it serves, independent of the MCP SDK. */
export interface ToolCall {
  /** 32 hex characters; also in logs and in the generic error message. */
  readonly callId: string;
  readonly tool: string;
  readonly caller: Caller;
  readonly sessionId: string | null;
  /** Filled in by the layers around the tool as the call passes them. */
  readonly notes: ToolCallNotes;
  /** Fires when the client cancels the call or goes away. */
  readonly signal: AbortSignal;
  reportProgress(progress: number, total?: number, message?: string): Promise<void>;
  log(level: LogLevel, data: unknown, logger?: string): Promise<void>;
  /** Sends a request to the client on this call's response stream and waits for its answer. */
  requestFromClient(request: ClientRequest): Promise<Record<string, unknown>>;
}
