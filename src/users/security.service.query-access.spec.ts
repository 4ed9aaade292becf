import Database from 'better-sqlite3';
import { Test, type TestingModule } from '@nestjs/testing';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource, WhereExpressionBuilder } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { SettingsModule } from '../config/settings.module.js';
import type { Settings } from '../config/settings.js';
import { loadDemoContent, type DemoContentSummary } from '../demo/demo-loader.js';
import { sqliteRunner, type SqlRunner } from '../demo/sql-runner.js';
import type { MetadataDialect } from '../superset/database/metadata-dialect.js';
import { MetadataDatabaseModule } from '../superset/database/metadata-database.module.js';
import {
  createMetadataTestDatabase,
  type MetadataTestDatabase,
} from '../superset/database/metadata-test-database.fixture.js';
import {
  seedSqlLabHistory,
  type SqlLabHistory,
} from '../superset/queries/sql-lab-history.fixture.js';
import { SecurityService } from './security.service.js';
import { UsersModule } from './users.module.js';
import { UsersRepository } from './users.repository.js';

const SETTINGS = { AUTH_ROLE_ADMIN: 'Admin', FEATURE_FLAGS: {} } as unknown as Settings;

/** The demo loader's runner over the test database (SQLite: its file; Postgres: its `query`). */
function runnerOf(db: MetadataTestDatabase): { run: SqlRunner; close: () => void } {
  if (db.dialect === 'postgres') {
    return { close: () => undefined, run: (sql, params = []) => db.query(sql, params) };
  }
  const file = new Database(db.uri.replace(/^sqlite:\/\/\//, ''));
  return { close: () => file.close(), run: sqliteRunner(file) };
}

describe.each<MetadataDialect>(['sqlite', 'postgres'])(
  'SQL Lab history access filters (%s)',
  (dialect) => {
    let db: MetadataTestDatabase;
    let moduleRef: TestingModule;
    let summary: DemoContentSummary;
    let history: SqlLabHistory;
    let security: SecurityService;
    let users: UsersRepository;
    let dataSource: DataSource;

    beforeAll(async () => {
      db = await createMetadataTestDatabase(dialect);
      const { run, close } = runnerOf(db);
      summary = await loadDemoContent(run, dialect, { examplesUri: 'sqlite:////tmp/x.db' });
      const { admin, alpha, gamma, sales } = summary.userIds;
      history = await seedSqlLabHistory(run, dialect, summary.databaseId, {
        admin,
        alpha,
        gamma,
        sales,
      });
      close();
      moduleRef = await Test.createTestingModule({
        imports: [
          SettingsModule.forRoot(SETTINGS),
          MetadataDatabaseModule.forRoot(db.uri),
          UsersModule,
        ],
      }).compile();
      await moduleRef.init();
      security = moduleRef.get(SecurityService);
      users = moduleRef.get(UsersRepository);
      dataSource = moduleRef.get(getDataSourceToken());
    });

    afterAll(async () => {
      await moduleRef?.close();
      await db?.close();
    });

    async function visible(username: string) {
      const user = await users.findByUsername(username);
      const access = await security.accessFor(user!);
      const ids = async (
        table: string,
        apply: (query: WhereExpressionBuilder, alias: string) => void,
      ) => {
        const query = dataSource.createQueryBuilder().select('t.id', 'id').from(table, 't');
        apply(query, 't');
        const rows = await query.orderBy('t.id').getRawMany<{ id: number }>();
        return rows.map((row) => Number(row.id));
      };
      return {
        all: security.canAccessAllQueries(access),
        queries: await ids('query', (q, alias) => security.filterQueries(q, access, alias)),
        saved: await ids('saved_query', (q, alias) =>
          security.filterSavedQueries(q, access, alias),
        ),
      };
    }

    const sortedIds = (lists: readonly (readonly number[])[]) => lists.flat().sort((a, b) => a - b);

    it('shows Admin (all_query_access) every query and saved query', async () => {
      const admin = await visible('admin');
      expect(admin.all).toBe(true);
      expect(admin.queries).toEqual(sortedIds(Object.values(history.queries)));
      const everySaved = await dataSource.query('SELECT id FROM saved_query ORDER BY id');
      expect(admin.saved).toEqual(everySaved.map((row: { id: number }) => Number(row.id)));
      expect(admin.saved).toContain(summary.savedQueryIds['Top cities by revenue']);
    });

    it.each(['alpha', 'sales'])('shows %s only their own rows', async (username) => {
      const sight = await visible(username);
      expect(sight.all).toBe(false);
      expect(sight.queries).toEqual(sortedIds([history.queries[username]]));
      expect(sight.saved).toEqual(sortedIds([history.savedQueries[username]]));
    });

    it("shows gamma their own saved queries, the demo's included (created_by_fk)", async () => {
      const gamma = await visible('gamma');
      expect(gamma.queries).toEqual(sortedIds([history.queries.gamma]));
      expect(gamma.saved).toEqual(
        sortedIds([history.savedQueries.gamma, [summary.savedQueryIds['Top cities by revenue']]]),
      );
    });

    it('gives all_query_access without the Admin role the same reach', async () => {
      const user = await users.findByUsername('alpha');
      const access = await security.accessFor(user!);
      const widened = {
        ...access,
        can: (permission: string, viewMenu: string) =>
          (permission === 'all_query_access' && viewMenu === 'all_query_access') ||
          access.can(permission, viewMenu),
      };
      expect(security.canAccessAllQueries(widened)).toBe(true);
      const query = dataSource.createQueryBuilder().select('t.id', 'id').from('query', 't');
      security.filterQueries(query, widened, 't');
      expect(await query.getRawMany()).toHaveLength(Object.values(history.queries).flat().length);
    });

    it('shows a user without rows nothing', async () => {
      const nobody = await visible('grace');
      expect(nobody).toEqual({ all: false, queries: [], saved: [] });
    });
  },
);
