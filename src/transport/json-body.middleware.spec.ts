import { request as httpRequest, type ClientRequest } from 'node:http';
import type { AddressInfo } from 'node:net';

import express from 'express';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { InFlightBodyBudget } from './in-flight-body-budget.js';
import { readJsonBody } from './json-body.middleware.js';

const MAX_BYTES = 1_000;

interface Answer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

describe('readJsonBody with a budget shared by every request', () => {
  let budget: InFlightBodyBudget;
  let port: number;
  let close: () => Promise<void>;

  beforeEach(async () => {
    budget = new InFlightBodyBudget(1_500);
    const app = express();
    app.use(readJsonBody(MAX_BYTES, budget));
    app.post('/', (request, response) => {
      response.json({ received: request.body as unknown });
    });
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    port = (server.address() as AddressInfo).port;
    close = () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
  });

  afterEach(() => close());

  /** A chunked POST whose body arrives in parts; resolves with the answer. */
  function open(): { request: ClientRequest; answer: Promise<Answer> } {
    const request = httpRequest({
      headers: { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' },
      host: '127.0.0.1',
      method: 'POST',
      path: '/',
      port,
    });
    const answer = new Promise<Answer>((resolve, reject) => {
      request.on('response', (response) => {
        let body = '';
        response.on('data', (chunk: Buffer) => (body += chunk.toString()));
        response.on('end', () =>
          resolve({ body, headers: response.headers, status: response.statusCode ?? 0 }),
        );
      });
      request.on('error', reject);
    });
    // A request the test destroys on purpose rejects its answer, which it then never awaits.
    answer.catch(() => undefined);
    return { answer, request };
  }

  /** The first part of a JSON body, `bytes` long; `"}` completes it. */
  const start = (bytes: number) => `{"pad":"${'x'.repeat(bytes - 8)}`;

  it('refuses as busy a body that does not fit beside the ones being read, then recovers', async () => {
    const slow = open();
    slow.request.write(start(900));
    await expect.poll(() => budget.heldBytes).toBe(900);

    const crowded = open();
    crowded.request.write(start(900));
    const refused = await crowded.answer;
    expect(refused.status).toBe(503);
    expect(refused.headers['retry-after']).toBe('5');
    expect(refused.headers.connection).toBe('close');
    expect(JSON.parse(refused.body)).toMatchObject({ error: { code: -32000 } });
    crowded.request.destroy();

    slow.request.end('"}');
    const finished = await slow.answer;
    expect(finished.status).toBe(200);
    expect(budget.heldBytes).toBe(0);

    const later = open();
    later.request.end(`${start(900)}"}`);
    expect((await later.answer).status).toBe(200);
    expect(budget.heldBytes).toBe(0);
  });

  it('gives back what a client held when it goes away mid-body', async () => {
    const leaving = open();
    leaving.request.on('error', () => undefined);
    leaving.request.write(start(900));
    await expect.poll(() => budget.heldBytes).toBe(900);
    leaving.request.destroy();
    await expect.poll(() => budget.heldBytes).toBe(0);
  });

  it('gives back what an oversized body held, and answers it 413', async () => {
    const oversized = open();
    oversized.request.write(start(900));
    oversized.request.end('x'.repeat(400));
    const answer = await oversized.answer;
    expect(answer.status).toBe(413);
    expect(budget.heldBytes).toBe(0);
  });
});
