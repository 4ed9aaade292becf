import { randomBytes } from 'node:crypto';

import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';

import { SqlLabQuery } from './query.entity.js';

export interface StartedQuery {
  readonly databaseId: number;
  readonly userId: number;
  readonly schema: string | null;
  readonly sql: string;
  readonly limit: number | null;
  /** The MCP call that ran it, kept in `extra_json` to join the audit log. */
  readonly callId: string;
}

export type FinishedStatus = 'success' | 'failed' | 'stopped' | 'timed_out';

export interface FinishedQuery {
  readonly status: FinishedStatus;
  readonly executedSql: string | null;
  readonly rows: number | null;
  /** Safe text only: never a driver stack, URI or password. */
  readonly errorMessage: string | null;
  readonly limitingFactor: 'DROPDOWN' | 'NOT_LIMITED' | 'UNKNOWN';
}

const CLIENT_ID_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_-';
const CLIENT_ID_LENGTH = 11;
const MAX_ERROR_MESSAGE_CHARS = 2_000;

/** An 11-character id like the nanoid SQL Lab's client gives each query. */
export function newClientId(): string {
  const bytes = randomBytes(CLIENT_ID_LENGTH);
  let id = '';
  for (const byte of bytes) id += CLIENT_ID_ALPHABET[byte & 63];
  return id;
}

/** Superset writes `changed_on` with `datetime.utcnow()`: naive UTC with microseconds. */
function naiveUtc(date: Date): string {
  return `${date.toISOString().slice(0, 23).replace('T', ' ')}000`;
}

/** Writes SQL Lab's `query` rows for the runs `execute_sql` makes, as SQL Lab does. */
@Injectable()
export class SqlLabQueriesRepository {
  constructor(@InjectRepository(SqlLabQuery) private readonly queries: Repository<SqlLabQuery>) {}

  /** Records a run as `running`; returns the row id and client id. */
  async start(run: StartedQuery): Promise<{ id: number; clientId: string }> {
    const now = new Date();
    const clientId = newClientId();
    const result = await this.queries.insert({
      clientId,
      databaseId: run.databaseId,
      tabName: null,
      sqlEditorId: null,
      userId: run.userId,
      status: 'running',
      schema: run.schema,
      sql: run.sql,
      selectSql: null,
      executedSql: null,
      limit: run.limit,
      selectAsCta: false,
      selectAsCtaUsed: false,
      progress: 0,
      rows: null,
      errorMessage: null,
      startTime: now.getTime(),
      changedOn: naiveUtc(now),
      endTime: null,
      startRunningTime: now.getTime(),
      resultsKey: null,
      extraJson: JSON.stringify({ mcp_call_id: run.callId }),
      ctasMethod: 'TABLE',
      limitingFactor: 'UNKNOWN',
    });
    const id = Number((result.identifiers[0] as { id: number | string } | undefined)?.id);
    return { id, clientId };
  }

  async finish(id: number, outcome: FinishedQuery): Promise<void> {
    const now = new Date();
    await this.queries.update(
      { id },
      {
        status: outcome.status,
        executedSql: outcome.executedSql,
        rows: outcome.rows,
        errorMessage: outcome.errorMessage?.slice(0, MAX_ERROR_MESSAGE_CHARS) ?? null,
        progress: outcome.status === 'success' ? 100 : 0,
        endTime: now.getTime(),
        changedOn: naiveUtc(now),
        limitingFactor: outcome.limitingFactor,
      },
    );
  }
}
