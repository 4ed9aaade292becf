import { Injectable } from '@nestjs/common';
import type { GetPromptResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';

import type { Caller } from '../../auth/caller.js';
import { McpPrompt } from '../mcp-feature.decorators.js';
import { CallerReach } from './caller-reach.service.js';
import { CHART_CONFIG_EXAMPLES } from './chart-config-examples.js';
import { guide, isShown, without, type GuidanceLine } from './tool-guidance.js';

const USER_TYPES = ['analyst', 'executive', 'developer'] as const;
const FOCUS_AREAS = ['sales', 'marketing', 'operations', 'general'] as const;
const CHART_TYPES = [
  'auto',
  'line',
  'bar',
  'area',
  'scatter',
  'pie',
  'table',
  'pivot_table',
  'big_number',
] as const;
const BUSINESS_GOALS = ['exploration', 'reporting', 'monitoring', 'presentation'] as const;

type UserType = (typeof USER_TYPES)[number];
type FocusArea = (typeof FOCUS_AREAS)[number];
type ChartType = (typeof CHART_TYPES)[number];
type BusinessGoal = (typeof BUSINESS_GOALS)[number];

const QuickstartArguments = z.object({
  user_type: z
    .enum(USER_TYPES)
    .default('analyst')
    .describe('Who is starting: analyst, executive or developer.'),
  focus_area: z
    .enum(FOCUS_AREAS)
    .default('general')
    .describe('What they care about: sales, marketing, operations or general.'),
});

const CreateChartArguments = z.object({
  chart_type: z
    .enum(CHART_TYPES)
    .default('auto')
    .describe(`Chart type to build, or auto to choose one: ${CHART_TYPES.join(', ')}.`),
  business_goal: z
    .enum(BUSINESS_GOALS)
    .default('exploration')
    .describe('What the chart is for: exploration, reporting, monitoring or presentation.'),
});

const SEARCH_TERMS: Readonly<Record<FocusArea, readonly string[]>> = {
  general: [],
  marketing: ['campaign', 'sessions', 'conversion'],
  operations: ['operations', 'orders', 'inventory'],
  sales: ['sales', 'revenue', 'orders'],
};

const VIZ_TYPES: Readonly<Record<Exclude<ChartType, 'auto'>, string>> = {
  area: 'echarts_area',
  bar: 'echarts_timeseries_bar',
  big_number: 'big_number_total',
  line: 'echarts_timeseries_line',
  pie: 'pie',
  pivot_table: 'pivot_table_v2',
  scatter: 'echarts_timeseries_scatter',
  table: 'table',
};

const GOAL_CHOICES: Readonly<Record<BusinessGoal, readonly Exclude<ChartType, 'auto'>[]>> = {
  exploration: ['line', 'bar', 'table'],
  monitoring: ['big_number', 'line'],
  presentation: ['bar', 'big_number', 'pie'],
  reporting: ['table', 'pivot_table', 'bar'],
};

const GOAL_ADVICE: Readonly<Record<BusinessGoal, string>> = {
  exploration:
    'For exploration, iterate quickly: try variants, change the grouping or time grain, and keep only what the user wants.',
  monitoring:
    'For monitoring, show one number or trend per chart, compare with the previous period, and use a time range relative to today (e.g. "Last quarter").',
  presentation:
    'For presentation, keep one message per chart, few categories, readable labels and a title that states the finding.',
  reporting:
    'For reporting, prefer exact values (tables, pivot tables) with totals, fixed time ranges and the filters written in the chart name or description.',
};

const USER_TYPE_GOALS: Readonly<Record<UserType, string>> = {
  analyst: 'explore data, build charts and answer questions with numbers',
  developer: 'understand how content is built and automate work with the tools',
  executive: 'find trusted dashboards and key figures quickly',
};

/** Guided prompts: onboarding and building a chart, naming only the tools the caller has. */
@Injectable()
export class SystemPrompts {
  constructor(private readonly reach: CallerReach) {}

  @McpPrompt({
    arguments: QuickstartArguments,
    complete: {
      focus_area: (value) => FOCUS_AREAS.filter((area) => area.startsWith(value)),
      user_type: (value) => USER_TYPES.filter((type) => type.startsWith(value)),
    },
    description:
      'Get started with this Superset instance: a short plan of what to look at first, tailored ' +
      'to who you are (analyst, executive, developer) and your focus area.',
    name: 'quickstart',
    title: 'Superset quickstart',
  })
  async quickstart(
    args: z.output<typeof QuickstartArguments>,
    caller: Caller,
  ): Promise<GetPromptResult> {
    const tools = await this.reach.toolNames(caller);
    const terms = SEARCH_TERMS[args.focus_area];
    const search = terms.length > 0 ? terms[0] : undefined;
    const searchHint = search
      ? `, searching for "${search}" first (then ${terms.slice(1).join(', ')})`
      : '';
    const steps: GuidanceLine[] = [
      guide`Call ${'get_instance_info'} to see what this instance holds, who I am in Superset and what data I can reach.`,
      ...this.quickstartSteps(args.user_type, searchHint),
      without(
        ['list_dashboards', 'list_charts', 'list_datasets'],
        'My Superset roles give me no content tools here: tell me which permissions I am missing, using what the instance overview says about my roles.',
      ),
    ];
    const text = [
      `I am ${articleFor(args.user_type)} ${args.user_type} and I want to ${USER_TYPE_GOALS[args.user_type]} in Superset` +
        (args.focus_area === 'general' ? '.' : `, focused on ${args.focus_area}.`),
      'Help me get started, one step at a time:',
      numbered(steps, tools),
      'Keep each answer short, give me the links the tools return, and tell me how many items exist when you show only some.',
    ].join('\n\n');
    return {
      description: `Quickstart for ${articleFor(args.user_type)} ${args.user_type} (${args.focus_area})`,
      messages: [{ content: { text, type: 'text' }, role: 'user' }],
    };
  }

  @McpPrompt({
    arguments: CreateChartArguments,
    complete: {
      business_goal: (value) => BUSINESS_GOALS.filter((goal) => goal.startsWith(value)),
      chart_type: (value) => CHART_TYPES.filter((type) => type.startsWith(value)),
    },
    description:
      'Plan a chart step by step: find the dataset, check its columns and saved metrics, choose ' +
      'the chart type for the goal, and get its settings. With a chart tool it is previewed ' +
      'first and saved only when you agree; without one (this service has none yet) you build ' +
      "it in Superset's Explore view from those settings.",
    name: 'create_chart_guided',
    title: 'Guided chart creation',
  })
  async createChartGuided(
    args: z.output<typeof CreateChartArguments>,
    caller: Caller,
  ): Promise<GetPromptResult> {
    const tools = await this.reach.toolNames(caller);
    const candidates =
      args.chart_type === 'auto' ? GOAL_CHOICES[args.business_goal] : [args.chart_type];
    const examples = candidates
      .map((type) => CHART_CONFIG_EXAMPLES.find((example) => example.viz_type === VIZ_TYPES[type]))
      .filter((example) => example !== undefined);
    const choice =
      args.chart_type === 'auto'
        ? `Choose the chart type for the question; for ${args.business_goal} good choices are ${examples
            .map((example) => `${example.name} (${example.viz_type}: ${example.use_for})`)
            .join('; ')}.`
        : `Build ${articleFor(examples[0].name)} ${examples[0].name} (${examples[0].viz_type}). Use it for ${examples[0].use_for}. It needs ${examples[0].needs}. If the data does not fit it, say so and suggest a better type.`;
    const steps: GuidanceLine[] = [
      {
        text: 'Ask me what the chart should answer (metric, breakdown, time range, filters) unless I already said.',
        tools: [],
      },
      guide`Find the dataset with ${'list_datasets'} (search by table name), and confirm it with me if several fit.`,
      guide`Read its columns and saved metrics with ${'get_dataset_info'}: temporal columns (is_dttm) can be the x axis, saved metrics are referenced by name.`,
      { text: choice, tools: [] },
      guide`Show me a preview with ${'generate_explore_link'}; it saves nothing.`,
      guide`Preview with ${'generate_chart'} and save_chart=false; save with save_chart=true only after I agree.`,
      guide`If I want it on a dashboard, add it with ${'add_chart_to_existing_dashboard'}.`,
      without(
        ['generate_chart', 'generate_explore_link'],
        'This service cannot create, preview or save charts: give me the chart settings (type, metrics, dimensions, filters, time grain) so that I build it myself in Superset’s Explore view, which the dataset link the tools return opens.',
      ),
    ];
    const example = examples[0];
    const text = [
      `Help me create a chart for ${args.business_goal}` +
        (args.chart_type === 'auto'
          ? '.'
          : ` as ${articleFor(args.chart_type)} ${args.chart_type} chart.`),
      numbered(steps, tools),
      GOAL_ADVICE[args.business_goal],
      `In Superset, the settings (form_data) of ${articleFor(example.name)} ${example.name} look like this (names are examples; use the dataset's):\n` +
        '```json\n' +
        JSON.stringify(example.form_data, null, 2) +
        '\n```',
    ].join('\n\n');
    return {
      description: `Guided ${args.chart_type === 'auto' ? '' : `${args.chart_type} `}chart for ${args.business_goal}`,
      messages: [{ content: { text, type: 'text' }, role: 'user' }],
    };
  }

  private quickstartSteps(userType: UserType, searchHint: string): GuidanceLine[] {
    switch (userType) {
      case 'executive':
        return [
          ending(
            guide`Show me the published dashboards, certified ones first, with ${'list_dashboards'}`,
            searchHint,
          ),
          guide`Open the most relevant one with ${'get_dashboard_info'} and summarise what its charts show.`,
          guide`Give me the headline numbers behind a chart with ${'get_chart_data'}.`,
        ];
      case 'developer':
        return [
          guide`Explain what I can filter, sort and select with ${'get_schema'} (charts, datasets, dashboards, databases).`,
          guide`List the database connections with ${'list_databases'} and their capabilities with ${'get_database_info'}.`,
          guide`Show me how a chart is built: pick one with ${'list_charts'}, then read it with ${'get_chart_info'} and include_form_data=true.`,
          guide`Show me a dashboard's structure with ${'get_dashboard_layout'}.`,
          guide`Run a small read-only query with ${'execute_sql'} when I ask for raw data.`,
        ];
      case 'analyst':
        return [
          ending(guide`Show me the datasets I can use with ${'list_datasets'}`, searchHint),
          guide`Describe the most relevant one with ${'get_dataset_info'}: its columns and saved metrics.`,
          guide`Show me existing charts over it with ${'list_charts'} before building new ones.`,
          guide`Build a first chart preview with ${'generate_explore_link'}.`,
          guide`Answer ad-hoc questions with ${'execute_sql'} (read-only, with a LIMIT).`,
        ];
    }
  }
}

/** The steps the reader has the tools for, numbered 1, 2, 3 … after filtering. */
function numbered(steps: readonly GuidanceLine[], tools: ReadonlySet<string>): string {
  return steps
    .filter((step) => isShown(step, tools))
    .map((step, index) => `${index + 1}. ${step.text}`)
    .join('\n');
}

/** The line with the rest of its sentence, which names no tool. */
function ending(line: GuidanceLine, rest: string): GuidanceLine {
  return { ...line, text: `${line.text}${rest}.` };
}

function articleFor(word: string): string {
  return /^[aeiou]/i.test(word) ? 'an' : 'a';
}
