import type { LoggerService, LogLevel } from '@nestjs/common';
import { type DestinationStream, pino, type Logger as Pino } from 'pino';

import { CallLogMessage } from './call-log-message.js';
import { redactSecrets } from './redact-secrets.js';
import { isFrameworkChatter, serviceLogLevels } from './service.logger.js';

/** Masking scans the text, so a line is clipped first; no useful log line is longer. */
const MAX_MESSAGE_CHARS = 8_192;

const PINO_LEVELS: Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal'> = {
  debug: 'debug',
  error: 'error',
  fatal: 'fatal',
  log: 'info',
  verbose: 'trace',
  warn: 'warn',
};

/**
 * The service's logger with `MCP_LOG_FORMAT=json`: one JSON object per line on stdout (`level`,
 * `time`, `pid`, `context`, `call_id` for a line about a tool call, `stack` for an error, `msg`),
 * written synchronously so the last lines before an exit are not lost. Quiet about framework
 * internals as the text logger is, and masks credentials in every line.
 */
export class JsonServiceLogger implements LoggerService {
  private readonly levels: ReadonlySet<LogLevel>;
  private readonly pino: Pino;

  constructor(
    private readonly debugging: boolean,
    destination: DestinationStream = pino.destination({ dest: 1, sync: true }),
  ) {
    this.levels = new Set(serviceLogLevels(debugging));
    this.pino = pino(
      {
        base: { pid: process.pid },
        formatters: { level: (label) => ({ level: label }) },
        level: 'trace',
        timestamp: pino.stdTimeFunctions.isoTime,
      },
      destination,
    );
  }

  log(message: unknown, ...rest: unknown[]): void {
    if (isFrameworkChatter('log', message, rest.at(-1), this.debugging)) return;
    this.write('log', message, rest);
  }

  warn(message: unknown, ...rest: unknown[]): void {
    this.write('warn', message, rest);
  }

  error(message: unknown, ...rest: unknown[]): void {
    if (isFrameworkChatter('error', message, rest.at(-1), this.debugging)) return;
    this.write('error', message, rest);
  }

  fatal(message: unknown, ...rest: unknown[]): void {
    this.write('fatal', message, rest);
  }

  debug(message: unknown, ...rest: unknown[]): void {
    this.write('debug', message, rest);
  }

  verbose(message: unknown, ...rest: unknown[]): void {
    this.write('verbose', message, rest);
  }

  private write(level: LogLevel, message: unknown, rest: unknown[]): void {
    if (!this.levels.has(level)) return;
    // Nest's Logger passes (message, context) or, for errors, (message, stack, context).
    const context = rest.length > 0 && typeof rest.at(-1) === 'string' ? rest.at(-1) : undefined;
    const explicitStack =
      (level === 'error' || level === 'fatal') && rest.length >= 2 ? rest[0] : undefined;
    const stack =
      typeof explicitStack === 'string'
        ? explicitStack
        : message instanceof Error
          ? message.stack
          : undefined;
    const fields: Record<string, unknown> = {};
    if (context !== undefined) fields.context = context;
    if (message instanceof CallLogMessage) fields.call_id = message.callId;
    if (stack !== undefined) fields.stack = masked(stack);
    this.pino[PINO_LEVELS[level]](fields, masked(textOf(message)));
  }
}

function textOf(message: unknown): string {
  if (typeof message === 'string') return message;
  if (message instanceof CallLogMessage) return message.text;
  if (message instanceof Error) return message.message;
  try {
    return JSON.stringify(message) ?? String(message);
  } catch {
    return String(message);
  }
}

function masked(text: string): string {
  return redactSecrets(
    text.length > MAX_MESSAGE_CHARS ? `${text.slice(0, MAX_MESSAGE_CHARS)}…` : text,
  );
}
