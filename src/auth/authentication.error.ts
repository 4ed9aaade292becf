import type { AuthFailureReason } from './auth-failure-reason.js';

/** The request carries no usable credentials; the client sees only a generic 401. */
export class AuthenticationError extends Error {
  constructor(readonly reason: AuthFailureReason) {
    super(`Authentication failed: ${reason}`);
    this.name = 'AuthenticationError';
  }
}
