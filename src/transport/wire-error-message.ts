const SDK_ERROR_PREFIX = /^(?:MCP error -?\d+: )+/;

/**
 * The message of an outgoing JSON-RPC error without the SDK's "MCP error <code>:" prefix: `McpError`
 * puts it into its own message, and the receiving SDK client adds it again.
 */
export function wireErrorMessage(message: string): string {
  return message.replace(SDK_ERROR_PREFIX, '');
}
