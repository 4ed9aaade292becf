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

  replayEventsAfter(): Promise<string> {
    return Promise.reject(new Error('streams are resumed by McpController, not by the SDK'));
  }
}

function idKey(id: unknown): string {
  return `${typeof id}:${String(id)}`;
}
