import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';

/**
 * Returned by a tool that shapes its own MCP content (images, audio, embedded resources) instead of
 * a JSON object that is serialised into one text block.
 */
export class ToolContentResult {
  constructor(readonly result: CallToolResult) {}
}
