import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';

import { SupersetModule } from '../superset/superset.module.js';
import { UsersModule } from '../users/users.module.js';
import { ChartsTools } from './charts/charts.tool.js';
import { DashboardsTools } from './dashboards/dashboards.tool.js';
import { DatabasesTools } from './databases/databases.tool.js';
import { DatasetsTools } from './datasets/datasets.tool.js';
import { ModelLister } from './listing/model-lister.service.js';
import { McpFeatureRegistry } from './mcp-feature.registry.js';
import { SystemTools } from './system/system.tool.js';
import { ToolExecutor } from './tool-executor.service.js';
import { ToolRegistry } from './tool-registry.service.js';

@Module({
  exports: [McpFeatureRegistry, ToolExecutor, ToolRegistry],
  imports: [DiscoveryModule, SupersetModule, UsersModule],
  providers: [
    ChartsTools,
    DashboardsTools,
    DatabasesTools,
    DatasetsTools,
    McpFeatureRegistry,
    ModelLister,
    SystemTools,
    ToolExecutor,
    ToolRegistry,
  ],
})
export class ToolsModule {}
