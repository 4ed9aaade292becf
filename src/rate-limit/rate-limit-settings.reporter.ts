import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';

import { closestName } from '../config/closest-name.js';
import { InjectSettings } from '../config/inject-settings.decorator.js';
import type { Settings } from '../config/settings.js';
import { ToolRegistry } from '../tools/tool-registry.service.js';

/**
 * A misspelt tool in `tool_limits` or `excluded_tools` would leave the tool it meant limited by
 * the general limit only, or counted, silently: say so at start-up, with the name it was likely
 * meant as. Tools switched off by MCP_DISABLED_TOOLS are not reported.
 */
@Injectable()
export class RateLimitSettingsReporter implements OnApplicationBootstrap {
  private readonly logger = new Logger('RateLimits');

  constructor(
    private readonly registry: ToolRegistry,
    @InjectSettings() private readonly settings: Settings,
  ) {}

  onApplicationBootstrap(): void {
    const config = this.settings.MCP_RATE_LIMIT_CONFIG;
    const known = this.registry.all().map((tool) => tool.options.name);
    const disabled = new Set(this.settings.MCP_DISABLED_TOOLS);
    const named = [
      ...Object.keys(config.tool_limits).map((name) => ({ name, setting: 'tool_limits' })),
      ...config.excluded_tools.map((name) => ({ name, setting: 'excluded_tools' })),
    ];
    for (const { name, setting } of named) {
      if (known.includes(name) || disabled.has(name)) continue;
      const meant = closestName(name, known);
      this.logger.warn(
        `MCP_RATE_LIMIT_CONFIG.${setting} names no tool '${name}' (ignored)${meant ? `; did you mean ${meant}?` : ''}`,
      );
    }
    if (config.enabled) {
      this.logger.log(
        `Rate limits: ${config.http_requests_per_window} requests and ${config.tool_calls_per_window} tool calls per ${config.window_seconds} s`,
      );
    }
  }
}
