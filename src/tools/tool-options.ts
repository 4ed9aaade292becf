import type { z } from 'zod';

export const TOOL_METADATA = 'superset-mcp:tool';

export interface ToolOptions {
  /** Unique tool name as clients see it (`[A-Za-z0-9_.-]`, at most 128 characters). */
  readonly name: string;
  readonly title: string;
  readonly description: string;
  /** Arguments schema; use strict objects so unknown fields are rejected by name. */
  readonly input: z.ZodObject;
  /**
   * The JSON Schema `tools/list` shows instead of the one derived from `input`, for keywords the
   * derivation drops (`$schema`, `$defs`). `input` still validates the arguments.
   */
  readonly inputJsonSchema?: Readonly<Record<string, unknown>> & { readonly type: 'object' };
  /** The tool changes nothing. Read-only tools are the only ones ever cached. */
  readonly readOnly: boolean;
  /** Only meaningful when not read-only: the tool may overwrite or delete content. */
  readonly destructive?: boolean;
  readonly idempotent?: boolean;
  /** The tool reaches systems beyond Superset's metadata (target databases, the web). */
  readonly openWorld?: boolean;
  readonly tags?: readonly string[];
}
