import type { NextFunction, Request, RequestHandler, Response } from 'express';

import type { InFlightBodyBudget } from './in-flight-body-budget.js';
import { sendJsonRpcError } from './json-rpc-error.js';
import { nestsDeeperThan } from './json-nesting.js';

export const MAX_JSON_DEPTH = 64;

const PARSE_ERROR = -32700;
const INVALID_REQUEST = -32600;
const SERVER_BUSY = -32000;
const BUSY_RETRY_AFTER_SECONDS = '5';

/**
 * Reads an `application/json` body of at most `maxBytes` into `request.body`, refusing nesting
 * deeper than {@link MAX_JSON_DEPTH} before parsing. A body over the limit is answered 413 with
 * `Connection: close`: one that ends within as many bytes again is read on (and dropped) first, so
 * that clients which only read the answer after sending everything, such as fetch, see the 413;
 * a larger one is answered at once and its connection closed without reading the rest. The bytes a
 * body holds while it is read count against `budget`, shared by every request; a body that does
 * not fit is answered 503 (retryable) and its connection closed.
 */
export function readJsonBody(maxBytes: number, budget: InFlightBodyBudget): RequestHandler {
  const mostBytesRead = 2 * maxBytes;
  return (request: Request, response: Response, next: NextFunction) => {
    if (!hasBody(request)) return next();
    if (!request.is('application/json')) {
      // The controller answers 415 without reading the body; do not read it afterwards either.
      if (!request.complete) response.set('Connection', 'close');
      return next();
    }
    const unsupported = unsupportedEncoding(request);
    if (unsupported) {
      return refuseUnread(response, 415, INVALID_REQUEST, unsupported);
    }
    const declaredLength = Number(request.headers['content-length'] ?? Number.NaN);
    if (declaredLength > mostBytesRead) return refuseTooLarge(response, maxBytes);

    const chunks: Buffer[] = [];
    let received = 0;
    let held = 0;
    const releaseHeld = () => {
      budget.release(held);
      held = 0;
      chunks.length = 0;
    };
    const stop = () => {
      request.off('data', onData);
      request.off('end', onEnd);
      request.off('close', stop);
      releaseHeld();
    };
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (received > mostBytesRead) {
        stop();
        request.pause();
        refuseTooLarge(response, maxBytes);
      } else if (received > maxBytes) {
        releaseHeld();
      } else if (budget.reserve(chunk.length)) {
        held += chunk.length;
        chunks.push(chunk);
      } else {
        stop();
        request.pause();
        refuseUnread(
          response,
          503,
          SERVER_BUSY,
          'Server busy: too many request bodies are being received; retry shortly',
          { 'Retry-After': BUSY_RETRY_AFTER_SECONDS },
        );
      }
    };
    const onEnd = () => {
      const body = received > maxBytes ? null : Buffer.concat(chunks, received);
      stop();
      if (!body) return refuseTooLarge(response, maxBytes);
      const text = body.toString('utf8').replace(/^\uFEFF/, '');
      const problem = jsonProblem(text);
      if (problem) return sendJsonRpcError(response, 400, PARSE_ERROR, problem);
      try {
        request.body = JSON.parse(text) as unknown;
      } catch {
        return sendJsonRpcError(
          response,
          400,
          PARSE_ERROR,
          'Parse error: the body is not valid JSON',
        );
      }
      next();
    };
    request.on('data', onData);
    request.on('end', onEnd);
    // Closed or failed before its end: the client went away, and nobody is left to answer.
    request.on('close', stop);
    request.on('error', stop);
  };
}

function hasBody(request: Request): boolean {
  return (
    request.headers['transfer-encoding'] !== undefined ||
    request.headers['content-length'] !== undefined
  );
}

/** Why the body cannot be decoded as sent, or null when it is plain UTF-8. */
function unsupportedEncoding(request: Request): string | null {
  const encoding = (request.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  if (encoding !== 'identity') {
    return `Content-Encoding '${encoding.slice(0, 32)}' is not supported; send the body uncompressed`;
  }
  const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(
    request.headers['content-type'] ?? '',
  )?.[1];
  if (charset !== undefined && !['utf-8', 'utf8'].includes(charset.toLowerCase())) {
    return 'Unsupported charset; send the body as UTF-8';
  }
  return null;
}

/** A parse error worth naming before `JSON.parse` runs, or null. */
function jsonProblem(text: string): string | null {
  const first = /\S/.exec(text)?.[0];
  if (first !== '{' && first !== '[') {
    return 'Parse error: the body must be a JSON object or array';
  }
  if (nestsDeeperThan(text, MAX_JSON_DEPTH)) {
    return `Parse error: JSON nested deeper than ${MAX_JSON_DEPTH} levels`;
  }
  return null;
}

function refuseTooLarge(response: Response, maxBytes: number): void {
  refuseUnread(
    response,
    413,
    INVALID_REQUEST,
    `Request body too large: the limit is ${maxBytes} bytes`,
  );
}

/** Answers before the body is read, closing the connection instead of draining the rest. */
function refuseUnread(
  response: Response,
  status: number,
  code: number,
  message: string,
  headers: Record<string, string> = {},
): void {
  sendJsonRpcError(response, status, code, message, { ...headers, Connection: 'close' });
}
