import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host.js';
import { describe, expect, it } from 'vitest';

import { SETTINGS_DEFAULTS } from '../config/settings.schema.js';
import type { RateLimitConfig, Settings } from '../config/settings.js';
import { RedisConnections } from '../redis/redis-connections.js';
import type { ToolCall } from '../tools/tool-call.js';
import { ToolError } from '../tools/tool-error.js';
import { MCP_CONTEXT_TYPE } from '../tools/tool-registry.service.js';
import { RateLimiter } from './rate-limiter.service.js';
import { ToolRateLimitGuard } from './tool-rate-limit.guard.js';

function guardWith(config: Partial<RateLimitConfig>): {
  guard: ToolRateLimitGuard;
  limiter: RateLimiter;
} {
  const settings = {
    ...SETTINGS_DEFAULTS,
    MCP_RATE_LIMIT_CONFIG: { ...SETTINGS_DEFAULTS.MCP_RATE_LIMIT_CONFIG, enabled: true, ...config },
  } as unknown as Settings;
  const limiter = new RateLimiter(settings, new RedisConnections(settings));
  return { guard: new ToolRateLimitGuard(limiter, settings), limiter };
}

function callOf(tool: string, userId: number): ToolCall {
  return { caller: { user: { id: userId } }, notes: {}, tool } as unknown as ToolCall;
}

function contextOf(call: ToolCall, type = MCP_CONTEXT_TYPE): ExecutionContextHost {
  const context = new ExecutionContextHost([{}, call]);
  context.setType(type);
  return context;
}

async function refusal(guard: ToolRateLimitGuard, call: ToolCall): Promise<ToolError> {
  const error: unknown = await guard
    .canActivate(contextOf(call))
    .catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(ToolError);
  return error as ToolError;
}

describe(ToolRateLimitGuard.name, () => {
  it('limits one tool per user, naming the limit and when to retry, and marks the call', async () => {
    const { guard } = guardWith({ tool_limits: { list_charts: 2 }, window_seconds: 30 });
    for (let i = 0; i < 2; i += 1) {
      await expect(guard.canActivate(contextOf(callOf('list_charts', 1)))).resolves.toBe(true);
    }
    const call = callOf('list_charts', 1);
    const error = await refusal(guard, call);
    expect(error.code).toBe('rate_limited');
    expect(error.message).toMatch(
      /^Rate limit exceeded for list_charts: 2 calls per 30 s; retry after \d+ s$/,
    );
    expect(call.notes.rateLimited).toBe(true);
    // Another tool and another user are not affected.
    await expect(guard.canActivate(contextOf(callOf('list_datasets', 1)))).resolves.toBe(true);
    await expect(guard.canActivate(contextOf(callOf('list_charts', 2)))).resolves.toBe(true);
  });

  it('limits calls across tools per user', async () => {
    const { guard, limiter } = guardWith({ tool_calls_per_window: 3 });
    for (const tool of ['list_charts', 'list_datasets', 'get_schema']) {
      await expect(guard.canActivate(contextOf(callOf(tool, 5)))).resolves.toBe(true);
    }
    const error = await refusal(guard, callOf('health_check', 5));
    expect(error.message).toMatch(
      /^Rate limit exceeded for health_check: 3 tool calls per 60 s across all tools; retry after \d+ s$/,
    );
    expect(limiter.refusalCounts()).toEqual({ http: 0, tool: 1 });
    await expect(guard.canActivate(contextOf(callOf('health_check', 6)))).resolves.toBe(true);
  });

  it('does not count excluded tools, nor calls a per-tool limit refused', async () => {
    const { guard } = guardWith({
      excluded_tools: ['health_check'],
      tool_calls_per_window: 2,
      tool_limits: { get_schema: 1 },
    });
    for (let i = 0; i < 10; i += 1) {
      await expect(guard.canActivate(contextOf(callOf('health_check', 1)))).resolves.toBe(true);
    }
    await expect(guard.canActivate(contextOf(callOf('get_schema', 1)))).resolves.toBe(true);
    await refusal(guard, callOf('get_schema', 1));
    // One of two calls across tools used: one more fits.
    await expect(guard.canActivate(contextOf(callOf('list_charts', 1)))).resolves.toBe(true);
    await refusal(guard, callOf('list_charts', 1));
  });

  it('passes HTTP contexts and everything when rate limits are off', async () => {
    const { guard } = guardWith({ tool_calls_per_window: 1 });
    for (let i = 0; i < 3; i += 1) {
      await expect(guard.canActivate(contextOf(callOf('x', 1), 'http'))).resolves.toBe(true);
    }
    const { guard: off } = guardWith({ enabled: false, tool_calls_per_window: 1 });
    for (let i = 0; i < 3; i += 1) {
      await expect(off.canActivate(contextOf(callOf('x', 1)))).resolves.toBe(true);
    }
  });
});
