import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { ErrorCode, McpError, type JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { describe, expect, it } from 'vitest';

import { ClientMessageRouter } from './client-message-router.service.js';
import { RoutedTransport } from './routed-transport.js';

function recordingTransport(): { inner: Transport; sent: JSONRPCMessage[] } {
  const sent: JSONRPCMessage[] = [];
  const inner: Transport = {
    close: () => Promise.resolve(),
    send: (message) => {
      sent.push(message);
      return Promise.resolve();
    },
    start: () => Promise.resolve(),
  };
  return { inner, sent };
}

describe(RoutedTransport.name, () => {
  it('sends an McpError without the prefix the client adds again', async () => {
    const { inner, sent } = recordingTransport();
    const transport = new RoutedTransport(inner, new ClientMessageRouter(), null);
    const error = new McpError(ErrorCode.InvalidParams, 'Resource not found: x');

    await transport.send({
      error: { code: error.code, message: error.message },
      id: 3,
      jsonrpc: '2.0',
    });

    expect(sent).toEqual([
      { error: { code: -32602, message: 'Resource not found: x' }, id: 3, jsonrpc: '2.0' },
    ]);
  });

  it('leaves results and plain error messages as they are', async () => {
    const { inner, sent } = recordingTransport();
    const transport = new RoutedTransport(inner, new ClientMessageRouter(), null);

    await transport.send({ id: 1, jsonrpc: '2.0', result: { text: 'MCP error -1: data' } });
    await transport.send({
      error: { code: -32601, message: 'Method not found' },
      id: 2,
      jsonrpc: '2.0',
    });

    expect(sent).toEqual([
      { id: 1, jsonrpc: '2.0', result: { text: 'MCP error -1: data' } },
      { error: { code: -32601, message: 'Method not found' }, id: 2, jsonrpc: '2.0' },
    ]);
  });
});
