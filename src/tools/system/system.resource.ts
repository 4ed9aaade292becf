import { Injectable } from '@nestjs/common';
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';

import type { Caller } from '../../auth/caller.js';
import { InjectSettings } from '../../config/inject-settings.decorator.js';
import type { Settings } from '../../config/settings.js';
import { AccessibleContentRepository } from '../../superset/instance/accessible-content.repository.js';
import { SupersetUrls } from '../../superset/superset-urls.service.js';
import { SecurityService } from '../../users/security.service.js';
import { McpResource } from '../mcp-feature.decorators.js';
import { CallerReach } from './caller-reach.service.js';
import {
  CATEGORICAL_COLOR_SCHEMES,
  CHART_BEST_PRACTICES,
  CHART_CONFIG_EXAMPLES,
  SEQUENTIAL_COLOR_SCHEMES,
  TIME_GRAINS,
} from './chart-config-examples.js';
import { MODEL_TYPES, modelSchema, type ModelType } from './model-schema.js';
import { guide, isShown, type GuidanceLine } from './tool-guidance.js';

const SCHEMA_TARGETS = [...MODEL_TYPES, 'all'] as const;
const SCHEMA_PERMISSION = { permission: 'can_read', viewMenu: 'Dataset' } as const;
const DATASET_SAMPLE_SIZE = 20;
const JSON_MIME = 'application/json';

const TIPS: readonly GuidanceLine[] = [
  guide`Start with ${'get_instance_info'} for counts and your roles.`,
  guide`Find dashboards with ${'list_dashboards'} (search matches titles).`,
  guide`Charts on a dashboard: ${'list_charts'} with filters [{"col": "dashboards", "opr": "eq", "value": <dashboard id>}].`,
  guide`Before charting a dataset, read its columns and saved metrics with ${'get_dataset_info'}.`,
  guide`Ask ${'get_schema'} which columns a list tool can filter, sort and select.`,
  guide`Show a chart without saving it with ${'generate_explore_link'}.`,
  guide`Query data with ${'execute_sql'} on a database you can access; add a LIMIT.`,
];

/** Read-only MCP resources: the caller's view of the instance, model schemas, chart examples. */
@Injectable()
export class SystemResources {
  constructor(
    private readonly reach: CallerReach,
    private readonly content: AccessibleContentRepository,
    private readonly security: SecurityService,
    private readonly urls: SupersetUrls,
    @InjectSettings() private readonly settings: Settings,
  ) {}

  @McpResource({
    description:
      'This Superset instance as you can see it: totals, what you can reach, datasets you may ' +
      'use (the most recently changed first), chart types in use, database engines, and tips ' +
      'for the tools you have.',
    mimeType: JSON_MIME,
    name: 'instance_metadata',
    title: 'Instance metadata',
    uri: 'instance://metadata',
  })
  async instanceMetadata(uri: string, _variables: unknown, caller: Caller): Promise<unknown> {
    const access = await this.reach.assertCanRead(caller, uri, null);
    const can = (viewMenu: string) =>
      !this.settings.MCP_RBAC_ENABLED || access.can('can_read', viewMenu);
    const [accessible, datasetTotal, datasets, vizTypes, engines, tools] = await Promise.all([
      this.reach.summary(access),
      can('Dataset')
        ? this.content.count('datasets', (q, alias) =>
            this.security.filterDatasets(q, access, alias),
          )
        : Promise.resolve(0),
      can('Dataset')
        ? this.content.recentDatasets(
            (q, alias) => this.security.filterDatasets(q, access, alias),
            DATASET_SAMPLE_SIZE,
          )
        : Promise.resolve([]),
      can('Chart')
        ? this.content.vizTypes((q, alias) => this.security.filterCharts(q, access, alias))
        : Promise.resolve([]),
      can('Database')
        ? this.content.databaseBackends((q, alias) =>
            this.security.filterDatabases(q, access, alias),
          )
        : Promise.resolve([]),
      this.reach.toolNames(caller),
    ]);
    return {
      accessible_summary: accessible,
      available_datasets: datasets.map((dataset) => ({
        database_id: dataset.databaseId,
        database_name: dataset.databaseName,
        id: dataset.id,
        schema: dataset.schema,
        table_name: dataset.tableName,
        url: this.urls.exploreDataset(dataset.id),
      })),
      available_datasets_total: datasetTotal,
      chart_types: CHART_CONFIG_EXAMPLES.map((example) => example.viz_type),
      chart_types_in_use: vizTypes.map((row) => ({ charts: row.charts, viz_type: row.vizType })),
      current_user: {
        roles: caller.user.roles.map((role) => role.name),
        username: caller.user.username,
      },
      data_access: this.reach.dataAccess(access),
      database_engines: [...new Set(engines)].sort(),
      feature_flags: this.settings.FEATURE_FLAGS,
      instance_summary: {
        total_charts: accessible.charts ?? 0,
        total_dashboards: accessible.dashboards ?? 0,
        total_databases: accessible.databases ?? 0,
        total_datasets: accessible.datasets ?? 0,
      },
      timestamp: new Date().toISOString(),
      tips: TIPS.filter((tip) => isShown(tip, tools)).map((tip) => tip.text),
    };
  }

  @McpResource({
    complete: {
      model_type: (value) => SCHEMA_TARGETS.filter((target) => target.startsWith(value)),
    },
    description:
      'What the list tools can select, filter, sort and search for one model type (chart, ' +
      'dataset, dashboard, database) or all of them; the same content as the get_schema tool.',
    mimeType: JSON_MIME,
    name: 'model_schema',
    template: true,
    title: 'Model schema',
    uri: 'superset://schema/{model_type}',
  })
  async modelSchema(
    uri: string,
    variables: Readonly<Record<string, string>>,
    caller: Caller,
  ): Promise<unknown> {
    await this.reach.assertCanRead(caller, uri, SCHEMA_PERMISSION);
    const target = variables.model_type;
    if (target === 'all') {
      return {
        model_types: MODEL_TYPES,
        schemas: Object.fromEntries(MODEL_TYPES.map((type) => [type, modelSchema(type)])),
      };
    }
    if (!isModelType(target)) {
      throw new McpError(
        ErrorCode.InvalidParams,
        `Resource not found: ${uri} (model types: ${SCHEMA_TARGETS.join(', ')})`,
      );
    }
    return modelSchema(target);
  }

  @McpResource({
    description:
      'Valid chart configurations to start from: Explore form_data examples per chart type, ' +
      'colour schemes, time grains and charting best practices.',
    mimeType: JSON_MIME,
    name: 'chart_configs',
    title: 'Chart configuration examples',
    uri: 'chart://configs',
  })
  async chartConfigs(uri: string, _variables: unknown, caller: Caller): Promise<unknown> {
    await this.reach.assertCanRead(caller, uri, null);
    return {
      best_practices: CHART_BEST_PRACTICES,
      color_schemes: {
        categorical: CATEGORICAL_COLOR_SCHEMES,
        sequential: SEQUENTIAL_COLOR_SCHEMES,
      },
      examples: CHART_CONFIG_EXAMPLES,
      note:
        'Column and metric names in the examples belong to an example orders table; use the ' +
        'names of your dataset.',
      time_grains: TIME_GRAINS,
    };
  }
}

function isModelType(value: string | undefined): value is ModelType {
  return (MODEL_TYPES as readonly string[]).includes(value ?? '');
}
