import { randomUUID } from 'node:crypto';

import type {
  Transport,
  TransportSendOptions,
} from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage, MessageExtraInfo } from '@modelcontextprotocol/sdk/types.js';

import { ROUTED_ID_PREFIX, type ClientMessageRouter } from './client-message-router.service.js';
import { invalidParamsResponse } from './request-params-check.js';
import { wireErrorMessage } from './wire-error-message.js';

/**
 * Wraps one request's SDK transport so that messages the client sends in other POSTs of the same
 * session (answers to our requests, cancellations) reach this request's server. Outgoing request
 * ids are made unique per session, since every per-request server counts its ids from zero.
 * Requests whose params do not fit the protocol are answered -32602 here, before the SDK sees them.
 */
export class RoutedTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage, extra?: MessageExtraInfo) => void;

  private readonly prefix = `${ROUTED_ID_PREFIX}${randomUUID()}-`;
  private readonly releases = new Set<() => void>();

  constructor(
    private readonly inner: Transport,
    private readonly router: ClientMessageRouter,
    private readonly routingSessionId: string | null,
  ) {
    inner.onclose = () => {
      this.releaseAll();
      this.onclose?.();
    };
    inner.onerror = (error) => this.onerror?.(error);
    inner.onmessage = (message, extra) => {
      const refusal = invalidParamsResponse(message);
      if (refusal) {
        void this.inner.send(refusal).catch((error: unknown) => this.onerror?.(error as Error));
        return;
      }
      if (this.routingSessionId && 'method' in message && 'id' in message) {
        this.hold(
          this.router.trackCall(this.routingSessionId, message.id, (cancel) =>
            this.onmessage?.(cancel as JSONRPCMessage),
          ),
        );
      }
      this.onmessage?.(message, extra);
    };
  }

  get sessionId(): string | undefined {
    return this.inner.sessionId;
  }

  setProtocolVersion(version: string): void {
    this.inner.setProtocolVersion?.(version);
  }

  start(): Promise<void> {
    return this.inner.start();
  }

  close(): Promise<void> {
    this.releaseAll();
    return this.inner.close();
  }

  send(outgoing: JSONRPCMessage, options?: TransportSendOptions): Promise<void> {
    const message = withoutSdkErrorPrefix(outgoing);
    if (this.routingSessionId && 'method' in message && 'id' in message) {
      const originalId = message.id;
      const routedId = this.routedId(originalId);
      this.hold(
        this.router.awaitAnswer(this.routingSessionId, routedId, (answer) =>
          this.onmessage?.({ ...answer, id: originalId } as JSONRPCMessage),
        ),
      );
      return this.inner.send({ ...message, id: routedId }, options);
    }
    if (
      this.routingSessionId &&
      'method' in message &&
      message.method === 'notifications/cancelled'
    ) {
      // The server cancels a request of its own (its call was cancelled): use the id the client saw.
      const params = message.params as { requestId?: string | number } | undefined;
      if (params?.requestId !== undefined) {
        const routedParams = { ...params, requestId: this.routedId(params.requestId) };
        return this.inner.send({ ...message, params: routedParams }, options);
      }
    }
    return this.inner.send(message, options);
  }

  private routedId(originalId: string | number): string {
    return `${this.prefix}${String(originalId)}`;
  }

  private hold(release: () => void): void {
    this.releases.add(release);
  }

  private releaseAll(): void {
    for (const release of this.releases) release();
    this.releases.clear();
  }
}

function withoutSdkErrorPrefix(message: JSONRPCMessage): JSONRPCMessage {
  if (!('error' in message) || typeof message.error?.message !== 'string') return message;
  return {
    ...message,
    error: { ...message.error, message: wireErrorMessage(message.error.message) },
  };
}
