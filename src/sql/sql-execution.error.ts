/**
 * Superset-style error types (`superset/errors.py` SupersetErrorType names) the tools layer maps
 * to `{error, error_type}`. Messages never carry passwords, URIs or driver stack text.
 */
export type SqlErrorType =
  | 'UNSUPPORTED_BACKEND_ERROR'
  | 'CONNECTION_INVALID_URI_ERROR'
  | 'CONNECTION_DATABASE_TIMEOUT'
  | 'CONNECTION_REFUSED_ERROR'
  | 'CONNECTION_ACCESS_DENIED_ERROR'
  | 'CONNECTION_LIMIT_ERROR'
  | 'SQLLAB_TIMEOUT_ERROR'
  | 'QUERY_CANCELLED_ERROR'
  | 'GENERIC_DB_ENGINE_ERROR'
  | 'SECRET_DECRYPTION_ERROR';

export class SqlExecutionError extends Error {
  constructor(
    readonly errorType: SqlErrorType,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = SqlExecutionError.name;
  }
}

/** Error thrown for a backend no engine serves. */
export function unsupportedBackend(
  backend: string,
  supported: readonly string[],
): SqlExecutionError {
  return new SqlExecutionError(
    'UNSUPPORTED_BACKEND_ERROR',
    `running SQL on '${backend}' databases is not supported yet; supported backends: ${supported.join(', ')}`,
  );
}

/** The first line of a driver message, without anything that looks like a URI with credentials. */
export function driverMessage(error: unknown): string {
  const raw = error instanceof Error ? error.message : String(error);
  const line = raw.split('\n', 1)[0] ?? '';
  return line.replace(/[a-z][\w+.-]*:\/\/[^\s'"]*/gi, '<uri>').slice(0, 500);
}
