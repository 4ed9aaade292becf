import { type ChildProcess, spawn } from 'node:child_process';
import { createRequire } from 'node:module';

import type { ResultColumn } from '../sql-engine.js';
import { SQLITE_HOST_SOURCE } from './sqlite-host.source.js';

const localRequire = createRequire(__filename);

export interface HostResult {
  readonly columns: ResultColumn[] | null;
  readonly rows: unknown[][];
  readonly affectedRows: number | null;
  readonly truncated: boolean;
  readonly durationMs: number;
}

export type HostReply =
  | { readonly id: number; readonly ok: true; readonly results: HostResult[] }
  | { readonly id: number; readonly ok: false; readonly message: string; readonly code?: string };

/** One SQLite host process; it runs one query at a time. */
export class SqliteHost {
  readonly child: ChildProcess;
  #nextId = 0;
  #pending: { resolve: (reply: HostReply) => void; reject: (error: Error) => void } | undefined;
  #exited = false;

  constructor() {
    this.child = spawn(process.execPath, ['-e', SQLITE_HOST_SOURCE], {
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
      serialization: 'advanced',
      // Only what the host needs: none of the service's settings or secrets reach it.
      env: { MCP_SQLITE_MODULE: localRequire.resolve('better-sqlite3') },
    });
    this.child.on('message', (reply: HostReply) => {
      const pending = this.#pending;
      this.#pending = undefined;
      pending?.resolve(reply);
    });
    this.child.on('exit', () => {
      this.#exited = true;
      const pending = this.#pending;
      this.#pending = undefined;
      pending?.reject(new Error('the SQLite host process ended'));
    });
    this.child.on('error', () => undefined);
  }

  get alive(): boolean {
    return !this.#exited;
  }

  request(message: Record<string, unknown>): Promise<HostReply> {
    return new Promise((resolvePromise, reject) => {
      this.#pending = { resolve: resolvePromise, reject };
      this.child.send({ ...message, id: ++this.#nextId });
    });
  }

  kill(): void {
    if (!this.#exited) this.child.kill('SIGKILL');
  }
}
