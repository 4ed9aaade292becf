import { Injectable } from '@nestjs/common';
import { z } from 'zod';

import { DatasetsRepository } from '../../superset/datasets/datasets.repository.js';
import { SupersetUrls } from '../../superset/superset-urls.service.js';
import { SecurityService } from '../../users/security.service.js';
import { RequiresPermission } from '../access/requires-permission.decorator.js';
import { listRequestSchema } from '../listing/list-request.schema.js';
import {
  cacheControlFields,
  columnName,
  identifierSchema,
  REQUEST_LIMITS,
  unknownNamesError,
} from '../listing/request-limits.js';
import { ModelLister } from '../listing/model-lister.service.js';
import { isToolFailure, toolFailure } from '../tool-failure.js';
import type { ToolCall } from '../tool-call.js';
import { Tool } from '../tool.decorator.js';
import { DATASET_LIST } from './dataset-list.columns.js';
import {
  DATASET_COLUMN_FIELDS,
  type DatasetColumnField,
  DEFAULT_COLUMN_FIELDS,
  presentDataset,
  SAVED_METRIC_NOTE,
} from './dataset.presenter.js';

const ListDatasetsRequest = listRequestSchema(DATASET_LIST, {
  created_by_me: z.boolean().optional().describe('Only datasets you created.'),
  edited_by_me: z.boolean().optional().describe('Only datasets you changed last.'),
  owned_by_me: z.boolean().optional().describe('Only datasets you own.'),
});

const Identifier = identifierSchema('Dataset id or UUID.');

const NameList = z.union([
  z.array(columnName).max(REQUEST_LIMITS.select_columns_max_items),
  z
    .string()
    .max(REQUEST_LIMITS.column_list_text_max_length)
    .describe('Comma-separated names or a JSON array'),
]);

const INFO_DEFAULT_FIELDS = [
  'id',
  'table_name',
  'schema',
  'database_name',
  'database_id',
  'uuid',
  'is_virtual',
  'description',
  'main_dttm_col',
  'sql',
  'url',
  'columns',
  'metrics',
];

const INFO_EXTRA_FIELDS = [
  'catalog',
  'certified_by',
  'certification_details',
  'changed_by',
  'changed_on',
  'changed_on_humanized',
  'created_by',
  'created_on',
  'created_on_humanized',
  'edit_url',
  'schema_perm',
  'offset',
  'cache_timeout',
  'params',
  'template_params',
  'extra',
  'owners',
];

const INFO_FIELDS = [...INFO_DEFAULT_FIELDS, ...INFO_EXTRA_FIELDS];

const GetDatasetInfoRequest = z
  .strictObject({
    identifier: Identifier.optional(),
    id: Identifier.optional().describe('Alias of identifier.'),
    dataset_id: Identifier.optional().describe('Alias of identifier.'),
    select_columns: NameList.optional().describe(
      `Fields to return; default ${INFO_DEFAULT_FIELDS.join(', ')}. Also available: ` +
        `${INFO_EXTRA_FIELDS.join(', ')}.`,
    ),
    columns: NameList.optional().describe('Alias of select_columns.'),
    column_fields: NameList.optional().describe(
      `Fields of each entry of "columns"; default ${DEFAULT_COLUMN_FIELDS.join(', ')}. Also ` +
        'available: verbose_name, groupby, filterable, description, expression, python_date_format.',
    ),
    ...cacheControlFields,
  })
  .refine((request) => request.identifier ?? request.id ?? request.dataset_id, {
    message: 'identifier is required (dataset id or UUID)',
    path: ['identifier'],
  })
  .refine((request) => request.select_columns === undefined || request.columns === undefined, {
    message: "use either 'select_columns' or its alias 'columns', not both",
    path: ['columns'],
  });

/** Dataset discovery: list and inspect the datasets the caller may access. */
@Injectable()
export class DatasetsTools {
  constructor(
    private readonly datasets: DatasetsRepository,
    private readonly security: SecurityService,
    private readonly lister: ModelLister,
    private readonly urls: SupersetUrls,
  ) {}

  @Tool({
    description:
      'List the datasets you can access, with filters [{col, opr, value}] or free-text search ' +
      '(table name, schema, description), ordering and 1-based pages (page_size at most 100). ' +
      'Returns lean columns unless select_columns asks for more (e.g. "sql", "columns", ' +
      '"metrics"); get_schema(model_type="dataset") lists them all. Newest changes first.',
    input: z.strictObject({ request: ListDatasetsRequest.optional() }),
    name: 'list_datasets',
    readOnly: true,
    tags: ['core'],
    title: 'List datasets',
  })
  @RequiresPermission('can_read', 'Dataset')
  async listDatasets(
    args: { request?: z.output<typeof ListDatasetsRequest> },
    call: ToolCall,
  ): Promise<unknown> {
    const request = args.request ?? ListDatasetsRequest.parse({});
    const me = call.caller.user.id;
    const access = await this.security.accessFor(call.caller.user);
    const query = this.datasets.listQuery((q, alias) =>
      this.security.filterDatasets(q, access, alias),
    );
    if (request.created_by_me) query.andWhere('t.created_by_fk = :me', { me });
    if (request.edited_by_me) query.andWhere('t.changed_by_fk = :me', { me });
    if (request.owned_by_me) {
      query.andWhere(
        'EXISTS (SELECT 1 FROM sqlatable_user mine WHERE mine.table_id = t.id AND mine.user_id = :me)',
        { me },
      );
    }
    const page = await this.lister.page(DATASET_LIST, request, query);
    if (isToolFailure(page)) return page;
    const wants = (column: string) => page.columns.includes(column);
    const [records, columns, metrics, owners] = await Promise.all([
      this.datasets.findByIds(page.ids, wants('sql')),
      wants('columns') ? this.datasets.columnsOf(page.ids) : undefined,
      wants('metrics') ? this.datasets.metricsOf(page.ids) : undefined,
      wants('owners') ? this.datasets.ownersOf(page.ids) : undefined,
    ]);
    const now = new Date();
    return this.lister.envelope(
      DATASET_LIST,
      page,
      records.map((dataset) =>
        presentDataset(
          dataset,
          this.urls,
          {
            columns: columns && (columns.get(dataset.id) ?? []),
            metrics: metrics && (metrics.get(dataset.id) ?? []),
            owners: owners && (owners.get(dataset.id) ?? []),
          },
          now,
        ),
      ),
    );
  }

  @Tool({
    description:
      'Get one dataset by id or UUID: database, schema, columns (name, type, is_dttm; more with ' +
      'column_fields), saved metrics and, for a virtual dataset, its SQL. Reference a saved ' +
      'metric in chart configs as {"name": "<metric_name>", "saved_metric": true}.',
    input: z.strictObject({ request: GetDatasetInfoRequest }),
    name: 'get_dataset_info',
    readOnly: true,
    tags: ['discovery'],
    title: 'Dataset details',
  })
  @RequiresPermission('can_read', 'Dataset')
  async getDatasetInfo(
    args: { request: z.output<typeof GetDatasetInfoRequest> },
    call: ToolCall,
  ): Promise<unknown> {
    const { request } = args;
    const identifier = (request.identifier ?? request.id ?? request.dataset_id) as number | string;
    const fields = nameList(request.select_columns ?? request.columns) ?? INFO_DEFAULT_FIELDS;
    const unknownFields = fields.filter((field) => !INFO_FIELDS.includes(field));
    if (unknownFields.length > 0) {
      const field = request.select_columns === undefined ? 'columns' : 'select_columns';
      throw unknownNamesError(call.tool, field, unknownFields, INFO_FIELDS);
    }
    const columnFields = nameList(request.column_fields) ?? DEFAULT_COLUMN_FIELDS;
    const unknownColumnFields = columnFields.filter(
      (field) => !(DATASET_COLUMN_FIELDS as readonly string[]).includes(field),
    );
    if (unknownColumnFields.length > 0) {
      throw unknownNamesError(
        call.tool,
        'column_fields',
        unknownColumnFields,
        DATASET_COLUMN_FIELDS,
      );
    }
    const access = await this.security.accessFor(call.caller.user);
    const dataset = await this.datasets.findOne(identifier, (q, alias) =>
      this.security.filterDatasets(q, access, alias),
    );
    if (!dataset) {
      return toolFailure('NotFound', `No dataset found with identifier '${identifier}'.`, {
        suggestions: ['Use list_datasets to find dataset ids.'],
      });
    }
    const ids = [dataset.id];
    const [columns, metrics, owners] = await Promise.all([
      fields.includes('columns') ? this.datasets.columnsOf(ids) : undefined,
      fields.includes('metrics') ? this.datasets.metricsOf(ids) : undefined,
      fields.includes('owners') ? this.datasets.ownersOf(ids) : undefined,
    ]);
    const item = presentDataset(
      dataset,
      this.urls,
      {
        columnFields: columnFields as DatasetColumnField[],
        columns: columns && (columns.get(dataset.id) ?? []),
        metrics: metrics && (metrics.get(dataset.id) ?? []),
        owners: owners && (owners.get(dataset.id) ?? []),
      },
      new Date(),
    );
    const result: Record<string, unknown> = Object.fromEntries(
      fields.map((field) => [field, item[field] ?? null]),
    );
    if (fields.includes('metrics')) result.metrics_note = SAVED_METRIC_NOTE;
    return result;
  }
}

/** A list of names from an array, a JSON array text or comma-separated text; undefined when absent or empty. */
function nameList(value: string[] | string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  let names: unknown = value;
  if (typeof value === 'string') {
    const text = value.trim();
    names = text.startsWith('[') ? parseJsonArray(text) : text.split(',');
  }
  const list = (Array.isArray(names) ? names : [])
    .filter((name): name is string => typeof name === 'string')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  return list.length > 0 ? [...new Set(list)] : undefined;
}

/** Malformed JSON stays one name, so the caller hears which value was not understood. */
function parseJsonArray(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return [text];
  }
}
