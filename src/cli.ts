#!/usr/bin/env node
import { parseArgs } from 'node:util';

import { APP_VERSION } from './common/app-info.js';
import { createServiceLogger } from './common/create-service-logger.js';
import { applyCliOverrides } from './config/cli-overrides.js';
import { loadSettings } from './config/settings.loader.js';
import { startService } from './server.js';
import { runIndexesCommand } from './superset/database/indexes.command.js';

const HELP = `superset-mcp ${APP_VERSION}: Model Context Protocol service for Apache Superset

Usage:
  superset-mcp run [--host 127.0.0.1] [--port 5008] [--debug]
  superset-mcp indexes [--apply]
  superset-mcp --help | --version

Commands:
  run           Serve MCP over Streamable HTTP at http://<host>:<port>/mcp.
                Without SQLALCHEMY_DATABASE_URI it serves an embedded demo Superset.
  indexes       Print the CREATE INDEX statements for the indexes Superset's metadata
                database (SQLALCHEMY_DATABASE_URI) lacks that keep list calls flat as it
                grows; with --apply, create them (needs the owner of Superset's tables).

Options:
  --apply       With indexes: create the missing indexes
  --host HOST   Address to bind (default MCP_SERVICE_HOST, 127.0.0.1)
  --port PORT   Port to bind (default MCP_SERVICE_PORT, 5008)
  --debug       Verbose logging (MCP_DEBUG)
  -h, --help    Show this help
  -v, --version Show the version

Settings come from defaults, the module named by SUPERSET_MCP_CONFIG_PATH, then environment
variables with Superset's names (MCP_AUTH_ENABLED, MCP_DEV_USERNAME, SQLALCHEMY_DATABASE_URI, ...).
`;

const COMMANDS = new Set(['run', 'indexes']);

class UsageError extends Error {}

async function main(argv: readonly string[]): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs({
      allowPositionals: true,
      args: [...argv],
      options: {
        apply: { type: 'boolean' },
        debug: { type: 'boolean' },
        help: { short: 'h', type: 'boolean' },
        host: { type: 'string' },
        port: { type: 'string' },
        version: { short: 'v', type: 'boolean' },
      },
      strict: true,
    });
  } catch (error) {
    throw new UsageError((error as Error).message.split(/\n|\. To specify/)[0]);
  }
  const { values, positionals } = parsed;
  if (values.help || positionals[0] === 'help') {
    process.stdout.write(HELP);
    return;
  }
  if (values.version) {
    process.stdout.write(`${APP_VERSION}\n`);
    return;
  }
  const command = positionals[0] ?? 'run';
  if (!COMMANDS.has(command)) {
    throw new UsageError(`unknown command '${command}'; try 'superset-mcp --help'`);
  }
  if (positionals.length > 1) {
    // `npm start --port 5009` keeps --port for npm itself and passes only 5009 on.
    throw new UsageError(
      `unexpected argument '${positionals[1]}' after '${command}'; flags need their dashes, and ` +
        `through npm they go after '--': npm start -- --port 5009`,
    );
  }
  if (values.apply && command !== 'indexes') {
    throw new UsageError("--apply belongs to 'superset-mcp indexes'");
  }
  const { settings, warnings } = await loadSettings();
  if (command === 'run' && settings.MCP_LOG_FORMAT === 'json') {
    const logger = createServiceLogger(settings);
    for (const warning of warnings) logger.warn(warning, 'Settings');
  } else {
    for (const warning of warnings) process.stderr.write(`superset-mcp: warning: ${warning}\n`);
  }
  if (command === 'indexes') {
    if (!settings.SQLALCHEMY_DATABASE_URI) {
      throw new UsageError(
        "'indexes' needs SQLALCHEMY_DATABASE_URI, the metadata database of your Superset",
      );
    }
    process.stdout.write(
      await runIndexesCommand(settings.SQLALCHEMY_DATABASE_URI, values.apply === true),
    );
    return;
  }
  await startService(
    applyCliOverrides(settings, { debug: values.debug, host: values.host, port: values.port }),
  );
}

main(process.argv.slice(2)).catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`superset-mcp: ${message.split('\n')[0]}\n`);
  process.exit(error instanceof UsageError ? 2 : 1);
});
