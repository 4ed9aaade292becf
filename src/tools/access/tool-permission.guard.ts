import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';

import { InjectSettings } from '../../config/inject-settings.decorator.js';
import type { Settings } from '../../config/settings.js';
import { SecurityService } from '../../users/security.service.js';
import type { ToolCall } from '../tool-call.js';
import { ToolError } from '../tool-error.js';
import { TOOL_METADATA, type ToolOptions } from '../tool-options.js';
import { PERMISSION_METADATA, type RequiredPermission } from './requires-permission.decorator.js';
import { permissionDenial } from './tool-access.policy.js';

/** Second check of every tool call: the Superset user holds the tool's class permission. */
@Injectable()
export class ToolPermissionGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly security: SecurityService,
    @InjectSettings() private readonly settings: Settings,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const handler = context.getHandler();
    const tool = this.reflector.get<ToolOptions>(TOOL_METADATA, handler);
    const permission =
      this.reflector.get<RequiredPermission | undefined>(PERMISSION_METADATA, handler) ?? null;
    if (!permission) return true;
    const call = context.getArgByIndex<ToolCall>(1);
    const access = await this.security.accessFor(call.caller.user);
    const denial = permissionDenial(
      { name: tool.name, permission, readOnly: tool.readOnly },
      access,
      this.settings,
    );
    if (denial) throw new ToolError('permission_denied', denial);
    return true;
  }
}
