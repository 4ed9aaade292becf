/** The request carries no usable credentials; the client sees only a generic 401. */
export class AuthenticationError extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'AuthenticationError';
  }
}
