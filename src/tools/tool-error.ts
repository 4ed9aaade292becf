export type ToolErrorCode =
  | 'validation_error'
  | 'permission_denied'
  | 'not_found'
  | 'invalid_request'
  | 'database_error'
  | 'response_too_large'
  | 'rate_limited';

/**
 * A failure whose message is safe to show the client verbatim. Anything else thrown by a tool is
 * logged and replaced by a generic message carrying the call id.
 */
export class ToolError extends Error {
  constructor(
    readonly code: ToolErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ToolError';
  }
}
