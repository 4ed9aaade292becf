import { arch, platform } from 'node:os';

import { Injectable } from '@nestjs/common';
import { z } from 'zod';

import { APP_VERSION } from '../../common/app-info.js';
import {
  type InstanceScope,
  InstanceStatsRepository,
} from '../../superset/instance/instance-stats.repository.js';
import { SecurityService } from '../../users/security.service.js';
import type { ToolCall } from '../tool-call.js';
import { Tool } from '../tool.decorator.js';
import { CallerReach } from './caller-reach.service.js';

const EmptyRequest = z.strictObject({});

const TOP_LIST_SIZE = 5;

/** Service health and a summary of the Superset instance and the caller. */
@Injectable()
export class SystemTools {
  private readonly startedAt = Date.now();

  constructor(
    private readonly stats: InstanceStatsRepository,
    private readonly reach: CallerReach,
    private readonly security: SecurityService,
  ) {}

  @Tool({
    description:
      'Check that the Superset MCP service is up and can reach the Superset metadata database. ' +
      'Takes no arguments.',
    input: z.strictObject({}),
    name: 'health_check',
    readOnly: true,
    tags: ['core'],
    title: 'Health check',
  })
  async healthCheck(): Promise<Record<string, unknown>> {
    let database = 'ok';
    try {
      await this.stats.ping();
    } catch {
      database = 'unreachable';
    }
    return {
      database,
      node_version: process.versions.node,
      platform: `${platform()}-${arch()}`,
      service: 'Superset MCP Service',
      status: database === 'ok' ? 'healthy' : 'error',
      timestamp: new Date().toISOString(),
      uptime_seconds: Math.round((Date.now() - this.startedAt) / 1000),
      version: APP_VERSION,
    };
  }

  @Tool({
    description:
      'Get an overview of this Superset instance as you may see it: how many dashboards, ' +
      'charts, datasets and databases you can see, their recent activity and breakdowns, who ' +
      'created most of your visible charts, and which database engines you can use (every ' +
      'figure counts only what you may see; users and roles are counted for Admin only); ' +
      'who you are (your Superset user and roles); accessible_summary repeats your counts ' +
      'with null where your roles cannot read that kind; data_access lists your data grants. ' +
      'Call it first. Takes an empty request.',
    input: z.strictObject({ request: EmptyRequest.optional() }),
    name: 'get_instance_info',
    readOnly: true,
    tags: ['core'],
    title: 'Instance overview',
  })
  async getInstanceInfo(_args: unknown, call: ToolCall): Promise<Record<string, unknown>> {
    const now = new Date();
    const user = call.caller.user;
    const access = await this.reach.access(call.caller);
    const scope: InstanceScope = {
      allTags: access.isAdmin,
      content: this.security.readableContent(access),
      roles: access.isAdmin || access.can('can_read', 'Role'),
      users: access.isAdmin || access.can('can_read', 'User'),
    };
    const [{ dashboards, recent, totals }, backends, principals, topCreators, tags] =
      await Promise.all([
        this.stats.content(scope, now),
        this.stats.databaseBackends(scope),
        this.stats.principals(scope),
        this.stats.topCreators(scope, TOP_LIST_SIZE),
        this.stats.tags(scope, TOP_LIST_SIZE),
      ]);
    const byType: Record<string, number> = {};
    for (const backend of backends) byType[backend] = (byType[backend] ?? 0) + 1;
    const readable = (kind: keyof InstanceScope['content'], total: number) =>
      scope.content[kind] ? total : null;
    return {
      accessible_summary: {
        charts: readable('charts', totals.charts),
        dashboards: readable('dashboards', totals.dashboards),
        databases: readable('databases', backends.length),
        datasets: readable('datasets', totals.datasets),
      },
      current_user: {
        active: user.active,
        email: user.email,
        first_name: user.firstName,
        id: user.id,
        last_name: user.lastName,
        roles: user.roles.map((role) => role.name),
        username: user.username,
      },
      dashboard_breakdown: {
        certified: dashboards.certified,
        published: dashboards.published,
        unpublished: dashboards.unpublished,
        with_charts: dashboards.withCharts,
        without_charts: dashboards.withoutCharts,
      },
      data_access: this.reach.dataAccess(access),
      database_breakdown: { by_type: byType },
      feature_availability: { accessible_menus: access.viewMenusWith('menu_access') },
      instance_summary: {
        avg_charts_per_dashboard:
          totals.dashboards === 0
            ? 0
            : Math.round((totals.dashboardChartLinks / totals.dashboards) * 100) / 100,
        total_charts: totals.charts,
        total_dashboards: totals.dashboards,
        total_databases: backends.length,
        total_datasets: totals.datasets,
        total_roles: principals.roles,
        total_tags: tags.total,
        total_users: principals.users,
      },
      popular_content: { top_creators: topCreators, top_tags: tags.top },
      recent_activity: {
        charts_created_last_30_days: recent.chartsCreated30d,
        charts_modified_last_7_days: recent.chartsModified7d,
        dashboards_created_last_30_days: recent.dashboardsCreated30d,
        dashboards_modified_last_7_days: recent.dashboardsModified7d,
        datasets_created_last_30_days: recent.datasetsCreated30d,
        datasets_modified_last_7_days: recent.datasetsModified7d,
      },
      timestamp: now.toISOString(),
    };
  }
}
