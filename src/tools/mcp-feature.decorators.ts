import { SetMetadata } from '@nestjs/common';
import type { z } from 'zod';

export const RESOURCE_METADATA = 'superset-mcp:resource';
export const PROMPT_METADATA = 'superset-mcp:prompt';

/** Suggests values for one argument or template variable, given what the client typed so far. */
export type Completer = (value: string, context: Readonly<Record<string, string>>) => string[];

export interface ResourceOptions {
  /** A fixed URI, or an RFC 6570 template such as `superset://schema/{model_type}`. */
  readonly uri: string;
  readonly template?: boolean;
  readonly name: string;
  readonly title: string;
  readonly description: string;
  readonly mimeType: string;
  readonly complete?: Readonly<Record<string, Completer>>;
}

export interface PromptOptions {
  readonly name: string;
  readonly title: string;
  readonly description: string;
  /** String arguments; optional ones are declared `.optional()`. */
  readonly arguments?: z.ZodObject;
  readonly complete?: Readonly<Record<string, Completer>>;
}

/**
 * Declares a method as an MCP resource. It is called as `(uri, variables, caller)` and returns the
 * resource's contents: a string, a JSON-serialisable value, or `{ blob }` for binary data.
 */
export const McpResource = (options: ResourceOptions): MethodDecorator =>
  SetMetadata(RESOURCE_METADATA, options);

/** Declares a method as an MCP prompt, called as `(args, caller)`, returning prompt messages. */
export const McpPrompt = (options: PromptOptions): MethodDecorator =>
  SetMetadata(PROMPT_METADATA, options);
