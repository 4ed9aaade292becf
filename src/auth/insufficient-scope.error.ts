/** A valid token that lacks scopes this service requires; answered with 403 `insufficient_scope`. */
export class InsufficientScopeError extends Error {
  constructor(readonly requiredScopes: readonly string[]) {
    super('The token lacks a required scope');
    this.name = 'InsufficientScopeError';
  }
}
