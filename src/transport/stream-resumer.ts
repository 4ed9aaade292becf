import { setTimeout as sleep } from 'node:timers/promises';

import type { Response } from 'express';

import type { RedisEventStore, StoredEvent } from './redis-event-store.js';

const POLL_INTERVAL_MS = 250;
const KEEP_ALIVE_INTERVAL_MS = 15_000;

/**
 * Answers a GET with `Last-Event-ID`: the events the broken stream carried after that id, then,
 * as the call (on whichever replica runs it) goes on, the ones stored after them, until the event
 * that answers the stream's last request, the client leaving, or the store's TTL.
 */
export class StreamResumer {
  private cursor: string;
  private finished = false;
  private gone = false;

  constructor(
    private readonly events: RedisEventStore,
    private readonly response: Response,
    lastEventId: string,
    private readonly followForMs: number,
  ) {
    this.cursor = lastEventId;
    response.on('close', () => (this.gone = true));
  }

  /** Ends the stream at the next poll (a newer resume of the same stream, or shutdown). */
  stop(): void {
    this.gone = true;
  }

  async run(first: readonly StoredEvent[]): Promise<void> {
    this.write(first);
    const deadline = Date.now() + this.followForMs;
    let quietSince = Date.now();
    while (!this.finished && !this.gone && Date.now() < deadline) {
      await sleep(POLL_INTERVAL_MS, undefined, { ref: false });
      // A Redis blip while following is waited out; the stream ends only at the deadline.
      const next = await this.events.after(this.cursor).catch(() => undefined);
      if (next === null) break;
      if (next && next.events.length > 0) {
        this.write(next.events);
        quietSince = Date.now();
      } else if (Date.now() - quietSince >= KEEP_ALIVE_INTERVAL_MS) {
        this.response.write(': keep-alive\n\n');
        quietSince = Date.now();
      }
    }
    this.response.end();
  }

  private write(events: readonly StoredEvent[]): void {
    for (const event of events) {
      this.cursor = event.id;
      // The SDK's priming event carries no message.
      if (Object.keys(event.message).length > 0) {
        const data = JSON.stringify(event.message);
        this.response.write(`event: message\nid: ${event.id}\ndata: ${data}\n\n`);
      }
      if (event.last) this.finished = true;
    }
  }
}
