/**
 * A log message about one tool call. Text logs print `text` (which names the call as
 * `tool [callId]`); JSON logs add the id as a `call_id` field, so a collector can find every line
 * of a call.
 */
export class CallLogMessage {
  constructor(
    readonly callId: string,
    readonly text: string,
  ) {}

  toString(): string {
    return this.text;
  }
}
