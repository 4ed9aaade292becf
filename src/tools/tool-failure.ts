/**
 * An expected failure, returned (not thrown) in Superset's shape so the model can correct itself:
 * `{error, error_type, timestamp}` plus optional suggestions and details.
 */
export interface ToolFailure {
  readonly error: string;
  readonly error_type: string;
  readonly timestamp: string;
  readonly suggestions?: readonly string[];
  readonly details?: Readonly<Record<string, unknown>>;
}

export function toolFailure(
  errorType: string,
  error: string,
  extra: { suggestions?: readonly string[]; details?: Record<string, unknown> } = {},
): ToolFailure {
  return { error, error_type: errorType, timestamp: new Date().toISOString(), ...extra };
}

export function isToolFailure(value: unknown): value is ToolFailure {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as ToolFailure).error === 'string' &&
    typeof (value as ToolFailure).error_type === 'string'
  );
}
