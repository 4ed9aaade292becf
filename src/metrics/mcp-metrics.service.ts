import { Injectable, type OnModuleInit } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

import { ToolCallObservers, type ToolCallRecord } from '../tools/tool-call-observers.service.js';
import { ToolRegistry } from '../tools/tool-registry.service.js';

const PREFIX = 'superset_mcp_';
const DURATION_BUCKETS_SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
/** Label for a value outside the fixed set (a tool that is not registered, an odd error type). */
const OTHER = 'other';
const ERROR_TYPE = /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/;
/** Error types come from tool code, not callers; the cap keeps a bug from growing the series. */
const MAX_ERROR_TYPES = 64;

/** Where a rate limit refused something: an HTTP request (429) or a tool call. */
export type RateLimitScope = 'http' | 'tool';

/**
 * The service's Prometheus metrics, in a registry of its own (not prom-client's global one, so
 * nothing a library registers there leaks out). Tool-call metrics are fed by `ToolCallObservers`;
 * labels take only registered tool names and fixed sets, never caller-chosen text or user names.
 */
@Injectable()
export class McpMetrics implements OnModuleInit {
  readonly registry = new Registry();
  private readonly toolCalls = this.counter('tool_calls_total', 'Finished tool calls.', [
    'tool',
    'outcome',
  ]);
  private readonly toolDuration = new Histogram({
    buckets: DURATION_BUCKETS_SECONDS,
    help: 'Tool call duration in seconds, from arguments received to result shaped.',
    labelNames: ['tool'],
    name: `${PREFIX}tool_call_duration_seconds`,
    registers: [this.registry],
  });
  private readonly toolErrors = this.counter(
    'tool_errors_total',
    'Tool calls that did not succeed, by error type.',
    ['tool', 'error_type'],
  );
  private readonly cacheHits = this.counter(
    'cache_hits_total',
    'Tool results served from the cache.',
    ['tool'],
  );
  private readonly cacheMisses = this.counter(
    'cache_misses_total',
    'Cacheable tool calls the cache could not answer.',
    ['tool'],
  );
  private readonly truncated = this.counter(
    'responses_truncated_total',
    'Tool results the size guard trimmed (truncated) or refused as too large (refused).',
    ['tool', 'action'],
  );
  private readonly rateLimited = this.counter(
    'rate_limited_total',
    'Requests (http) and tool calls (tool) refused by a rate limit.',
    ['scope'],
  );
  private readonly auditBacklog = new Gauge({
    help: 'Audit rows waiting to be written to the logs table.',
    name: `${PREFIX}audit_backlog`,
    registers: [this.registry],
  });
  private readonly auditDropped = this.counter(
    'audit_rows_dropped_total',
    'Audit rows never written: the queue was full, or the database refused the row itself.',
    [],
  );
  private readonly auditFailures = this.counter(
    'audit_write_failures_total',
    'Failed attempts to write a batch of audit rows (each is retried).',
    [],
  );
  private readonly errorTypes = new Set<string>();

  constructor(
    private readonly observers: ToolCallObservers,
    private readonly tools: ToolRegistry,
  ) {
    collectDefaultMetrics({ prefix: PREFIX, register: this.registry });
  }

  onModuleInit(): void {
    this.observers.subscribe((record) => this.recordToolCall(record));
  }

  /** For a layer that refuses with a rate limit outside a tool call (an HTTP 429). */
  countRateLimited(scope: RateLimitScope): void {
    this.rateLimited.inc({ scope });
  }

  /**
   * Reports the sessions held by `count` (the session store) at each scrape; a store that cannot
   * be read (Redis down) leaves the last value.
   */
  observeSessions(count: () => Promise<number>): void {
    new Gauge({
      async collect() {
        try {
          this.set(await count());
        } catch {
          // The store's outage is reported by /ready and the transport's 503s.
        }
      },
      help: 'MCP sessions held by the session store (all replicas when it is shared).',
      name: `${PREFIX}sessions`,
      registers: [this.registry],
    });
  }

  setAuditBacklog(rows: number): void {
    this.auditBacklog.set(rows);
  }

  countAuditRowsDropped(rows: number): void {
    if (rows > 0) this.auditDropped.inc(rows);
  }

  countAuditWriteFailure(): void {
    this.auditFailures.inc();
  }

  recordToolCall(record: ToolCallRecord): void {
    const tool = this.tools.get(record.tool) ? record.tool : OTHER;
    this.toolCalls.inc({ outcome: record.outcome, tool });
    this.toolDuration.observe({ tool }, record.durationMs / 1000);
    if (record.outcome !== 'success' || record.errorType !== null) {
      this.toolErrors.inc({ error_type: this.errorTypeLabel(record.errorType), tool });
    }
    const { cacheHit, rateLimited, sizeGuard } = record.notes;
    if (cacheHit === true) this.cacheHits.inc({ tool });
    if (cacheHit === false) this.cacheMisses.inc({ tool });
    if (sizeGuard === 'truncated' || sizeGuard === 'refused') {
      this.truncated.inc({ action: sizeGuard, tool });
    }
    if (rateLimited === true) this.countRateLimited('tool');
  }

  private errorTypeLabel(errorType: string | null): string {
    if (errorType === null || !ERROR_TYPE.test(errorType)) return OTHER;
    if (this.errorTypes.has(errorType)) return errorType;
    if (this.errorTypes.size >= MAX_ERROR_TYPES) return OTHER;
    this.errorTypes.add(errorType);
    return errorType;
  }

  private counter<Label extends string>(
    name: string,
    help: string,
    labelNames: readonly Label[],
  ): Counter<Label> {
    return new Counter({ help, labelNames, name: `${PREFIX}${name}`, registers: [this.registry] });
  }
}
