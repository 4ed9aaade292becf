import { Module } from '@nestjs/common';

import { ChartsRepository } from './charts/charts.repository.js';
import { DashboardsRepository } from './dashboards/dashboards.repository.js';
import { DatabasesRepository } from './databases/databases.repository.js';
import { DatasetsRepository } from './datasets/datasets.repository.js';
import { AccessibleContentRepository } from './instance/accessible-content.repository.js';
import { InstanceStatsRepository } from './instance/instance-stats.repository.js';
import { SqlLabQueriesRepository } from './queries/sql-lab-queries.repository.js';
import { QueriesRepository } from './queries/queries.repository.js';
import { SavedQueriesRepository } from './saved-queries/saved-queries.repository.js';
import { SupersetUrls } from './superset-urls.service.js';

const PROVIDERS = [
  AccessibleContentRepository,
  ChartsRepository,
  DashboardsRepository,
  DatabasesRepository,
  DatasetsRepository,
  InstanceStatsRepository,
  SqlLabQueriesRepository,
  QueriesRepository,
  SavedQueriesRepository,
  SupersetUrls,
];

@Module({ exports: PROVIDERS, providers: PROVIDERS })
export class SupersetModule {}
