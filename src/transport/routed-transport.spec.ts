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

describe(`${RoutedTransport.name} with requests whose params do not fit the protocol`, () => {
  function receive(message: unknown): { sent: JSONRPCMessage[]; dispatched: JSONRPCMessage[] } {
    const { inner, sent } = recordingTransport();
    const transport = new RoutedTransport(inner, new ClientMessageRouter(), null);
    const dispatched: JSONRPCMessage[] = [];
    transport.onmessage = (received) => dispatched.push(received);
    inner.onmessage?.(message as JSONRPCMessage);
    return { dispatched, sent };
  }

  it.each([
    [
      'tools/call with null arguments',
      { arguments: null, name: 'list_charts' },
      'params.arguments',
    ],
    ['tools/call with list arguments', { arguments: [1], name: 'list_charts' }, 'params.arguments'],
    ['tools/call without a name', { junk: 1 }, 'params.name'],
    [
      'initialize without clientInfo',
      { capabilities: {}, protocolVersion: '2025-06-18' },
      'params.clientInfo',
    ],
  ])('answers %s with -32602 naming the field and never dispatches it', (_case, params, field) => {
    const method = field === 'params.clientInfo' ? 'initialize' : 'tools/call';
    const { dispatched, sent } = receive({ id: 7, jsonrpc: '2.0', method, params });
    expect(dispatched).toEqual([]);
    expect(sent).toHaveLength(1);
    const [answer] = sent as unknown as [{ id: number; error: { code: number; message: string } }];
    expect(answer.id).toBe(7);
    expect(answer.error.code).toBe(-32602);
    expect(answer.error.message).toMatch(
      new RegExp(`^Invalid params: ${field.replace('.', '\\.')}: `),
    );
  });

  it('bounds the message when the offending key is huge', () => {
    const hugeKey = 'k'.repeat(100_000);
    const { sent } = receive({
      id: 1,
      jsonrpc: '2.0',
      method: 'initialize',
      params: { capabilities: {}, clientInfo: { [hugeKey]: 1 }, protocolVersion: 1 },
    });
    const [answer] = sent as unknown as [{ error: { message: string } }];
    expect(answer.error.message.length).toBeLessThan(400);
  });

  it('dispatches requests that fit, and leaves unknown methods to the SDK', () => {
    for (const message of [
      { id: 1, jsonrpc: '2.0', method: 'tools/call', params: { arguments: {}, name: 'x' } },
      { id: 2, jsonrpc: '2.0', method: 'tools/list' },
      { id: 3, jsonrpc: '2.0', method: 'no/such/method', params: 5 },
    ]) {
      const { dispatched, sent } = receive(message);
      expect(sent).toEqual([]);
      expect(dispatched).toEqual([message]);
    }
  });
});

describe(`${RoutedTransport.name} in a session`, () => {
  it('names a request it cancels by the id the client saw', async () => {
    const { inner, sent } = recordingTransport();
    const transport = new RoutedTransport(inner, new ClientMessageRouter(), 'session');
    await transport.send({ id: 0, jsonrpc: '2.0', method: 'sampling/createMessage', params: {} });
    await transport.send({
      jsonrpc: '2.0',
      method: 'notifications/cancelled',
      params: { reason: 'call cancelled', requestId: 0 },
    });
    const [request, cancel] = sent as unknown as [
      { id: string },
      { params: { requestId: string } },
    ];
    expect(request.id).toMatch(/^srv-/);
    expect(cancel.params.requestId).toBe(request.id);
  });
});
