import { SetMetadata } from '@nestjs/common';

export const PERMISSION_METADATA = 'superset-mcp:permission';

/** A Superset class permission, e.g. `can_read` on `Chart`. */
export interface RequiredPermission {
  readonly permission: string;
  readonly viewMenu: string;
}

/**
 * The Superset permission a tool needs, as upstream declares it (`class_permission_name` /
 * `method_permission_name`). Checked when listing tools and again on every call.
 */
export const RequiresPermission = (permission: string, viewMenu: string): MethodDecorator =>
  SetMetadata(PERMISSION_METADATA, { permission, viewMenu } satisfies RequiredPermission);
