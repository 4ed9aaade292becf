import { Injectable } from '@nestjs/common';
import { z } from 'zod';

import { identifierKind } from '../../superset/database/identifier-lookup.js';
import { QueriesRepository } from '../../superset/queries/queries.repository.js';
import { SupersetUrls } from '../../superset/superset-urls.service.js';
import { SecurityService } from '../../users/security.service.js';
import { RequiresPermission } from '../access/requires-permission.decorator.js';
import { listRequestSchema } from '../listing/list-request.schema.js';
import { ModelLister } from '../listing/model-lister.service.js';
import { cacheControlFields, identifierSchema } from '../listing/request-limits.js';
import type { ToolCall } from '../tool-call.js';
import { isToolFailure, toolFailure } from '../tool-failure.js';
import { Tool } from '../tool.decorator.js';
import { QUERY_LIST } from './query-list.columns.js';
import { presentQuery } from './query.presenter.js';

const ListQueriesRequest = listRequestSchema(QUERY_LIST, {});

const Identifier = identifierSchema('Query id.');

const GetQueryInfoRequest = z
  .strictObject({
    identifier: Identifier.optional(),
    id: Identifier.optional().describe('Alias of identifier.'),
    query_id: Identifier.optional().describe('Alias of identifier.'),
    ...cacheControlFields,
  })
  .refine((request) => request.identifier ?? request.id ?? request.query_id, {
    message: 'identifier is required (query id)',
    path: ['identifier'],
  });

/**
 * SQL Lab's query history, metadata only (nothing is run): the caller's own queries, everyone's
 * for Admin and holders of `all_query_access`, as Superset's QueryFilter decides.
 */
@Injectable()
export class QueriesTools {
  constructor(
    private readonly queries: QueriesRepository,
    private readonly security: SecurityService,
    private readonly lister: ModelLister,
    private readonly urls: SupersetUrls,
  ) {}

  @Tool({
    description:
      "List your SQL Lab query history (everyone's if you may see all queries): status, " +
      'database, schema, tab, timing and row counts; select_columns adds sql, executed_sql and ' +
      'error_message. Filters [{col, opr, value}] or search over tab name and SQL, ordering ' +
      '(default changed_on desc) and 1-based pages (page_size at most 100); ' +
      'get_schema(model_type="query") lists the columns. Nothing is run.',
    input: z.strictObject({ request: ListQueriesRequest.optional() }),
    name: 'list_queries',
    readOnly: true,
    tags: ['core'],
    title: 'List SQL Lab queries',
  })
  @RequiresPermission('can_read', 'Query')
  async listQueries(
    args: { request?: z.output<typeof ListQueriesRequest> },
    call: ToolCall,
  ): Promise<unknown> {
    const request = args.request ?? ListQueriesRequest.parse({});
    const access = await this.security.accessFor(call.caller.user);
    const query = this.queries.listQuery((q, alias) =>
      this.security.filterQueries(q, access, alias),
    );
    const page = await this.lister.page(QUERY_LIST, request, query);
    if (isToolFailure(page)) return page;
    const records = await this.queries.findByIds(page.ids);
    const now = new Date();
    return this.lister.envelope(
      QUERY_LIST,
      page,
      records.map((record) => presentQuery(record, this.urls, now)),
    );
  }

  @Tool({
    description:
      'Get one SQL Lab query of your history by id: its SQL, the SQL the database ran, status, ' +
      'error, timing, row count and limit, and a link that opens it in SQL Lab. Nothing is run.',
    input: z.strictObject({ request: GetQueryInfoRequest }),
    name: 'get_query_info',
    readOnly: true,
    tags: ['discovery'],
    title: 'SQL Lab query details',
  })
  @RequiresPermission('can_read', 'Query')
  async getQueryInfo(
    args: { request: z.output<typeof GetQueryInfoRequest> },
    call: ToolCall,
  ): Promise<unknown> {
    const { request } = args;
    const identifier = (request.identifier ?? request.id ?? request.query_id) as number | string;
    const access = await this.security.accessFor(call.caller.user);
    const record =
      identifierKind(identifier) === 'id'
        ? await this.queries.findOne(Number(identifier), (q, alias) =>
            this.security.filterQueries(q, access, alias),
          )
        : null;
    if (!record) {
      return toolFailure('NotFound', `No query found with identifier '${identifier}'.`, {
        suggestions: ['Query ids are numbers; use list_queries to find them.'],
      });
    }
    return presentQuery(record, this.urls, new Date());
  }
}
