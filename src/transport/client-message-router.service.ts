import { Injectable } from '@nestjs/common';

type Deliver = (message: Record<string, unknown>) => void;

/**
 * Every HTTP request gets its own server, so a message the client sends in a later POST — the
 * answer to a server-to-client request (sampling, elicitation) or a cancellation — must be handed
 * to the server still waiting in another request. Keys are (session, JSON-RPC id).
 */
@Injectable()
export class ClientMessageRouter {
  private readonly pendingServerRequests = new Map<string, Deliver>();
  private readonly runningCalls = new Map<string, Deliver>();

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

  /** Hands a client response or cancellation to the server waiting for it; false when none is. */
  deliver(sessionId: string, message: Record<string, unknown>): boolean {
    if ('id' in message && !('method' in message)) {
      const key = routeKey(sessionId, message.id);
      const deliver = this.pendingServerRequests.get(key);
      if (!deliver) return false;
      this.pendingServerRequests.delete(key);
      deliver(message);
      return true;
    }
    if (message.method === 'notifications/cancelled') {
      const params = message.params as { requestId?: string | number } | undefined;
      if (params?.requestId === undefined) return false;
      const deliver = this.runningCalls.get(routeKey(sessionId, params.requestId));
      if (!deliver) return false;
      deliver(message);
      return true;
    }
    return false;
  }
}

function routeKey(sessionId: string, id: unknown): string {
  return `${sessionId}\u0000${typeof id}:${String(id)}`;
}
