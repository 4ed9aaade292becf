import { Logger } from '@nestjs/common';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { SETTINGS_DEFAULTS } from '../config/settings.schema.js';
import type { Settings } from '../config/settings.js';
import type { ToolRegistry } from '../tools/tool-registry.service.js';
import { RateLimitSettingsReporter } from './rate-limit-settings.reporter.js';

const registry = {
  all: () => ['health_check', 'list_charts'].map((name) => ({ options: { name } })),
} as unknown as ToolRegistry;

describe(RateLimitSettingsReporter.name, () => {
  afterEach(() => vi.restoreAllMocks());

  it('warns about tool names that name no registered tool, with the closest one', () => {
    const warn = vi.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const settings = {
      ...SETTINGS_DEFAULTS,
      MCP_DISABLED_TOOLS: ['execute_sql'],
      MCP_RATE_LIMIT_CONFIG: {
        ...SETTINGS_DEFAULTS.MCP_RATE_LIMIT_CONFIG,
        excluded_tools: ['helth_check', 'list_charts'],
        tool_limits: { execute_sql: 1, list_chart: 5, no_such_thing: 2 },
      },
    } as unknown as Settings;
    new RateLimitSettingsReporter(registry, settings).onApplicationBootstrap();
    expect(warn.mock.calls.map((call) => String(call[0]))).toEqual([
      "MCP_RATE_LIMIT_CONFIG.tool_limits names no tool 'list_chart' (ignored); did you mean list_charts?",
      "MCP_RATE_LIMIT_CONFIG.tool_limits names no tool 'no_such_thing' (ignored)",
      "MCP_RATE_LIMIT_CONFIG.excluded_tools names no tool 'helth_check' (ignored); did you mean health_check?",
    ]);
  });
});
