import { DataSource, type DataSourceOptions } from 'typeorm';

import { redactUri } from '../../config/redact.js';
import { StartupError } from '../../config/startup.error.js';
import { redactSecrets } from '../../common/redact-secrets.js';

/**
 * Opens the metadata database once. A database that cannot be reached, does not exist or refuses
 * the credentials ends start-up at once with one line naming `SQLALCHEMY_DATABASE_URI` (password
 * masked) and the driver's reason: retrying cannot fix a wrong URI, and a database that is down
 * at start-up is the orchestrator's to restart.
 */
export async function openMetadataDatabase(
  uri: string,
  options: DataSourceOptions,
): Promise<DataSource> {
  const dataSource = new DataSource(options);
  try {
    return await dataSource.initialize();
  } catch (error) {
    throw new StartupError(
      `SQLALCHEMY_DATABASE_URI: cannot open the metadata database ${redactUri(uri)}: ${driverReason(error)}`,
      { cause: error },
    );
  }
}

/** The driver's own words, on one line and without credentials. */
export function driverReason(error: unknown): string {
  const reasons =
    error instanceof AggregateError && error.message === ''
      ? error.errors.map((inner: unknown) => describe(inner))
      : [describe(error)];
  const unique = [...new Set(reasons.filter((reason) => reason !== ''))];
  return redactSecrets(unique.join('; ') || 'unknown error');
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error).split('\n')[0].trim();
  const code = (error as NodeJS.ErrnoException).code;
  const message = error.message.split('\n')[0].trim();
  return message !== '' ? message : (code ?? error.name);
}
