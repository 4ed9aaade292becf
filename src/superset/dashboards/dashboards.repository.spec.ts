import { Test, type TestingModule } from '@nestjs/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { MetadataSchemaVersion } from '../../demo/metadata-schema.js';
import type { MetadataDialect } from '../database/metadata-dialect.js';
import { MetadataDatabaseModule } from '../database/metadata-database.module.js';
import {
  createMetadataTestDatabase,
  type MetadataTestDatabase,
} from '../database/metadata-test-database.fixture.js';
import { timestampToDb } from '../database/metadata-values.js';
import { DashboardsRepository, slugifyTitle } from './dashboards.repository.js';

describe(slugifyTitle.name, () => {
  it.each([
    ["World Bank's Data", 'world-banks-data'],
    ['  Sales -- Overview_2024 ', 'sales-overview-2024'],
    ['Café Übersicht!', 'café-übersicht'],
    ['???', ''],
  ])('turns %j into %j', (title, slug) => {
    expect(slugifyTitle(title)).toBe(slug);
  });
});

describe(DashboardsRepository.name, () => {
  describe.each([
    ['sqlite', 'current'],
    ['postgres', 'current'],
    ['sqlite', 'legacy4'],
  ] as const)('on %s (%s schema)', (dialect: MetadataDialect, version: MetadataSchemaVersion) => {
    let database: MetadataTestDatabase;
    let moduleRef: TestingModule;
    let repository: DashboardsRepository;
    const ids: Record<string, number> = {};
    const everything = () => undefined;

    beforeAll(async () => {
      database = await createMetadataTestDatabase(dialect, { version });
      const now = timestampToDb(new Date());
      for (const [title, slug] of [
        ['Café Übersicht', null],
        ['Café Übersicht', null],
        ['50% of 100_000', null],
        ['Plain', 'plain-slug'],
      ] as const) {
        await database.execute(
          'INSERT INTO dashboards (created_on, changed_on, dashboard_title, slug) VALUES (?, ?, ?, ?)',
          [now, now, title, slug],
        );
      }
      const rows = await database.query<{ id: number; dashboard_title: string }>(
        'SELECT id, dashboard_title FROM dashboards ORDER BY id',
      );
      for (const row of rows) ids[row.dashboard_title] ??= Number(row.id);
      moduleRef = await Test.createTestingModule({
        imports: [MetadataDatabaseModule.forRoot(database.uri)],
        providers: [DashboardsRepository],
      }).compile();
      await moduleRef.init();
      repository = moduleRef.get(DashboardsRepository);
    });

    afterAll(async () => {
      await moduleRef?.close();
      await database?.close();
    });

    it('matches a slugified non-ASCII title, first id first', async () => {
      const found = await repository.findOne('CAFÉ-übersicht', everything);
      expect(found?.matchedBy).toBe('title');
      expect(found?.dashboard.id).toBe(ids['Café Übersicht']);
    });

    it('compares whole slugs, not prefixes or patterns', async () => {
      await expect(repository.findOne('50-of-100_000', everything)).resolves.toMatchObject({
        matchedBy: 'title',
      });
      await expect(repository.findOne('5-of-1', everything)).resolves.toBeNull();
    });

    it('prefers the slug to a title, and applies the row filter to every lookup', async () => {
      await expect(repository.findOne('plain-slug', everything)).resolves.toMatchObject({
        matchedBy: 'slug',
      });
      const nothing = (query: { andWhere(sql: string): unknown }) => void query.andWhere('1 = 0');
      await expect(repository.findOne('plain-slug', nothing)).resolves.toBeNull();
      await expect(repository.findOne('plain', nothing)).resolves.toBeNull();
      await expect(repository.findOne(ids.Plain, nothing)).resolves.toBeNull();
    });
  });
});
