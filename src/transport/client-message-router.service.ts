import {
  Injectable,
  Logger,
  Optional,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
import type { Redis } from 'ioredis';

import { InjectSettings } from '../config/inject-settings.decorator.js';
import type { Settings } from '../config/settings.js';
import { RedisConnections, RedisUnavailableError } from '../redis/redis-connections.js';

/** Starts the id of every request a server sends the client; only answers to such ids are routed. */
export const ROUTED_ID_PREFIX = 'srv-';

type Deliver = (message: Record<string, unknown>) => void;

interface RoutedMessage {
  readonly sessionId: string;
  readonly message: Record<string, unknown>;
}

/**
 * Every HTTP request gets its own server, so a message the client sends in a later POST — the
 * answer to a server-to-client request (sampling, elicitation) or a cancellation — must be handed
 * to the server still waiting in another request. Keys are (session, JSON-RPC id). With Redis, a
 * message no request of this process waits for is published on one channel, and the replica whose
 * request waits for it delivers it: no sticky routing is needed.
 */
@Injectable()
export class ClientMessageRouter implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(ClientMessageRouter.name);
  private readonly pendingServerRequests = new Map<string, Deliver>();
  private readonly runningCalls = new Map<string, Deliver>();
  private readonly channel: string | null;
  private subscriber: Redis | null = null;

  constructor(
    @Optional() private readonly redis?: RedisConnections,
    @Optional() @InjectSettings() settings?: Settings,
  ) {
    this.channel =
      redis?.enabled && settings
        ? `${settings.MCP_STORE_CONFIG.CACHE_KEY_PREFIX}client-messages`
        : null;
  }

  onModuleInit(): void {
    if (!this.channel || !this.redis) return;
    const subscriber = this.redis.subscriber('client-messages');
    subscriber.on('message', (_channel: string, payload: string) => this.receive(payload));
    // Not awaited: with Redis down at start-up the service still starts; ioredis subscribes (and
    // subscribes again after every reconnection) as soon as it can.
    subscriber.subscribe(this.channel).catch((error: unknown) => {
      this.logger.warn(`Subscribing to client messages failed: ${String(error)}`);
    });
    this.subscriber = subscriber;
  }

  async onModuleDestroy(): Promise<void> {
    const subscriber = this.subscriber;
    this.subscriber = null;
    if (!subscriber) return;
    if (subscriber.status === 'ready') await subscriber.unsubscribe().catch(() => undefined);
    subscriber.disconnect();
  }

  /** A server-to-client request is waiting for the client's answer under `routedId`. */
  awaitAnswer(sessionId: string, routedId: string, deliver: Deliver): () => void {
    const key = routeKey(sessionId, routedId);
    this.pendingServerRequests.set(key, deliver);
    return () => this.pendingServerRequests.delete(key);
  }

  /** A client request is being served; a cancellation for it may arrive in another POST. */
  trackCall(sessionId: string, requestId: string | number, deliver: Deliver): () => void {
    const key = routeKey(sessionId, requestId);
    this.runningCalls.set(key, deliver);
    return () => this.runningCalls.delete(key);
  }

  /**
   * Hands a client response or cancellation to the server waiting for it: here if it waits in this
   * process, else through Redis to every replica. 'none' when nothing can be waiting for it;
   * rejects with `RedisUnavailableError` when it had to be published and Redis is unreachable.
   */
  async deliver(
    sessionId: string,
    message: Record<string, unknown>,
  ): Promise<'delivered' | 'published' | 'none'> {
    if (this.deliverHere(sessionId, message)) return 'delivered';
    if (!this.channel || !this.redis || !isRoutable(message)) return 'none';
    try {
      await this.redis.client().publish(this.channel, JSON.stringify({ message, sessionId }));
    } catch (error) {
      throw new RedisUnavailableError(error);
    }
    return 'published';
  }

  private deliverHere(sessionId: string, message: Record<string, unknown>): boolean {
    if (isAnswer(message)) {
      const key = routeKey(sessionId, message.id);
      const deliver = this.pendingServerRequests.get(key);
      if (!deliver) return false;
      this.pendingServerRequests.delete(key);
      deliver(message);
      return true;
    }
    const requestId = cancelledRequestId(message);
    if (requestId === undefined) return false;
    const deliver = this.runningCalls.get(routeKey(sessionId, requestId));
    if (!deliver) return false;
    deliver(message);
    return true;
  }

  /** A message another replica published; anything malformed is dropped. */
  private receive(payload: string): void {
    let routed: Partial<RoutedMessage>;
    try {
      routed = JSON.parse(payload) as Partial<RoutedMessage>;
    } catch {
      return;
    }
    const { message, sessionId } = routed;
    if (typeof sessionId !== 'string' || !message || typeof message !== 'object') return;
    this.deliverHere(sessionId, message);
  }
}

function isAnswer(message: Record<string, unknown>): boolean {
  return 'id' in message && !('method' in message);
}

function cancelledRequestId(message: Record<string, unknown>): string | number | undefined {
  if (message.method !== 'notifications/cancelled') return undefined;
  const params = message.params as { requestId?: string | number } | undefined;
  return params?.requestId;
}

function isRoutable(message: Record<string, unknown>): boolean {
  if (isAnswer(message))
    return typeof message.id === 'string' && message.id.startsWith(ROUTED_ID_PREFIX);
  return cancelledRequestId(message) !== undefined;
}

function routeKey(sessionId: string, id: unknown): string {
  return `${sessionId}\u0000${typeof id}:${String(id)}`;
}
