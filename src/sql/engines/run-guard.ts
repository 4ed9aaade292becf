import type { RunRequest } from '../sql-engine.js';
import { SqlExecutionError } from '../sql-execution.error.js';

/** Extra time the server gets to enforce its own statement timeout before we cancel. */
export const TIMEOUT_GRACE_MS = 2_000;
const CANCEL_RETRY_MS = 1_000;
const CANCEL_ATTEMPTS = 5;

/**
 * Watches one run: the caller's abort signal and a backstop timer (the server-side timeout plus
 * a grace period, for each statement together) both call `cancel`, which stops the statement on
 * the server. `stopReason` tells the engine how to name the error the driver then raises.
 */
export class RunGuard {
  stopReason: 'cancel' | 'timeout' | null = null;
  readonly #timer: NodeJS.Timeout;
  readonly #onAbort: () => void;

  /**
   * @param graceMs how long after `timeoutMs` the guard steps in: a server's own statement timeout
   *   should fire first; embedded engines (SQLite, DuckDB) have none and pass 0.
   */
  constructor(
    private readonly request: RunRequest,
    private readonly cancel: () => Promise<void> | void,
    graceMs = TIMEOUT_GRACE_MS,
  ) {
    this.#onAbort = () => this.#stop('cancel');
    request.signal?.addEventListener('abort', this.#onAbort, { once: true });
    const budget = request.timeoutMs * Math.max(1, request.statements.length) + graceMs;
    this.#timer = setTimeout(() => this.#stop('timeout'), budget);
    this.#timer.unref();
    if (request.signal?.aborted) this.#stop('cancel');
  }

  #retry: NodeJS.Timeout | undefined;

  #stop(reason: 'cancel' | 'timeout'): void {
    if (this.stopReason !== null) return;
    this.stopReason = reason;
    const attempt = () =>
      void Promise.resolve()
        .then(this.cancel)
        .catch(() => undefined);
    attempt();
    // A cancel that reaches the server just before the statement starts is lost: repeat it
    // until the run ends.
    let attempts = 1;
    this.#retry = setInterval(() => {
      if (++attempts > CANCEL_ATTEMPTS) clearInterval(this.#retry);
      else attempt();
    }, CANCEL_RETRY_MS);
    this.#retry.unref();
  }

  /** Between statements: do not start the next one after a cancel. */
  throwIfStopped(): void {
    if (this.stopReason === 'cancel') {
      throw new SqlExecutionError('QUERY_CANCELLED_ERROR', 'the query was cancelled');
    }
    if (this.stopReason === 'timeout') {
      throw new SqlExecutionError('SQLLAB_TIMEOUT_ERROR', 'the query exceeded its timeout');
    }
  }

  dispose(): void {
    clearTimeout(this.#timer);
    clearInterval(this.#retry);
    this.request.signal?.removeEventListener('abort', this.#onAbort);
  }
}
