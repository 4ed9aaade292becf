import { describe, expect, it } from 'vitest';

import type { MetadataTestDatabase } from '../database/metadata-test-database.fixture.js';
import { useMetadataTestModule } from '../database/metadata-test-module.fixture.js';
import { timestampToDb } from '../database/metadata-values.js';
import { InstanceStatsRepository } from './instance-stats.repository.js';

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
  // Charts: created 100, 20 and 1 days ago; modified 50, 8 and 1 days ago.
  for (const [id, created, changed] of [
    [1, 100, 50],
    [2, 20, 8],
    [3, 1, 1],
  ] as const) {
    await db.execute(
      `INSERT INTO slices (id, created_on, changed_on, slice_name, datasource_type, datasource_id, viz_type, params) VALUES (?, ?, ?, ?, 'table', 1, 'table', '{}')`,
      [id, daysAgo(created), daysAgo(changed), `chart ${id}`],
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
}

describe.each(['sqlite', 'postgres'] as const)(
  `${InstanceStatsRepository.name} on %s`,
  (dialect) => {
    const metadata = useMetadataTestModule(dialect, {
      prepare: seed,
      providers: [InstanceStatsRepository],
    });

    it('counts recent activity and the dashboard breakdown in one scan per table', async () => {
      const activity = await metadata.moduleRef.get(InstanceStatsRepository).activity(NOW);
      expect(activity).toEqual({
        dashboards: { certified: 2, published: 2, unpublished: 2, withCharts: 2, withoutCharts: 2 },
        recent: {
          chartsCreated30d: 2,
          chartsModified7d: 1,
          dashboardsCreated30d: 2,
          dashboardsModified7d: 2,
          datasetsCreated30d: 1,
          datasetsModified7d: 1,
        },
      });
    });

    it('counts totals', async () => {
      await expect(metadata.moduleRef.get(InstanceStatsRepository).counts()).resolves.toMatchObject(
        {
          charts: 3,
          dashboardChartLinks: 3,
          dashboards: 4,
          databases: 1,
          datasets: 2,
        },
      );
    });
  },
);
