import { humanizeAgo } from '../../common/humanize.js';
import { untrusted } from '../../common/untrusted-content.js';
import type { QueryRecord } from '../../superset/queries/queries.repository.js';
import type { SupersetUrls } from '../../superset/superset-urls.service.js';

/**
 * A SQL Lab query as tools return it. Tab names are marked as user-written text; the SQL is left
 * as it is, so that it can be run or saved again verbatim.
 */
export function presentQuery(
  query: QueryRecord,
  urls: SupersetUrls,
  now: Date,
): Record<string, unknown> {
  return {
    changed_on: query.changedOn?.toISOString() ?? null,
    changed_on_humanized: humanizeAgo(query.changedOn, now),
    client_id: query.clientId,
    database_id: query.databaseId,
    database_name: query.databaseName,
    duration_ms:
      query.startTime !== null && query.endTime !== null ? query.endTime - query.startTime : null,
    end_time: query.endTime,
    error_message: query.errorMessage,
    executed_sql: query.executedSql,
    id: query.id,
    limit: query.limit,
    limiting_factor: query.limitingFactor,
    progress: query.progress,
    rows: query.rows,
    schema: query.schema,
    sql: query.sql,
    start_time: query.startTime,
    status: query.status,
    tab_name: untrusted(query.tabName),
    url: urls.query(query.id),
    user_id: query.userId,
    username: query.username,
  };
}
