/**
 * A start-up failure that its one-line message explains in full: it names the setting to change
 * and the reason, never a secret. The CLI prints the message; the logger shows no stack for it.
 */
export class StartupError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = StartupError.name;
  }
}
