import { Injectable } from '@nestjs/common';
import { z } from 'zod';

import { DatabasesRepository } from '../../superset/databases/databases.repository.js';
import { SupersetUrls } from '../../superset/superset-urls.service.js';
import { SecurityService } from '../../users/security.service.js';
import { RequiresPermission } from '../access/requires-permission.decorator.js';
import { boundedText, REQUEST_LIMITS } from '../listing/request-limits.js';
import type { ToolCall } from '../tool-call.js';
import { toolFailure } from '../tool-failure.js';
import { Tool } from '../tool.decorator.js';

/**
 * Bounds of what goes into the link. SQL travels in the URL's query string, which web servers
 * cap (gunicorn at about 4 KB per request line unless raised): long SQL is better saved with
 * save_sql_query and opened by its link.
 */
export const SQL_LAB_LINK_LIMITS = {
  sql_max_length: 10_000,
  name_max_length: 256,
} as const;

const databaseId = z
  .number()
  .int()
  .min(1)
  .max(REQUEST_LIMITS.integer_max)
  .describe('Database connection id (list_databases).');
const name = (what: string) =>
  boundedText(SQL_LAB_LINK_LIMITS.name_max_length).describe(
    `${what}, at most ${SQL_LAB_LINK_LIMITS.name_max_length} characters.`,
  );
const sql = boundedText(SQL_LAB_LINK_LIMITS.sql_max_length).describe(
  `SQL to pre-fill, at most ${SQL_LAB_LINK_LIMITS.sql_max_length} characters. Not run.`,
);

const OpenSqlLabRequest = z
  .strictObject({
    database_connection_id: databaseId.optional(),
    database_id: databaseId.optional().describe('Alias of database_connection_id.'),
    schema: name('Schema to select').optional(),
    schema_name: name('Alias of schema').optional(),
    dataset_in_context: name(
      'Table the SQL is about: without sql, pre-fills SELECT * FROM it LIMIT 100',
    ).optional(),
    sql: sql.optional(),
    query: sql.optional().describe('Alias of sql.'),
    title: name('Title of the SQL Lab tab').optional(),
  })
  .superRefine((request, context) => {
    if (request.database_connection_id === undefined && request.database_id === undefined) {
      context.addIssue({
        code: 'custom',
        message: 'database_connection_id is required (database id)',
        path: ['database_connection_id'],
      });
    }
    const pairs: [keyof typeof request, keyof typeof request][] = [
      ['database_connection_id', 'database_id'],
      ['schema', 'schema_name'],
      ['sql', 'query'],
    ];
    for (const [field, alias] of pairs) {
      if (request[field] !== undefined && request[alias] !== undefined) {
        context.addIssue({
          code: 'custom',
          message: `use either '${field}' or its alias '${alias}', not both`,
          path: [alias],
        });
      }
    }
  });

/** A link into SQL Lab with a database, schema and SQL chosen: nothing is written or run. */
@Injectable()
export class SqlLabLinkTools {
  constructor(
    private readonly databases: DatabasesRepository,
    private readonly security: SecurityService,
    private readonly urls: SupersetUrls,
  ) {}

  @Tool({
    description:
      'Build a link that opens SQL Lab on a database you can access, with a schema, a tab ' +
      'title and SQL pre-filled (or, given only dataset_in_context, a SELECT * … LIMIT 100 on ' +
      'that table). Nothing is run or saved.',
    input: z.strictObject({ request: OpenSqlLabRequest }),
    name: 'open_sql_lab_with_context',
    readOnly: true,
    tags: ['explore'],
    title: 'Open SQL Lab',
  })
  @RequiresPermission('can_read', 'SQLLab')
  async openSqlLab(
    args: { request: z.output<typeof OpenSqlLabRequest> },
    call: ToolCall,
  ): Promise<unknown> {
    const { request } = args;
    const id = (request.database_connection_id ?? request.database_id) as number;
    const schema = request.schema ?? request.schema_name;
    const title = request.title;
    const access = await this.security.accessFor(call.caller.user);
    const database = await this.databases.findOne(id, (q, alias) =>
      this.security.filterDatabases(q, access, alias),
    );
    if (!database) {
      return toolFailure('NotFound', `No database found with identifier '${id}'.`, {
        details: { database_id: id, schema_name: schema ?? null, title: title ?? null, url: '' },
        suggestions: ['Use list_databases to find database ids.'],
      });
    }
    let text = request.sql ?? request.query;
    if (!text && request.dataset_in_context) {
      // Upstream's pre-filled header, so a link built here opens the same tab.
      const table = schema ? `${schema}.${request.dataset_in_context}` : request.dataset_in_context;
      text =
        `-- Context: Working with dataset '${request.dataset_in_context}'\n` +
        `-- Database: ${database.databaseName}\n` +
        (schema ? `-- Schema: ${schema}\n` : '') +
        `\nSELECT * FROM ${table} LIMIT 100;`;
    }
    return {
      database_id: database.id,
      database_name: database.databaseName,
      error: null,
      schema_name: schema ?? null,
      title: title ?? null,
      url: this.urls.sqlLab({ dbid: database.id, schema, sql: text || undefined, title }),
    };
  }
}
