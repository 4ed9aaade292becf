import {
  ClientRequestSchema,
  ErrorCode,
  type JSONRPCMessage,
} from '@modelcontextprotocol/sdk/types.js';

import { clipText } from '../common/clip-text.js';

interface SchemaIssue {
  readonly path: readonly PropertyKey[];
  readonly message: string;
}

interface RequestSchema {
  safeParse(
    value: unknown,
  ): { success: true } | { success: false; error: { issues: SchemaIssue[] } };
}

const MAX_SEGMENT_CHARS = 40;
const MAX_MESSAGE_CHARS = 200;

/** The SDK's own schema for each client request method, looked up by method name. */
const SCHEMAS_BY_METHOD: ReadonlyMap<string, RequestSchema> = new Map(
  ClientRequestSchema.options.map((schema) => [
    schema.shape.method.value as string,
    schema as unknown as RequestSchema,
  ]),
);

/**
 * The JSON-RPC error for a client request whose params the SDK would refuse, or null when they are
 * fine (or the method is unknown, which the SDK answers itself). The SDK turns its own validation
 * failure into -32603 "Internal error" carrying zod's issue list as the message; a caller deserves
 * -32602 naming the field.
 */
export function invalidParamsResponse(message: JSONRPCMessage): JSONRPCMessage | null {
  if (!('method' in message) || !('id' in message)) return null;
  const schema = SCHEMAS_BY_METHOD.get(message.method);
  if (!schema) return null;
  const parsed = schema.safeParse(message);
  if (parsed.success) return null;
  const [issue] = parsed.error.issues;
  return {
    error: { code: ErrorCode.InvalidParams, message: `Invalid params: ${describeIssue(issue)}` },
    id: message.id,
    jsonrpc: '2.0',
  };
}

/** One issue, with every part bounded: a path may hold keys the caller made as long as they liked. */
function describeIssue(issue: SchemaIssue | undefined): string {
  if (!issue) return 'the request does not match its schema';
  const path = issue.path.map((segment) => clipText(String(segment), MAX_SEGMENT_CHARS)).join('.');
  const text = clipText(issue.message, MAX_MESSAGE_CHARS);
  return path ? `${path}: ${text}` : text;
}
