import { request as httpRequest } from 'node:http';

import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

export interface ConnectedClient {
  readonly client: Client;
  readonly transport: StreamableHTTPClientTransport;
  close(): Promise<void>;
}

/** A real MCP client over Streamable HTTP, as assistants use it. */
export async function connectClient(
  url: string,
  headers: Record<string, string> = {},
): Promise<ConnectedClient> {
  const client = new Client({ name: 'superset-mcp-e2e', version: '1.0.0' });
  const transport = new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers } });
  await client.connect(transport);
  return { client, close: () => client.close(), transport };
}

/** The JSON a tool returned in its text block. */
export function toolJson(result: unknown): Record<string, any> {
  const content = (result as { content: { type: string; text: string }[] }).content;
  return JSON.parse(content[0].text) as Record<string, any>;
}

/** A raw JSON-RPC POST, as curl would send it. */
export async function postJson(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Headers; text: string; json: any }> {
  const response = await fetch(url, {
    body: typeof body === 'string' ? body : JSON.stringify(body),
    headers: { 'Content-Type': 'application/json', ...headers },
    method: 'POST',
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = null;
  }
  return { headers: response.headers, json, status: response.status, text };
}

/** A POST through node:http, which, unlike fetch, sends a caller-chosen Host header. */
export function postWithHost(
  url: string,
  host: string,
  body: unknown,
): Promise<{ status: number; text: string }> {
  const target = new URL(url);
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      {
        headers: {
          'Content-Length': Buffer.byteLength(payload),
          'Content-Type': 'application/json',
          Host: host,
        },
        hostname: target.hostname,
        method: 'POST',
        path: target.pathname,
        port: target.port,
      },
      (response) => {
        let text = '';
        response.on('data', (chunk: Buffer) => (text += chunk.toString()));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, text }));
      },
    );
    request.on('error', reject);
    request.end(payload);
  });
}
