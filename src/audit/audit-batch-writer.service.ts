import { type BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';

import { redactSecrets } from '../common/redact-secrets.js';
import { InjectSettings } from '../config/inject-settings.decorator.js';
import type { AuditConfig, Settings } from '../config/settings.js';
import { McpMetrics } from '../metrics/mcp-metrics.service.js';
import { ActionLogRepository } from './action-log.repository.js';
import type { AuditRow } from './tool-call-audit-row.js';

/** PostgreSQL takes 65,535 bind parameters per statement and SQLite 32,766; a row binds 8. */
const MAX_ROWS_PER_INSERT = 4_000;
const FIRST_RETRY_DELAY_MS = 500;
const MAX_RETRY_DELAY_MS = 30_000;
/** How long shutdown keeps retrying rows the database did not take yet. */
const SHUTDOWN_FLUSH_MS = 10_000;

/**
 * Queues audit rows and writes them off the request path, `batch_size` rows per INSERT,
 * `flush_interval_ms` after a row arrives in an empty queue or as soon as a batch is full. While the metadata database is away the rows
 * wait (retried with a growing delay); past `max_queue` the oldest are dropped and counted. A batch
 * the database refuses while it answers is written row by row, so one bad row cannot hold the
 * queue; a row refused on its own is dropped and counted. Shutdown writes what is left.
 */
@Injectable()
export class AuditBatchWriter implements BeforeApplicationShutdown {
  private readonly logger = new Logger('Audit');
  private readonly config: AuditConfig;
  private readonly rowsPerInsert: number;
  private queue: AuditRow[] = [];
  private timer: NodeJS.Timeout | null = null;
  private writing: Promise<void> | null = null;
  private consecutiveFailures = 0;
  private droppedSinceWarning = 0;
  private closed = false;

  constructor(
    @InjectSettings() settings: Settings,
    private readonly actionLog: ActionLogRepository,
    private readonly metrics: McpMetrics,
  ) {
    this.config = settings.MCP_AUDIT_CONFIG;
    this.rowsPerInsert = Math.min(this.config.batch_size, MAX_ROWS_PER_INSERT);
  }

  get backlog(): number {
    return this.queue.length;
  }

  enqueue(row: AuditRow): void {
    if (!this.config.enabled) return;
    if (this.closed) {
      this.drop(1, 'it arrived after the audit log was closed');
      return;
    }
    this.queue.push(row);
    this.trimToLimit();
    this.metrics.setAuditBacklog(this.queue.length);
    // While the database is away, the retry timer decides when to try again.
    if (this.queue.length >= this.rowsPerInsert && this.consecutiveFailures === 0) this.kick();
    else this.schedule(this.config.flush_interval_ms);
  }

  /** Writes everything queued now; resolves when the queue is empty or a write failed. */
  async flush(): Promise<void> {
    await this.settled();
    this.kick();
    await this.settled();
  }

  private async settled(): Promise<void> {
    while (this.writing) await this.writing;
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const deadline = Date.now() + SHUTDOWN_FLUSH_MS;
    while (this.queue.length > 0 && Date.now() < deadline) {
      await this.flush();
      if (this.queue.length > 0) await sleep(Math.min(this.retryDelay(), deadline - Date.now()));
    }
    if (this.queue.length > 0) {
      this.drop(this.queue.length, 'the metadata database was still unreachable at shutdown');
      this.queue = [];
      this.metrics.setAuditBacklog(0);
    }
  }

  private schedule(delayMs: number): void {
    if (this.timer || this.closed) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.kick();
    }, delayMs);
    this.timer.unref();
  }

  private kick(): void {
    if (this.writing || this.queue.length === 0) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.writing = this.writeQueued().finally(() => {
      this.writing = null;
      this.metrics.setAuditBacklog(this.queue.length);
      if (this.queue.length === 0) return;
      this.schedule(
        this.consecutiveFailures > 0 ? this.retryDelay() : this.config.flush_interval_ms,
      );
    });
  }

  private async writeQueued(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.rowsPerInsert);
      try {
        await this.actionLog.insert(batch);
      } catch (error) {
        if (await this.actionLog.reachable()) {
          await this.writeOneByOne(batch, error);
          continue;
        }
        this.queue.unshift(...batch);
        this.trimToLimit();
        this.failed(error);
        return;
      }
      this.recovered();
    }
  }

  /** The database answers but refused the batch: keep every row it takes, drop those it refuses. */
  private async writeOneByOne(batch: AuditRow[], batchError: unknown): Promise<void> {
    this.metrics.countAuditWriteFailure();
    let refused = 0;
    let reason = batchError;
    for (const row of batch) {
      try {
        await this.actionLog.insert([row]);
      } catch (error) {
        refused += 1;
        reason = error;
      }
    }
    if (refused > 0) {
      this.metrics.countAuditRowsDropped(refused);
      this.logger.error(
        `${refused} audit row(s) refused by the metadata database and dropped: ${describe(reason)}`,
      );
    }
  }

  private failed(error: unknown): void {
    this.metrics.countAuditWriteFailure();
    this.consecutiveFailures += 1;
    if (this.consecutiveFailures === 1) {
      this.logger.warn(
        `cannot write audit rows (${this.queue.length} waiting; retrying): ${describe(error)}`,
      );
    }
  }

  private recovered(): void {
    if (this.consecutiveFailures === 0) return;
    this.logger.log(
      `audit rows are written again after ${this.consecutiveFailures} failed attempt(s)` +
        (this.droppedSinceWarning > 0
          ? `; ${this.droppedSinceWarning} row(s) were dropped (queue full)`
          : ''),
    );
    this.consecutiveFailures = 0;
    this.droppedSinceWarning = 0;
  }

  private retryDelay(): number {
    const exponent = Math.min(Math.max(this.consecutiveFailures - 1, 0), 10);
    return Math.min(FIRST_RETRY_DELAY_MS * 2 ** exponent, MAX_RETRY_DELAY_MS);
  }

  private trimToLimit(): void {
    const excess = this.queue.length - this.config.max_queue;
    if (excess <= 0) return;
    this.queue.splice(0, excess);
    if (this.droppedSinceWarning === 0) {
      this.logger.warn(
        `audit queue full (MCP_AUDIT_CONFIG.max_queue = ${this.config.max_queue}); dropping the oldest rows`,
      );
    }
    this.droppedSinceWarning += excess;
    this.metrics.countAuditRowsDropped(excess);
  }

  private drop(rows: number, why: string): void {
    this.metrics.countAuditRowsDropped(rows);
    this.logger.error(`${rows} audit row(s) dropped: ${why}`);
  }
}

function describe(error: unknown): string {
  return redactSecrets(error instanceof Error ? error.message : String(error));
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}
