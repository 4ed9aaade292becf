import type { Response } from 'express';

/** Writes a JSON-RPC error as a plain HTTP answer (no request id is known at this level). */
export function sendJsonRpcError(
  response: Response,
  status: number,
  code: number,
  message: string,
  headers: Record<string, string> = {},
): void {
  if (response.headersSent) return;
  response.status(status).set(headers).json({ error: { code, message }, id: null, jsonrpc: '2.0' });
}
