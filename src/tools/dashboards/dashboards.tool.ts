import { Injectable } from '@nestjs/common';
import { z } from 'zod';

import { InjectSettings } from '../../config/inject-settings.decorator.js';
import type { Settings } from '../../config/settings.js';
import type { RowFilter } from '../../superset/charts/charts.repository.js';
import {
  type DashboardMatch,
  type DashboardRecord,
  DashboardsRepository,
} from '../../superset/dashboards/dashboards.repository.js';
import { parseJsonObject } from '../../superset/database/metadata-values.js';
import { SupersetUrls } from '../../superset/superset-urls.service.js';
import { untrusted } from '../../common/untrusted-content.js';
import { SecurityService } from '../../users/security.service.js';
import type { UserAccess } from '../../users/user-access.js';
import { RequiresPermission } from '../access/requires-permission.decorator.js';
import { listRequestSchema } from '../listing/list-request.schema.js';
import { sortSql } from '../listing/list-spec.js';
import {
  cacheControlFields,
  columnName,
  identifierSchema,
  REQUEST_LIMITS,
  unknownNamesError,
} from '../listing/request-limits.js';
import { ToolError } from '../tool-error.js';
import { ModelLister } from '../listing/model-lister.service.js';
import { isToolFailure, toolFailure, type ToolFailure } from '../tool-failure.js';
import type { ToolCall } from '../tool-call.js';
import { Tool } from '../tool.decorator.js';
import { DASHBOARD_LIST, FAVORITE_USER_PARAMETER } from './dashboard-list.columns.js';
import {
  crossFiltersEnabled,
  nativeFilters,
  presentChartSummary,
  presentDashboard,
  presentLayout,
} from './dashboard.presenter.js';

const ListDashboardsRequest = listRequestSchema(DASHBOARD_LIST, {
  created_by_me: z.boolean().optional().describe('Only dashboards you created.'),
  edited_by_me: z.boolean().optional().describe('Only dashboards you changed last.'),
});

const Identifier = identifierSchema('Dashboard id, UUID or slug.');

const identifierFields = {
  identifier: Identifier.optional(),
  id: Identifier.optional().describe('Alias of identifier.'),
  dashboard_id: Identifier.optional().describe('Alias of identifier.'),
  permalink_key: z
    .string()
    .optional()
    .describe(
      "Key of a dashboard permalink (upstream's contract: the dashboard with the permalink's " +
        'filter and tab state). Not supported yet: a call with it is refused, naming it; use ' +
        'identifier.',
    ),
  ...cacheControlFields,
};

const identifierRequired = {
  message: 'identifier is required (dashboard id, UUID or slug)',
  path: ['identifier'],
};

const hasIdentifier = (request: {
  identifier?: number | string;
  id?: number | string;
  dashboard_id?: number | string;
  permalink_key?: string;
}) =>
  (request.identifier ?? request.id ?? request.dashboard_id ?? request.permalink_key) !== undefined;

/** Large or raw fields `get_dashboard_info` leaves out unless `select_columns` names them. */
const EXTRA_INFO_FIELDS = {
  css: 'Raw dashboard CSS. Ask with select_columns=["css"].',
  json_metadata:
    'Raw dashboard settings; native_filters and cross_filters_enabled above are extracted ' +
    'from it. Ask with select_columns=["json_metadata"].',
  position_json:
    'Internal layout tree. Call get_dashboard_layout(identifier) for the tabs, rows and chart ' +
    'positions in readable form, or ask with select_columns=["position_json"].',
} as const;

type ExtraInfoField = keyof typeof EXTRA_INFO_FIELDS;

const INFO_FIELDS = [
  'id',
  'dashboard_title',
  'slug',
  'description',
  'certified_by',
  'certification_details',
  'published',
  'is_managed_externally',
  'external_url',
  'created_on',
  'changed_on',
  'uuid',
  'embedded_uuid',
  'url',
  'created_on_humanized',
  'changed_on_humanized',
  'created_by',
  'changed_by',
  'owners',
  'chart_count',
  'charts',
  'native_filters',
  'cross_filters_enabled',
] as const;

const GetDashboardInfoRequest = z
  .strictObject({
    ...identifierFields,
    select_columns: z
      .array(columnName)
      .max(REQUEST_LIMITS.select_columns_max_items)
      .optional()
      .describe('Extra fields: "css", "json_metadata", "position_json".'),
  })
  .refine(hasIdentifier, identifierRequired);

const GetDashboardLayoutRequest = z
  .strictObject(identifierFields)
  .refine(hasIdentifier, identifierRequired);

/** Dashboard discovery: list dashboards, inspect one, read its layout — as the caller may see them. */
@Injectable()
export class DashboardsTools {
  constructor(
    private readonly dashboards: DashboardsRepository,
    private readonly security: SecurityService,
    private readonly lister: ModelLister,
    private readonly urls: SupersetUrls,
    @InjectSettings() private readonly settings: Settings,
  ) {}

  @Tool({
    description:
      'List the dashboards you can see, with filters [{col, opr, value}] or free-text search ' +
      'over title and slug, ordering and 1-based pages (page_size at most 100). Returns lean ' +
      'columns unless select_columns asks for more; get_schema(model_type="dashboard") lists ' +
      'them all. Filter by a person with created_by_fk, changed_by_fk or editor (user ids), ' +
      'your favourites with {"col": "favorite", "opr": "eq", "value": true}.',
    input: z.strictObject({ request: ListDashboardsRequest.optional() }),
    name: 'list_dashboards',
    readOnly: true,
    tags: ['core'],
    title: 'List dashboards',
  })
  @RequiresPermission('can_read', 'Dashboard')
  async listDashboards(
    args: { request?: z.output<typeof ListDashboardsRequest> },
    call: ToolCall,
  ): Promise<unknown> {
    const request = args.request ?? ListDashboardsRequest.parse({});
    const me = call.caller.user.id;
    const access = await this.security.accessFor(call.caller.user);
    const orderSql =
      sortSql(DASHBOARD_LIST, request.order_column ?? DASHBOARD_LIST.defaultOrder.column) ?? '';
    const shape = await this.security.dashboardListShape(access, orderSql.replace(/^d\./, ''));
    const query = this.dashboards.listQuery((q, alias) =>
      this.security.filterDashboards(q, access, alias, shape),
    );
    query.setParameter(FAVORITE_USER_PARAMETER, me);
    if (request.created_by_me) query.andWhere('d.created_by_fk = :me', { me });
    if (request.edited_by_me) query.andWhere('d.changed_by_fk = :me', { me });
    const page = await this.lister.page(DASHBOARD_LIST, request, query);
    if (isToolFailure(page)) return page;
    const records = await this.dashboards.findByIds(page.ids, false);
    const chartCounts = page.columns.includes('chart_count')
      ? await this.dashboards.chartCounts(page.ids, this.chartFilter(access))
      : undefined;
    const owners = page.columns.includes('owners')
      ? await this.dashboards.ownersOf(page.ids)
      : undefined;
    const now = new Date();
    return this.lister.envelope(
      DASHBOARD_LIST,
      page,
      records.map((dashboard) =>
        presentDashboard(
          dashboard,
          this.urls,
          { chartCount: chartCounts?.get(dashboard.id), owners: owners?.get(dashboard.id) },
          now,
        ),
      ),
    );
  }

  @Tool({
    description:
      'Get one dashboard by id, UUID or slug (a slugified title such as "sales-overview" also ' +
      'works): description, certification, owners, its native filters, and a summary of the ' +
      'charts on it that you can see (at most 100; chart_count has the total). css, ' +
      'json_metadata and position_json only with select_columns; get_dashboard_layout gives ' +
      'the layout in readable form.',
    input: z.strictObject({ request: GetDashboardInfoRequest }),
    name: 'get_dashboard_info',
    readOnly: true,
    tags: ['discovery'],
    title: 'Dashboard details',
  })
  @RequiresPermission('can_read', 'Dashboard')
  async getDashboardInfo(
    args: { request: z.output<typeof GetDashboardInfoRequest> },
    call: ToolCall,
  ): Promise<unknown> {
    const { request } = args;
    const requested = request.select_columns ?? [];
    const known = new Set<string>([...INFO_FIELDS, ...Object.keys(EXTRA_INFO_FIELDS)]);
    const unknown = requested.filter((field) => !known.has(field));
    if (unknown.length > 0)
      throw unknownNamesError(call.tool, 'select_columns', unknown, [...known]);
    const found = await this.find(request, call);
    if (isToolFailure(found)) return found;
    const { access, dashboard, warnings } = found;

    const maxCharts = this.settings.MCP_RESPONSE_SIZE_CONFIG.max_list_items;
    const charts = await this.dashboards.chartsOn(
      dashboard.id,
      this.chartFilter(access),
      maxCharts,
    );
    if (charts.total > charts.charts.length) {
      warnings.push(
        `Showing ${charts.charts.length} of the ${charts.total} charts on this dashboard; page ` +
          `through all of them with list_charts and filters ` +
          `[{"col": "dashboards", "opr": "eq", "value": ${dashboard.id}}].`,
      );
    }
    const owners = (await this.dashboards.ownersOf([dashboard.id])).get(dashboard.id) ?? [];
    const item = presentDashboard(
      dashboard,
      this.urls,
      { chartCount: charts.total, owners },
      new Date(),
    );
    const info: Record<string, unknown> = {};
    for (const field of INFO_FIELDS) {
      if (item[field] !== undefined) info[field] = item[field];
    }
    info.charts = charts.charts.map((chart) => presentChartSummary(chart, this.urls));
    info.native_filters = nativeFilters(dashboard.jsonMetadata);
    info.cross_filters_enabled = crossFiltersEnabled(dashboard.jsonMetadata);

    const raw: Record<ExtraInfoField, string | null> = {
      css: dashboard.css,
      json_metadata: dashboard.jsonMetadata,
      position_json: dashboard.positionJson,
    };
    const omitted: Record<string, string> = {};
    for (const field of Object.keys(EXTRA_INFO_FIELDS) as ExtraInfoField[]) {
      if (requested.includes(field)) {
        info[field] = field === 'css' ? untrusted(raw.css) : parseJsonObject(raw[field]);
      } else if (raw[field] !== null && raw[field].trim() !== '') {
        omitted[field] = EXTRA_INFO_FIELDS[field];
      }
    }
    info.omitted_fields = omitted;
    if (warnings.length > 0) info.warnings = warnings;
    return info;
  }

  @Tool({
    description:
      'Get the layout of one dashboard (id, UUID or slug) as a tree: tabs with their titles, ' +
      'rows, columns, charts (chart_id, name, width and height in grid units of 12), markdown ' +
      'blocks, headers and dividers; plus chart_ids in reading order and, per tab, the charts ' +
      'under it. Charts you cannot access keep their place without a name.',
    input: z.strictObject({ request: GetDashboardLayoutRequest }),
    name: 'get_dashboard_layout',
    readOnly: true,
    tags: ['discovery'],
    title: 'Dashboard layout',
  })
  @RequiresPermission('can_read', 'Dashboard')
  async getDashboardLayout(
    args: { request: z.output<typeof GetDashboardLayoutRequest> },
    call: ToolCall,
  ): Promise<unknown> {
    const found = await this.find(args.request, call);
    if (isToolFailure(found)) return found;
    const { access, dashboard, warnings } = found;
    const placed = presentLayout(dashboard.positionJson, () => true).chart_ids;
    const visible = await this.dashboards.visibleChartIds(placed, this.chartFilter(access));
    const layout = presentLayout(dashboard.positionJson, (chartId) => visible.has(chartId));
    return {
      dashboard_title: untrusted(dashboard.dashboardTitle),
      id: dashboard.id,
      url: this.urls.dashboard(dashboard.id, dashboard.slug),
      uuid: dashboard.uuid,
      ...layout,
      ...(warnings.length > 0 ? { warnings } : {}),
    };
  }

  private async find(
    request: {
      identifier?: number | string;
      id?: number | string;
      dashboard_id?: number | string;
      permalink_key?: string;
    },
    call: ToolCall,
  ): Promise<{ access: UserAccess; dashboard: DashboardRecord; warnings: string[] } | ToolFailure> {
    if (request.permalink_key !== undefined) {
      throw new ToolError(
        'invalid_request',
        `permalink_key is not supported yet by ${call.tool}: this service does not read ` +
          "Superset's permalink store. Call it with the dashboard's identifier (id, UUID or " +
          'slug) instead.',
      );
    }
    const identifier = (request.identifier ?? request.id ?? request.dashboard_id) as
      number | string;
    const access = await this.security.accessFor(call.caller.user);
    const found = await this.dashboards.findOne(identifier, (q, alias) =>
      this.security.filterDashboard(q, access, alias),
    );
    if (!found) {
      return toolFailure('NotFound', `No dashboard found with identifier '${identifier}'.`, {
        suggestions: [
          'Use list_dashboards (search matches titles and slugs) to find dashboard ids.',
        ],
      });
    }
    return {
      access,
      dashboard: found.dashboard,
      warnings: matchWarnings(identifier, found.matchedBy, found.dashboard.id),
    };
  }

  private chartFilter(access: UserAccess): RowFilter {
    return (query, alias) => this.security.filterCharts(query, access, alias);
  }
}

function matchWarnings(
  identifier: number | string,
  matchedBy: DashboardMatch,
  id: number,
): string[] {
  if (matchedBy !== 'title') return [];
  return [
    `No dashboard has the id, UUID or slug '${identifier}'; used dashboard ${id}, the first ` +
      'whose title gives that slug. Use its id from now on.',
  ];
}
