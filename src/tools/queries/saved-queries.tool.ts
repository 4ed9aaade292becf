import { Injectable } from '@nestjs/common';
import { z } from 'zod';

import { DatabasesRepository } from '../../superset/databases/databases.repository.js';
import { SavedQueriesRepository } from '../../superset/saved-queries/saved-queries.repository.js';
import { SupersetUrls } from '../../superset/superset-urls.service.js';
import { SecurityService } from '../../users/security.service.js';
import { RequiresPermission } from '../access/requires-permission.decorator.js';
import { listRequestSchema } from '../listing/list-request.schema.js';
import { ModelLister } from '../listing/model-lister.service.js';
import {
  boundedText,
  cacheControlFields,
  identifierSchema,
  REQUEST_LIMITS,
} from '../listing/request-limits.js';
import type { ToolCall } from '../tool-call.js';
import { ToolError } from '../tool-error.js';
import { isToolFailure, toolFailure } from '../tool-failure.js';
import { Tool } from '../tool.decorator.js';
import { SAVED_QUERY_LIST } from './saved-query-list.columns.js';
import { presentSavedQuery } from './saved-query.presenter.js';

/** Bounds of what save_sql_query writes: the widths of the `saved_query` columns, and a cap on text. */
export const SAVED_QUERY_LIMITS = {
  label_max_length: 256,
  schema_max_length: 128,
  catalog_max_length: 256,
  description_max_length: 10_000,
  sql_max_length: 100_000,
} as const;

const notBlank = (text: string) => text.trim() !== '';

const ListSavedQueriesRequest = listRequestSchema(SAVED_QUERY_LIST, {});

const Identifier = identifierSchema('Saved query id or UUID.');

const GetSavedQueryInfoRequest = z
  .strictObject({
    identifier: Identifier.optional(),
    id: Identifier.optional().describe('Alias of identifier.'),
    saved_query_id: Identifier.optional().describe('Alias of identifier.'),
    ...cacheControlFields,
  })
  .refine((request) => request.identifier ?? request.id ?? request.saved_query_id, {
    message: 'identifier is required (saved query id or UUID)',
    path: ['identifier'],
  });

const schemaName = boundedText(SAVED_QUERY_LIMITS.schema_max_length).describe(
  `Schema the query runs in (at most ${SAVED_QUERY_LIMITS.schema_max_length} characters).`,
);

const SaveSqlQueryRequest = z
  .strictObject({
    database_id: z
      .number()
      .int()
      .min(1)
      .max(REQUEST_LIMITS.integer_max)
      .describe('Database connection id (list_databases).'),
    label: boundedText(SAVED_QUERY_LIMITS.label_max_length, 1)
      .refine(notBlank, 'must not be blank')
      .describe(`Name of the saved query, 1 to ${SAVED_QUERY_LIMITS.label_max_length} characters.`),
    sql: boundedText(SAVED_QUERY_LIMITS.sql_max_length, 1)
      .refine(notBlank, 'must not be blank')
      .describe(`The SQL, at most ${SAVED_QUERY_LIMITS.sql_max_length} characters. Not run.`),
    schema: schemaName.optional(),
    schema_name: schemaName.optional().describe('Alias of schema.'),
    catalog: boundedText(SAVED_QUERY_LIMITS.catalog_max_length)
      .optional()
      .describe('Catalog (Superset 4.1+), for engines that have catalogs.'),
    description: boundedText(SAVED_QUERY_LIMITS.description_max_length)
      .optional()
      .describe(`Description, at most ${SAVED_QUERY_LIMITS.description_max_length} characters.`),
  })
  .refine((request) => request.schema === undefined || request.schema_name === undefined, {
    message: "use either 'schema' or its alias 'schema_name', not both",
    path: ['schema_name'],
  });

/**
 * SQL Lab's saved queries: listed and read as Superset's SavedQueryFilter allows (the caller's
 * own, everyone's with `all_query_access`), and saved as SQL Lab's save button does.
 */
@Injectable()
export class SavedQueriesTools {
  constructor(
    private readonly savedQueries: SavedQueriesRepository,
    private readonly databases: DatabasesRepository,
    private readonly security: SecurityService,
    private readonly lister: ModelLister,
    private readonly urls: SupersetUrls,
  ) {}

  @Tool({
    description:
      "List your saved SQL Lab queries (everyone's if you may see all queries): label, " +
      'database, schema, link; select_columns adds sql and description. Filters ' +
      '[{col, opr, value}] or search over label, description, schema and SQL, ordering (default ' +
      'changed_on desc) and 1-based pages (page_size at most 100); ' +
      'get_schema(model_type="saved_query") lists the columns. Nothing is run.',
    input: z.strictObject({ request: ListSavedQueriesRequest.optional() }),
    name: 'list_saved_queries',
    readOnly: true,
    tags: ['core'],
    title: 'List saved queries',
  })
  @RequiresPermission('can_read', 'SavedQuery')
  async listSavedQueries(
    args: { request?: z.output<typeof ListSavedQueriesRequest> },
    call: ToolCall,
  ): Promise<unknown> {
    const request = args.request ?? ListSavedQueriesRequest.parse({});
    const access = await this.security.accessFor(call.caller.user);
    const query = this.savedQueries.listQuery((q, alias) =>
      this.security.filterSavedQueries(q, access, alias),
    );
    const page = await this.lister.page(SAVED_QUERY_LIST, request, query);
    if (isToolFailure(page)) return page;
    const records = await this.savedQueries.findByIds(page.ids);
    const now = new Date();
    return this.lister.envelope(
      SAVED_QUERY_LIST,
      page,
      records.map((record) => presentSavedQuery(record, this.urls, now)),
    );
  }

  @Tool({
    description:
      'Get one saved SQL Lab query by id or UUID: label, description, SQL, database, schema, ' +
      'last run and a link that opens it in SQL Lab. Nothing is run.',
    input: z.strictObject({ request: GetSavedQueryInfoRequest }),
    name: 'get_saved_query_info',
    readOnly: true,
    tags: ['discovery'],
    title: 'Saved query details',
  })
  @RequiresPermission('can_read', 'SavedQuery')
  async getSavedQueryInfo(
    args: { request: z.output<typeof GetSavedQueryInfoRequest> },
    call: ToolCall,
  ): Promise<unknown> {
    const { request } = args;
    const identifier = (request.identifier ?? request.id ?? request.saved_query_id) as
      number | string;
    const access = await this.security.accessFor(call.caller.user);
    const record = await this.savedQueries.findOne(identifier, (q, alias) =>
      this.security.filterSavedQueries(q, access, alias),
    );
    if (!record) {
      return toolFailure('NotFound', `No saved query found with identifier '${identifier}'.`, {
        suggestions: ['Use list_saved_queries to find saved query ids.'],
      });
    }
    return presentSavedQuery(record, this.urls, new Date());
  }

  @Tool({
    description:
      "Save SQL as a named query in SQL Lab's Saved Queries, on a database you may query in " +
      'SQL Lab. The SQL is stored, not run. Returns the id and a link that opens it in SQL Lab.',
    input: z.strictObject({ request: SaveSqlQueryRequest }),
    name: 'save_sql_query',
    readOnly: false,
    tags: ['mutate'],
    title: 'Save SQL query',
  })
  @RequiresPermission('can_write', 'SavedQuery')
  async saveSqlQuery(
    args: { request: z.output<typeof SaveSqlQueryRequest> },
    call: ToolCall,
  ): Promise<unknown> {
    const { request } = args;
    const schema = request.schema ?? request.schema_name ?? '';
    if (request.catalog !== undefined && !this.savedQueries.hasCatalogs) {
      throw new ToolError(
        'validation_error',
        'Validation error in save_sql_query: request.catalog: this Superset stores no catalog ' +
          'with saved queries (before 4.1); leave catalog out.',
      );
    }
    const user = call.caller.user;
    const access = await this.security.accessFor(user);
    const database = await this.databases.findOne(request.database_id, (q, alias) =>
      this.security.filterDatabases(q, access, alias),
    );
    if (!database) {
      return toolFailure(
        'NotFound',
        `No database found with identifier '${request.database_id}'.`,
        {
          suggestions: ['Use list_databases to find database ids.'],
        },
      );
    }
    const sqlAccess = this.security.sqlAccess(access, database);
    if (sqlAccess === 'no_sql_lab_permission') {
      throw new ToolError(
        'permission_denied',
        `Permission denied: can_execute_sql_query on SQLLab for user ${user.username} (tool: save_sql_query)`,
      );
    }
    if (sqlAccess === 'no_database_access') {
      throw new ToolError(
        'permission_denied',
        `Permission denied: no access to database ${database.databaseName} (id ${database.id}) ` +
          `in SQL Lab for user ${user.username} (tool: save_sql_query)`,
      );
    }
    const id = await this.savedQueries.create({
      catalog: request.catalog ?? null,
      dbId: database.id,
      description: request.description ?? '',
      label: request.label,
      schema,
      sql: request.sql,
      userId: user.id,
    });
    return {
      catalog: request.catalog ?? null,
      database_id: database.id,
      database_name: database.databaseName,
      description: request.description ?? null,
      id,
      label: request.label,
      schema: schema || null,
      schema_name: schema || null,
      sql: request.sql,
      url: this.urls.savedQuery(id),
    };
  }
}
