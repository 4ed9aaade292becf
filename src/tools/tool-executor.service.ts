import { Injectable, Logger } from '@nestjs/common';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { z } from 'zod';

import { CallLogMessage } from '../common/call-log-message.js';
import { redactSecrets } from '../common/redact-secrets.js';
import { isDatabaseUnavailable } from '../superset/database/database-unavailable.js';
import { ToolContentResult } from './tool-result.js';
import type { ToolCall } from './tool-call.js';
import { ToolCallObservers, type ToolCallOutcome } from './tool-call-observers.service.js';
import { ToolError } from './tool-error.js';
import type { RegisteredTool } from './tool-registry.service.js';

/**
 * Validates arguments, runs a registered tool and shapes what the client sees: a JSON text block for
 * a result, an `isError` result with a safe message for a failure. Nothing a tool throws reaches the
 * client unless it is a `ToolError`.
 */
@Injectable()
export class ToolExecutor {
  private readonly logger = new Logger(ToolExecutor.name);

  constructor(private readonly observers: ToolCallObservers) {}

  async execute(tool: RegisteredTool, rawArgs: unknown, call: ToolCall): Promise<CallToolResult> {
    const startedAt = new Date();
    const started = performance.now();
    const { outcome, errorType, result } = await this.run(tool, rawArgs, call);
    this.observers.finished({
      arguments: rawArgs,
      callId: call.callId,
      caller: call.caller,
      durationMs: performance.now() - started,
      errorType,
      notes: call.notes,
      outcome,
      resultBytes: textBytes(result),
      sessionId: call.sessionId,
      startedAt,
      tool: tool.options.name,
    });
    return result;
  }

  private async run(
    tool: RegisteredTool,
    rawArgs: unknown,
    call: ToolCall,
  ): Promise<{ outcome: ToolCallOutcome; errorType: string | null; result: CallToolResult }> {
    const name = tool.options.name;
    const parsed = tool.options.input.safeParse(normaliseArguments(rawArgs));
    if (!parsed.success) {
      return {
        errorType: 'validation_error',
        outcome: 'validation_error',
        result: errorResult(`Validation error in ${name}: ${describeIssues(parsed.error)}`),
      };
    }
    try {
      const value = await tool.invoke(parsed.data, call);
      if (value instanceof ToolContentResult) {
        return {
          errorType: value.result.isError ? 'tool_error' : null,
          outcome: value.result.isError ? 'tool_error' : 'success',
          result: value.result,
        };
      }
      return {
        errorType: errorTypeOf(value),
        outcome: 'success',
        result: { content: [{ text: JSON.stringify(value ?? null), type: 'text' }] },
      };
    } catch (error) {
      if (error instanceof ToolError) {
        this.logger.warn(
          new CallLogMessage(
            call.callId,
            `${name} [${call.callId}] ${error.code}: ${error.message}`,
          ),
        );
        return { errorType: error.code, outcome: 'tool_error', result: errorResult(error.message) };
      }
      if (isDatabaseUnavailable(error)) {
        // Reached when the caller's access was served from the access cache: the outage shows here.
        this.logger.warn(
          redactSecrets(
            `${name} [${call.callId}] metadata database unavailable: ${describeError(error)}`,
          ),
        );
        return {
          errorType: 'database_unavailable',
          outcome: 'tool_error',
          result: errorResult(
            `Database error in ${name}: Service temporarily unavailable. Please try again in a few moments.`,
          ),
        };
      }
      this.logger.error(
        new CallLogMessage(
          call.callId,
          redactSecrets(`${name} [${call.callId}] failed: ${describeError(error)}`),
        ),
        error instanceof Error && error.stack ? redactSecrets(error.stack) : undefined,
      );
      return {
        errorType: 'internal_error',
        outcome: 'internal_error',
        result: errorResult(
          `Internal error in ${name}: An unexpected error occurred. Error ID: ${call.callId}. ` +
            'Please contact support if this persists.',
        ),
      };
    }
  }
}

/** A Superset-style error object (`{error, error_type}`) is a result, but not a success to count. */
function errorTypeOf(value: unknown): string | null {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return null;
  const errorType = (value as Record<string, unknown>).error_type;
  return typeof errorType === 'string' ? errorType : null;
}

function textBytes(result: CallToolResult): number {
  let bytes = 0;
  for (const block of result.content) {
    if (block.type === 'text') bytes += Buffer.byteLength(block.text);
  }
  return bytes;
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function errorResult(message: string): CallToolResult {
  return { content: [{ text: message, type: 'text' }], isError: true };
}

/**
 * Some clients send the `request` wrapper as a JSON string (a known double-serialisation bug);
 * accept that form, and a missing argument object, before validating.
 */
function normaliseArguments(rawArgs: unknown): unknown {
  const args = rawArgs ?? {};
  if (typeof args !== 'object' || Array.isArray(args)) return args;
  const request = (args as Record<string, unknown>).request;
  if (typeof request !== 'string') return args;
  try {
    return { ...args, request: JSON.parse(request) as unknown };
  } catch {
    return args;
  }
}

export function describeIssues(error: z.ZodError): string {
  return error.issues
    .flatMap(mostSpecific)
    .slice(0, 10)
    .map((issue) => {
      const path = issue.path.map(String).join('.');
      return path ? `${path}: ${issue.message}` : issue.message;
    })
    .join('; ');
}

/**
 * For a value no branch of a union accepts, the issues of the only branch that took its type, or
 * else of the branch that got furthest into it
 * (`filters.0.opr: Invalid option…` for a list of filters with one bad operator, rather than the
 * union's bare "Invalid input"); the union's own issue when no branch got past the value's type.
 */
function mostSpecific(issue: z.core.$ZodIssue): z.core.$ZodIssue[] {
  if (issue.code !== 'invalid_union' || issue.errors.length === 0) return [issue];
  const depth = (branch: z.core.$ZodIssue[]) =>
    Math.max(0, ...branch.map((inner) => inner.path.length));
  // The one branch that took the value's type and then refused it (too long, too many items).
  const typed = issue.errors.filter(
    (branch) => !branch.some((inner) => inner.code === 'invalid_type' && inner.path.length === 0),
  );
  if (typed.length === 1) {
    return typed[0].flatMap((inner) =>
      mostSpecific({ ...inner, path: [...issue.path, ...inner.path] }),
    );
  }
  const furthest = issue.errors.reduce((best, branch) =>
    depth(branch) > depth(best) ? branch : best,
  );
  if (depth(furthest) === 0) return [issue];
  return furthest.flatMap((inner) =>
    mostSpecific({ ...inner, path: [...issue.path, ...inner.path] }),
  );
}
