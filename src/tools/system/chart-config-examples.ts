/**
 * Explore form_data examples for the chart types assistants are asked for most, written the way
 * Superset itself saves them (the demo's charts are built the same way). Column and metric names
 * are those of an orders table (`order_date`, `revenue`, `region`, …) and must be replaced with a
 * real dataset's names from its columns and saved metrics.
 */
export interface ChartConfigExample {
  readonly viz_type: string;
  readonly name: string;
  readonly use_for: string;
  readonly needs: string;
  readonly form_data: Readonly<Record<string, unknown>>;
}

const ALL_TIME = {
  clause: 'WHERE',
  comparator: 'No filter',
  expressionType: 'SIMPLE',
  operator: 'TEMPORAL_RANGE',
  subject: 'order_date',
};

const NOT_CANCELLED = {
  clause: 'WHERE',
  comparator: ['Cancelled'],
  expressionType: 'SIMPLE',
  operator: 'NOT IN',
  subject: 'status',
};

const SUM_OF_QUANTITY = {
  aggregate: 'SUM',
  column: { column_name: 'quantity', type: 'INTEGER' },
  expressionType: 'SIMPLE',
  hasCustomLabel: true,
  label: 'Units sold',
};

const AVERAGE_ORDER_VALUE = {
  expressionType: 'SQL',
  hasCustomLabel: true,
  label: 'Average order value',
  sqlExpression: 'SUM(revenue) / COUNT(*)',
};

const TIMESERIES = {
  adhoc_filters: [ALL_TIME],
  color_scheme: 'supersetColors',
  groupby: [],
  legendOrientation: 'top',
  legendType: 'scroll',
  order_desc: true,
  rich_tooltip: true,
  row_limit: 10000,
  show_legend: true,
  time_grain_sqla: 'P1M',
  time_range: 'No filter',
  x_axis: 'order_date',
  x_axis_time_format: 'smart_date',
  y_axis_format: 'SMART_NUMBER',
};

export const CHART_CONFIG_EXAMPLES: readonly ChartConfigExample[] = [
  {
    form_data: {
      ...TIMESERIES,
      markerEnabled: true,
      metrics: ['sum__revenue'],
      seriesType: 'line',
      viz_type: 'echarts_timeseries_line',
      y_axis_format: '$,.0f',
    },
    name: 'Line chart',
    needs: 'a temporal column (x_axis) and one or more metrics',
    use_for: 'a trend over time',
    viz_type: 'echarts_timeseries_line',
  },
  {
    form_data: {
      ...TIMESERIES,
      groupby: ['region'],
      metrics: ['sum__revenue'],
      orientation: 'vertical',
      stack: 'Stack',
      time_grain_sqla: 'P3M',
      viz_type: 'echarts_timeseries_bar',
    },
    name: 'Bar chart',
    needs: 'an x_axis (temporal or categorical), metrics, optional groupby for series',
    use_for: 'comparing amounts across periods or categories; stack to show parts of a whole',
    viz_type: 'echarts_timeseries_bar',
  },
  {
    form_data: {
      ...TIMESERIES,
      groupby: ['product_line'],
      metrics: [SUM_OF_QUANTITY],
      opacity: 0.2,
      stack: 'Stack',
      time_grain_sqla: 'P1W',
      viz_type: 'echarts_area',
    },
    name: 'Area chart',
    needs: 'a temporal x_axis, metrics, a groupby for the stacked series',
    use_for: 'how the parts of a total change over time',
    viz_type: 'echarts_area',
  },
  {
    form_data: {
      adhoc_filters: [ALL_TIME],
      color_scheme: 'supersetColors',
      donut: true,
      groupby: ['product_line'],
      innerRadius: 30,
      label_type: 'key_percent',
      metric: 'sum__revenue',
      number_format: 'SMART_NUMBER',
      outerRadius: 70,
      row_limit: 100,
      show_labels: true,
      show_legend: true,
      sort_by_metric: true,
      time_range: 'No filter',
      viz_type: 'pie',
    },
    name: 'Pie / donut chart',
    needs: 'one dimension (groupby) and one metric',
    use_for: 'shares of a whole with few (at most 7) categories',
    viz_type: 'pie',
  },
  {
    form_data: {
      adhoc_filters: [ALL_TIME],
      all_columns: [],
      groupby: ['product_line', 'product'],
      metrics: ['sum__revenue', SUM_OF_QUANTITY],
      order_desc: true,
      percent_metrics: [],
      query_mode: 'aggregate',
      row_limit: 10,
      server_page_length: 10,
      show_cell_bars: true,
      table_timestamp_format: 'smart_date',
      time_range: 'No filter',
      timeseries_limit_metric: 'sum__revenue',
      viz_type: 'table',
    },
    name: 'Table (aggregated)',
    needs: "query_mode 'aggregate' with groupby and metrics, or 'raw' with all_columns",
    use_for: 'exact values, rankings and top-N lists',
    viz_type: 'table',
  },
  {
    form_data: {
      adhoc_filters: [ALL_TIME, NOT_CANCELLED],
      aggregateFunction: 'Sum',
      colTotals: true,
      groupbyColumns: ['deal_size'],
      groupbyRows: ['country'],
      metrics: ['sum__revenue', 'count'],
      metricsLayout: 'COLUMNS',
      row_limit: 10000,
      rowTotals: true,
      time_range: 'No filter',
      valueFormat: 'SMART_NUMBER',
      viz_type: 'pivot_table_v2',
    },
    name: 'Pivot table',
    needs: 'row and column dimensions and metrics',
    use_for: 'cross-tabulating a metric over two dimensions with totals',
    viz_type: 'pivot_table_v2',
  },
  {
    form_data: {
      adhoc_filters: [ALL_TIME, NOT_CANCELLED],
      header_font_size: 0.4,
      metric: 'sum__revenue',
      subheader: 'excluding cancelled orders',
      subheader_font_size: 0.15,
      time_range: 'No filter',
      viz_type: 'big_number_total',
      y_axis_format: 'SMART_NUMBER',
    },
    name: 'Big number',
    needs: 'one metric',
    use_for: 'a single headline KPI',
    viz_type: 'big_number_total',
  },
  {
    form_data: {
      adhoc_filters: [ALL_TIME],
      compare_lag: 7,
      compare_suffix: 'WoW',
      metric: 'count',
      show_trend_line: true,
      start_y_axis_at_zero: true,
      time_grain_sqla: 'P1D',
      time_range: 'No filter',
      viz_type: 'big_number',
      x_axis: 'order_date',
      y_axis_format: 'SMART_NUMBER',
    },
    name: 'Big number with trendline',
    needs: 'one metric and a temporal column',
    use_for: 'a KPI to monitor, with its recent trend and a period-over-period comparison',
    viz_type: 'big_number',
  },
  {
    form_data: {
      ...TIMESERIES,
      markerSize: 6,
      metrics: [AVERAGE_ORDER_VALUE],
      viz_type: 'echarts_timeseries_scatter',
    },
    name: 'Scatter over time',
    needs: 'a temporal x_axis and metrics; a custom SQL metric needs a label',
    use_for: 'individual points over time, where a line would suggest continuity',
    viz_type: 'echarts_timeseries_scatter',
  },
  {
    form_data: {
      adhoc_filters: [ALL_TIME],
      color_scheme: 'supersetColors',
      groupby: ['product_line', 'product'],
      label_type: 'key_value',
      metric: 'sum__revenue',
      number_format: 'SMART_NUMBER',
      row_limit: 10000,
      show_labels: true,
      time_range: 'No filter',
      viz_type: 'treemap_v2',
    },
    name: 'Treemap',
    needs: 'a hierarchy of dimensions and one metric',
    use_for: 'nested shares of a total',
    viz_type: 'treemap_v2',
  },
];

/** Superset's built-in categorical colour schemes (`color_scheme`). */
export const CATEGORICAL_COLOR_SCHEMES = [
  'supersetColors',
  'bnbColors',
  'googleCategory10c',
  'googleCategory20c',
  'd3Category10',
  'd3Category20',
  'd3Category20b',
  'd3Category20c',
  'lyftColors',
  'presetColors',
  'echarts4Colors',
  'echarts5Colors',
] as const;

/** Superset's built-in sequential colour schemes (`linear_color_scheme`, for maps and heatmaps). */
export const SEQUENTIAL_COLOR_SCHEMES = [
  'blue_white_yellow',
  'fire',
  'white_black',
  'black_white',
  'dark_blue',
] as const;

/** ISO 8601 durations `time_grain_sqla` accepts. */
export const TIME_GRAINS: Readonly<Record<string, string>> = {
  P1D: 'day',
  P1M: 'month',
  P1W: 'week',
  P1Y: 'year',
  P3M: 'quarter',
  PT1H: 'hour',
  PT1M: 'minute',
  PT1S: 'second',
};

export const CHART_BEST_PRACTICES: readonly string[] = [
  'Use the saved metrics of the dataset (by metric_name, e.g. "sum__revenue") before writing ad-hoc ones; they carry the owners’ definitions and formats.',
  'An ad-hoc metric is {"expressionType": "SIMPLE", "column": {"column_name": ...}, "aggregate": "SUM", "label": ...} or {"expressionType": "SQL", "sqlExpression": ..., "label": ...}; always give a label.',
  'Time series need a temporal column (is_dttm) as x_axis and a time_grain_sqla; keep the TEMPORAL_RANGE filter on that column so dashboard time filters apply.',
  'Pick the chart for the question: line for trends, bar for comparisons, pie only for a few shares, table for exact values, big number for one KPI.',
  'Limit categories: at most 7 pie slices, and a row_limit or series_limit on charts with many groups.',
  'Format numbers for the reader: y_axis_format "SMART_NUMBER" for counts, "$,.0f" for money, ".1%" for ratios.',
  'Name charts by what they show ("Revenue by region, quarterly"), not by their type.',
];
