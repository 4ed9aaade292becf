import type { ToolCallRecord } from '../tools/tool-call-observers.service.js';
import { auditParams } from './audit-params.js';

/** Superset's action name for a tool call, as `superset mcp run` logs it. */
export const TOOL_CALL_ACTION = 'mcp_tool_call';
/** A row's `json` at most; past it the parameters are cut to a string. */
const MAX_JSON_CHARS = 8192;
const MAX_INTEGER_COLUMN = 2_147_483_647;

/** One row of Superset's `logs` table, ready to insert. */
export interface AuditRow {
  readonly action: string;
  readonly userId: number;
  /** Naive UTC, as Superset writes `logs.dttm`. */
  readonly dttm: string;
  readonly dashboardId: number | null;
  readonly sliceId: number | null;
  readonly durationMs: number;
  readonly json: string;
}

/**
 * The `logs` row of one finished tool call: upstream's curated payload (call id, tool, redacted
 * params, success, error type) plus what the layers around the tool noted.
 */
export function toolCallAuditRow(record: ToolCallRecord): AuditRow {
  const ids = objectIds(record.tool, record.arguments);
  const durationMs = Math.min(Math.round(record.durationMs), MAX_INTEGER_COLUMN);
  const { cacheHit, rateLimited, sizeGuard } = record.notes;
  const payload: Record<string, unknown> = {
    mcp_call_id: record.callId,
    tool: record.tool,
    method: 'tools/call',
    params: auditParams(normalisedArguments(record.arguments)),
    success: record.outcome === 'success' && record.errorType === null,
    outcome: record.outcome,
    error_type: record.errorType,
    duration_ms: durationMs,
    result_bytes: record.resultBytes,
    ...(ids.dashboard === null ? {} : { dashboard_id: ids.dashboard }),
    ...(ids.slice === null ? {} : { slice_id: ids.slice }),
    ...(ids.dataset === null ? {} : { dataset_id: ids.dataset }),
    ...(cacheHit === undefined ? {} : { cache_hit: cacheHit }),
    ...(sizeGuard === undefined ? {} : { size_guard: sizeGuard }),
    ...(rateLimited === undefined ? {} : { rate_limited: rateLimited }),
  };
  let json = JSON.stringify(payload);
  if (json.length > MAX_JSON_CHARS) {
    const params = JSON.stringify(payload.params);
    // Escaping the cut text as a JSON string lengthens it; shrink until the row fits.
    for (let room = MAX_JSON_CHARS - (json.length - params.length); json.length > MAX_JSON_CHARS;) {
      room = Math.floor(room * 0.75);
      payload.params = `${params.slice(0, Math.max(0, room))}…`;
      json = JSON.stringify(payload);
    }
  }
  return {
    action: TOOL_CALL_ACTION,
    dashboardId: ids.dashboard,
    dttm: naiveUtc(new Date(record.startedAt.getTime() + record.durationMs)),
    durationMs,
    json,
    sliceId: ids.slice,
    userId: record.caller.user.id,
  };
}

/** `YYYY-MM-DD HH:MM:SS.ffffff` in UTC, the way Superset's `datetime.utcnow()` is stored. */
export function naiveUtc(date: Date): string {
  return `${date.toISOString().slice(0, 23).replace('T', ' ')}000`;
}

/** The `request` wrapper, parsed when a client sent it as a JSON string (as the executor does). */
function normalisedArguments(args: unknown): unknown {
  if (!isObject(args) || typeof args.request !== 'string') return args;
  try {
    return { ...args, request: JSON.parse(args.request) as unknown };
  } catch {
    return args;
  }
}

/** Dashboard, chart and dataset the arguments name by integer id (not by UUID or slug). */
function objectIds(
  tool: string,
  args: unknown,
): { dashboard: number | null; slice: number | null; dataset: number | null } {
  const normalised = normalisedArguments(args);
  const request =
    isObject(normalised) && isObject(normalised.request) ? normalised.request : normalised;
  if (!isObject(request)) return { dashboard: null, dataset: null, slice: null };
  const identifier = integerId(request.identifier) ?? integerId(request.id);
  const about = (word: string) => (tool.includes(word) ? identifier : null);
  return {
    dashboard: integerId(request.dashboard_id) ?? about('dashboard'),
    dataset: integerId(request.dataset_id) ?? about('dataset'),
    slice: integerId(request.chart_id) ?? integerId(request.slice_id) ?? about('chart'),
  };
}

function integerId(value: unknown): number | null {
  return Number.isSafeInteger(value) &&
    (value as number) >= 1 &&
    (value as number) <= MAX_INTEGER_COLUMN
    ? (value as number)
    : null;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
