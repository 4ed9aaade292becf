import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';

import type { SqlDialect } from './checks/sql-dialect.js';
import { type ConnectionTarget, connectionTarget, type DatabaseRow } from './connection-target.js';
import { SqlEngineRegistry } from './engine-registry.js';
import { SecretCipher } from './secret-cipher.js';
import { SecretDecryptionError } from './secret-decryption.error.js';
import { Semaphore } from './semaphore.js';
import type { RunRequest, RunResult, SqlDatabase, SqlEngine } from './sql-engine.js';
import { SqlExecutionError } from './sql-execution.error.js';
import { SQL_MODULE_OPTIONS, type SqlModuleOptions } from './sql-options.js';

/** Superset's own fallback when SECRET_KEY is not configured (`superset/constants.py`). */
export const SUPERSET_DEFAULT_SECRET_KEY = 'CHANGE_ME_TO_A_COMPLEX_RANDOM_SECRET';

export interface OpenDatabase {
  readonly target: ConnectionTarget;
  readonly engine: SqlEngine;
  readonly dialect: SqlDialect;
  readonly database: SqlDatabase;
}

/**
 * One bounded pool per registered database id, re-created when its `dbs` row changes (a digest
 * of URI, password, extras and flags), closed on shutdown. A global semaphore caps the
 * connections of all target databases together, so no database (or caller flooding one) can take
 * every connection the service may open.
 */
@Injectable()
export class SqlConnectionPools implements OnApplicationShutdown {
  readonly #logger = new Logger(SqlConnectionPools.name);
  readonly #pools = new Map<number, OpenDatabase>();
  readonly #running = new Set<AbortController>();
  readonly #global: Semaphore;
  readonly #cipher: SecretCipher;

  constructor(
    @Inject(SQL_MODULE_OPTIONS) private readonly options: SqlModuleOptions,
    private readonly registry: SqlEngineRegistry,
  ) {
    this.#global = new Semaphore(options.maxConnectionsTotal);
    this.#cipher = new SecretCipher(options.secretKey ?? SUPERSET_DEFAULT_SECRET_KEY);
  }

  /** Connections in use across all target databases. */
  get connectionsInUse(): number {
    return this.#global.inUse;
  }

  /** The engine, parser dialect and pool of a `dbs` row (no connection is made yet). */
  open(row: DatabaseRow): OpenDatabase {
    let target: ConnectionTarget;
    try {
      target = connectionTarget(row, this.#cipher, {
        defaultConnectTimeoutMs: this.options.connectTimeoutMs,
      });
    } catch (error) {
      if (error instanceof SecretDecryptionError) {
        throw new SqlExecutionError(
          'SECRET_DECRYPTION_ERROR',
          `the credentials of database ${row.id} could not be decrypted (${error.message})`,
        );
      }
      throw error;
    }
    const existing = this.#pools.get(row.id);
    if (existing?.target.digest === target.digest) return existing;

    const engine = this.registry.engineFor(target.backend);
    if (existing) {
      this.#pools.delete(row.id);
      this.#closeQuietly(existing, 'its dbs row changed');
    }
    const opened: OpenDatabase = {
      target,
      engine,
      dialect: engine.dialectFor(target),
      database: engine.open(target, {
        maxConnections: this.options.maxConnectionsPerDatabase,
        idleTimeoutMs: this.options.idleTimeoutMs,
      }),
    };
    this.#pools.set(row.id, opened);
    return opened;
  }

  /** Runs on the row's pool once a global connection slot is free (within the connect timeout). */
  async run(row: DatabaseRow, request: RunRequest): Promise<RunResult> {
    const { database, target } = this.open(row);
    // Shutdown cancels every running statement on its server before the pools close.
    const controller = new AbortController();
    const forward = () => controller.abort();
    if (request.signal?.aborted) controller.abort();
    request.signal?.addEventListener('abort', forward, { once: true });
    this.#running.add(controller);
    try {
      const release = await this.#global.acquire(target.connectTimeoutMs, 'database connection');
      try {
        return await database.run({ ...request, signal: controller.signal });
      } finally {
        release();
      }
    } finally {
      this.#running.delete(controller);
      request.signal?.removeEventListener('abort', forward);
    }
  }

  /** Closes the pool of a database that was deleted or must reconnect. */
  async close(databaseId: number): Promise<void> {
    const existing = this.#pools.get(databaseId);
    this.#pools.delete(databaseId);
    await existing?.database.close();
  }

  async onApplicationShutdown(): Promise<void> {
    for (const controller of this.#running) controller.abort();
    const all = [...this.#pools.values()];
    this.#pools.clear();
    await Promise.all(all.map((open) => open.database.close().catch(() => undefined)));
  }

  #closeQuietly(open: OpenDatabase, why: string): void {
    this.#logger.log(`closing the pool of database ${open.target.databaseId}: ${why}`);
    open.database.close().catch((error: unknown) => {
      this.#logger.warn(
        `closing the pool of database ${open.target.databaseId} failed: ${String(error)}`,
      );
    });
  }
}
