/**
 * An error a request handler throws to answer with this JSON-RPC code and message. Unlike the SDK's
 * `McpError`, its message carries no "MCP error <code>:" prefix, which the client adds itself.
 */
export class JsonRpcRequestError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
    this.name = 'JsonRpcRequestError';
  }
}
