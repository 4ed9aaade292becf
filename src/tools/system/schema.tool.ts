import { Injectable } from '@nestjs/common';
import { z } from 'zod';

import { RequiresPermission } from '../access/requires-permission.decorator.js';
import { Tool } from '../tool.decorator.js';
import { MODEL_TYPES, modelSchema, type ModelSchema } from './model-schema.js';

const GetSchemaRequest = z.strictObject({
  model_type: z
    .enum(MODEL_TYPES)
    .describe(
      'Which kind of object: chart, dataset, dashboard, database, query (SQL Lab history), ' +
        'saved_query.',
    ),
});

/** Schema discovery: what the list tools can select, filter, sort and search per model type. */
@Injectable()
export class SchemaTools {
  @Tool({
    description:
      'Describe how to query one model type (chart, dataset, dashboard, database, query or ' +
      'saved_query): the columns ' +
      'select_columns may name (with descriptions and types), the default columns, the columns ' +
      'filters may use with the operators each accepts, the sortable columns, the columns search ' +
      'matches and the default order. Call it before filtering or selecting columns you are ' +
      'unsure of.',
    input: z.strictObject({ request: GetSchemaRequest }),
    name: 'get_schema',
    readOnly: true,
    tags: ['discovery'],
    title: 'Model schema',
  })
  @RequiresPermission('can_read', 'Dataset')
  getSchema(args: { request: z.output<typeof GetSchemaRequest> }): ModelSchema {
    return modelSchema(args.request.model_type);
  }
}
