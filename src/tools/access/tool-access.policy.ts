import type { Caller } from '../../auth/caller.js';
import type { Settings } from '../../config/settings.js';
import type { UserAccess } from '../../users/user-access.js';
import type { RequiredPermission } from './requires-permission.decorator.js';

export interface ToolRequirements {
  readonly name: string;
  readonly readOnly: boolean;
  readonly permission: RequiredPermission | null;
}

/** The scope a tool needs from the caller's token, or null when none is configured. */
export function requiredScope(tool: ToolRequirements, settings: Settings): string | null {
  return tool.readOnly ? settings.MCP_TOOL_SCOPES.read : settings.MCP_TOOL_SCOPES.write;
}

/** Why the caller's token may not use the tool, or null when it may. */
export function scopeDenial(
  tool: ToolRequirements,
  caller: Caller,
  settings: Settings,
): string | null {
  const scope = requiredScope(tool, settings);
  if (scope === null || caller.scopes.includes('*') || caller.scopes.includes(scope)) return null;
  return `Permission denied: missing scope ${scope} for user ${caller.user.username} (tool: ${tool.name})`;
}

/** Why Superset's permissions forbid the tool to the user, in upstream's words, or null. */
export function permissionDenial(
  tool: ToolRequirements,
  access: UserAccess,
  settings: Settings,
): string | null {
  if (!settings.MCP_RBAC_ENABLED || tool.permission === null) return null;
  const { permission, viewMenu } = tool.permission;
  if (access.can(permission, viewMenu)) return null;
  return `Permission denied: ${permission} on ${viewMenu} for user ${access.user.username} (tool: ${tool.name})`;
}
