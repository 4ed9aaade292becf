import { humanizeAgo } from '../../common/humanize.js';
import { untrusted } from '../../common/untrusted-content.js';
import type {
  DashboardChartRow,
  DashboardRecord,
} from '../../superset/dashboards/dashboards.repository.js';
import { parseJsonObject, parseJsonText } from '../../superset/database/metadata-values.js';
import type { SupersetUrls } from '../../superset/superset-urls.service.js';

/** A dashboard as tools return it: every column the list spec names; user-written text marked. */
export function presentDashboard(
  dashboard: DashboardRecord,
  urls: SupersetUrls,
  related: { chartCount?: number; owners?: readonly string[] },
  now: Date,
): Record<string, unknown> {
  return {
    certification_details: untrusted(dashboard.certificationDetails),
    certified_by: untrusted(dashboard.certifiedBy),
    changed_by: dashboard.changedBy,
    changed_on: dashboard.changedOn?.toISOString() ?? null,
    changed_on_humanized: humanizeAgo(dashboard.changedOn, now),
    chart_count: related.chartCount,
    created_by: dashboard.createdBy,
    created_on: dashboard.createdOn?.toISOString() ?? null,
    created_on_humanized: humanizeAgo(dashboard.createdOn, now),
    dashboard_title: untrusted(dashboard.dashboardTitle),
    description: untrusted(dashboard.description),
    embedded_uuid: dashboard.embeddedUuid,
    external_url: dashboard.externalUrl,
    id: dashboard.id,
    is_managed_externally: dashboard.isManagedExternally,
    owners: related.owners ? [...related.owners] : undefined,
    published: dashboard.published,
    slug: dashboard.slug,
    url: urls.dashboard(dashboard.id, dashboard.slug),
    uuid: dashboard.uuid,
  };
}

/** The light chart entry of `get_dashboard_info`'s `charts`. */
export function presentChartSummary(
  chart: DashboardChartRow,
  urls: SupersetUrls,
): Record<string, unknown> {
  return {
    datasource_name: chart.datasourceName,
    description: untrusted(chart.description),
    id: chart.id,
    slice_name: untrusted(chart.sliceName),
    url: urls.chart(chart.id),
    viz_type: chart.vizType,
  };
}

export interface NativeFilterSummary {
  readonly id: string | null;
  readonly name: string | null;
  readonly filter_type: string | null;
  readonly targets: { dataset_id: number | null; column: string | null }[];
}

/** `{id, name, filter_type, targets}` of each native filter in `json_metadata`; [] when unreadable. */
export function nativeFilters(jsonMetadata: string | null): NativeFilterSummary[] {
  const configuration = parseJsonObject(jsonMetadata).native_filter_configuration;
  if (!Array.isArray(configuration)) return [];
  return configuration.filter(isObject).flatMap((filter) => {
    // Dividers are section headings in the filter bar, not filters.
    if (filter.type === 'DIVIDER') return [];
    const targets = Array.isArray(filter.targets) ? filter.targets.filter(isObject) : [];
    return [
      {
        filter_type: stringOrNull(filter.filterType),
        id: stringOrNull(filter.id),
        name: untrusted(stringOrNull(filter.name)),
        targets: targets.flatMap((target) => {
          const column = isObject(target.column) ? stringOrNull(target.column.name) : null;
          const datasetId = integerOrNull(target.datasetId);
          return column === null && datasetId === null ? [] : [{ column, dataset_id: datasetId }];
        }),
      },
    ];
  });
}

/** `json_metadata.cross_filters_enabled`, or null when it is not set. */
export function crossFiltersEnabled(jsonMetadata: string | null): boolean | null {
  const value = parseJsonObject(jsonMetadata).cross_filters_enabled;
  return typeof value === 'boolean' ? value : null;
}

/** One component of the layout tree; `children` only on containers. */
export interface LayoutNode {
  readonly type: string;
  readonly id: string;
  readonly [field: string]: unknown;
}

export interface LayoutTab {
  readonly id: string;
  readonly title: string | null;
  readonly parent_tab_id: string | null;
  /** Charts anywhere under the tab, in layout order. */
  readonly chart_ids: number[];
}

export interface PresentedLayout {
  readonly has_layout: boolean;
  readonly header: string | null;
  /** Top-level components in order; rows, columns and tabs nest their `children`. */
  readonly layout: LayoutNode[];
  readonly tabs: LayoutTab[];
  /** Every chart id in the layout, in reading order. */
  readonly chart_ids: number[];
  readonly note?: string;
}

const MAX_LAYOUT_DEPTH = 64;

/**
 * The v2 `position_json` (a flat map of component id → node) as a tree a model can read. Charts
 * that `chartVisible` rejects keep their place but lose their name. Never throws: a missing or
 * broken layout comes back empty with a note.
 */
export function presentLayout(
  positionJson: string | null,
  chartVisible: (chartId: number) => boolean,
): PresentedLayout {
  const empty = (note: string): PresentedLayout => ({
    chart_ids: [],
    has_layout: false,
    header: null,
    layout: [],
    note,
    tabs: [],
  });
  if (positionJson === null || positionJson.trim() === '') {
    return empty(
      'This dashboard has no saved layout; Superset shows its charts in a default grid. ' +
        'get_dashboard_info lists them.',
    );
  }
  const parsed = parseJsonText(positionJson, undefined);
  if (!isObject(parsed)) {
    return empty(
      'The saved layout (position_json) is not a readable JSON object. get_dashboard_info ' +
        'lists the charts on the dashboard.',
    );
  }
  const nodes = parsed;
  const rootId = isObject(nodes.ROOT_ID) ? 'ROOT_ID' : isObject(nodes.GRID_ID) ? 'GRID_ID' : null;
  if (rootId === null) {
    return empty(
      'The saved layout has no ROOT_ID or GRID_ID component. get_dashboard_info lists the ' +
        'charts on the dashboard.',
    );
  }

  const chartIds: number[] = [];
  const tabs: LayoutTab[] = [];
  const visited = new Set<string>();

  const childIds = (node: Record<string, unknown>): string[] =>
    Array.isArray(node.children)
      ? node.children.filter((child): child is string => typeof child === 'string')
      : [];

  const build = (id: string, depth: number, tabPath: readonly LayoutTab[]): LayoutNode[] => {
    if (visited.has(id) || depth > MAX_LAYOUT_DEPTH) return [];
    const node = nodes[id];
    if (!isObject(node)) return [];
    visited.add(id);
    const type = typeof node.type === 'string' ? node.type : 'UNKNOWN';
    const meta = isObject(node.meta) ? node.meta : {};
    const children = (path: readonly LayoutTab[]) =>
      childIds(node).flatMap((child) => build(child, depth + 1, path));

    switch (type) {
      case 'ROOT':
      case 'GRID':
        return children(tabPath);
      case 'TABS':
        return [{ children: children(tabPath), id, type }];
      case 'TAB': {
        const tab: LayoutTab = {
          chart_ids: [],
          id,
          parent_tab_id: tabPath.at(-1)?.id ?? null,
          title: untrusted(stringOrNull(meta.text) ?? stringOrNull(meta.defaultText)),
        };
        tabs.push(tab);
        return [{ children: children([...tabPath, tab]), id, title: tab.title, type }];
      }
      case 'ROW':
        return [{ children: children(tabPath), id, type }];
      case 'COLUMN':
        return [{ children: children(tabPath), id, type, width: integerOrNull(meta.width) }];
      case 'CHART': {
        const chartId = integerOrNull(meta.chartId);
        if (chartId !== null) {
          if (!chartIds.includes(chartId)) chartIds.push(chartId);
          for (const tab of tabPath)
            if (!tab.chart_ids.includes(chartId)) tab.chart_ids.push(chartId);
        }
        const accessible = chartId !== null && chartVisible(chartId);
        const name = stringOrNull(meta.sliceNameOverride) ?? stringOrNull(meta.sliceName);
        return [
          {
            accessible,
            chart_id: chartId,
            height: integerOrNull(meta.height),
            id,
            name: accessible ? untrusted(name) : null,
            type,
            width: integerOrNull(meta.width),
          },
        ];
      }
      case 'MARKDOWN':
        return [
          {
            height: integerOrNull(meta.height),
            id,
            text: untrusted(stringOrNull(meta.code)),
            type,
            width: integerOrNull(meta.width),
          },
        ];
      case 'HEADER':
        return [
          {
            id,
            size: stringOrNull(meta.headerSize),
            text: untrusted(stringOrNull(meta.text)),
            type,
          },
        ];
      case 'DIVIDER':
        return [{ id, type }];
      default: {
        const nested = children(tabPath);
        return [nested.length > 0 ? { children: nested, id, type } : { id, type }];
      }
    }
  };

  const layout = build(rootId, 0, []);
  const header =
    isObject(nodes.HEADER_ID) && isObject(nodes.HEADER_ID.meta)
      ? untrusted(stringOrNull(nodes.HEADER_ID.meta.text))
      : null;
  return {
    chart_ids: chartIds,
    has_layout: true,
    header,
    layout,
    tabs,
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringOrNull(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

function integerOrNull(value: unknown): number | null {
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  return typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : null;
}
