import { Injectable, Logger } from '@nestjs/common';

import type { Caller } from '../auth/caller.js';
import { CallLogMessage } from '../common/call-log-message.js';
import { redactSecrets } from '../common/redact-secrets.js';
import type { ToolCallNotes } from './tool-call.js';

/** How a call ended, as the audit row and the metrics count it. */
export type ToolCallOutcome =
  /** A result the tool meant: data, or a Superset-style error object such as NotFound. */
  | 'success'
  /** Arguments refused before the tool ran. */
  | 'validation_error'
  /** The tool refused the call with a message for the caller (`isError`). */
  | 'tool_error'
  /** Something unexpected; the client got a generic message with the call id. */
  | 'internal_error';

/** One finished tool call. `arguments` are as the client sent them: redact before storing. */
export interface ToolCallRecord {
  readonly callId: string;
  readonly tool: string;
  readonly caller: Caller;
  readonly sessionId: string | null;
  readonly arguments: unknown;
  readonly startedAt: Date;
  readonly durationMs: number;
  readonly outcome: ToolCallOutcome;
  /** `error_type` of a Superset-style error result, or the kind of failure; null on success. */
  readonly errorType: string | null;
  /** UTF-8 bytes of the result's text content as sent. */
  readonly resultBytes: number;
  readonly notes: ToolCallNotes;
}

export type ToolCallListener = (record: ToolCallRecord) => void;

/**
 * Tells whoever listens (audit, metrics) about each finished tool call. Listeners run
 * synchronously on the call's path, so they only queue or count; one that throws is logged and
 * does not affect the call or the other listeners.
 */
@Injectable()
export class ToolCallObservers {
  private readonly logger = new Logger(ToolCallObservers.name);
  private readonly listeners: ToolCallListener[] = [];

  subscribe(listener: ToolCallListener): void {
    this.listeners.push(listener);
  }

  finished(record: ToolCallRecord): void {
    for (const listener of this.listeners) {
      try {
        listener(record);
      } catch (error) {
        this.logger.error(
          new CallLogMessage(
            record.callId,
            redactSecrets(
              `a tool call listener failed for ${record.tool} [${record.callId}]: ${
                error instanceof Error ? error.message : String(error)
              }`,
            ),
          ),
        );
      }
    }
  }
}
