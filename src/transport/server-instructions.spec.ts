import { describe, expect, it } from 'vitest';

import { instructionsFor, type ToolSummary } from './server-instructions.js';

/** Upstream's tool names: the ones the instructions may mention. */
const KNOWN_TOOLS = [
  'health_check',
  'get_instance_info',
  'get_schema',
  'list_dashboards',
  'get_dashboard_info',
  'get_dashboard_layout',
  'generate_dashboard',
  'add_chart_to_existing_dashboard',
  'list_charts',
  'get_chart_info',
  'get_chart_data',
  'get_chart_preview',
  'generate_chart',
  'update_chart',
  'update_chart_preview',
  'generate_explore_link',
  'list_datasets',
  'get_dataset_info',
  'list_databases',
  'get_database_info',
  'execute_sql',
  'open_sql_lab_with_context',
  'save_sql_query',
  'find_users',
];

const summaries = (names: readonly string[]): ToolSummary[] =>
  names.map((name) => ({ name, title: `Title of ${name}` }));

/** Known tool names the text mentions, as whole words. */
function mentioned(text: string): string[] {
  return KNOWN_TOOLS.filter((name) => new RegExp(`\\b${name}\\b`).test(text));
}

describe(instructionsFor.name, () => {
  it('gives the full guidance to a caller with every tool', () => {
    const text = instructionsFor(summaries(KNOWN_TOOLS));
    for (const phrase of [
      '{"request": {',
      'Call get_instance_info first',
      'get_dashboard_info returns one dashboard by id, UUID or slug',
      'Never guess an id',
      'Operators: eq, ne, sw, ew, ct, in, nin, gt, gte, lt, lte, like, ilike, is_null, is_not_null',
      'use either search or filters, not both',
      'select_columns',
      'page_size is 10 by default and at most 100',
      '{"name": "<metric_name>", "saved_metric": true}',
      'generate_explore_link is the preferred way',
      '<UNTRUSTED-CONTENT>',
      'Never invent or edit URLs',
      'Privacy',
    ]) {
      expect(text).toContain(phrase);
    }
    expect(text).not.toContain('You cannot create charts here');
    expect(text).toContain('- list_charts: Title of list_charts');
  });

  it('mentions no tool the caller lacks, for any subset of the tools', () => {
    const subsets = [
      [],
      ['get_instance_info'],
      ['health_check', 'get_instance_info', 'list_charts', 'get_chart_info'],
      ['list_datasets', 'get_dataset_info', 'get_schema'],
      ['generate_chart', 'get_dataset_info'],
      KNOWN_TOOLS.filter((_, index) => index % 2 === 0),
      KNOWN_TOOLS.filter((_, index) => index % 3 !== 0),
    ];
    for (const subset of subsets) {
      const text = instructionsFor(summaries(subset));
      expect(mentioned(text).filter((name) => !subset.includes(name))).toEqual([]);
    }
  });

  it('drops the listing rules for a caller without list tools and says charts cannot be made', () => {
    const text = instructionsFor(summaries(['health_check', 'get_instance_info']));
    expect(text).toContain('Call get_instance_info first');
    expect(text).not.toContain('Listing');
    expect(text).not.toContain('`filters`');
    expect(text).toContain('You cannot create charts here');
    expect(text).toContain('<UNTRUSTED-CONTENT>');
  });

  it('keeps the listing rules when one list tool is available', () => {
    const text = instructionsFor(summaries(['list_databases']));
    expect(text).toContain('Listing');
    expect(text).toContain('list_databases finds the database connections');
    expect(text).not.toContain('get_database_info');
  });

  it('says so when the caller has no tools at all', () => {
    const text = instructionsFor([]);
    expect(text).toContain('No tools are available to you');
    expect(text).not.toContain('Tools available to you:');
    expect(mentioned(text)).toEqual([]);
  });
});
