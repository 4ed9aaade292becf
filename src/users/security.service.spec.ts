import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import Database from 'better-sqlite3';
import { Test, type TestingModule } from '@nestjs/testing';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { SettingsModule } from '../config/settings.module.js';
import type { Settings } from '../config/settings.js';
import { loadDemoContent, type DemoContentSummary } from '../demo/demo-loader.js';
import { createMetadataSchema } from '../demo/metadata-schema.js';
import { postgresRunner, sqliteRunner } from '../demo/sql-runner.js';
import { MetadataDatabaseModule } from '../superset/database/metadata-database.module.js';
import {
  createTemporaryPostgresDatabase,
  type TemporaryPostgresDatabase,
} from '../superset/database/temporary-postgres-database.fixture.js';
import { MetadataIndexAdvisor } from '../superset/database/metadata-index-advisor.service.js';
import {
  HASHED_DASHBOARD_LIST,
  SecurityService,
  type DashboardListShape,
} from './security.service.js';
import { UsersModule } from './users.module.js';
import { UsersRepository } from './users.repository.js';

function settings(dashboardRbac: boolean): Settings {
  return {
    AUTH_ROLE_ADMIN: 'Admin',
    FEATURE_FLAGS: { DASHBOARD_RBAC: dashboardRbac },
  } as unknown as Settings;
}

describe(SecurityService.name, () => {
  const folder = mkdtempSync(join(tmpdir(), 'smcp-security-'));
  const file = join(folder, 'superset.db');
  let summary: DemoContentSummary;

  beforeAll(async () => {
    const db = new Database(file);
    await createMetadataSchema((sql) => Promise.resolve(db.exec(sql)), 'sqlite');
    summary = await loadDemoContent(sqliteRunner(db), 'sqlite', {
      examplesUri: 'sqlite:////tmp/examples.db',
    });
    // gamma also holds the role that dashboard_roles grants "Web Analytics" to.
    db.prepare('INSERT INTO ab_user_role (user_id, role_id) VALUES (?, ?)').run(
      summary.userIds.gamma,
      summary.roleIds.dashboard_viewers,
    );
    // dbuser reaches the whole examples database through database_access.
    const role = db.prepare("INSERT INTO ab_role (name) VALUES ('examples_database')").run();
    db.prepare(
      `INSERT INTO ab_permission_view_role (permission_view_id, role_id)
       SELECT pv.id, ? FROM ab_permission_view pv
       JOIN ab_permission p ON p.id = pv.permission_id
       WHERE p.name = 'database_access'`,
    ).run(role.lastInsertRowid);
    const user = db
      .prepare(
        `INSERT INTO ab_user (first_name, last_name, username, email, active, created_on, changed_on)
         VALUES ('Dana', 'Base', 'dbuser', 'dbuser@example.com', 1, '2025-01-01 00:00:00.000000', '2025-01-01 00:00:00.000000')`,
      )
      .run();
    for (const roleId of [summary.roleIds.Gamma, role.lastInsertRowid]) {
      db.prepare('INSERT INTO ab_user_role (user_id, role_id) VALUES (?, ?)').run(
        user.lastInsertRowid,
        roleId,
      );
    }
    db.close();
  });

  afterAll(() => rmSync(folder, { force: true, recursive: true }));

  describe.each([false, true])('with DASHBOARD_RBAC=%s', (dashboardRbac) => {
    let moduleRef: TestingModule;
    let security: SecurityService;
    let users: UsersRepository;
    let dataSource: DataSource;

    beforeAll(async () => {
      moduleRef = await Test.createTestingModule({
        imports: [
          SettingsModule.forRoot(settings(dashboardRbac)),
          MetadataDatabaseModule.forRoot(`sqlite:///${file}`),
          UsersModule,
        ],
      }).compile();
      await moduleRef.init();
      security = moduleRef.get(SecurityService);
      users = moduleRef.get(UsersRepository);
      dataSource = moduleRef.get(getDataSourceToken());
    });

    afterAll(() => moduleRef.close());

    async function visible(username: string) {
      const user = await users.findByUsername(username);
      const access = await security.accessFor(user!);
      const ids = async (table: string, apply: (q: any) => void) => {
        const query = dataSource.createQueryBuilder().select('t.id', 'id').from(table, 't');
        apply(query);
        const rows = await query.orderBy('t.id').getRawMany<{ id: number }>();
        return rows.map((row) => Number(row.id));
      };
      return {
        access,
        charts: await ids('slices', (q) => security.filterCharts(q, access, 't')),
        dashboards: await ids('dashboards', (q) => security.filterDashboards(q, access, 't')),
        databases: await ids('dbs', (q) => security.filterDatabases(q, access, 't')),
        datasets: await ids('tables', (q) => security.filterDatasets(q, access, 't')),
      };
    }

    const salesDataset = () => summary.datasetIds.sales_orders;
    async function chartsOver(datasetId: number): Promise<number[]> {
      const rows: { id: number }[] = await dataSource.query(
        'SELECT id FROM slices WHERE datasource_id = ? ORDER BY id',
        [datasetId],
      );
      return rows.map((row) => Number(row.id));
    }
    const dashboard = (key: string) => summary.dashboardIds[key];

    it('gives Admin everything and class permissions', async () => {
      const admin = await visible('admin');
      expect(admin.access.isAdmin).toBe(true);
      expect(admin.access.can('can_read', 'Dashboard')).toBe(true);
      expect(admin.dashboards).toHaveLength(3);
      expect(admin.datasets).toHaveLength(Object.keys(summary.datasetIds).length);
      expect(admin.databases).toEqual([summary.databaseId]);
    });

    it('gives Alpha all data and the published dashboards', async () => {
      const alpha = await visible('alpha');
      expect(alpha.access.isAdmin).toBe(false);
      expect(alpha.access.allDatasources).toBe(true);
      expect(alpha.datasets).toHaveLength(Object.keys(summary.datasetIds).length);
      // alpha owns "Web Analytics", so DASHBOARD_RBAC does not hide it.
      expect(alpha.dashboards).toEqual(
        [dashboard('Sales Overview'), dashboard('Web Analytics')].sort((a, b) => a - b),
      );
      expect(alpha.dashboards).not.toContain(dashboard('Births Draft'));
    });

    it('gives Gamma without data grants no data; DASHBOARD_RBAC roles open dashboards', async () => {
      const gamma = await visible('gamma');
      expect(gamma.access.can('can_read', 'Chart')).toBe(true);
      expect(gamma.access.can('can_write', 'Dataset')).toBe(false);
      expect(gamma.datasets).toEqual([]);
      expect(gamma.charts).toEqual([]);
      expect(gamma.databases).toEqual([]);
      expect(gamma.dashboards).toEqual(dashboardRbac ? [dashboard('Web Analytics')] : []);
    });

    it.each(['sales', 'grace'])(
      'scopes %s to the sales dataset (direct role or group)',
      async (username) => {
        const user = await visible(username);
        expect(user.datasets).toEqual([salesDataset()]);
        expect(user.charts).toEqual(await chartsOver(salesDataset()));
        expect(user.databases).toEqual([summary.databaseId]);
        expect(user.dashboards).toContain(dashboard('Sales Overview'));
        expect(user.dashboards).not.toContain(dashboard('Births Draft'));
      },
    );

    it('opens a whole database through database_access', async () => {
      const user = await visible('dbuser');
      expect(user.access.databaseIds).toEqual([summary.databaseId]);
      expect(user.datasets).toHaveLength(Object.keys(summary.datasetIds).length);
      expect(user.charts).toHaveLength(Object.keys(summary.chartIds).length);
      expect(user.databases).toEqual([summary.databaseId]);
      expect(user.dashboards).toEqual(
        dashboardRbac
          ? [dashboard('Sales Overview')]
          : [dashboard('Sales Overview'), dashboard('Web Analytics')].sort((a, b) => a - b),
      );
    });

    it('shows an owner their unpublished dashboard and nothing else', async () => {
      const owner = await visible('owner');
      expect(owner.dashboards).toEqual([dashboard('Births Draft')]);
      expect(owner.charts).toEqual([]);
    });

    it('gives a user without roles nothing at all', async () => {
      const nobody = await visible('nobody');
      expect(nobody.access.can('can_read', 'Dashboard')).toBe(false);
      expect(nobody).toMatchObject({ charts: [], dashboards: [], databases: [], datasets: [] });
    });

    it.each(['admin', 'alpha', 'gamma', 'sales', 'grace', 'owner', 'nobody', 'dbuser'])(
      'lets %s read by key exactly the dashboards it lists',
      async (username) => {
        const { access, dashboards } = await visible(username);
        const readable: number[] = [];
        for (const id of Object.values(summary.dashboardIds)) {
          const query = dataSource
            .createQueryBuilder()
            .select('t.id', 'id')
            .from('dashboards', 't')
            .where('t.id = :id', { id });
          security.filterDashboard(query, access, 't');
          if ((await query.getRawOne()) && !readable.includes(id)) readable.push(id);
        }
        expect(readable.sort((a, b) => a - b)).toEqual(dashboards);
      },
    );

    it.each(['alpha', 'gamma', 'sales', 'grace', 'owner', 'nobody', 'dbuser'])(
      'gives %s the same dashboards whichever parts of the list are probed row by row',
      async (username) => {
        const { access, dashboards } = await visible(username);
        for (const shape of EVERY_LIST_SHAPE) {
          const query = dataSource
            .createQueryBuilder()
            .select('t.id', 'id')
            .from('dashboards', 't');
          security.filterDashboards(query, access, 't', shape);
          const rows = await query.orderBy('t.id').getRawMany<{ id: number }>();
          expect(rows.map((row) => Number(row.id))).toEqual(dashboards);
        }
      },
    );

    it('keeps hashed sets for users who read few charts and own few dashboards', async () => {
      const sales = await security.accessFor((await users.findByUsername('sales'))!);
      const alpha = await security.accessFor((await users.findByUsername('alpha'))!);
      await expect(security.dashboardListShape(sales, 'id')).resolves.toEqual(
        HASHED_DASHBOARD_LIST,
      );
      await expect(security.dashboardListShape(alpha, 'id')).resolves.toEqual(
        HASHED_DASHBOARD_LIST,
      );
    });

    it('loads a user once per request object', async () => {
      const user = await users.findByUsername('alpha');
      expect(security.accessFor(user!)).toBe(security.accessFor(user!));
    });
  });
});

describe(`${SecurityService.name} on Postgres`, () => {
  let database: TemporaryPostgresDatabase;
  let moduleRef: TestingModule;

  beforeAll(async () => {
    database = await createTemporaryPostgresDatabase();
    const run = postgresRunner(database.client);
    await createMetadataSchema(run, 'postgres');
    await loadDemoContent(run, 'postgres', { examplesUri: 'sqlite:////tmp/examples.db' });
    moduleRef = await Test.createTestingModule({
      imports: [
        SettingsModule.forRoot(settings(true)),
        MetadataDatabaseModule.forRoot(database.uri),
        UsersModule,
      ],
    }).compile();
    await moduleRef.init();
  });

  afterAll(async () => {
    await moduleRef?.close();
    await database?.drop();
  });

  it.each(['alpha', 'gamma', 'sales', 'grace', 'owner', 'nobody'])(
    'gives %s the same dashboards in the set, probed and by-key forms',
    async (username) => {
      const security = moduleRef.get(SecurityService);
      const dataSource = moduleRef.get<DataSource>(getDataSourceToken());
      const user = await moduleRef.get(UsersRepository).findByUsername(username);
      const access = await security.accessFor(user!);
      const ids = async (apply: (query: any) => void) => {
        const query = dataSource.createQueryBuilder().select('t.id', 'id').from('dashboards', 't');
        apply(query);
        const rows = await query.orderBy('t.id').getRawMany<{ id: number }>();
        return rows.map((row) => Number(row.id));
      };
      const listed = await ids((q) => security.filterDashboards(q, access, 't'));
      for (const shape of EVERY_LIST_SHAPE) {
        await expect(ids((q) => security.filterDashboards(q, access, 't', shape))).resolves.toEqual(
          listed,
        );
      }
      await expect(ids((q) => security.filterDashboard(q, access, 't'))).resolves.toEqual(listed);
    },
  );

  it('probes the owner part for a user who owns many dashboards, once the indexes exist', async () => {
    const security = moduleRef.get(SecurityService);
    const user = await moduleRef.get(UsersRepository).findByUsername('owner');
    const access = await security.accessFor(user!);
    await database.client.query(
      `WITH added AS (
         INSERT INTO dashboards (created_on, changed_on, dashboard_title, published)
         SELECT LOCALTIMESTAMP, LOCALTIMESTAMP, 'Draft ' || g, false FROM generate_series(1, 1001) g
         RETURNING id)
       INSERT INTO dashboard_user (user_id, dashboard_id) SELECT $1, id FROM added`,
      [user!.id],
    );
    await expect(security.dashboardListShape(access, 'changed_on')).resolves.toEqual(
      HASHED_DASHBOARD_LIST,
    );
    await moduleRef.get(MetadataIndexAdvisor).apply();
    await expect(security.dashboardListShape(access, 'changed_on')).resolves.toEqual({
      charts: 'list',
      owners: 'probe',
    });
    const admin = await security.accessFor(
      (await moduleRef.get(UsersRepository).findByUsername('admin'))!,
    );
    await expect(security.dashboardListShape(admin, 'changed_on')).resolves.toEqual(
      HASHED_DASHBOARD_LIST,
    );
  });
});

/** Every combination of hashed and probed parts a dashboard list can take. */
const EVERY_LIST_SHAPE: readonly DashboardListShape[] = (['list', 'probe'] as const).flatMap(
  (charts) => (['list', 'probe'] as const).map((owners) => ({ charts, owners })),
);
