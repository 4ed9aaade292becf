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

const SHUTDOWN_SIGNALS = ['SIGTERM', 'SIGINT'];
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
  app.use('/mcp', readJsonBody(settings.MCP_MAX_REQUEST_BYTES, bodyBudget));
  // With no list Nest would also stop on SIGHUP, SIGUSR2, SIGQUIT …; only these two may stop it.
  app.enableShutdownHooks(SHUTDOWN_SIGNALS);
  const ignoreSignal = (signal: NodeJS.Signals) =>
    logger.warn(`Ignoring ${signal}; stop the service with SIGTERM or SIGINT`);
  for (const signal of IGNORED_SIGNALS) process.on(signal, ignoreSignal);
  const close = async () => {
    for (const signal of IGNORED_SIGNALS) process.off(signal, ignoreSignal);
    await app.close();
  };

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
