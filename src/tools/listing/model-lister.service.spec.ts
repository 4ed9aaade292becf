import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  createTemporaryPostgresDatabase,
  type TemporaryPostgresDatabase,
} from '../../superset/database/temporary-postgres-database.fixture.js';
import { isToolFailure, type ToolFailure } from '../tool-failure.js';
import type { ListRequest } from './list-request.schema.js';
import type { ListSpec } from './list-spec.js';
import { COUNT_CAP, ModelLister, type ListPage } from './model-lister.service.js';

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

  describe('past the count cap', () => {
    it('reports the cap as a lower bound, pages from it, and tells the model to narrow', async () => {
      const first = await page({});
      expect(first).toMatchObject({
        hasNext: true,
        ids: idsBetween(1, 10),
        totalCount: COUNT_CAP,
        totalCountIsLowerBound: true,
      });
      const response = envelope(first);
      expect(response).toMatchObject({
        has_next: true,
        pagination: { has_next: true, total_count: COUNT_CAP, total_count_is_lower_bound: true },
        total_count: COUNT_CAP,
        total_count_is_lower_bound: true,
        total_pages: COUNT_CAP / 10,
      });
      expect(response.hint).toMatch(/more than 1000 items match.*filters or search/i);
    });

    it('still serves pages beyond the capped total_pages, with an exact has_next', async () => {
      const beyond = await page({ page: COUNT_CAP / 10 + 1 });
      expect(beyond).toMatchObject({ hasNext: true, ids: idsBetween(1001, 1010) });
      const last = await page({ page: ROWS / 10 });
      expect(last).toMatchObject({ hasNext: false, ids: idsBetween(1491, 1500) });
      expect(envelope(last)).toMatchObject({ has_next: false, has_previous: true });
    });

    it('fails a page with no rows as out of range', async () => {
      const failure = (await list({ page: ROWS / 10 + 1 })) as ToolFailure;
      expect(failure).toMatchObject({ error_type: 'PageOutOfRange' });
      expect(failure.error).toContain(`more than ${COUNT_CAP} items`);
    });

    it('counts one row past the cap as a lower bound', async () => {
      const listed = await page({ filters: [{ col: 'id', opr: 'lte', value: COUNT_CAP + 1 }] });
      expect(listed).toMatchObject({ totalCount: COUNT_CAP, totalCountIsLowerBound: true });
    });
  });

  describe('up to the count cap', () => {
    const upToCap = [{ col: 'id', opr: 'lte' as const, value: COUNT_CAP }];

    it('counts exactly and leaves out the lower-bound flag and the hint', async () => {
      const listed = await page({ filters: upToCap, page: COUNT_CAP / 10 });
      expect(listed).toMatchObject({
        hasNext: false,
        ids: idsBetween(991, 1000),
        totalCount: COUNT_CAP,
        totalCountIsLowerBound: false,
      });
      const response = envelope(listed);
      expect(response).toMatchObject({ has_next: false, total_count: COUNT_CAP, total_pages: 100 });
      expect(response).not.toHaveProperty('hint');
      expect(response).not.toHaveProperty('total_count_is_lower_bound');
      expect(response.pagination).not.toHaveProperty('total_count_is_lower_bound');
    });

    it('fails a page past the exact last page, naming it', async () => {
      const failure = (await list({ filters: upToCap, page: COUNT_CAP / 10 + 1 })) as ToolFailure;
      expect(failure).toMatchObject({ error_type: 'PageOutOfRange' });
      expect(failure.error).toContain('past the last page (100) of 1000 items');
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
