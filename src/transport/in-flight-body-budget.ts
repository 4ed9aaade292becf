/**
 * Bytes of request bodies being read by all requests at once. Each body is bounded on its own, but
 * many slow uploads together could still hold any amount of memory; past this budget a new body is
 * refused as busy instead.
 */
export class InFlightBodyBudget {
  private held = 0;

  constructor(readonly limitBytes: number) {}

  /** Takes `bytes` from the budget; false, taking nothing, when they do not fit. */
  reserve(bytes: number): boolean {
    if (this.held + bytes > this.limitBytes) return false;
    this.held += bytes;
    return true;
  }

  release(bytes: number): void {
    this.held = Math.max(0, this.held - bytes);
  }

  get heldBytes(): number {
    return this.held;
  }
}
