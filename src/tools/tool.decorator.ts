import { applyDecorators, SetMetadata, UseGuards } from '@nestjs/common';

import { ToolPermissionGuard } from './access/tool-permission.guard.js';
import { ToolScopesGuard } from './access/tool-scopes.guard.js';
import { TOOL_METADATA, type ToolOptions } from './tool-options.js';

/**
 * Declares a method of an injectable provider as an MCP tool. The method is called as
 * `(args, call: ToolCall)` with `args` already validated against `input`, through the guards and
 * interceptors applied to it, in execution context type `mcp`, after the scope and Superset
 * permission checks every tool gets.
 */
export const Tool = (options: ToolOptions): MethodDecorator =>
  applyDecorators(
    SetMetadata(TOOL_METADATA, options),
    // Order matters: the token's scope first, then the Superset permission (which reads the DB).
    UseGuards(ToolScopesGuard, ToolPermissionGuard),
  );
