import type { Caller } from '../auth/caller.js';

export type LogLevel =
  'debug' | 'info' | 'notice' | 'warning' | 'error' | 'critical' | 'alert' | 'emergency';

/** A request the server sends to the client while a call runs (sampling, elicitation). */
export interface ClientRequest {
  readonly method: string;
  readonly params?: Record<string, unknown>;
}

/** Everything a tool may know or do about the call it serves, independent of the MCP SDK. */
export interface ToolCall {
  /** 32 hex characters; also in logs and in the generic error message. */
  readonly callId: string;
  readonly tool: string;
  readonly caller: Caller;
  readonly sessionId: string | null;
  /** Fires when the client cancels the call or goes away. */
  readonly signal: AbortSignal;
  reportProgress(progress: number, total?: number, message?: string): Promise<void>;
  log(level: LogLevel, data: unknown, logger?: string): Promise<void>;
  /** Sends a request to the client on this call's response stream and waits for its answer. */
  requestFromClient(request: ClientRequest): Promise<Record<string, unknown>>;
}
