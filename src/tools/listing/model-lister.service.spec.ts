import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  createTemporaryPostgresDatabase,
  type TemporaryPostgresDatabase,
} from '../../superset/database/temporary-postgres-database.fixture.js';
import { ToolError } from '../tool-error.js';
import { isToolFailure, type ToolFailure } from '../tool-failure.js';
import type { ListRequest } from './list-request.schema.js';
import type { ListSpec } from './list-spec.js';
import {
  COUNT_MIN,
  COUNT_PAGES,
  countLimit,
  ModelLister,
  type ListPage,
} from './model-lister.service.js';

const ROWS = 1_500;

const ITEM_LIST: ListSpec = {
  columns: {
    id: { description: 'Id', type: 'integer' },
    name: { description: 'Name', type: 'string' },
  },
  defaultColumns: ['id', 'name'],
  defaultOrder: { column: 'id', direction: 'asc' },
  filterColumns: {
    id: { description: 'Id', kind: 'integer', sql: 'i.id' },
    name: { description: 'Name', kind: 'string', sql: 'i.name' },
  },
  idSql: 'i.id',
  itemsKey: 'items',
  model: 'item',
  searchColumns: ['i.name'],
  sortColumns: { id: 'i.id', name: 'i.name' },
};

const CREATE_ITEMS = [
  'CREATE TABLE items (id INTEGER PRIMARY KEY, name VARCHAR(50) NOT NULL)',
  `INSERT INTO items (id, name)
   WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${ROWS})
   SELECT i, 'item ' || i FROM n`,
];

describe.each(['sqlite', 'postgres'] as const)(`${ModelLister.name} on %s`, (dialect) => {
  const lister = new ModelLister();
  let dataSource: DataSource;
  let postgres: TemporaryPostgresDatabase | undefined;

  beforeAll(async () => {
    if (dialect === 'postgres') {
      postgres = await createTemporaryPostgresDatabase();
      dataSource = new DataSource({
        database: postgres.name,
        host: '127.0.0.1',
        port: 5432,
        type: 'postgres',
        username: 'postgres',
      });
    } else {
      dataSource = new DataSource({ database: ':memory:', type: 'better-sqlite3' });
    }
    await dataSource.initialize();
    for (const statement of CREATE_ITEMS) await dataSource.query(statement);
  }, 60_000);

  afterAll(async () => {
    await dataSource?.destroy();
    await postgres?.drop();
  });

  const list = (request: Partial<ListRequest>) =>
    lister.page(
      ITEM_LIST,
      { filters: [], page: 1, page_size: 10, select_columns: [], ...request },
      dataSource.createQueryBuilder().from('items', 'i'),
    );

  const page = async (request: Partial<ListRequest>): Promise<ListPage> => {
    const result = await list(request);
    if (isToolFailure(result)) throw new Error(result.error);
    return result;
  };

  const envelope = (listed: ListPage) =>
    lister.envelope(
      ITEM_LIST,
      listed,
      listed.ids.map((id) => ({ id, name: `item ${id}` })),
    );

  const idsBetween = (first: number, last: number) =>
    Array.from({ length: last - first + 1 }, (_, index) => first + index);

  describe('past the counted rows', () => {
    it('reports a lower bound ten pages deep and tells the model to narrow', async () => {
      const first = await page({});
      expect(first).toMatchObject({
        hasNext: true,
        ids: idsBetween(1, 10),
        totalCount: COUNT_MIN,
        totalCountIsLowerBound: true,
      });
      const response = envelope(first);
      expect(response).toMatchObject({
        has_next: true,
        pagination: { has_next: true, total_count: 100, total_count_is_lower_bound: true },
        total_count: 100,
        total_count_is_lower_bound: true,
        total_pages: 10,
      });
      expect(response.hint).toMatch(/more than 100 items match.*filters or search/i);
    });

    it('counts further for later pages and larger pages', async () => {
      await expect(page({ page: 5 })).resolves.toMatchObject({
        ids: idsBetween(41, 50),
        totalCount: 140,
        totalCountIsLowerBound: true,
      });
      await expect(page({ page_size: 100 })).resolves.toMatchObject({
        totalCount: 1_000,
        totalCountIsLowerBound: true,
      });
      await expect(page({ page_size: 1 })).resolves.toMatchObject({
        totalCount: COUNT_MIN,
        totalCountIsLowerBound: true,
      });
      expect(countLimit(3, 25)).toBe((3 - 1 + COUNT_PAGES) * 25);
    });

    it('serves pages beyond the reported total_pages, with an exact has_next', async () => {
      const beyond = await page({ page: 11 });
      expect(beyond).toMatchObject({ hasNext: true, ids: idsBetween(101, 110) });
      const last = await page({ page: ROWS / 10 });
      expect(last).toMatchObject({
        hasNext: false,
        ids: idsBetween(1491, 1500),
        totalCount: ROWS,
        totalCountIsLowerBound: false,
      });
      expect(envelope(last)).toMatchObject({ has_next: false, has_previous: true });
    });

    it('fails a page with no rows as out of range, naming the last page', async () => {
      const failure = (await list({ page: ROWS / 10 + 1 })) as ToolFailure;
      expect(failure).toMatchObject({ error_type: 'PageOutOfRange' });
      expect(failure.error).toContain('past the last page (150) of 1500 items');
    });

    it('counts one row past the limit as a lower bound', async () => {
      const listed = await page({ filters: [{ col: 'id', opr: 'lte', value: COUNT_MIN + 1 }] });
      expect(listed).toMatchObject({ totalCount: COUNT_MIN, totalCountIsLowerBound: true });
    });
  });

  describe('requests the request schema did not check', () => {
    it('refuses unknown or inherited names and unfit values before the database sees them', async () => {
      const cases: [Partial<ListRequest>, RegExp][] = [
        [{ order_column: 'constructor' }, /Cannot sort items by 'constructor'.*id, name/],
        [{ filters: [{ col: '__proto__', opr: 'eq', value: 1 }] }, /filters\.0\.col.*id, name/],
        [{ filters: [{ col: 'id', opr: 'eq', value: 2 ** 31 }] }, /filters\.0\.value.*2147483647/],
        [{ filters: [{ col: 'name', opr: 'eq', value: 'a\u0000' }] }, /filters\.0\.value.*NUL/],
        [{ filters: [{ col: 'name', opr: 'like', value: 'a\\' }] }, /lone backslash/],
        [
          {
            filters: [{ col: 'id', opr: 'in', value: Array.from({ length: 1_001 }, (_, i) => i) }],
          },
          /at most 1000 items/,
        ],
      ];
      for (const [request, message] of cases) {
        await expect(list(request)).rejects.toThrow(message);
        await expect(list(request)).rejects.toBeInstanceOf(ToolError);
      }
    });

    it('answers the last page the request schema allows as out of range', async () => {
      const failure = (await list({ page: 2 ** 31 - 1, page_size: 100 })) as ToolFailure;
      expect(failure).toMatchObject({ error_type: 'PageOutOfRange' });
    });

    it('escapes like patterns with a backslash on both dialects', async () => {
      await expect(
        page({ filters: [{ col: 'name', opr: 'like', value: 'item 1\\%' }] }),
      ).resolves.toMatchObject({ ids: [] });
      await expect(
        page({ filters: [{ col: 'name', opr: 'like', value: 'item 1%' }] }),
      ).resolves.toMatchObject({ totalCount: 100 });
    });
  });

  describe('up to the counted rows', () => {
    const upToLimit = [{ col: 'id', opr: 'lte' as const, value: COUNT_MIN }];

    it('counts exactly and leaves out the lower-bound flag and the hint', async () => {
      const listed = await page({ filters: upToLimit, page: 10 });
      expect(listed).toMatchObject({
        hasNext: false,
        ids: idsBetween(91, 100),
        totalCount: COUNT_MIN,
        totalCountIsLowerBound: false,
      });
      const response = envelope(listed);
      expect(response).toMatchObject({ has_next: false, total_count: 100, total_pages: 10 });
      expect(response).not.toHaveProperty('hint');
      expect(response).not.toHaveProperty('total_count_is_lower_bound');
      expect(response.pagination).not.toHaveProperty('total_count_is_lower_bound');
    });

    it('fails a page past the exact last page, naming it', async () => {
      const failure = (await list({ filters: upToLimit, page: 11 })) as ToolFailure;
      expect(failure).toMatchObject({ error_type: 'PageOutOfRange' });
      expect(failure.error).toContain('past the last page (10) of 100 items');
    });

    it('knows has_next exactly at a page boundary', async () => {
      const twenty = [{ col: 'id', opr: 'lte' as const, value: 20 }];
      await expect(page({ filters: twenty })).resolves.toMatchObject({
        hasNext: true,
        totalCount: 20,
      });
      await expect(page({ filters: twenty, page: 2 })).resolves.toMatchObject({
        hasNext: false,
        ids: idsBetween(11, 20),
      });
    });

    it('counts a search exactly', async () => {
      await expect(page({ search: 'item 149' })).resolves.toMatchObject({
        ids: [149, ...idsBetween(1490, 1499)].slice(0, 10),
        totalCount: 11,
        totalCountIsLowerBound: false,
      });
    });
  });
});
