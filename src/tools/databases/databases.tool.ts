import { Injectable } from '@nestjs/common';
import { z } from 'zod';

import { DatabasesRepository } from '../../superset/databases/databases.repository.js';
import { SupersetUrls } from '../../superset/superset-urls.service.js';
import { SecurityService } from '../../users/security.service.js';
import type { UserAccess } from '../../users/user-access.js';
import { RequiresPermission } from '../access/requires-permission.decorator.js';
import { listRequestSchema } from '../listing/list-request.schema.js';
import { cacheControlFields, identifierSchema } from '../listing/request-limits.js';
import { ModelLister } from '../listing/model-lister.service.js';
import { isToolFailure, toolFailure } from '../tool-failure.js';
import type { ToolCall } from '../tool-call.js';
import { Tool } from '../tool.decorator.js';
import { DATABASE_LIST } from './database-list.columns.js';
import { presentDatabase } from './database.presenter.js';

const ListDatabasesRequest = listRequestSchema(DATABASE_LIST, {});

const Identifier = identifierSchema('Database id or UUID.');

const GetDatabaseInfoRequest = z
  .strictObject({
    identifier: Identifier.optional(),
    id: Identifier.optional().describe('Alias of identifier.'),
    database_id: Identifier.optional().describe('Alias of identifier.'),
    ...cacheControlFields,
  })
  .refine((request) => request.identifier ?? request.id ?? request.database_id, {
    message: 'identifier is required (database id or UUID)',
    path: ['identifier'],
  });

/** Database discovery: the connections the caller may use, without their credentials. */
@Injectable()
export class DatabasesTools {
  constructor(
    private readonly databases: DatabasesRepository,
    private readonly security: SecurityService,
    private readonly lister: ModelLister,
    private readonly urls: SupersetUrls,
  ) {}

  @Tool({
    description:
      'List the database connections you can access: name, engine (backend), SQL Lab and DML ' +
      'settings and how many of their datasets you can use. Filters [{col, opr, value}] or ' +
      'search by name, ordering and 1-based pages (page_size at most 100); ' +
      'get_schema(model_type="database") lists the columns.',
    input: z.strictObject({ request: ListDatabasesRequest.optional() }),
    name: 'list_databases',
    readOnly: true,
    tags: ['core'],
    title: 'List databases',
  })
  @RequiresPermission('can_read', 'Database')
  async listDatabases(
    args: { request?: z.output<typeof ListDatabasesRequest> },
    call: ToolCall,
  ): Promise<unknown> {
    const request = args.request ?? ListDatabasesRequest.parse({});
    const access = await this.security.accessFor(call.caller.user);
    const query = this.databases.listQuery((q, alias) =>
      this.security.filterDatabases(q, access, alias),
    );
    const page = await this.lister.page(DATABASE_LIST, request, query);
    if (isToolFailure(page)) return page;
    const [records, counts] = await Promise.all([
      this.databases.findByIds(page.ids),
      page.columns.includes('dataset_count')
        ? this.datasetCounts(page.ids, access)
        : new Map<number, number>(),
    ]);
    const now = new Date();
    return this.lister.envelope(
      DATABASE_LIST,
      page,
      records.map((database) =>
        presentDatabase(database, this.urls, counts.get(database.id) ?? 0, now),
      ),
    );
  }

  @Tool({
    description:
      'Get one database connection by id or UUID: engine (backend), SQL Lab, DML, CTAS/CVAS, ' +
      'async and upload settings, a capabilities summary and how many of its datasets you can ' +
      'use. Connection details and credentials are never returned.',
    input: z.strictObject({ request: GetDatabaseInfoRequest }),
    name: 'get_database_info',
    readOnly: true,
    tags: ['discovery'],
    title: 'Database details',
  })
  @RequiresPermission('can_read', 'Database')
  async getDatabaseInfo(
    args: { request: z.output<typeof GetDatabaseInfoRequest> },
    call: ToolCall,
  ): Promise<unknown> {
    const { request } = args;
    const identifier = (request.identifier ?? request.id ?? request.database_id) as number | string;
    const access = await this.security.accessFor(call.caller.user);
    const database = await this.databases.findOne(identifier, (q, alias) =>
      this.security.filterDatabases(q, access, alias),
    );
    if (!database) {
      return toolFailure('NotFound', `No database found with identifier '${identifier}'.`, {
        suggestions: ['Use list_databases to find database ids.'],
      });
    }
    const counts = await this.datasetCounts([database.id], access);
    return presentDatabase(database, this.urls, counts.get(database.id) ?? 0, new Date());
  }

  private datasetCounts(ids: readonly number[], access: UserAccess): Promise<Map<number, number>> {
    return this.databases.datasetCounts(ids, (q, alias) =>
      this.security.filterDatasets(q, access, alias),
    );
  }
}
