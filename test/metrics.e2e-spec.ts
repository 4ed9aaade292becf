import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { connectClient } from './support/mcp-client.js';
import {
  startServiceProcess,
  temporaryDataDir,
  type ServiceProcess,
} from './support/service-process.js';

const METRIC_NAMES = [
  'superset_mcp_tool_calls_total',
  'superset_mcp_tool_call_duration_seconds',
  'superset_mcp_tool_errors_total',
  'superset_mcp_cache_hits_total',
  'superset_mcp_cache_misses_total',
  'superset_mcp_responses_truncated_total',
  'superset_mcp_rate_limited_total',
  'superset_mcp_audit_backlog',
  'superset_mcp_sessions',
  'superset_mcp_audit_rows_dropped_total',
  'superset_mcp_audit_write_failures_total',
  'superset_mcp_process_cpu_seconds_total',
  'superset_mcp_nodejs_heap_size_used_bytes',
];

describe('Prometheus /metrics', () => {
  const data = temporaryDataDir();
  const otherData = temporaryDataDir();
  let service: ServiceProcess;
  let disabled: ServiceProcess;

  beforeAll(async () => {
    [service, disabled] = await Promise.all([
      startServiceProcess({ SUPERSET_MCP_DATA_DIR: data.dir }),
      startServiceProcess({ MCP_METRICS_ENABLED: 'false', SUPERSET_MCP_DATA_DIR: otherData.dir }),
    ]);
  });

  afterAll(async () => {
    await Promise.all([service?.stop(), disabled?.stop()]);
    data.remove();
    otherData.remove();
  });

  it('exposes the service metrics, counting the calls made', async () => {
    const mcp = await connectClient(service.url);
    try {
      await mcp.client.callTool({ arguments: {}, name: 'health_check' });
      await mcp.client.callTool({
        arguments: { request: { identifier: 999999 } },
        name: 'get_chart_info',
      });
      await mcp.client.callTool({ arguments: { request: { nope: 1 } }, name: 'list_dashboards' });
      const during = await (await fetch(`${service.origin}/metrics`)).text();
      expect(Number(/^superset_mcp_sessions (\d+)$/m.exec(during)?.[1])).toBeGreaterThanOrEqual(1);
    } finally {
      await mcp.close();
    }
    const response = await fetch(`${service.origin}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain');
    const text = await response.text();
    const declared = new Set([...text.matchAll(/^# TYPE (\S+) /gm)].map(([, name]) => name));
    for (const name of METRIC_NAMES) expect(declared).toContain(name);
    for (const name of declared) expect(name.startsWith('superset_mcp_')).toBe(true);
    expect(text).toMatch(
      /^superset_mcp_tool_calls_total\{outcome="success",tool="health_check"\} 1$/m,
    );
    expect(text).toMatch(
      /^superset_mcp_tool_calls_total\{outcome="validation_error",tool="list_dashboards"\} 1$/m,
    );
    expect(text).toMatch(
      /^superset_mcp_tool_errors_total\{error_type="NotFound",tool="get_chart_info"\} 1$/m,
    );
    expect(text).toMatch(
      /^superset_mcp_tool_call_duration_seconds_count\{tool="health_check"\} 1$/m,
    );
    expect(text).not.toContain('admin');
  });

  it('answers 404 when MCP_METRICS_ENABLED is false', async () => {
    const response = await fetch(`${disabled.origin}/metrics`);
    expect(response.status).toBe(404);
  });
});
