import 'reflect-metadata';

import { INestApplication, Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';

import { AppModule } from './app.module.js';
import { createServiceLogger } from './common/create-service-logger.js';
import { AuthService } from './auth/auth.service.js';
import { authModeOf } from './auth/auth-configuration.js';
import { applyDemoDefaults, isDemoMode } from './config/demo-settings.js';
import type { Settings } from './config/settings.js';
import { ensureDemoDatabases } from './demo/demo-databases.js';
import { InFlightBodyBudget } from './transport/in-flight-body-budget.js';
import { readJsonBody } from './transport/json-body.middleware.js';
import { mcpEndpointUrl } from './transport/mcp-endpoint.js';
import { HttpDrain } from './shutdown/http-drain.js';

export interface RunningService {
  readonly app: INestApplication;
  /** The MCP endpoint, with the port actually bound. */
  readonly url: string;
  readonly settings: Settings;
  close(): Promise<void>;
}

/** Thrown when the configured port is taken; the CLI turns it into one line. */
export class PortInUseError extends Error {
  constructor(host: string, port: number) {
    super(
      `Port ${port} on ${host} is already in use; pick another with --port or MCP_SERVICE_PORT.`,
    );
    this.name = 'PortInUseError';
  }
}

const logger = new Logger('SupersetMcp');

/** How many bodies of the largest allowed size may be read at once (64 MiB by default). */
const BODIES_IN_FLIGHT_AT_MOST_SIZE = 16;

/** Only these two stop the service (Nest's default list would add SIGHUP, SIGUSR2, SIGQUIT …). */
const SHUTDOWN_SIGNALS: readonly NodeJS.Signals[] = ['SIGTERM', 'SIGINT'];
/** How long closing (audit flush, database and Redis connections) may take after the drain. */
const CLOSE_TIMEOUT_MS = 15_000;
/** Signals whose default action would end the process; `nodemon` and tools send SIGUSR2. */
const IGNORED_SIGNALS: readonly NodeJS.Signals[] = ['SIGUSR2'];

export async function startService(configured: Settings): Promise<RunningService> {
  const serviceLogger = createServiceLogger(configured);
  // Lines logged before Nest starts (the demo databases) take the same format.
  Logger.overrideLogger(serviceLogger);
  const demo = isDemoMode(configured);
  const settings = demo ? applyDemoDefaults(configured) : configured;
  let metadataUri = settings.SQLALCHEMY_DATABASE_URI ?? '';
  if (demo) {
    const databases = await ensureDemoDatabases(settings.SUPERSET_MCP_DATA_DIR);
    metadataUri = databases.metadataUri;
    logger.log(
      `${databases.created ? 'Created' : 'Reusing'} the demo databases in ${settings.SUPERSET_MCP_DATA_DIR}`,
    );
  }

  const app = await NestFactory.create<NestExpressApplication>(
    AppModule.forRoot(settings, metadataUri),
    { abortOnError: false, bodyParser: false, logger: serviceLogger },
  );
  app.get(AuthService).useApplicationContext(app);
  // X-Forwarded-* is believed only from a proxy on loopback or a private network (nginx beside
  // the service, a compose or cluster network); a client reaching the service directly cannot
  // pick its own address, which keys dev mode's session quota.
  app.set('trust proxy', 'loopback, linklocal, uniquelocal');
  app.disable('x-powered-by');
  const bodyBudget = new InFlightBodyBudget(
    BODIES_IN_FLIGHT_AT_MOST_SIZE * settings.MCP_MAX_REQUEST_BYTES,
  );
  const drain = new HttpDrain();
  app.use(drain.middleware);
  app.use('/mcp', readJsonBody(settings.MCP_MAX_REQUEST_BYTES, bodyBudget));
  const ignoreSignal = (signal: NodeJS.Signals) =>
    logger.warn(`Ignoring ${signal}; stop the service with SIGTERM or SIGINT`);
  for (const signal of IGNORED_SIGNALS) process.on(signal, ignoreSignal);
  const close = async () => {
    for (const signal of SHUTDOWN_SIGNALS) process.off(signal, stopOnSignal);
    for (const signal of IGNORED_SIGNALS) process.off(signal, ignoreSignal);
    await app.close();
  };
  // Instead of Nest's shutdown hooks, which close the application (and the metadata database
  // under calls still running) the moment a signal arrives: stop listening, let the requests in
  // flight finish, then close, which writes the audit rows still queued.
  let stopping = false;
  const stopOnSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn(`${signal} again: closing without waiting for requests in flight`);
      drain.abandon();
      return;
    }
    stopping = true;
    void stopGracefully(signal);
  };
  const stopGracefully = async (signal: NodeJS.Signals) => {
    const timeoutSeconds = settings.MCP_SHUTDOWN_TIMEOUT_SECONDS;
    logger.log(
      `${signal}: no new connections; waiting up to ${timeoutSeconds} s for ${drain.requestsInFlight} request(s) in flight`,
    );
    const drained = await drain.drain(app.getHttpServer(), timeoutSeconds * 1000);
    if (!drained) {
      logger.warn(`closing with ${drain.requestsInFlight} request(s) still in flight`);
    }
    // A call cut off above may still hold a database connection the pool waits for.
    const closed = await Promise.race([
      close().then(
        () => true,
        (error: unknown) => {
          logger.error(
            `shutdown failed: ${error instanceof Error ? error.message : String(error)}`,
          );
          return true;
        },
      ),
      new Promise<false>((resolve) => setTimeout(() => resolve(false), CLOSE_TIMEOUT_MS).unref()),
    ]);
    if (!closed) logger.warn(`not closed after ${CLOSE_TIMEOUT_MS / 1000} s; stopping anyway`);
    // Ends the process the way the signal would have, as Nest's own hooks do.
    process.kill(process.pid, signal);
  };
  for (const signal of SHUTDOWN_SIGNALS) process.on(signal, stopOnSignal);

  try {
    await app.listen(settings.MCP_SERVICE_PORT, settings.MCP_SERVICE_HOST);
  } catch (error) {
    await close();
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new PortInUseError(settings.MCP_SERVICE_HOST, settings.MCP_SERVICE_PORT);
    }
    throw error;
  }
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : settings.MCP_SERVICE_PORT;
  const url = mcpEndpointUrl({ ...settings, MCP_SERVICE_PORT: port });
  if (demo) printDemoBanner(url, settings, authModeOf(settings) === 'dev');
  else logger.log(`Serving MCP at ${url}`);
  return { app, close, settings, url };
}

function printDemoBanner(url: string, settings: Settings, devMode: boolean): void {
  const access = devMode
    ? [
        'superset-mcp DEMO: an embedded example Superset with NO AUTHENTICATION.',
        `Every call runs as Superset user '${settings.MCP_DEV_USERNAME}'; bound to ${settings.MCP_SERVICE_HOST} only.`,
      ]
    : [
        'superset-mcp DEMO: an embedded example Superset, with token authentication.',
        'Each call runs as the Superset user its token names (demo users: admin, alpha, gamma, ...).',
      ];
  const lines = [
    ...access,
    `MCP endpoint: ${url}`,
    `Demo data: ${settings.SUPERSET_MCP_DATA_DIR}`,
    "For real use, set SQLALCHEMY_DATABASE_URI to your Superset's metadata database.",
  ];
  const rule = '='.repeat(Math.max(...lines.map((line) => line.length)));
  for (const line of [rule, ...lines, rule]) logger.warn(line);
}
