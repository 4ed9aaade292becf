import { describe, expect, it } from 'vitest';

import type { MetadataTestDatabase } from '../database/metadata-test-database.fixture.js';
import { useMetadataTestModule } from '../database/metadata-test-module.fixture.js';
import type { RowFilter } from '../../users/security.service.js';
import { timestampToDb } from '../database/metadata-values.js';
import { type InstanceScope, InstanceStatsRepository } from './instance-stats.repository.js';

const NOW = new Date('2026-06-15T12:00:00');
const daysAgo = (days: number) => timestampToDb(new Date(NOW.getTime() - days * 86_400_000));

/** Datasets, charts and dashboards with known dates, flags and links, relative to NOW. */
async function seed(db: MetadataTestDatabase): Promise<void> {
  const yes = db.dialect === 'postgres' ? true : 1;
  const no = db.dialect === 'postgres' ? false : 0;
  await db.execute(
    `INSERT INTO dbs (id, created_on, changed_on, database_name, sqlalchemy_uri, expose_in_sqllab, allow_dml) VALUES (1, ?, ?, 'examples', 'sqlite://', ?, ?)`,
    [daysAgo(400), daysAgo(400), yes, no],
  );
  for (const [id, username] of [
    [1, 'ada'],
    [2, 'bob'],
  ] as const) {
    await db.execute(
      `INSERT INTO ab_user (id, first_name, last_name, username, email, active) VALUES (?, ?, 'x', ?, ?, ?)`,
      [id, username, username, `${username}@example.com`, yes],
    );
  }
  await db.execute(`INSERT INTO ab_role (id, name) VALUES (1, 'Admin')`);
  // Datasets: created 40 and 10 days ago; the older one modified 3 days ago.
  for (const [id, created, changed] of [
    [1, 40, 3],
    [2, 10, 10],
  ] as const) {
    await db.execute(
      `INSERT INTO tables (id, created_on, changed_on, table_name, database_id) VALUES (?, ?, ?, ?, 1)`,
      [id, daysAgo(created), daysAgo(changed), `table_${id}`],
    );
  }
  // Charts: created 100, 20 and 1 days ago; modified 50, 8 and 1 days ago; by ada, bob, bob.
  for (const [id, created, changed, creator] of [
    [1, 100, 50, 1],
    [2, 20, 8, 2],
    [3, 1, 1, 2],
  ] as const) {
    await db.execute(
      `INSERT INTO slices (id, created_on, changed_on, slice_name, datasource_type, datasource_id, viz_type, params, created_by_fk) VALUES (?, ?, ?, ?, 'table', 1, 'table', '{}', ?)`,
      [id, daysAgo(created), daysAgo(changed), `chart ${id}`, creator],
    );
  }
  // Dashboards: [created, changed, published, certified_by, charts]
  const dashboards = [
    [60, 60, yes, 'Data team', [1]],
    [29, 6, yes, '', [1, 2]],
    [5, 2, no, null, []],
    [31, 31, no, 'QA', []],
  ] as const;
  for (const [index, [created, changed, published, certifiedBy, charts]] of dashboards.entries()) {
    const id = index + 1;
    await db.execute(
      `INSERT INTO dashboards (id, created_on, changed_on, dashboard_title, published, certified_by) VALUES (?, ?, ?, ?, ?, ?)`,
      [id, daysAgo(created), daysAgo(changed), `dashboard ${id}`, published, certifiedBy],
    );
    for (const chart of charts) {
      await db.execute(`INSERT INTO dashboard_slices (dashboard_id, slice_id) VALUES (?, ?)`, [
        id,
        chart,
      ]);
    }
  }

  // Tags: "finance" on chart 1 and dashboard 1, "ops" on charts 2 and 3 and dashboard 2, an
  // unused one, and a system tag on dashboard 2.
  for (const [id, name, type] of [
    [1, 'finance', 'custom'],
    [2, 'ops', 'custom'],
    [3, 'unused', 'custom'],
    [4, 'owner:1', 'owner'],
  ] as const) {
    await db.execute(
      `INSERT INTO tag (id, created_on, changed_on, name, type) VALUES (?, ?, ?, ?, ?)`,
      [id, daysAgo(1), daysAgo(1), name, type],
    );
  }
  for (const [id, tag, objectId, objectType] of [
    [1, 1, 1, 'chart'],
    [2, 1, 1, 'dashboard'],
    [3, 2, 2, 'chart'],
    [4, 2, 3, 'chart'],
    [5, 4, 2, 'dashboard'],
    [6, 2, 2, 'dashboard'],
  ] as const) {
    await db.execute(
      `INSERT INTO tagged_object (id, created_on, changed_on, tag_id, object_id, object_type) VALUES (?, ?, ?, ?, ?, ?)`,
      [id, daysAgo(1), daysAgo(1), tag, objectId, objectType],
    );
  }
}

const everything: RowFilter = () => undefined;
const idsIn =
  (...ids: number[]): RowFilter =>
  (query, alias) =>
    query.andWhere(`${alias}.id IN (${ids.join(', ')})`);

/** What Admin sees: every row, users, roles and tags. */
const ADMIN: InstanceScope = {
  allTags: true,
  content: {
    charts: everything,
    dashboards: everything,
    databases: everything,
    datasets: everything,
  },
  roles: true,
  users: true,
};

/** Chart 1, dashboards 1 and 3, dataset 2, no database; no users, roles or other tags. */
const NARROW: InstanceScope = {
  allTags: false,
  content: { charts: idsIn(1), dashboards: idsIn(1, 3), datasets: idsIn(2) },
  roles: false,
  users: false,
};

/** May read no kind of content. */
const NOTHING: InstanceScope = { allTags: false, content: {}, roles: false, users: false };

describe.each(['sqlite', 'postgres'] as const)(
  `${InstanceStatsRepository.name} on %s`,
  (dialect) => {
    const metadata = useMetadataTestModule(dialect, {
      prepare: seed,
      providers: [InstanceStatsRepository],
    });

    const stats = () => metadata.moduleRef.get(InstanceStatsRepository);

    it('counts totals, recent activity and the dashboard breakdown of everything for Admin', async () => {
      await expect(stats().content(ADMIN, NOW)).resolves.toEqual({
        dashboards: { certified: 2, published: 2, unpublished: 2, withCharts: 2, withoutCharts: 2 },
        recent: {
          chartsCreated30d: 2,
          chartsModified7d: 1,
          dashboardsCreated30d: 2,
          dashboardsModified7d: 2,
          datasetsCreated30d: 1,
          datasetsModified7d: 1,
        },
        totals: { charts: 3, dashboardChartLinks: 3, dashboards: 4, datasets: 2 },
      });
      await expect(stats().databaseBackends(ADMIN)).resolves.toEqual(['sqlite']);
      await expect(stats().principals(ADMIN)).resolves.toEqual({ roles: 1, users: 2 });
      await expect(stats().topCreators(ADMIN, 5)).resolves.toEqual(['bob', 'ada']);
      await expect(stats().tags(ADMIN, 5)).resolves.toEqual({
        top: ['ops', 'finance'],
        total: 4,
      });
    });

    it('counts only the rows the scope lets through, links and charts included', async () => {
      await expect(stats().content(NARROW, NOW)).resolves.toEqual({
        // Dashboard 2 links charts 1 and 2 but is not visible; dashboard 1 links visible chart 1.
        dashboards: { certified: 1, published: 1, unpublished: 1, withCharts: 1, withoutCharts: 1 },
        recent: {
          chartsCreated30d: 0,
          chartsModified7d: 0,
          dashboardsCreated30d: 1,
          dashboardsModified7d: 1,
          datasetsCreated30d: 1,
          datasetsModified7d: 0,
        },
        totals: { charts: 1, dashboardChartLinks: 1, dashboards: 2, datasets: 1 },
      });
      await expect(stats().databaseBackends(NARROW)).resolves.toEqual([]);
      await expect(stats().principals(NARROW)).resolves.toEqual({ roles: null, users: null });
      await expect(stats().topCreators(NARROW, 5)).resolves.toEqual(['ada']);
      await expect(stats().tags(NARROW, 5)).resolves.toEqual({ top: ['finance'], total: 1 });
    });

    it('counts nothing, and names no one, for a scope that may read no content', async () => {
      const content = await stats().content(NOTHING, NOW);
      expect(content.totals).toEqual({
        charts: 0,
        dashboardChartLinks: 0,
        dashboards: 0,
        datasets: 0,
      });
      expect(Object.values(content.recent).every((n) => n === 0)).toBe(true);
      expect(Object.values(content.dashboards).every((n) => n === 0)).toBe(true);
      await expect(stats().databaseBackends(NOTHING)).resolves.toEqual([]);
      await expect(stats().topCreators(NOTHING, 5)).resolves.toEqual([]);
      await expect(stats().tags(NOTHING, 5)).resolves.toEqual({ top: [], total: 0 });
    });
  },
);
