import { Logger } from '@nestjs/common';
import { describe, expect, it } from 'vitest';

import { StartupError } from '../config/startup.error.js';
import { CallLogMessage } from './call-log-message.js';
import { JsonServiceLogger } from './json-service.logger.js';

function capture(debugging = false): {
  logger: JsonServiceLogger;
  lines: () => Record<string, unknown>[];
} {
  const written: string[] = [];
  const logger = new JsonServiceLogger(debugging, { write: (text: string) => written.push(text) });
  return {
    lines: () =>
      written
        .join('')
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => JSON.parse(line) as Record<string, unknown>),
    logger,
  };
}

describe(JsonServiceLogger.name, () => {
  it('writes one JSON object per line with level, time, context and msg', () => {
    const { logger, lines } = capture();
    logger.log('Serving MCP at http://127.0.0.1:5008/mcp', 'SupersetMcp');
    logger.warn('careful', 'Settings');
    const [info, warning] = lines();
    expect(info).toMatchObject({
      context: 'SupersetMcp',
      level: 'info',
      msg: 'Serving MCP at http://127.0.0.1:5008/mcp',
    });
    expect(new Date(info.time as string).toISOString()).toBe(info.time);
    expect(warning).toMatchObject({ context: 'Settings', level: 'warn', msg: 'careful' });
  });

  it('adds call_id for a line about a tool call, and the stack of an error', () => {
    const { logger, lines } = capture();
    logger.error(
      new CallLogMessage('ab'.repeat(16), 'get_chart_info [abab] failed: boom'),
      'Error: boom\n    at x',
      'ToolExecutor',
    );
    logger.error('no stack here', undefined, 'Audit');
    expect(lines()).toEqual([
      expect.objectContaining({
        call_id: 'ab'.repeat(16),
        context: 'ToolExecutor',
        level: 'error',
        msg: 'get_chart_info [abab] failed: boom',
        stack: 'Error: boom\n    at x',
      }),
      expect.not.objectContaining({ stack: expect.anything() }),
    ]);
  });

  it('masks credentials in the message and the stack', () => {
    const { logger, lines } = capture();
    logger.error(
      'connect postgresql://scott:tiger@db/x failed password=hunter2',
      'at Bearer abc.def',
      'X',
    );
    expect(JSON.stringify(lines())).not.toMatch(/tiger|hunter2|abc\.def/);
  });

  it('keeps framework chatter and debug lines out unless debugging', () => {
    const quiet = capture();
    quiet.logger.log('Mapped {/mcp, POST} route', 'RouterExplorer');
    quiet.logger.error(new StartupError('cannot open'), undefined, 'ExceptionHandler');
    quiet.logger.error('listen EADDRINUSE', undefined, 'NestApplication');
    quiet.logger.debug('details', 'X');
    expect(quiet.lines()).toEqual([]);
    const verbose = capture(true);
    verbose.logger.log('Mapped {/mcp, POST} route', 'RouterExplorer');
    verbose.logger.debug('details', 'X');
    expect(verbose.lines().map((line) => line.level)).toEqual(['info', 'debug']);
  });

  it('serves as the logger behind Nest Logger instances', () => {
    const { logger, lines } = capture();
    Logger.overrideLogger(logger);
    try {
      new Logger('Audit').warn('queue full');
      new Logger('Audit').error('write failed');
    } finally {
      Logger.overrideLogger(new Logger());
    }
    expect(lines()).toEqual([
      expect.objectContaining({ context: 'Audit', level: 'warn', msg: 'queue full' }),
      expect.objectContaining({ context: 'Audit', level: 'error', msg: 'write failed' }),
    ]);
  });
});
