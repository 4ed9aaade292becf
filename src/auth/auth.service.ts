import type { IncomingMessage } from 'node:http';

import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';

import { InjectSettings } from '../config/inject-settings.decorator.js';
import type { Settings } from '../config/settings.js';
import { UsersRepository } from '../users/users.repository.js';
import type { Caller } from './caller.js';
import { AuthenticationError } from './authentication.error.js';

/** Every scope a token could grant; in dev mode the dev user holds them all. */
const DEV_MODE_SCOPES: readonly string[] = ['*'];

/** Turns an HTTP request into the Superset user it runs as. */
@Injectable()
export class AuthService implements OnApplicationBootstrap {
  private readonly logger = new Logger(AuthService.name);

  constructor(
    @InjectSettings() private readonly settings: Settings,
    private readonly users: UsersRepository,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.settings.MCP_AUTH_ENABLED || this.settings.MCP_AUTH_FACTORY) {
      throw new Error(
        'Token authentication (MCP_AUTH_ENABLED / MCP_AUTH_FACTORY) is not available in this build; ' +
          'unset them to run in dev mode as MCP_DEV_USERNAME.',
      );
    }
    const username = this.settings.MCP_DEV_USERNAME;
    if (!username) {
      throw new Error(
        'MCP_DEV_USERNAME is not set. With MCP_AUTH_ENABLED=false every call runs as that Superset ' +
          'user: set it to an existing username (create one with: superset fab create-admin).',
      );
    }
    const user = await this.users.findByUsername(username);
    if (!user) {
      throw new Error(
        `User '${username}' not found. Please create admin user with: superset fab create-admin`,
      );
    }
    if (!user.active) {
      throw new Error(`User '${username}' is inactive in Superset; activate it or choose another.`);
    }
    this.logger.warn(`Authentication is off: every call runs as Superset user '${username}'.`);
  }

  async authenticate(_request: IncomingMessage): Promise<Caller> {
    const username = this.settings.MCP_DEV_USERNAME ?? '';
    const user = await this.users.findByUsername(username);
    if (!user) throw new AuthenticationError(`dev user '${username}' no longer exists`);
    if (!user.active) throw new AuthenticationError(`user '${username}' is inactive`);
    return { principal: null, scopes: DEV_MODE_SCOPES, user };
  }
}
