import { ConsoleLogger, type LogLevel } from '@nestjs/common';

import { StartupError } from '../config/startup.error.js';
import { CallLogMessage } from './call-log-message.js';

/** Nest's own start-up chatter; shown only with MCP_DEBUG. */
const FRAMEWORK_CONTEXTS = new Set([
  'InstanceLoader',
  'NestApplication',
  'NestFactory',
  'RouterExplorer',
  'RoutesResolver',
]);

export function serviceLogLevels(debugging: boolean): LogLevel[] {
  return debugging ? ['error', 'warn', 'log', 'debug', 'verbose'] : ['error', 'warn', 'log'];
}

/**
 * Whether a line is framework chatter to leave out unless debugging: Nest's start-up lines, its
 * report of a listen failure and of a start-up failure, which the CLI reports as one line.
 */
export function isFrameworkChatter(
  level: 'log' | 'error',
  message: unknown,
  context: unknown,
  debugging: boolean,
): boolean {
  if (debugging) return false;
  if (level === 'log') return FRAMEWORK_CONTEXTS.has(String(context));
  return String(context) === 'NestApplication' || message instanceof StartupError;
}

/**
 * The service's logger in text mode: quiet about framework internals unless debugging, so a
 * start-up shows the banner and a failure ends with the CLI's one line.
 */
export class ServiceLogger extends ConsoleLogger {
  constructor(private readonly debugging: boolean) {
    super({ logLevels: serviceLogLevels(debugging) });
  }

  override log(message: unknown, ...rest: unknown[]): void {
    if (isFrameworkChatter('log', message, rest.at(-1), this.debugging)) return;
    super.log(plain(message), ...rest);
  }

  override warn(message: unknown, ...rest: unknown[]): void {
    super.warn(plain(message), ...rest);
  }

  override error(message: unknown, ...rest: unknown[]): void {
    if (isFrameworkChatter('error', message, rest.at(-1), this.debugging)) return;
    super.error(plain(message), ...rest);
  }
}

function plain(message: unknown): unknown {
  return message instanceof CallLogMessage ? message.text : message;
}
