import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';

import { RedisUnavailableError, type RedisConnections } from '../redis/redis-connections.js';

export interface EventStoreLimits {
  /** Events kept per stream; older ones are dropped. */
  readonly maxEventsPerStream: number;
  /** How long a stream is kept after its last event. */
  readonly ttlMs: number;
}

export interface StoredEvent {
  readonly id: string;
  readonly message: JSONRPCMessage;
  /** The stream's last event: every request it carried has its answer. */
  readonly last: boolean;
}

export interface StreamTail {
  readonly sessionId: string;
  readonly events: readonly StoredEvent[];
}

/** A message larger than this is not stored; a response is replaced by an error saying so. */
export const MAX_STORED_EVENT_BYTES = 1024 * 1024;
const STREAM_ID = /^[0-9a-f-]{36}$/;
const EVENT_ID = /^([0-9a-f-]{36})_(\d{1,20}-\d{1,20})$/;

/**
 * The messages each POST's SSE stream carried, in Redis streams (`<event_store_prefix><stream id>`,
 * at most `event_store_max_events` each, expiring `event_store_ttl` after their last event), so that a
 * client whose stream broke can resume it with `Last-Event-ID` on any replica. Each event records the
 * session it belongs to: no other session can read it.
 */
export class RedisEventStore {
  constructor(
    private readonly connections: RedisConnections,
    private readonly prefix: string,
    private readonly limits: EventStoreLimits,
  ) {}

  /** Appends a message to a stream; its event id is `<stream id>_<Redis entry id>`. */
  async append(
    sessionId: string,
    streamId: string,
    message: JSONRPCMessage,
    last: boolean,
  ): Promise<string> {
    if (!STREAM_ID.test(streamId)) throw new Error('unexpected SSE stream id');
    const key = this.key(streamId);
    const fields = ['s', sessionId, 'm', storable(message), ...(last ? ['e', '1'] : [])];
    const results = await this.command(() =>
      this.connections
        .client()
        .multi()
        .xadd(key, 'MAXLEN', String(this.limits.maxEventsPerStream), '*', ...fields)
        .pexpire(key, this.limits.ttlMs)
        .exec(),
    );
    const [error, entryId] = results?.[0] ?? [new Error('transaction discarded'), null];
    if (error) throw error;
    return `${streamId}_${String(entryId)}`;
  }

  /**
   * The events after `eventId`, and whose session the stream is; null when the id is malformed, or
   * its stream has expired or no longer holds it (too many events came after it).
   */
  async after(eventId: string): Promise<StreamTail | null> {
    const parsed = EVENT_ID.exec(eventId);
    if (!parsed) return null;
    const [, streamId, entryId] = parsed as unknown as [string, string, string];
    const key = this.key(streamId);
    const known = await this.command(() => this.connections.client().xrange(key, entryId, entryId));
    if (known.length === 0) return null;
    const [[, fields]] = known as [[string, string[]]];
    const later = await this.command(() =>
      this.connections.client().xrange(key, `(${entryId}`, '+'),
    );
    return {
      events: later.map(([id, entryFields]) => toEvent(streamId, id, entryFields)),
      sessionId: field(fields, 's') ?? '',
    };
  }

  private key(streamId: string): string {
    return `${this.prefix}${streamId}`;
  }

  private async command<T>(run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      throw new RedisUnavailableError(error);
    }
  }
}

function toEvent(streamId: string, entryId: string, fields: string[]): StoredEvent {
  return {
    id: `${streamId}_${entryId}`,
    last: field(fields, 'e') === '1',
    message: JSON.parse(field(fields, 'm') ?? '{}') as JSONRPCMessage,
  };
}

function field(fields: string[], name: string): string | undefined {
  for (let index = 0; index + 1 < fields.length; index += 2) {
    if (fields[index] === name) return fields[index + 1];
  }
  return undefined;
}

function storable(message: JSONRPCMessage): string {
  const json = JSON.stringify(message);
  if (Buffer.byteLength(json) <= MAX_STORED_EVENT_BYTES) return json;
  if ('id' in message && !('method' in message)) {
    return JSON.stringify({
      error: {
        code: -32603,
        message: 'The answer was too large to keep for a resumed stream; send the request again',
      },
      id: message.id,
      jsonrpc: '2.0',
    });
  }
  return JSON.stringify({
    jsonrpc: '2.0',
    method: 'notifications/message',
    params: {
      data: 'A message too large to keep for a resumed stream was left out',
      level: 'warning',
    },
  });
}
