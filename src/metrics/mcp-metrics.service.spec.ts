import { register as globalRegistry } from 'prom-client';
import { describe, expect, it } from 'vitest';

import type { Caller } from '../auth/caller.js';
import type { ToolCallNotes } from '../tools/tool-call.js';
import {
  ToolCallObservers,
  type ToolCallOutcome,
  type ToolCallRecord,
} from '../tools/tool-call-observers.service.js';
import type { ToolRegistry } from '../tools/tool-registry.service.js';
import { McpMetrics } from './mcp-metrics.service.js';

const REGISTERED = new Set(['list_dashboards', 'get_chart_info']);
const registry = { get: (name: string) => (REGISTERED.has(name) ? {} : undefined) };

const caller = {
  principal: null,
  scopes: [],
  user: { id: 7, username: 'secret-user-name' },
} as unknown as Caller;

function record(
  tool: string,
  outcome: ToolCallOutcome,
  errorType: string | null = null,
  notes: ToolCallNotes = {},
): ToolCallRecord {
  return {
    arguments: {},
    callId: 'a'.repeat(32),
    caller,
    durationMs: 42,
    errorType,
    notes,
    outcome,
    resultBytes: 10,
    sessionId: null,
    startedAt: new Date(),
    tool,
  };
}

/** The value of one sample in the exposition text, whatever the order of its labels. */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  for (const line of text.split('\n')) {
    const match = /^([a-z_]+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const found = Object.fromEntries(
      [...(match[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map(([, key, value]) => [key, value]),
    );
    const same =
      Object.keys(found).length === Object.keys(labels).length &&
      Object.entries(labels).every(([key, value]) => found[key] === value);
    if (same) return Number(match[3]);
  }
  return undefined;
}

function setUp(): { metrics: McpMetrics; observers: ToolCallObservers } {
  const observers = new ToolCallObservers();
  const metrics = new McpMetrics(observers, registry as unknown as ToolRegistry);
  metrics.onModuleInit();
  return { metrics, observers };
}

describe(McpMetrics.name, () => {
  it('counts finished calls, errors, cache, size guard and rate limits from the observers', async () => {
    const { metrics, observers } = setUp();
    observers.finished(record('list_dashboards', 'success', null, { cacheHit: true }));
    observers.finished(record('list_dashboards', 'success', null, { cacheHit: false }));
    observers.finished(
      record('list_dashboards', 'success', 'NotFound', { sizeGuard: 'truncated' }),
    );
    observers.finished(
      record('get_chart_info', 'tool_error', 'rate_limited', { rateLimited: true }),
    );
    observers.finished(record('get_chart_info', 'validation_error', 'validation_error'));
    metrics.countRateLimited('http');
    metrics.setAuditBacklog(3);
    metrics.countAuditRowsDropped(2);
    metrics.countAuditWriteFailure();

    const text = await metrics.registry.metrics();
    expect(
      sample(text, 'superset_mcp_tool_calls_total', {
        tool: 'list_dashboards',
        outcome: 'success',
      }),
    ).toBe(3);
    expect(
      sample(text, 'superset_mcp_tool_calls_total', {
        tool: 'get_chart_info',
        outcome: 'tool_error',
      }),
    ).toBe(1);
    expect(
      sample(text, 'superset_mcp_tool_call_duration_seconds_count', { tool: 'list_dashboards' }),
    ).toBe(3);
    expect(
      sample(text, 'superset_mcp_tool_call_duration_seconds_bucket', {
        le: '0.05',
        tool: 'list_dashboards',
      }),
    ).toBe(3);
    expect(
      sample(text, 'superset_mcp_tool_errors_total', {
        tool: 'list_dashboards',
        error_type: 'NotFound',
      }),
    ).toBe(1);
    expect(
      sample(text, 'superset_mcp_tool_errors_total', {
        tool: 'get_chart_info',
        error_type: 'validation_error',
      }),
    ).toBe(1);
    expect(sample(text, 'superset_mcp_cache_hits_total', { tool: 'list_dashboards' })).toBe(1);
    expect(sample(text, 'superset_mcp_cache_misses_total', { tool: 'list_dashboards' })).toBe(1);
    expect(
      sample(text, 'superset_mcp_responses_truncated_total', {
        tool: 'list_dashboards',
        action: 'truncated',
      }),
    ).toBe(1);
    expect(sample(text, 'superset_mcp_rate_limited_total', { scope: 'tool' })).toBe(1);
    expect(sample(text, 'superset_mcp_rate_limited_total', { scope: 'http' })).toBe(1);
    expect(sample(text, 'superset_mcp_audit_backlog', {})).toBe(3);
    expect(sample(text, 'superset_mcp_audit_rows_dropped_total', {})).toBe(2);
    expect(sample(text, 'superset_mcp_audit_write_failures_total', {})).toBe(1);
    expect(text).toContain('superset_mcp_process_cpu_seconds_total');
    expect(text).not.toContain('secret-user-name');
  });

  it('names every metric with the service prefix, in its own registry only', async () => {
    const { metrics } = setUp();
    const names = (await metrics.registry.getMetricsAsJSON()).map((metric) => metric.name);
    expect(names.every((name) => name.startsWith('superset_mcp_'))).toBe(true);
    expect(await globalRegistry.metrics()).not.toContain('superset_mcp_');
  });

  it('keeps labels to registered tools and well-formed, bounded error types', async () => {
    const { metrics, observers } = setUp();
    observers.finished(record('not_a_tool', 'internal_error', 'internal_error'));
    observers.finished(record('list_dashboards', 'tool_error', 'x"} 1\nfake_metric 9'));
    for (let index = 0; index < 100; index += 1) {
      observers.finished(record('list_dashboards', 'tool_error', `type_${index}`));
    }
    const text = await metrics.registry.metrics();
    expect(
      sample(text, 'superset_mcp_tool_calls_total', { tool: 'other', outcome: 'internal_error' }),
    ).toBe(1);
    expect(text).not.toContain('not_a_tool');
    expect(text).not.toContain('fake_metric');
    expect(text).toContain('error_type="type_62"');
    expect(text).not.toContain('error_type="type_63"');
    expect(
      sample(text, 'superset_mcp_tool_errors_total', {
        tool: 'list_dashboards',
        error_type: 'other',
      }),
    ).toBe(38);
  });
});
