import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';

import { SqlModule } from '../sql/sql.module.js';
import { SupersetModule } from '../superset/superset.module.js';
import { UsersModule } from '../users/users.module.js';
import { ChartsTools } from './charts/charts.tool.js';
import { DashboardsTools } from './dashboards/dashboards.tool.js';
import { DatabasesTools } from './databases/databases.tool.js';
import { DatasetsTools } from './datasets/datasets.tool.js';
import { ModelLister } from './listing/model-lister.service.js';
import { McpFeatureRegistry } from './mcp-feature.registry.js';
import { QueriesTools } from './queries/queries.tool.js';
import { SavedQueriesTools } from './queries/saved-queries.tool.js';
import { SqlLabLinkTools } from './queries/sql-lab-link.tool.js';
import { CallerReach } from './system/caller-reach.service.js';
import { SchemaTools } from './system/schema.tool.js';
import { SqlLabTools } from './sql-lab/sql-lab.tool.js';
import { SystemPrompts } from './system/system.prompt.js';
import { SystemResources } from './system/system.resource.js';
import { SystemTools } from './system/system.tool.js';
import { ToolCallObservers } from './tool-call-observers.service.js';
import { ToolExecutor } from './tool-executor.service.js';
import { ToolRegistry } from './tool-registry.service.js';

@Module({
  exports: [McpFeatureRegistry, ToolCallObservers, ToolExecutor, ToolRegistry],
  imports: [DiscoveryModule, SqlModule.forSettings(), SupersetModule, UsersModule],
  providers: [
    CallerReach,
    ChartsTools,
    DashboardsTools,
    DatabasesTools,
    DatasetsTools,
    McpFeatureRegistry,
    ModelLister,
    QueriesTools,
    SavedQueriesTools,
    SqlLabLinkTools,
    SchemaTools,
    SqlLabTools,
    SystemPrompts,
    SystemResources,
    SystemTools,
    ToolCallObservers,
    ToolExecutor,
    ToolRegistry,
  ],
})
export class ToolsModule {}
