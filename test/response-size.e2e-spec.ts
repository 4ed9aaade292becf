import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

import { connectClient, toolJson, type ConnectedClient } from './support/mcp-client.js';
import {
  startServiceProcess,
  temporaryDataDir,
  type ServiceProcess,
} from './support/service-process.js';

/** ~1,000 tokens: 3,500 bytes of serialized result, below a full page of the demo's charts. */
const TOKEN_LIMIT = 1000;
const MAX_BYTES = TOKEN_LIMIT * 3.5;

interface Running {
  readonly service: ServiceProcess;
  readonly mcp: ConnectedClient;
  call(
    name: string,
    request?: Record<string, unknown>,
  ): Promise<{ text: string; isError: boolean }>;
}

async function start(dir: string, config: Record<string, unknown>): Promise<Running> {
  const service = await startServiceProcess({
    MCP_RESPONSE_SIZE_CONFIG: JSON.stringify(config),
    SUPERSET_MCP_DATA_DIR: dir,
  });
  const mcp = await connectClient(service.url);
  return {
    call: async (name, request) => {
      const result = (await mcp.client.callTool({
        arguments: request === undefined ? {} : { request },
        name,
      })) as { content: { text: string }[]; isError?: boolean };
      return { isError: result.isError ?? false, text: result.content[0].text };
    },
    mcp,
    service,
  };
}

const bytes = (text: string) => Buffer.byteLength(text, 'utf8');
const FULL_DASHBOARD = { identifier: 1, select_columns: ['position_json', 'json_metadata'] };

describe('response size guard on the embedded demo', () => {
  const data = {
    guarded: temporaryDataDir(),
    excluded: temporaryDataDir(),
    off: temporaryDataDir(),
  };
  let guarded: Running;
  let excluding: Running;
  let off: Running;

  beforeAll(async () => {
    [guarded, excluding, off] = await Promise.all([
      start(data.guarded.dir, { token_limit: TOKEN_LIMIT }),
      start(data.excluded.dir, { excluded_tools: ['get_schema'], token_limit: TOKEN_LIMIT }),
      start(data.off.dir, { enabled: false, token_limit: TOKEN_LIMIT }),
    ]);
  });

  afterAll(async () => {
    for (const running of [guarded, excluding, off]) {
      await running?.mcp.close();
      await running?.service.stop();
    }
    for (const dir of Object.values(data)) dir.remove();
  });

  it('does not report the size settings as unhonoured', () => {
    expect(guarded.service.output()).not.toContain('MCP_RESPONSE_SIZE_CONFIG');
  });

  it('trims a list page to the leading items that fit, and says how to get the rest', async () => {
    const full = toolJson(
      await off.mcp.client.callTool({
        arguments: { request: { page_size: 100 } },
        name: 'list_charts',
      }),
    );
    const { isError, text } = await guarded.call('list_charts', { page_size: 100 });
    const page = JSON.parse(text) as Record<string, any>;

    expect(isError).toBe(false);
    expect(bytes(JSON.stringify(full))).toBeGreaterThan(MAX_BYTES);
    expect(bytes(text)).toBeLessThanOrEqual(MAX_BYTES);
    const kept = page.charts.length as number;
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThan(full.charts.length);
    expect(page.charts).toEqual(full.charts.slice(0, kept));
    expect(page).toMatchObject({
      _items_dropped: full.charts.length - kept,
      _response_truncated: true,
      count: kept,
      page: 1,
      page_size: 100,
      total_count: full.total_count,
    });
    expect(page._truncation_notes[0]).toContain(
      `items ${kept + 1}-${full.charts.length} of the list: ask for page_size ${kept} (item ` +
        `${kept + 1} is on page 2)`,
    );

    // Following the note gets the rest.
    const next = toolJson(
      await guarded.mcp.client.callTool({
        arguments: { request: { page: 2, page_size: kept } },
        name: 'list_charts',
      }),
    );
    expect(next.charts[0]).toEqual(full.charts[kept]);
  });

  it('shortens an info result in phases until it fits', async () => {
    const full = toolJson(
      await off.mcp.client.callTool({
        arguments: { request: FULL_DASHBOARD },
        name: 'get_dashboard_info',
      }),
    );
    const { isError, text } = await guarded.call('get_dashboard_info', FULL_DASHBOARD);
    const info = JSON.parse(text) as Record<string, any>;

    expect(isError).toBe(false);
    expect(bytes(JSON.stringify(full))).toBeGreaterThan(MAX_BYTES);
    expect(bytes(text)).toBeLessThanOrEqual(MAX_BYTES);
    expect(info._response_truncated).toBe(true);
    expect(info._truncation_notes[0]).toContain('The whole get_dashboard_info response');
    // The largest collections are emptied first; the charts summary is kept.
    expect(info._truncation_notes.at(-1)).toBe('Emptied to fit: json_metadata, position_json.');
    expect(info.position_json).toEqual({});
    expect(info.charts).toEqual(full.charts);
    expect(info).toMatchObject({ dashboard_title: full.dashboard_title, id: 1, slug: full.slug });
  });

  it("refuses another tool's oversized result with upstream's error and suggestions", async () => {
    const full = await off.call('get_schema', { model_type: 'chart' });
    const { isError, text } = await guarded.call('get_schema', { model_type: 'chart' });

    expect(bytes(full.text)).toBeGreaterThan(MAX_BYTES);
    expect(isError).toBe(true);
    const tokens = Math.ceil(bytes(full.text) / 3.5);
    expect(text).toBe(
      [
        `Response too large: ~${tokens} tokens (limit: ${TOKEN_LIMIT})`,
        '',
        'This response would overwhelm the LLM context window.',
        'Please modify your query to reduce the response size:',
        '1. Ask for one model_type at a time and keep only the columns you need from it.',
        '',
        'Tool: get_schema',
        `Reduction needed: ~${Math.ceil((1 - MAX_BYTES / bytes(full.text)) * 100)}%`,
      ].join('\n'),
    );
  });

  it('logs one line per oversized or nearly oversized call: tool, size and limit, no payload', async () => {
    const guardLines = () =>
      guarded.service
        .output()
        .split('\n')
        .filter((line) => /ResponseSizeGuard|response_too_large/.test(line));
    // The service's output arrives through a pipe; wait for the line of the last call above.
    await vi.waitFor(() => expect(guardLines().join('\n')).toContain('get_schema'));
    const [near, over] = [
      guardLines().filter((line) => line.includes('% of the limit')),
      guardLines().filter((line) => !line.includes('% of the limit')),
    ];
    expect(over).toEqual([
      expect.stringMatching(
        /\[ResponseSizeGuard\] list_charts \[[0-9a-f]{32}\] response ~\d+ tokens \(\d+ bytes\) is over the limit \(~1,000 tokens\): \d+ of 16 items kept, now ~\d+ tokens$/,
      ),
      expect.stringMatching(
        /\[ResponseSizeGuard\] get_dashboard_info \[[0-9a-f]{32}\] response ~\d+ tokens \(\d+ bytes\) is over the limit \(~1,000 tokens\): shortened \(Emptied to fit: json_metadata, position_json\.\), now ~\d+ tokens$/,
      ),
      expect.stringMatching(
        /get_schema \[[0-9a-f]{32}\] response_too_large: Response too large: ~\d+ tokens \(limit: 1000\)$/,
      ),
    ]);
    // Results between 80 % and 100 % of the limit (such as the page the list note pointed to).
    for (const line of near) {
      expect(line).toMatch(
        /\[ResponseSizeGuard\] \w+ \[[0-9a-f]{32}\] response ~\d+ tokens \(\d+ bytes\) is over 80% of the limit \(~1,000 tokens\)$/,
      );
    }
    expect(guarded.service.output()).not.toContain('Top Landing Pages');
  });

  it('lets an excluded tool through untouched', async () => {
    const full = await off.call('get_schema', { model_type: 'chart' });
    const excluded = await excluding.call('get_schema', { model_type: 'chart' });
    expect(excluded.isError).toBe(false);
    expect(bytes(excluded.text)).toBeGreaterThan(MAX_BYTES);
    expect(excluded.text).toBe(full.text);
    // The rest is still guarded there.
    const page = toolJson(
      await excluding.mcp.client.callTool({
        arguments: { request: { page_size: 100 } },
        name: 'list_charts',
      }),
    );
    expect(page._response_truncated).toBe(true);
  });

  it('passes everything through when disabled', async () => {
    const page = await off.call('list_charts', { page_size: 100 });
    const info = await off.call('get_dashboard_info', FULL_DASHBOARD);
    for (const { isError, text } of [page, info]) {
      expect(isError).toBe(false);
      expect(bytes(text)).toBeGreaterThan(MAX_BYTES);
      expect(text).not.toContain('_response_truncated');
    }
    expect(JSON.parse(page.text).charts.length).toBe(JSON.parse(page.text).total_count);
    expect(off.service.output()).not.toContain('ResponseSizeGuard');
  });
});
