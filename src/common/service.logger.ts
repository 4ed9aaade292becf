import { ConsoleLogger } from '@nestjs/common';

import { StartupError } from '../config/startup.error.js';

/** Nest's own start-up chatter; shown only with MCP_DEBUG. */
const FRAMEWORK_CONTEXTS = new Set([
  'InstanceLoader',
  'NestApplication',
  'NestFactory',
  'RouterExplorer',
  'RoutesResolver',
]);

/**
 * The service's logger: quiet about framework internals unless debugging, so a start-up shows the
 * banner and a failure ends with the CLI's one line.
 */
export class ServiceLogger extends ConsoleLogger {
  constructor(private readonly debugging: boolean) {
    super({
      logLevels: debugging
        ? ['error', 'warn', 'log', 'debug', 'verbose']
        : ['error', 'warn', 'log'],
    });
  }

  override log(message: unknown, ...rest: unknown[]): void {
    if (!this.debugging && FRAMEWORK_CONTEXTS.has(String(rest.at(-1)))) return;
    super.log(message, ...rest);
  }

  override error(message: unknown, ...rest: unknown[]): void {
    // A listen failure is reported by the CLI as one line; Nest would log it first.
    if (!this.debugging && String(rest.at(-1)) === 'NestApplication') return;
    // A start-up failure the CLI reports as one line (a metadata database that cannot be opened).
    if (!this.debugging && message instanceof StartupError) return;
    super.error(message, ...rest);
  }
}
