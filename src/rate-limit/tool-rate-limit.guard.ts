import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';

import { InjectSettings } from '../config/inject-settings.decorator.js';
import type { RateLimitConfig, Settings } from '../config/settings.js';
import type { ToolCall } from '../tools/tool-call.js';
import { ToolError } from '../tools/tool-error.js';
import { MCP_CONTEXT_TYPE } from '../tools/tool-registry.service.js';
import { RateLimiter } from './rate-limiter.service.js';
import { retryAfterSeconds, type RateLimitCheck } from './sliding-window.js';

/**
 * Global guard on tool calls: per Superset user, `tool_calls_per_window` across tools and
 * `tool_limits[tool]` for one tool; `excluded_tools` are not counted. Being global it runs before
 * a tool's own guards, so refused calls cost no permission lookup.
 */
@Injectable()
export class ToolRateLimitGuard implements CanActivate {
  private readonly config: RateLimitConfig;
  private readonly excluded: ReadonlySet<string>;

  constructor(
    private readonly limiter: RateLimiter,
    @InjectSettings() settings: Settings,
  ) {
    this.config = settings.MCP_RATE_LIMIT_CONFIG;
    this.excluded = new Set(this.config.excluded_tools);
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType<string>() !== MCP_CONTEXT_TYPE || !this.config.enabled) return true;
    const call = context.getArgByIndex<ToolCall>(1);
    if (this.excluded.has(call.tool)) return true;
    const user = call.caller.user.id;
    const checks: RateLimitCheck[] = [
      { key: `tools:user:${user}`, limit: this.config.tool_calls_per_window },
    ];
    const toolLimit = Object.hasOwn(this.config.tool_limits, call.tool)
      ? this.config.tool_limits[call.tool]
      : undefined;
    if (toolLimit !== undefined) {
      checks.push({ key: `tool:${call.tool}:user:${user}`, limit: toolLimit });
    }
    const decision = await this.limiter.hit('tool', checks, call.tool);
    if (decision.allowed) return true;
    call.notes.rateLimited = true;
    const seconds = retryAfterSeconds(decision.retryAfterMs);
    const what =
      decision.refused === 1
        ? `${toolLimit} calls per ${this.config.window_seconds} s`
        : `${this.config.tool_calls_per_window} tool calls per ${this.config.window_seconds} s across all tools`;
    throw new ToolError(
      'rate_limited',
      `Rate limit exceeded for ${call.tool}: ${what}; retry after ${seconds} s`,
    );
  }
}
