import type { TokenPrincipal } from '../config/settings.js';
import type { SupersetUser } from '../users/superset-user.js';

/** Who is calling: the Superset user every call runs as, and the token that proved it. */
export interface Caller {
  readonly user: SupersetUser;
  /** The verified token; null in dev mode, where every call runs as `MCP_DEV_USERNAME`. */
  readonly principal: TokenPrincipal | null;
  readonly scopes: readonly string[];
}
