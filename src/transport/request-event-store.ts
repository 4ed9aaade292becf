import type { EventStore } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';

import type { RedisEventStore } from './redis-event-store.js';

/**
 * The SDK's event store for one POST: stores what the POST's SSE stream carries under the session,
 * marks the event that answers the last of the POST's requests, and says when that happened (until
 * then the call keeps running even if the client's stream broke). Resuming is `McpController`'s GET,
 * which reads the shared store, since the call may run on another replica.
 */
export class RequestEventStore implements EventStore {
  private readonly unanswered: Set<string>;
  private finish!: () => void;
  private streamId: string | null = null;
  /** Resolves once every request of the POST has its answer on the stream. */
  readonly answered = new Promise<void>((resolve) => (this.finish = resolve));

  constructor(
    private readonly store: RedisEventStore,
    private readonly sessionId: string,
    requestIds: readonly (string | number)[],
  ) {
    this.unanswered = new Set(requestIds.map(idKey));
  }

  /** Never rejects: a message Redis could not keep still goes out live, with an id no resume finds. */
  async storeEvent(streamId: string, message: JSONRPCMessage): Promise<string> {
    this.streamId = streamId;
    const isAnswer = 'id' in message && !('method' in message);
    if (isAnswer) this.unanswered.delete(idKey(message.id));
    const last = isAnswer && this.unanswered.size === 0;
    try {
      return await this.store.append(this.sessionId, streamId, message, last);
    } catch {
      return `${streamId}_0-0`;
    } finally {
      if (last) this.finish();
    }
  }

  /**
   * A request of the POST was cancelled: it gets no answer, so it no longer holds the stream open.
   * When it was the last, an empty closing event ends the streams that resumed it.
   */
  async cancelled(requestId: string | number): Promise<void> {
    if (!this.unanswered.delete(idKey(requestId)) || this.unanswered.size > 0) return;
    try {
      if (this.streamId)
        await this.store.append(this.sessionId, this.streamId, {} as JSONRPCMessage, true);
    } catch {
      // A resume then follows until the store's TTL.
    } finally {
      this.finish();
    }
  }

  replayEventsAfter(): Promise<string> {
    return Promise.reject(new Error('streams are resumed by McpController, not by the SDK'));
  }
}

function idKey(id: unknown): string {
  return `${typeof id}:${String(id)}`;
}
