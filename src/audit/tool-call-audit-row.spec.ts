import { describe, expect, it } from 'vitest';

import type { Caller } from '../auth/caller.js';
import type { ToolCallRecord } from '../tools/tool-call-observers.service.js';
import { naiveUtc, TOOL_CALL_ACTION, toolCallAuditRow } from './tool-call-audit-row.js';

const caller = {
  principal: null,
  scopes: [],
  user: { id: 3, username: 'alpha' },
} as unknown as Caller;

function record(overrides: Partial<ToolCallRecord>): ToolCallRecord {
  return {
    arguments: {},
    callId: 'f'.repeat(32),
    caller,
    durationMs: 12.6,
    errorType: null,
    notes: {},
    outcome: 'success',
    resultBytes: 99,
    sessionId: 'session-secret',
    startedAt: new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 678)),
    tool: 'get_dashboard_info',
    ...overrides,
  };
}

describe(toolCallAuditRow.name, () => {
  it('writes the curated payload of upstream with the redacted params', () => {
    const row = toolCallAuditRow(
      record({
        arguments: { request: { identifier: 7, token: 'abc' } },
        notes: { cacheHit: true, sizeGuard: 'truncated' },
      }),
    );
    expect(row).toMatchObject({
      action: TOOL_CALL_ACTION,
      dashboardId: 7,
      dttm: '2026-01-02 03:04:05.690000',
      durationMs: 13,
      sliceId: null,
      userId: 3,
    });
    expect(JSON.parse(row.json)).toEqual({
      cache_hit: true,
      dashboard_id: 7,
      duration_ms: 13,
      error_type: null,
      mcp_call_id: 'f'.repeat(32),
      method: 'tools/call',
      outcome: 'success',
      params: { request: { identifier: 7, token: '[REDACTED]' } },
      result_bytes: 99,
      size_guard: 'truncated',
      success: true,
      tool: 'get_dashboard_info',
    });
    expect(row.json).not.toContain('session-secret');
  });

  it('names charts and datasets by integer id only, also from a request sent as a string', () => {
    const chart = toolCallAuditRow(
      record({
        arguments: { request: JSON.stringify({ identifier: 12 }) },
        tool: 'get_chart_info',
      }),
    );
    expect(chart).toMatchObject({ dashboardId: null, sliceId: 12 });
    const dataset = toolCallAuditRow(
      record({ arguments: { request: { identifier: 4 } }, tool: 'get_dataset_info' }),
    );
    expect(JSON.parse(dataset.json)).toMatchObject({ dataset_id: 4 });
    const bySlug = toolCallAuditRow(record({ arguments: { request: { identifier: 'sales' } } }));
    expect(bySlug.dashboardId).toBeNull();
    const tooLarge = toolCallAuditRow(record({ arguments: { request: { identifier: 2 ** 40 } } }));
    expect(tooLarge.dashboardId).toBeNull();
  });

  it('counts an error object or a failure as no success', () => {
    const notFound = toolCallAuditRow(record({ errorType: 'NotFound' }));
    expect(JSON.parse(notFound.json)).toMatchObject({ error_type: 'NotFound', success: false });
    const failed = toolCallAuditRow(
      record({ errorType: 'internal_error', outcome: 'internal_error' }),
    );
    expect(JSON.parse(failed.json)).toMatchObject({ outcome: 'internal_error', success: false });
  });

  it('keeps a row bounded whatever the arguments', () => {
    const wide = Object.fromEntries(
      Array.from({ length: 50 }, (_, i) => [`key${i}`, 'v'.repeat(1000)]),
    );
    const row = toolCallAuditRow(record({ arguments: { request: wide } }));
    expect(row.json.length).toBeLessThanOrEqual(8192);
    expect(JSON.parse(row.json)).toMatchObject({ mcp_call_id: 'f'.repeat(32), success: true });
  });

  it('formats naive UTC as Superset stores it', () => {
    expect(naiveUtc(new Date(Date.UTC(2026, 11, 31, 23, 59, 59, 5)))).toBe(
      '2026-12-31 23:59:59.005000',
    );
  });
});
