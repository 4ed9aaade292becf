import { Inject, Injectable } from '@nestjs/common';

import type { SqlEngine } from './sql-engine.js';
import { unsupportedBackend } from './sql-execution.error.js';

/** The engines the module serves; adding one is adding it to this list. */
export const SQL_ENGINES = Symbol('SQL_ENGINES');

/** Engines keyed by `dbs.sqlalchemy_uri` backend; anything else gets one clear error. */
@Injectable()
export class SqlEngineRegistry {
  readonly #byBackend = new Map<string, SqlEngine>();

  constructor(@Inject(SQL_ENGINES) engines: readonly SqlEngine[]) {
    for (const engine of engines) {
      for (const backend of engine.backends) this.#byBackend.set(backend, engine);
    }
  }

  get supportedBackends(): string[] {
    return [...this.#byBackend.keys()].sort();
  }

  /** The engine for a backend, or `UNSUPPORTED_BACKEND_ERROR` naming the supported ones. */
  engineFor(backend: string): SqlEngine {
    const engine = this.#byBackend.get(backend);
    if (!engine) throw unsupportedBackend(backend, this.supportedBackends);
    return engine;
  }
}
