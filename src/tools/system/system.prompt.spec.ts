import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { CallerReach } from './caller-reach.service.js';
import { createSystemFixture, type SystemFixture } from './system-features.fixture.js';
import { SystemPrompts } from './system.prompt.js';

/** Upstream's tool names: the ones a prompt may mention. */
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
  'generate_explore_link',
  'list_datasets',
  'get_dataset_info',
  'list_databases',
  'get_database_info',
  'execute_sql',
  'open_sql_lab_with_context',
];

function mentioned(text: string): string[] {
  return KNOWN_TOOLS.filter((name) => new RegExp(`\\b${name}\\b`).test(text));
}

/** Sentences that speak of saving or previewing a chart (saved metrics are a dataset's own). */
function savingClaims(text: string): string[] {
  return text
    .replace(/saved metrics?/gi, 'metrics')
    .split(/(?<=[.:;])\s+|\n/)
    .filter((sentence) => /\b(sav(e|es|ed|ing)|preview\w*)\b/i.test(sentence))
    .map((sentence) => sentence.replace(/^\d+\.\s*/, '').replace(/:$/, ''));
}

describe(SystemPrompts.name, () => {
  let fixture: SystemFixture;
  const clients = new Map<string, Client>();
  const toolsOf = new Map<string, Set<string>>();

  beforeAll(async () => {
    fixture = await createSystemFixture('sqlite');
    const reach = fixture.moduleRef.get(CallerReach);
    for (const username of ['admin', 'nobody']) {
      const caller = await fixture.caller(username);
      clients.set(username, await fixture.connect(caller));
      toolsOf.set(username, await reach.toolNames(caller));
    }
  }, 120_000);

  afterAll(() => fixture?.close());

  async function promptText(
    username: string,
    name: string,
    args: Record<string, string> = {},
  ): Promise<string> {
    const result = await clients.get(username)!.getPrompt({ arguments: args, name });
    expect(result.messages).toHaveLength(1);
    expect(result.messages[0].role).toBe('user');
    const text = (result.messages[0].content as { text: string }).text;
    const extra = mentioned(text).filter((tool) => !toolsOf.get(username)!.has(tool));
    expect(extra, `${name} for ${username} names tools they lack`).toEqual([]);
    return text;
  }

  it('lists both prompts with optional, described arguments', async () => {
    const { prompts } = await clients.get('admin')!.listPrompts();
    const byName = Object.fromEntries(prompts.map((prompt) => [prompt.name, prompt]));
    expect(Object.keys(byName).sort()).toEqual(['create_chart_guided', 'quickstart']);
    expect(byName.quickstart.arguments).toEqual([
      { description: expect.stringContaining('analyst'), name: 'user_type', required: false },
      { description: expect.stringContaining('sales'), name: 'focus_area', required: false },
    ]);
    expect(byName.create_chart_guided.arguments?.map((argument) => argument.name)).toEqual([
      'chart_type',
      'business_goal',
    ]);
  });

  describe('quickstart', () => {
    it('walks an analyst through datasets with the focus area as search terms', async () => {
      const text = await promptText('admin', 'quickstart', {
        focus_area: 'sales',
        user_type: 'analyst',
      });
      expect(text).toContain('I am an analyst');
      expect(text).toContain('focused on sales');
      expect(text).toMatch(/1\. Call get_instance_info/);
      expect(text).toContain('list_datasets, searching for "sales" first (then revenue, orders)');
      expect(text).toContain('get_dataset_info');
      expect(text).not.toContain('no content tools');
    });

    it('points an executive at dashboards and a developer at schemas', async () => {
      const executive = await promptText('admin', 'quickstart', { user_type: 'executive' });
      expect(executive).toContain('list_dashboards');
      expect(executive).toContain('get_dashboard_info');
      expect(executive).not.toContain('focused on');
      const developer = await promptText('admin', 'quickstart', { user_type: 'developer' });
      expect(developer).toContain('get_schema');
      expect(developer).toContain('include_form_data=true');
    });

    it('numbers only the steps a user without roles can take', async () => {
      const text = await promptText('nobody', 'quickstart');
      expect(text).toMatch(/1\. Call get_instance_info/);
      expect(text).toMatch(/2\. My Superset roles give me no content tools here/);
      expect(text).not.toMatch(/3\. /);
    });

    it('completes user_type and focus_area', async () => {
      const complete = (name: string, value: string) =>
        clients.get('admin')!.complete({
          argument: { name, value },
          ref: { name: 'quickstart', type: 'ref/prompt' },
        });
      await expect(complete('user_type', 'd')).resolves.toMatchObject({
        completion: { values: ['developer'] },
      });
      await expect(complete('focus_area', '')).resolves.toMatchObject({
        completion: { values: ['sales', 'marketing', 'operations', 'general'] },
      });
    });

    it('rejects a value outside the choices', async () => {
      await expect(
        clients.get('admin')!.getPrompt({ arguments: { user_type: 'pirate' }, name: 'quickstart' }),
      ).rejects.toThrow(/Invalid arguments for prompt quickstart: user_type/);
    });
  });

  describe('create_chart_guided', () => {
    it('suggests chart types for the goal and shows saved form_data when type is auto', async () => {
      const text = await promptText('admin', 'create_chart_guided');
      expect(text).toContain('Help me create a chart for exploration.');
      expect(text).toContain('Line chart (echarts_timeseries_line');
      expect(text).toContain('"viz_type": "echarts_timeseries_line"');
      expect(text).toContain('list_datasets');
      expect(text).toContain('get_dataset_info');
    });

    it('builds the requested type with advice for the goal', async () => {
      const text = await promptText('admin', 'create_chart_guided', {
        business_goal: 'presentation',
        chart_type: 'pie',
      });
      expect(text).toContain('as a pie chart');
      expect(text).toContain('Build a Pie / donut chart (pie). Use it for shares of a whole');
      expect(text).toContain('"viz_type": "pie"');
      expect(text).toContain('For presentation');
    });

    it('falls back to describing the chart when no chart tool is available', async () => {
      const text = await promptText('nobody', 'create_chart_guided', {
        business_goal: 'monitoring',
      });
      expect(text).toContain('This service cannot create, preview or save charts');
      expect(text).toContain('Big number (big_number_total');
      expect(text).not.toContain('list_datasets');
    });

    // No tool of this service creates, previews or saves a chart yet, not even for Admin.
    it.each(['exploration', 'reporting', 'monitoring', 'presentation'])(
      'never promises a preview or a save the service cannot make (%s)',
      async (goal) => {
        for (const tool of ['generate_chart', 'generate_explore_link', 'update_chart']) {
          expect(toolsOf.get('admin')).not.toContain(tool);
        }
        const text = await promptText('admin', 'create_chart_guided', { business_goal: goal });
        expect(text).toContain(
          'This service cannot create, preview or save charts: give me the chart settings',
        );
        expect(text).toContain('get_dataset_info');
        // The one mention of saving or previewing is that it cannot be done.
        expect(savingClaims(text)).toEqual(['This service cannot create, preview or save charts']);
        const { prompts } = await clients.get('admin')!.listPrompts();
        const description = prompts.find((p) => p.name === 'create_chart_guided')!.description!;
        expect(description).toContain('this service has none yet');
        expect(description).toContain("Superset's Explore view");
      },
    );

    it('previews first and saves only on agreement once the chart tools exist', async () => {
      const tools = new Set([
        'list_datasets',
        'get_dataset_info',
        'generate_explore_link',
        'generate_chart',
      ]);
      const prompts = new SystemPrompts({
        toolNames: () => Promise.resolve(tools),
      } as unknown as CallerReach);
      const result = await prompts.createChartGuided(
        { business_goal: 'exploration', chart_type: 'auto' },
        await fixture.caller('admin'),
      );
      const text = (result.messages[0].content as { text: string }).text;
      expect(text).toContain('generate_explore_link; it saves nothing');
      expect(text).toContain('save with save_chart=true only after I agree');
      expect(text).not.toContain('cannot create');
    });

    it('completes chart_type', async () => {
      const result = await clients.get('admin')!.complete({
        argument: { name: 'chart_type', value: 'p' },
        ref: { name: 'create_chart_guided', type: 'ref/prompt' },
      });
      expect(result.completion.values).toEqual(['pie', 'pivot_table']);
    });
  });
});
