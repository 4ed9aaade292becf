/** What the service remembers about an MCP session between requests (any replica can serve it). */
export interface SessionRecord {
  readonly id: string;
  /** The Superset user the session belongs to; a request from anyone else does not find it. */
  readonly userId: number;
  readonly subject: string | null;
  /** Whose session quota it counts against: the user and token subject, or the client address. */
  readonly principal: string;
  readonly protocolVersion: string;
  readonly clientInfo: Readonly<Record<string, unknown>> | null;
  readonly clientCapabilities: Readonly<Record<string, unknown>>;
  readonly logLevel: string | null;
  readonly createdAt: number;
}
