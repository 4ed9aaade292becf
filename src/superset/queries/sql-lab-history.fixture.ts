import { randomUUID } from 'node:crypto';

import type { SqlRunner } from '../../demo/sql-runner.js';
import type { MetadataDialect } from '../database/metadata-dialect.js';
import { timestampToDb, uuidToDb } from '../database/metadata-values.js';

/** Ids of the rows `seedSqlLabHistory` wrote, by username. */
export interface SqlLabHistory {
  readonly queries: Readonly<Record<string, readonly number[]>>;
  readonly savedQueries: Readonly<Record<string, readonly number[]>>;
}

export const SEEDED_STATUSES = ['success', 'failed', 'running'] as const;

/**
 * Writes `perUser` SQL Lab queries and saved queries for each user, as SQL Lab would: query `i`
 * of user `u` has status `SEEDED_STATUSES[i % 3]`, tab `"<u> tab <i>"`, SQL `SELECT <i> AS <u>_n`
 * and starts `i` seconds after a fixed instant; saved query `i` is labelled `"<u> saved <i>"`.
 */
export async function seedSqlLabHistory(
  run: SqlRunner,
  dialect: MetadataDialect,
  databaseId: number,
  userIds: Readonly<Record<string, number>>,
  perUser = 3,
): Promise<SqlLabHistory> {
  const queries: Record<string, number[]> = {};
  const savedQueries: Record<string, number[]> = {};
  const start = Date.UTC(2026, 0, 5, 9, 0, 0);
  let serial = 0;
  for (const [username, userId] of Object.entries(userIds)) {
    queries[username] = [];
    savedQueries[username] = [];
    for (let i = 0; i < perUser; i += 1) {
      serial += 1;
      const startTime = start + serial * 1000;
      const sql = `SELECT ${i} AS ${username}_n`;
      const [query] = await run(
        `INSERT INTO query (client_id, database_id, user_id, status, schema, tab_name, sql,
           executed_sql, "limit", progress, rows, start_time, end_time, changed_on, limiting_factor)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
        [
          `seed${String(serial).padStart(6, '0')}`,
          databaseId,
          userId,
          SEEDED_STATUSES[i % SEEDED_STATUSES.length],
          'main',
          `${username} tab ${i}`,
          sql,
          `${sql}\nLIMIT 1001`,
          1000,
          100,
          i,
          startTime,
          startTime + 250,
          utcNaive(startTime),
          'NOT_LIMITED',
        ],
      );
      queries[username].push(Number(query.id));
      const created = timestampToDb(new Date(startTime));
      const [saved] = await run(
        `INSERT INTO saved_query (user_id, db_id, label, schema, sql, description, created_by_fk,
           changed_by_fk, created_on, changed_on, extra_json, uuid)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
        [
          userId,
          databaseId,
          `${username} saved ${i}`,
          'main',
          sql,
          `Saved by ${username}`,
          userId,
          userId,
          created,
          created,
          '{}',
          uuidToDb(dialect, randomUUID()),
        ],
      );
      savedQueries[username].push(Number(saved.id));
    }
  }
  return { queries, savedQueries };
}

/** Naive UTC text, as SQL Lab writes `query.changed_on` (`datetime.utcnow()`). */
function utcNaive(epochMilliseconds: number): string {
  return `${new Date(epochMilliseconds).toISOString().replace('T', ' ').slice(0, 23)}000`;
}
