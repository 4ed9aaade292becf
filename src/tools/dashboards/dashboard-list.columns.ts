import type { ListSpec } from '../listing/list-spec.js';
import {
  AUDIT_COLUMNS,
  auditFilterColumns,
  certificationColumns,
  linkFilter,
} from '../listing/shared-columns.js';

/**
 * Query parameter holding the caller's user id, which the `favorite` filter compares favstar rows
 * with; `list_dashboards` sets it on every list query.
 */
export const FAVORITE_USER_PARAMETER = 'favoriteUserId';

/** What `list_dashboards` can select, filter, sort and search (upstream's names). */
export const DASHBOARD_LIST: ListSpec = {
  columns: {
    ...AUDIT_COLUMNS,
    ...certificationColumns('dashboard'),
    chart_count: { description: 'Number of its charts you can see', type: 'integer' },
    dashboard_title: { description: 'Dashboard title', type: 'string' },
    description: { description: 'Description written by its owners', type: 'string' },
    external_url: { description: 'URL of the system that manages it, if any', type: 'string' },
    id: { description: 'Dashboard id', type: 'integer' },
    is_managed_externally: {
      description: 'Whether an external system manages it',
      type: 'boolean',
    },
    owners: { description: 'Usernames of its owners (who may edit it)', type: 'array' },
    published: { description: 'Whether it is published (listed for viewers)', type: 'boolean' },
    slug: { description: 'URL slug, if set', type: 'string' },
    url: { description: 'Link to the dashboard in Superset', type: 'string' },
    uuid: { description: 'Dashboard UUID', type: 'string' },
  },
  defaultColumns: [
    'id',
    'dashboard_title',
    'slug',
    'url',
    'published',
    'changed_on',
    'changed_on_humanized',
  ],
  defaultOrder: { column: 'changed_on', direction: 'desc' },
  filterColumns: {
    ...auditFilterColumns('d'),
    dashboard_title: { description: 'Dashboard title', kind: 'string', sql: 'd.dashboard_title' },
    editor: linkFilter(
      'Id of a user who owns (may edit) the dashboard',
      { alias: 'f_du', rowColumn: 'dashboard_id', table: 'dashboard_user', valueColumn: 'user_id' },
      'd.id',
    ),
    favorite: {
      description: 'Whether you marked it as a favourite',
      kind: 'boolean',
      operators: ['eq', 'ne'],
      sql: `EXISTS (SELECT 1 FROM favstar f_fs WHERE f_fs.class_name = 'Dashboard' AND f_fs.obj_id = d.id AND f_fs.user_id = :${FAVORITE_USER_PARAMETER})`,
    },
    published: {
      description: 'Whether it is published',
      kind: 'boolean',
      operators: ['eq', 'ne'],
      sql: 'd.published',
    },
    slug: { description: 'URL slug', kind: 'string', sql: 'd.slug' },
  },
  idSql: 'd.id',
  itemsKey: 'dashboards',
  model: 'dashboard',
  searchColumns: ['d.dashboard_title', 'd.slug'],
  sortAliases: { changed_on_delta_humanized: 'changed_on' },
  sortColumns: {
    changed_on: 'd.changed_on',
    changed_on_humanized: 'd.changed_on',
    created_on: 'd.created_on',
    dashboard_title: 'd.dashboard_title',
    id: 'd.id',
    published: 'd.published',
    slug: 'd.slug',
  },
};
