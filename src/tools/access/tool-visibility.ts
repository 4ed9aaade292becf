import type { Caller } from '../../auth/caller.js';
import type { Settings } from '../../config/settings.js';
import type { UserAccess } from '../../users/user-access.js';
import type { RegisteredTool } from '../tool-registry.service.js';
import { permissionDenial, scopeDenial } from './tool-access.policy.js';

/** Tools whose scope and Superset permission the caller holds, as `tools/list` shows them. */
export function toolsVisibleTo(
  tools: readonly RegisteredTool[],
  caller: Caller,
  access: UserAccess,
  settings: Settings,
): RegisteredTool[] {
  return tools.filter((tool) => {
    const requirements = {
      name: tool.options.name,
      permission: tool.permission,
      readOnly: tool.options.readOnly,
    };
    return (
      scopeDenial(requirements, caller, settings) === null &&
      permissionDenial(requirements, access, settings) === null
    );
  });
}
