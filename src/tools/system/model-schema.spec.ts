import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { MetadataDialect } from '../../superset/database/metadata-dialect.js';
import { CHART_LIST } from '../charts/chart-list.columns.js';
import { FAVORITE_USER_PARAMETER } from '../dashboards/dashboard-list.columns.js';
import { DEFAULT_PAGE_SIZE } from '../listing/list-request.schema.js';
import {
  FILTER_OPERATORS,
  filterOperators,
  sortedNames,
  type FilterColumn,
  type ListSpec,
} from '../listing/list-spec.js';
import { ModelLister } from '../listing/model-lister.service.js';
import { isToolFailure } from '../tool-failure.js';
import {
  MODEL_LIST_SPECS,
  MODEL_TYPES,
  modelSchema,
  schemaOf,
  searchColumnNames,
  type ModelType,
} from './model-schema.js';
import { createSystemFixture, type SystemFixture } from './system-features.fixture.js';

const TABLES: Readonly<Record<ModelType, string>> = {
  chart: 'slices',
  dashboard: 'dashboards',
  database: 'dbs',
  dataset: 'tables',
  query: 'query',
  saved_query: 'saved_query',
};

const SAMPLE_VALUES: Readonly<Record<FilterColumn['kind'], string | number | boolean>> = {
  boolean: true,
  datetime: '2024-01-01T00:00:00Z',
  integer: 1,
  number: 1.5,
  string: 'a',
};

describe(modelSchema.name, () => {
  it('describes charts with upstream field names, straight from the chart list spec', () => {
    const schema = modelSchema('chart');
    expect(schema).toMatchObject({
      default_sort: 'changed_on',
      default_sort_direction: 'desc',
      model_type: 'chart',
      search_columns: ['slice_name', 'description'],
    });
    expect(schema.all_column_names).toEqual(sortedNames(CHART_LIST.columns));
    expect(schema.default_columns).toEqual(CHART_LIST.defaultColumns);
    expect(schema.sortable_columns).toEqual(sortedNames(CHART_LIST.sortColumns));
    expect(schema.select_columns).toContainEqual({
      description: 'Chart name',
      name: 'slice_name',
      type: 'string',
    });
    expect(schema.filter_columns.dashboards).toEqual({
      description: 'Id of a dashboard the chart is on',
      operators: ['eq', 'ne', 'in', 'nin'],
      type: 'integer',
    });
    expect(schema.filter_columns.slice_name.operators).toEqual(FILTER_OPERATORS);
  });

  it.each(MODEL_TYPES)('keeps the %s schema consistent with itself', (modelType) => {
    const schema = modelSchema(modelType);
    const names = new Set(schema.all_column_names);
    expect(schema.model_type).toBe(modelType);
    expect(schema.select_columns.map((column) => column.name)).toEqual(schema.all_column_names);
    for (const column of schema.default_columns) expect(names).toContain(column);
    for (const column of schema.search_columns) expect(names).toContain(column);
    expect(schema.sortable_columns).toContain(schema.default_sort);
    expect(Object.keys(schema.filter_columns).length).toBeGreaterThan(0);
  });

  it('offers pattern operators on text only and no ordering on booleans', () => {
    expect(filterOperators({ description: '', kind: 'integer', sql: 'x' })).toEqual([
      'eq',
      'ne',
      'in',
      'nin',
      'gt',
      'gte',
      'lt',
      'lte',
      'is_null',
      'is_not_null',
    ]);
    expect(filterOperators({ description: '', kind: 'boolean', sql: 'x' })).toEqual([
      'eq',
      'ne',
      'is_null',
      'is_not_null',
    ]);
    expect(filterOperators({ description: '', kind: 'string', sql: 'x' })).toEqual(
      FILTER_OPERATORS,
    );
  });

  it.each(MODEL_TYPES)('offers %s sort columns that rows carry, and the request limits', (type) => {
    const schema = modelSchema(type);
    for (const name of schema.sortable_columns) expect(schema.all_column_names).toContain(name);
    expect(schema.sortable_columns).not.toContain('changed_on_delta_humanized');
    expect(schema.limits).toMatchObject({
      filter_value_max_length: 1000,
      filters_max_items: 20,
      identifier_max_length: 500,
      in_list_max_items: 1000,
      integer_max: 2 ** 31 - 1,
      integer_min: -(2 ** 31),
      page_size_max: 100,
      search_max_length: 500,
    });
    expect(schema.limits.like_patterns).toContain('lone backslash');
  });

  it('names search columns by the column behind each expression', () => {
    const spec = { ...CHART_LIST, searchColumns: ['s.slice_name', 'LOWER(s.description)'] };
    expect(searchColumnNames(spec)).toEqual(['slice_name', 'LOWER(s.description)']);
    expect(schemaOf('chart', spec as ListSpec).search_columns).toEqual([
      'slice_name',
      'LOWER(s.description)',
    ]);
  });
});

describe.each<MetadataDialect>(['sqlite', 'postgres'])(
  'every operator get_schema offers runs in SQL on %s',
  (dialect) => {
    let fixture: SystemFixture;
    let dataSource: DataSource;
    let lister: ModelLister;

    beforeAll(async () => {
      fixture = await createSystemFixture(dialect);
      dataSource = fixture.moduleRef.get<DataSource>(getDataSourceToken());
      lister = fixture.moduleRef.get(ModelLister);
    }, 120_000);

    afterAll(() => fixture?.close());

    it.each(MODEL_TYPES)('for %s', async (modelType) => {
      const spec = MODEL_LIST_SPECS[modelType];
      const alias = spec.idSql.split('.')[0];
      const failures: string[] = [];
      for (const [column, description] of Object.entries(modelSchema(modelType).filter_columns)) {
        for (const operator of description.operators) {
          const sample = SAMPLE_VALUES[description.type as FilterColumn['kind']];
          const value =
            operator === 'in' || operator === 'nin'
              ? [sample]
              : operator === 'is_null' || operator === 'is_not_null'
                ? undefined
                : sample;
          const query = dataSource
            .createQueryBuilder()
            .from(TABLES[modelType], alias)
            .setParameter(FAVORITE_USER_PARAMETER, 1);
          try {
            const page = await lister.page(
              spec,
              {
                filters: [{ col: column, opr: operator, value }],
                page: 1,
                page_size: DEFAULT_PAGE_SIZE,
                select_columns: [],
              },
              query,
            );
            if (isToolFailure(page)) failures.push(`${column} ${operator}: ${page.error}`);
          } catch (error) {
            failures.push(`${column} ${operator}: ${(error as Error).message}`);
          }
        }
      }
      expect(failures).toEqual([]);
    });
  },
);
