import { Injectable } from '@nestjs/common';
import { z } from 'zod';

import { ChartsRepository } from '../../superset/charts/charts.repository.js';
import { SupersetUrls } from '../../superset/superset-urls.service.js';
import { SecurityService } from '../../users/security.service.js';
import { RequiresPermission } from '../access/requires-permission.decorator.js';
import { listRequestSchema } from '../listing/list-request.schema.js';
import {
  cacheControlFields,
  columnName,
  identifierSchema,
  REQUEST_LIMITS,
} from '../listing/request-limits.js';
import { ToolError } from '../tool-error.js';
import { ModelLister } from '../listing/model-lister.service.js';
import { isToolFailure, toolFailure } from '../tool-failure.js';
import type { ToolCall } from '../tool-call.js';
import { Tool } from '../tool.decorator.js';
import { CHART_LIST } from './chart-list.columns.js';
import { chartFilters, presentChart } from './chart.presenter.js';

const ListChartsRequest = listRequestSchema(CHART_LIST, {
  created_by_me: z.boolean().optional().describe('Only charts you created.'),
  edited_by_me: z.boolean().optional().describe('Only charts you changed last.'),
});

const Identifier = identifierSchema('Chart id or UUID.');

const GetChartInfoRequest = z
  .strictObject({
    identifier: Identifier.optional(),
    id: Identifier.optional().describe('Alias of identifier.'),
    chart_id: Identifier.optional().describe('Alias of identifier.'),
    select_columns: z
      .array(columnName)
      .max(REQUEST_LIMITS.select_columns_max_items)
      .optional()
      .describe('Extra fields, e.g. ["form_data"].'),
    include_form_data: z.boolean().optional().describe('Also return the full form_data.'),
    form_data_key: z
      .string()
      .optional()
      .describe(
        "Key of an unsaved chart state in Superset's explore cache (upstream's contract). Not " +
          'supported yet: a call with it is refused, naming it; use identifier.',
      ),
    ...cacheControlFields,
  })
  .refine(
    (request) =>
      (request.identifier ?? request.id ?? request.chart_id ?? request.form_data_key) !== undefined,
    {
      message: 'identifier is required (chart id or UUID)',
      path: ['identifier'],
    },
  );

const HEAVY_INFO_FIELDS = ['form_data', 'params', 'query_context'];

/** Chart discovery: list and inspect charts the caller may see. */
@Injectable()
export class ChartsTools {
  constructor(
    private readonly charts: ChartsRepository,
    private readonly security: SecurityService,
    private readonly lister: ModelLister,
    private readonly urls: SupersetUrls,
  ) {}

  @Tool({
    description:
      'List the charts you can see, with filters [{col, opr, value}] or free-text search, ' +
      'ordering and 1-based pages (page_size at most 100). Returns lean columns unless ' +
      'select_columns asks for more; get_schema(model_type="chart") lists them all. Filter ' +
      'charts on a dashboard with {"col": "dashboards", "opr": "eq", "value": <dashboard id>}.',
    input: z.strictObject({ request: ListChartsRequest.optional() }),
    name: 'list_charts',
    readOnly: true,
    tags: ['core'],
    title: 'List charts',
  })
  @RequiresPermission('can_read', 'Chart')
  async listCharts(
    args: { request?: z.output<typeof ListChartsRequest> },
    call: ToolCall,
  ): Promise<unknown> {
    const request = args.request ?? ListChartsRequest.parse({});
    const access = await this.security.accessFor(call.caller.user);
    const query = this.charts.listQuery((q, alias) => this.security.filterCharts(q, access, alias));
    if (request.created_by_me) query.andWhere('s.created_by_fk = :me', { me: call.caller.user.id });
    if (request.edited_by_me) query.andWhere('s.changed_by_fk = :me', { me: call.caller.user.id });
    const page = await this.lister.page(CHART_LIST, request, query);
    if (isToolFailure(page)) return page;
    const heavy = page.columns.some((column) => CHART_LIST.columns[column]?.heavy);
    const records = await this.charts.findByIds(page.ids, heavy);
    const dashboards = page.columns.includes('dashboards')
      ? await this.charts.dashboardsOf(page.ids)
      : undefined;
    const now = new Date();
    return this.lister.envelope(
      CHART_LIST,
      page,
      records.map((chart) =>
        presentChart(
          chart,
          this.urls,
          dashboards ? (dashboards.get(chart.id) ?? []) : undefined,
          now,
        ),
      ),
    );
  }

  @Tool({
    description:
      'Get one chart by id or UUID: type, dataset, owners-written description, dashboards it is ' +
      'on, and the filters it applies. The full form_data (often large) only with ' +
      'include_form_data=true or select_columns=["form_data"].',
    input: z.strictObject({ request: GetChartInfoRequest }),
    name: 'get_chart_info',
    readOnly: true,
    tags: ['discovery'],
    title: 'Chart details',
  })
  @RequiresPermission('can_read', 'Chart')
  async getChartInfo(
    args: { request: z.output<typeof GetChartInfoRequest> },
    call: ToolCall,
  ): Promise<unknown> {
    const { request } = args;
    if (request.form_data_key !== undefined) {
      throw new ToolError(
        'invalid_request',
        'form_data_key is not supported yet: this service does not read the explore cache. ' +
          "Call get_chart_info with the saved chart's identifier (id or UUID) instead.",
      );
    }
    const identifier = (request.identifier ?? request.id ?? request.chart_id) as number | string;
    const access = await this.security.accessFor(call.caller.user);
    const chart = await this.charts.findOne(identifier, (q, alias) =>
      this.security.filterCharts(q, access, alias),
    );
    if (!chart) {
      return toolFailure('NotFound', `No chart found with identifier '${identifier}'.`, {
        suggestions: ['Use list_charts to find chart ids.'],
      });
    }
    const dashboards = (await this.charts.dashboardsOf([chart.id])).get(chart.id) ?? [];
    const item = presentChart(chart, this.urls, dashboards, new Date());
    const wanted = new Set(request.select_columns ?? []);
    if (request.include_form_data) wanted.add('form_data');
    const formData = (item.form_data ?? {}) as Record<string, unknown>;
    const omitted = HEAVY_INFO_FIELDS.filter((field) => !wanted.has(field));
    for (const field of omitted) delete item[field];
    return {
      ...item,
      filters: chartFilters(formData),
      omitted_fields: omitted,
    };
  }
}
