import { Injectable, Logger } from '@nestjs/common';

import { redactSecrets } from '../common/redact-secrets.js';
import { InjectSettings } from '../config/inject-settings.decorator.js';
import type { Settings, TokenPrincipal } from '../config/settings.js';
import type { SupersetUser } from '../users/superset-user.js';
import { UserLookup } from '../users/user-lookup.service.js';
import { AuthenticationError } from './authentication.error.js';

/** Claims tried in order; the first non-empty string names the user. */
const USER_CLAIMS = ['subject', 'client_id', 'sub', 'email', 'username'] as const;

/**
 * Maps a verified token to the Superset user it acts as. A token whose user is missing or inactive
 * is refused; there is no fallback to any other user.
 */
@Injectable()
export class TokenUserResolver {
  private readonly logger = new Logger(TokenUserResolver.name);

  constructor(
    @InjectSettings() private readonly settings: Settings,
    private readonly users: UserLookup,
  ) {}

  async resolve(principal: TokenPrincipal): Promise<SupersetUser> {
    const name = await this.userName(principal);
    if (name === null) throw new AuthenticationError('no user claim');
    const user =
      (await this.users.findByUsername(name)) ??
      (name.includes('@') ? await this.users.findByEmail(name) : null);
    if (!user) throw new AuthenticationError('unknown user');
    if (!user.active) throw new AuthenticationError('inactive user');
    return user;
  }

  private async userName(principal: TokenPrincipal): Promise<string | null> {
    const resolver = this.settings.MCP_USER_RESOLVER;
    if (!resolver) return userNameFromClaims(principal);
    let name: unknown;
    try {
      name = await resolver(principal);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      this.logger.error(redactSecrets(`MCP_USER_RESOLVER failed: ${reason}`));
      throw new AuthenticationError('user resolver failed');
    }
    return typeof name === 'string' && name !== '' ? name : null;
  }
}

/**
 * The guide's order: claims `subject`, `client_id`, `sub`, `email`, `username`; then the principal's
 * own subject and client id, which is all a custom provider may fill in.
 */
export function userNameFromClaims(principal: TokenPrincipal): string | null {
  const candidates: unknown[] = [
    ...USER_CLAIMS.map((claim) => principal.claims[claim]),
    principal.subject,
    principal.clientId,
  ];
  const name = candidates.find((value) => typeof value === 'string' && value.trim() !== '');
  return typeof name === 'string' ? name : null;
}
