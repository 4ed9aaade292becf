/** A setting has a value the service cannot run with. The message names each key, never a secret value. */
export class InvalidSettingsError extends Error {
  constructor(
    readonly problems: readonly string[],
    options?: ErrorOptions,
  ) {
    super(`Invalid settings: ${problems.join('; ')}`, options);
    this.name = InvalidSettingsError.name;
  }
}
