import type { FilterOperator, ListSpec } from '../listing/list-spec.js';

/**
 * Query parameter holding the caller's user id, which the `favorite` filter compares favstar rows
 * with; `list_dashboards` sets it on every list query.
 */
export const FAVORITE_USER_PARAMETER = 'favoriteUserId';

const ownerCondition = (operator: FilterOperator, parameter: string): string =>
  `${operator === 'nin' || operator === 'ne' ? 'NOT ' : ''}EXISTS (SELECT 1 FROM dashboard_user f_du WHERE f_du.dashboard_id = d.id AND f_du.user_id ${operator === 'in' || operator === 'nin' ? `IN (:...${parameter})` : `= :${parameter}`})`;

/** What `list_dashboards` can select, filter, sort and search (upstream's names). */
export const DASHBOARD_LIST: ListSpec = {
  columns: {
    certification_details: { description: 'Certification details', type: 'string' },
    certified_by: { description: 'Who certified the dashboard', type: 'string' },
    changed_by: { description: 'Username of the last editor', type: 'string' },
    changed_on: { description: 'Last change (ISO 8601)', type: 'datetime' },
    changed_on_humanized: { description: 'Last change, e.g. "3 days ago"', type: 'string' },
    chart_count: { description: 'Number of its charts you can see', type: 'integer' },
    created_by: { description: 'Username of the creator', type: 'string' },
    created_on: { description: 'Creation time (ISO 8601)', type: 'datetime' },
    created_on_humanized: { description: 'Creation time, e.g. "2 months ago"', type: 'string' },
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
    changed_by_fk: {
      description: 'Id of the last editor',
      kind: 'integer',
      sql: 'd.changed_by_fk',
    },
    created_by_fk: { description: 'Id of the creator', kind: 'integer', sql: 'd.created_by_fk' },
    dashboard_title: { description: 'Dashboard title', kind: 'string', sql: 'd.dashboard_title' },
    editor: {
      condition: ownerCondition,
      description: 'Id of a user who owns (may edit) the dashboard',
      kind: 'integer',
      operators: ['eq', 'ne', 'in', 'nin'],
    },
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
  sortColumns: {
    changed_on: 'd.changed_on',
    changed_on_delta_humanized: 'd.changed_on',
    created_on: 'd.created_on',
    dashboard_title: 'd.dashboard_title',
    id: 'd.id',
    published: 'd.published',
    slug: 'd.slug',
  },
};
