import { Injectable } from '@nestjs/common';
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';

import type { Caller } from '../../auth/caller.js';
import { InjectSettings } from '../../config/inject-settings.decorator.js';
import type { Settings } from '../../config/settings.js';
import { AccessibleContentRepository } from '../../superset/instance/accessible-content.repository.js';
import { SecurityService } from '../../users/security.service.js';
import type { UserAccess } from '../../users/user-access.js';
import type { RequiredPermission } from '../access/requires-permission.decorator.js';
import { permissionDenial, scopeDenial } from '../access/tool-access.policy.js';
import { toolsVisibleTo } from '../access/tool-visibility.js';
import { ToolRegistry } from '../tool-registry.service.js';

/** Counts of what the caller may list, or null for a kind whose class permission they lack. */
export interface AccessibleSummary {
  readonly dashboards: number | null;
  readonly charts: number | null;
  readonly datasets: number | null;
  readonly databases: number | null;
}

/** The caller's own data grants, in Superset's terms. */
export interface DataAccess {
  readonly all_datasources: boolean;
  readonly all_databases: boolean;
  /** Databases granted whole (`database_access`). */
  readonly database_ids: readonly number[];
  /** `database.catalog` names granted by `catalog_access`. */
  readonly catalogs: readonly string[];
  /** `database.schema` (or `database.catalog.schema`) names granted by `schema_access`. */
  readonly schemas: readonly string[];
  /** Dataset ids granted one by one (`datasource_access`). */
  readonly dataset_ids: readonly number[];
}

const BRACKETED = /\[([^\]]*)\]/g;
const DATASET_ID = /\(id:(\d+)\)$/;

/**
 * What one caller can reach: content counts under their access filters, their data grants, the
 * tools they may call, and the access check resources and prompts share with tools.
 */
@Injectable()
export class CallerReach {
  constructor(
    private readonly content: AccessibleContentRepository,
    private readonly security: SecurityService,
    private readonly tools: ToolRegistry,
    @InjectSettings() private readonly settings: Settings,
  ) {}

  access(caller: Caller): Promise<UserAccess> {
    return this.security.accessFor(caller.user);
  }

  async summary(access: UserAccess): Promise<AccessibleSummary> {
    const readable = (viewMenu: string) =>
      !this.settings.MCP_RBAC_ENABLED || access.can('can_read', viewMenu);
    const count = (viewMenu: string, run: () => Promise<number>): Promise<number | null> =>
      readable(viewMenu) ? run() : Promise.resolve(null);
    const [dashboards, charts, datasets, databases] = await Promise.all([
      count('Dashboard', () =>
        this.content.count('dashboards', (q, alias) =>
          this.security.filterDashboards(q, access, alias),
        ),
      ),
      count('Chart', () =>
        this.content.count('charts', (q, alias) => this.security.filterCharts(q, access, alias)),
      ),
      count('Dataset', () =>
        this.content.count('datasets', (q, alias) =>
          this.security.filterDatasets(q, access, alias),
        ),
      ),
      count('Database', () =>
        this.content.count('databases', (q, alias) =>
          this.security.filterDatabases(q, access, alias),
        ),
      ),
    ]);
    return { charts, dashboards, databases, datasets };
  }

  dataAccess(access: UserAccess): DataAccess {
    return {
      all_databases: access.allDatabases,
      all_datasources: access.allDatasources,
      catalogs: access.catalogPerms.map(dottedName),
      database_ids: [...access.databaseIds],
      dataset_ids: access.datasourcePerms
        .map((perm) => DATASET_ID.exec(perm)?.[1])
        .filter((id): id is string => id !== undefined)
        .map(Number)
        .sort((a, b) => a - b),
      schemas: access.schemaPerms.map(dottedName),
    };
  }

  /** Names of the tools the caller may call, as `tools/list` shows them. */
  async toolNames(caller: Caller): Promise<Set<string>> {
    const access = await this.access(caller);
    const visible = toolsVisibleTo(this.tools.all(), caller, access, this.settings);
    return new Set(visible.map((tool) => tool.options.name));
  }

  /**
   * Resources are reads: the token needs the read scope, and `permission`, when given, is checked
   * like a tool's. Refusals use the tools' wording with the resource URI in place of the tool.
   */
  async assertCanRead(
    caller: Caller,
    uri: string,
    permission: RequiredPermission | null,
  ): Promise<UserAccess> {
    const requirements = { name: uri, permission, readOnly: true };
    const access = await this.access(caller);
    const denial =
      scopeDenial(requirements, caller, this.settings) ??
      permissionDenial(requirements, access, this.settings);
    if (denial) {
      throw new McpError(ErrorCode.InvalidRequest, denial.replace('(tool: ', '(resource: '));
    }
    return access;
  }
}

/** `[examples].[main]` → `examples.main`. */
function dottedName(perm: string): string {
  const parts = [...perm.matchAll(BRACKETED)].map((match) => match[1]);
  return parts.length > 0 ? parts.join('.') : perm;
}
