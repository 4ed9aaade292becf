import { Agent, createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';

import { HttpDrain } from './http-drain.js';

interface Answer {
  status: number;
  connection: string | undefined;
  body: string;
}

function get(port: number, path: string, agent?: Agent): Promise<Answer> {
  return new Promise((resolve, reject) => {
    httpRequest({ agent, host: '127.0.0.1', path, port }, (response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString()));
      response.on('end', () =>
        resolve({
          body,
          connection: response.headers.connection,
          status: response.statusCode ?? 0,
        }),
      );
    })
      .on('error', reject)
      .end();
  });
}

describe(HttpDrain.name, () => {
  let server: Server | undefined;
  afterEach(() => {
    server?.closeAllConnections();
    server?.close();
  });

  async function serve(drain: HttpDrain, release: Promise<void>): Promise<number> {
    const app = express();
    app.use(drain.middleware);
    app.get('/slow', (_request, response) => {
      void release.then(() => response.send('finished'));
    });
    app.get('/fast', (_request, response) => {
      response.send('fast');
    });
    server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server!.once('listening', resolve));
    return (server.address() as AddressInfo).port;
  }

  it('lets a request in flight finish, refuses the next one and stops listening', async () => {
    const drain = new HttpDrain();
    let releaseSlow!: () => void;
    const port = await serve(drain, new Promise((resolve) => (releaseSlow = resolve)));
    const keepAlive = new Agent({ keepAlive: true, maxSockets: 1 });
    expect((await get(port, '/fast', keepAlive)).body).toBe('fast'); // leaves an idle keep-alive socket

    const slow = get(port, '/slow');
    while (drain.requestsInFlight === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    const drained = drain.drain(server!, 60_000);

    await expect(get(port, '/fast')).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    releaseSlow();
    expect(await slow).toMatchObject({ body: 'finished', connection: 'close', status: 200 });
    expect(await drained).toBe(true);
    keepAlive.destroy();
  });

  it('gives up after the timeout and closes what is left', async () => {
    const drain = new HttpDrain();
    const port = await serve(drain, new Promise(() => undefined));
    const slow = get(port, '/slow');
    while (drain.requestsInFlight === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(await drain.drain(server!, 50)).toBe(false);
    await expect(slow).rejects.toThrow();
  });

  it('answers 503 with Connection: close to a request that still reaches the app', async () => {
    const drain = new HttpDrain();
    const port = await serve(drain, Promise.resolve());
    // Drain another server: this one stays reachable, as a kept-alive connection would be.
    const other = createServer().listen(0, '127.0.0.1');
    expect(await drain.drain(other, 60_000)).toBe(true);
    const refused = await get(port, '/fast');
    expect(refused).toMatchObject({ connection: 'close', status: 503 });
    expect(JSON.parse(refused.body)).toMatchObject({ error: { code: -32000 }, jsonrpc: '2.0' });
  });
});
