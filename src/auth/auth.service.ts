import type { IncomingMessage } from 'node:http';

import {
  Injectable,
  Logger,
  type INestApplicationContext,
  type OnApplicationBootstrap,
} from '@nestjs/common';

import { redactSecrets } from '../common/redact-secrets.js';
import { isDemoMode } from '../config/demo-settings.js';
import { InjectSettings } from '../config/inject-settings.decorator.js';
import type { AuthProvider, Settings, TokenPrincipal } from '../config/settings.js';
import { DEMO_USERNAMES } from '../demo/demo-users.js';
import { UserLookup } from '../users/user-lookup.service.js';
import type { AuthFailureReason } from './auth-failure-reason.js';
import {
  authConfigurationProblems,
  authConfigurationWarnings,
  authModeOf,
  type AuthMode,
} from './auth-configuration.js';
import { AuthenticationError } from './authentication.error.js';
import { bearerChallenge, isChallengeable, type BearerChallenge } from './bearer-challenge.js';
import type { Caller } from './caller.js';
import { InsufficientScopeError } from './insufficient-scope.error.js';
import { JwtAuthProvider } from './jwt-auth.provider.js';
import { ProtectedResourceService } from './protected-resource.service.js';
import { TokenUserResolver } from './token-user.resolver.js';

/** Every scope a token could grant; in dev mode the dev user holds them all. */
const DEV_MODE_SCOPES: readonly string[] = ['*'];

/** Far above any real access token, well below what a header can carry. */
export const MAX_BEARER_TOKEN_LENGTH = 12 * 1024;

const BEARER = /^Bearer +(\S*) *$/i;
const TOKEN68 = /^[A-Za-z0-9\-._~+/]+=*$/;

/**
 * Turns an HTTP request into the Superset user it runs as. The provider is chosen at start-up in
 * the deployment guide's order: `MCP_AUTH_FACTORY`, then `MCP_AUTH_ENABLED` (JWT), then the dev
 * user `MCP_DEV_USERNAME`.
 */
@Injectable()
export class AuthService implements OnApplicationBootstrap {
  private readonly logger = new Logger(AuthService.name);
  private applicationContext: INestApplicationContext | null = null;
  private provider: AuthProvider | null = null;

  constructor(
    @InjectSettings() private readonly settings: Settings,
    private readonly users: UserLookup,
    private readonly tokenUsers: TokenUserResolver,
    private readonly resource: ProtectedResourceService,
  ) {}

  get mode(): AuthMode {
    return authModeOf(this.settings);
  }

  /** The application `MCP_AUTH_FACTORY` is called with; set before the application starts. */
  useApplicationContext(app: INestApplicationContext): void {
    this.applicationContext = app;
  }

  async onApplicationBootstrap(): Promise<void> {
    const problems = authConfigurationProblems(this.settings);
    if (problems.length > 0) throw new Error(`Refusing to start: ${problems.join('; ')}.`);
    for (const warning of authConfigurationWarnings(this.settings)) this.logger.warn(warning);
    switch (this.mode) {
      case 'factory':
        this.provider = await this.providerFromFactory();
        this.logger.log(
          'Authentication: bearer tokens checked by the provider of MCP_AUTH_FACTORY.',
        );
        return;
      case 'jwt':
        this.provider = new JwtAuthProvider(this.settings);
        this.logger.log(`Authentication: ${this.jwtDescription()}.`);
        return;
      case 'dev':
        return this.checkDevUser();
    }
  }

  async authenticate(request: IncomingMessage): Promise<Caller> {
    if (!this.provider) return this.devCaller();
    try {
      const principal = await this.verify(this.provider, bearerToken(request));
      const missing = this.settings.MCP_REQUIRED_SCOPES.filter(
        (scope) => !principal.scopes.includes(scope),
      );
      if (missing.length > 0) throw new InsufficientScopeError(this.settings.MCP_REQUIRED_SCOPES);
      const user = await this.tokenUsers.resolve(principal);
      return { principal, scopes: principal.scopes, user };
    } catch (error) {
      if (isChallengeable(error)) this.logFailure(error);
      throw error;
    }
  }

  /** The RFC 6750 answer for an error `authenticate` threw, or null when it is not about credentials. */
  challenge(error: unknown, request: IncomingMessage): BearerChallenge | null {
    if (!isChallengeable(error)) return null;
    return bearerChallenge(error, {
      requiredScopes: this.settings.MCP_REQUIRED_SCOPES,
      resourceMetadataUrl: this.resource.metadataUrl(request),
      // Dev mode reads no token: its refusals (the dev user is gone) never blame one.
      tokenSent:
        this.provider !== null &&
        !(error instanceof AuthenticationError && error.reason === 'no token'),
    });
  }

  private async verify(provider: AuthProvider, token: string): Promise<TokenPrincipal> {
    let principal: TokenPrincipal;
    try {
      principal = await provider.verify(token);
    } catch (error) {
      if (error instanceof AuthenticationError) throw error;
      if (this.mode === 'jwt' || this.settings.MCP_JWT_DEBUG_ERRORS) {
        const detail = error instanceof Error ? error.message : String(error);
        this.logger.error(redactSecrets(`Token verification failed unexpectedly: ${detail}`));
      }
      throw new AuthenticationError('rejected by provider');
    }
    if (typeof principal !== 'object' || principal === null) {
      throw new AuthenticationError('rejected by provider');
    }
    if (typeof principal.expiresAt !== 'number' || !Number.isFinite(principal.expiresAt)) {
      throw new AuthenticationError('missing exp');
    }
    if (principal.expiresAt + this.settings.MCP_JWT_LEEWAY_SECONDS <= Date.now() / 1000) {
      throw new AuthenticationError('expired');
    }
    return {
      claims: principal.claims ?? {},
      clientId: principal.clientId ?? null,
      expiresAt: principal.expiresAt,
      scopes: Array.isArray(principal.scopes)
        ? principal.scopes.filter((scope) => typeof scope === 'string')
        : [],
      subject: principal.subject ?? null,
    };
  }

  private logFailure(error: AuthenticationError | InsufficientScopeError): void {
    if (!this.settings.MCP_JWT_DEBUG_ERRORS) {
      this.logger.warn('Authentication failed');
      return;
    }
    const reason: AuthFailureReason =
      error instanceof InsufficientScopeError ? 'missing scope' : error.reason;
    this.logger.warn(`Authentication failed: ${reason}`);
  }

  private async providerFromFactory(): Promise<AuthProvider> {
    const factory = this.settings.MCP_AUTH_FACTORY;
    if (!factory) throw new Error('MCP_AUTH_FACTORY is not set');
    if (!this.applicationContext) {
      throw new Error('MCP_AUTH_FACTORY needs the application context; none was provided');
    }
    let provider: unknown;
    try {
      provider = await factory(this.applicationContext);
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      throw new Error(redactSecrets(`MCP_AUTH_FACTORY failed: ${detail.split('\n')[0]}`), {
        cause: error,
      });
    }
    if (
      typeof provider !== 'object' ||
      provider === null ||
      typeof (provider as Partial<AuthProvider>).verify !== 'function'
    ) {
      throw new Error('MCP_AUTH_FACTORY must return an object with a verify(token) method');
    }
    return provider as AuthProvider;
  }

  private jwtDescription(): string {
    const algorithm = this.settings.MCP_JWT_ALGORITHM;
    if (this.settings.MCP_JWKS_URI)
      return `${algorithm} JWTs verified with the keys at MCP_JWKS_URI`;
    if (this.settings.MCP_JWT_PUBLIC_KEY)
      return `${algorithm} JWTs verified with MCP_JWT_PUBLIC_KEY`;
    return `${algorithm} JWTs verified with MCP_JWT_SECRET`;
  }

  private async checkDevUser(): Promise<void> {
    const username = this.settings.MCP_DEV_USERNAME;
    if (!username) {
      throw new Error(
        'MCP_DEV_USERNAME is not set. With MCP_AUTH_ENABLED=false every call runs as that Superset ' +
          'user: set it to an existing username (create one with: superset fab create-admin).',
      );
    }
    const user = await this.users.findByUsername(username);
    if (!user && isDemoMode(this.settings)) {
      // The demo is not a Superset install: `superset fab create-admin` would not help.
      throw new Error(
        `MCP_DEV_USERNAME: the demo has no user '${username}'; its users are ${DEMO_USERNAMES.join(', ')}.`,
      );
    }
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

  private async devCaller(): Promise<Caller> {
    const username = this.settings.MCP_DEV_USERNAME ?? '';
    const user = await this.users.findByUsername(username);
    if (!user?.active) {
      const error = new AuthenticationError(user ? 'inactive user' : 'unknown user');
      this.logger.warn(`Dev user '${username}' can no longer be used: ${error.reason}`);
      throw error;
    }
    return { principal: null, scopes: DEV_MODE_SCOPES, user };
  }
}

/** The bearer token of the `Authorization` header; only the header is ever read (RFC 6750 §2.1). */
function bearerToken(request: IncomingMessage): string {
  const header = request.headers.authorization;
  if (header === undefined || header.trim() === '') throw new AuthenticationError('no token');
  const match = BEARER.exec(header);
  if (!match) {
    if (/^Bearer\b/i.test(header)) throw new AuthenticationError('malformed');
    throw new AuthenticationError('no token');
  }
  const token = match[1];
  if (token.length > MAX_BEARER_TOKEN_LENGTH) throw new AuthenticationError('token too large');
  if (!TOKEN68.test(token)) throw new AuthenticationError('malformed');
  return token;
}
