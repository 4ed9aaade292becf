import { humanizeAgo } from '../../common/humanize.js';
import { untrusted } from '../../common/untrusted-content.js';
import type { ChartRecord } from '../../superset/charts/charts.repository.js';
import { parseJsonObject } from '../../superset/database/metadata-values.js';
import type { SupersetUrls } from '../../superset/superset-urls.service.js';

/** A chart as tools return it: every column the list spec names; user-written text marked. */
export function presentChart(
  chart: ChartRecord,
  urls: SupersetUrls,
  dashboards: readonly { id: number; title: string | null }[] | undefined,
  now: Date,
): Record<string, unknown> {
  return {
    cache_timeout: chart.cacheTimeout,
    certification_details: untrusted(chart.certificationDetails),
    certified_by: untrusted(chart.certifiedBy),
    changed_by: chart.changedBy,
    changed_on: chart.changedOn?.toISOString() ?? null,
    changed_on_humanized: humanizeAgo(chart.changedOn, now),
    created_by: chart.createdBy,
    created_on: chart.createdOn?.toISOString() ?? null,
    created_on_humanized: humanizeAgo(chart.createdOn, now),
    dashboards: dashboards?.map((dashboard) => ({
      dashboard_title: untrusted(dashboard.title),
      id: dashboard.id,
    })),
    datasource_id: chart.datasourceId,
    datasource_name: chart.datasourceName,
    datasource_type: chart.datasourceType,
    description: untrusted(chart.description),
    form_data: chart.params === null ? undefined : parseJsonObject(chart.params),
    id: chart.id,
    params: chart.params ?? undefined,
    query_context: chart.queryContext ?? undefined,
    slice_name: untrusted(chart.sliceName),
    url: urls.chart(chart.id),
    uuid: chart.uuid,
    viz_type: chart.vizType,
  };
}

/** The filters a chart's form data applies, for `get_chart_info`. */
export function chartFilters(formData: Record<string, unknown>): Record<string, unknown> {
  return {
    adhoc_filters: Array.isArray(formData.adhoc_filters) ? formData.adhoc_filters : [],
    extra_filters: formData.extra_filters ?? null,
    granularity_sqla: formData.granularity_sqla ?? null,
    having: formData.having ?? null,
    time_range: formData.time_range ?? null,
    where: formData.where ?? null,
  };
}
