import { humanizeAgo } from '../../common/humanize.js';
import { untrusted } from '../../common/untrusted-content.js';
import type { SavedQueryRecord } from '../../superset/saved-queries/saved-queries.repository.js';
import type { SupersetUrls } from '../../superset/superset-urls.service.js';

/**
 * A saved query as tools return it. Label and description are marked as user-written text; the
 * SQL is left as it is, so that it can be run verbatim.
 */
export function presentSavedQuery(
  saved: SavedQueryRecord,
  urls: SupersetUrls,
  now: Date,
): Record<string, unknown> {
  return {
    catalog: saved.catalog,
    changed_by: saved.changedBy,
    changed_on: saved.changedOn?.toISOString() ?? null,
    changed_on_humanized: humanizeAgo(saved.changedOn, now),
    created_by: saved.createdBy,
    created_on: saved.createdOn?.toISOString() ?? null,
    created_on_humanized: humanizeAgo(saved.createdOn, now),
    database_name: saved.databaseName,
    db_id: saved.dbId,
    description: untrusted(saved.description),
    id: saved.id,
    label: untrusted(saved.label),
    last_run: saved.lastRun?.toISOString() ?? null,
    rows: saved.rows,
    schema: saved.schema,
    sql: saved.sql,
    url: urls.savedQuery(saved.id),
    user_id: saved.userId,
    uuid: saved.uuid,
  };
}
