import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';

import { InjectSettings } from '../../config/inject-settings.decorator.js';
import type { Settings } from '../../config/settings.js';
import type { ToolCall } from '../tool-call.js';
import { ToolError } from '../tool-error.js';
import { TOOL_METADATA, type ToolOptions } from '../tool-options.js';
import { scopeDenial } from './tool-access.policy.js';

/** First check of every tool call: the token carries the scope the tool needs. */
@Injectable()
export class ToolScopesGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @InjectSettings() private readonly settings: Settings,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const tool = this.reflector.get<ToolOptions>(TOOL_METADATA, context.getHandler());
    const call = context.getArgByIndex<ToolCall>(1);
    const denial = scopeDenial(
      { name: tool.name, permission: null, readOnly: tool.readOnly },
      call.caller,
      this.settings,
    );
    if (denial) throw new ToolError('permission_denied', denial);
    return true;
  }
}
