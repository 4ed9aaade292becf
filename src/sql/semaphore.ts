import { SqlExecutionError } from './sql-execution.error.js';

/** A counting semaphore with a bounded wait, for connection caps that span pools. */
export class Semaphore {
  #available: number;
  readonly #waiting: (() => void)[] = [];

  constructor(readonly capacity: number) {
    this.#available = capacity;
  }

  get inUse(): number {
    return this.capacity - this.#available;
  }

  /** Waits up to `timeoutMs` for a slot; the returned function gives it back (once). */
  async acquire(timeoutMs: number, what = 'connection'): Promise<() => void> {
    if (this.#available > 0) {
      this.#available--;
      return this.#releaser();
    }
    await new Promise<void>((resolve, reject) => {
      const grant = () => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        const index = this.#waiting.indexOf(grant);
        if (index !== -1) this.#waiting.splice(index, 1);
        reject(
          new SqlExecutionError(
            'CONNECTION_LIMIT_ERROR',
            `no ${what} became free within ${Math.round(timeoutMs / 1000)} s; try again later`,
          ),
        );
      }, timeoutMs);
      this.#waiting.push(grant);
    });
    return this.#releaser();
  }

  #releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.#waiting.shift();
      if (next) next();
      else this.#available++;
    };
  }
}
