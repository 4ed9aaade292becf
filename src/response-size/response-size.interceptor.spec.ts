import { Injectable, Logger } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host.js';
import { Test } from '@nestjs/testing';
import { lastValueFrom, of } from 'rxjs';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';

import { SettingsModule } from '../config/settings.module.js';
import type { ResponseSizeConfig, Settings } from '../config/settings.js';
import { SecurityService } from '../users/security.service.js';
import type { ToolCall } from '../tools/tool-call.js';
import { ToolCallObservers, type ToolCallRecord } from '../tools/tool-call-observers.service.js';
import { ToolExecutor } from '../tools/tool-executor.service.js';
import { ToolRegistry } from '../tools/tool-registry.service.js';
import { ToolContentResult } from '../tools/tool-result.js';
import { Tool } from '../tools/tool.decorator.js';
import { ResponseSizeInterceptor } from './response-size.interceptor.js';
import { ResponseSizeModule } from './response-size.module.js';
import { supersetUserFixture, toolCallFixture } from '../tools/tool-call.fixture.js';

const widgets = Array.from({ length: 60 }, (_, id) => ({
  description: `Widget ${id} measures something worth knowing about. `.repeat(3),
  id,
  name: `Widget ${id}`,
}));
const rows = Array.from({ length: 400 }, (_, id) => ({
  amount: id * 2.5,
  id,
  region: `R${id % 5}`,
}));
const bigObject = { sections: Object.fromEntries(widgets.map((w) => [`w${w.id}`, w.description])) };

const anyRequest = z.strictObject({ request: z.record(z.string(), z.unknown()).optional() });
const tool = (name: string) => ({
  description: name,
  input: anyRequest,
  name,
  readOnly: true,
  title: name,
});

/** Tools of every kind the guard tells apart, each returning more than the limit below. */
@Injectable()
class WidgetTools {
  @Tool(tool('list_widgets'))
  list(): unknown {
    return { count: 60, page: 1, page_size: 60, total_count: 60, widgets };
  }

  @Tool(tool('get_widget_info'))
  info(): unknown {
    return { description: 'x'.repeat(5000), id: 1, name: 'Widget 1', parts: widgets };
  }

  @Tool(tool('query_widgets'))
  query(): unknown {
    return { columns: ['id', 'region', 'amount'], data: rows, rows, success: true };
  }

  @Tool(tool('describe_widgets'))
  describe(): unknown {
    return bigObject;
  }

  @Tool(tool('render_widgets'))
  render(): ToolContentResult {
    return new ToolContentResult({
      content: [{ text: JSON.stringify(bigObject), type: 'text' }],
    });
  }

  @Tool(tool('dump_widgets'))
  dump(): unknown {
    return bigObject;
  }

  @Tool(tool('count_widgets'))
  count(): unknown {
    return { count: 60 };
  }

  @Tool(tool('almost_widgets'))
  almost(): unknown {
    return { text: 'a'.repeat(3000) };
  }

  @Tool(tool('weird_widgets'))
  weird(): unknown {
    return { big: 12345678901234567890n, text: 'a'.repeat(10) };
  }
}

const TOKEN_LIMIT = 1000;
const MAX_BYTES = TOKEN_LIMIT * 3.5;

function settingsWith(config: Partial<ResponseSizeConfig>): Settings {
  return {
    MCP_DISABLED_TOOLS: [],
    MCP_RBAC_ENABLED: true,
    MCP_RESPONSE_SIZE_CONFIG: {
      enabled: true,
      excluded_tools: ['dump_widgets'],
      max_bytes: null,
      max_list_items: 100,
      token_limit: TOKEN_LIMIT,
      warn_threshold_pct: 80,
      ...config,
    },
    MCP_TOOL_SCOPES: { read: null, write: null },
  } as unknown as Settings;
}

function callOf(name: string): ToolCall {
  return toolCallFixture(name, supersetUserFixture({ username: 'alice' }));
}

async function serviceWith(config: Partial<ResponseSizeConfig>) {
  const moduleRef = await Test.createTestingModule({
    imports: [DiscoveryModule, SettingsModule.forRoot(settingsWith(config)), ResponseSizeModule],
    providers: [
      ToolCallObservers,
      ToolExecutor,
      ToolRegistry,
      WidgetTools,
      {
        provide: SecurityService,
        useValue: { accessFor: () => Promise.resolve({ can: () => true }) },
      },
    ],
  }).compile();
  await moduleRef.init();
  const registry = moduleRef.get(ToolRegistry);
  const executor = moduleRef.get(ToolExecutor);
  const finished: ToolCallRecord[] = [];
  moduleRef.get(ToolCallObservers).subscribe((record) => finished.push(record));
  return {
    call: async (name: string, request: Record<string, unknown> = {}) => {
      const result = await executor.execute(registry.get(name)!, { request }, callOf(name));
      const text = (result.content[0] as { text: string }).text;
      return { finished: finished.at(-1)!, isError: result.isError ?? false, text };
    },
  };
}

describe(ResponseSizeInterceptor.name, () => {
  let guarded: Awaited<ReturnType<typeof serviceWith>>;
  const warn = vi.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);

  beforeAll(async () => {
    guarded = await serviceWith({});
  });

  afterEach(() => warn.mockClear());

  const warnings = () => warn.mock.calls.map(([message]) => String(message));

  it('trims a list page to the items that fit', async () => {
    const { finished, isError, text } = await guarded.call('list_widgets');
    const page = JSON.parse(text) as Record<string, any>;
    expect(isError).toBe(false);
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(MAX_BYTES);
    expect(page._response_truncated).toBe(true);
    expect(page.widgets.length).toBeGreaterThan(0);
    expect(page.count).toBe(page.widgets.length);
    expect(page._items_dropped).toBe(60 - page.widgets.length);
    expect(page.widgets).toEqual(widgets.slice(0, page.widgets.length));
    expect(finished.notes.sizeGuard).toBe('truncated');
    expect(finished.resultBytes).toBe(Buffer.byteLength(text));
    expect(warnings()).toEqual([
      expect.stringMatching(
        new RegExp(
          `^list_widgets \\[c{32}\\] response ~\\d+ tokens \\(\\d+ bytes\\) is over the limit ` +
            `\\(~1,000 tokens\\): ${page.widgets.length} of 60 items kept, now ~\\d+ tokens$`,
        ),
      ),
    ]);
  });

  it('shortens an info result in phases', async () => {
    const { finished, text } = await guarded.call('get_widget_info');
    const info = JSON.parse(text) as Record<string, any>;
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(MAX_BYTES);
    expect(info._response_truncated).toBe(true);
    expect(info.description).toMatch(/… \[truncated from 5000 chars\]$/);
    expect(info._truncation_notes.length).toBeGreaterThan(1);
    expect(finished.notes.sizeGuard).toBe('truncated');
  });

  it('drops the tail rows of a data result, keeping rows and data in step', async () => {
    const { finished, isError, text } = await guarded.call('query_widgets');
    const result = JSON.parse(text) as Record<string, any>;
    expect(isError).toBe(false);
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(MAX_BYTES);
    expect(result.rows.length).toBeGreaterThan(0);
    expect(result.rows).toEqual(rows.slice(0, result.rows.length));
    expect(result.data).toEqual(result.rows);
    expect(result).toMatchObject({
      _response_truncated: true,
      _rows_dropped: 400 - result.rows.length,
      columns: ['id', 'region', 'amount'],
      success: true,
    });
    expect(result._truncation_notes[0]).toContain(
      `Result truncated: ${result.rows.length} of 400 rows returned`,
    );
    expect(finished.notes.sizeGuard).toBe('truncated');
  });

  it("refuses any other result over the limit with upstream's error", async () => {
    const { finished, isError, text } = await guarded.call('describe_widgets');
    expect(isError).toBe(true);
    expect(text).toMatch(/^Response too large: ~\d+ tokens \(limit: 1000\)\n\n/);
    expect(text).toContain('Tool: describe_widgets');
    expect(text).toMatch(/Reduction needed: ~\d+%$/);
    expect(finished).toMatchObject({
      errorType: 'response_too_large',
      notes: { sizeGuard: 'refused' },
      outcome: 'tool_error',
    });
    expect(warnings().filter((line) => line.includes('describe_widgets'))).toEqual([
      expect.stringMatching(
        /^describe_widgets \[c{32}\] response_too_large: Response too large: ~\d+ tokens \(limit: 1000\)/,
      ),
    ]);
    expect(warnings().join('\n')).not.toContain('measures something');
  });

  it('refuses content a tool shaped itself when its text is over the limit', async () => {
    const { finished, isError, text } = await guarded.call('render_widgets');
    expect(isError).toBe(true);
    expect(text).toMatch(/^Response too large/);
    expect(finished.notes.sizeGuard).toBe('refused');
  });

  it('refuses a result it cannot measure, without throwing anything else', async () => {
    const { isError, text } = await guarded.call('weird_widgets');
    expect(isError).toBe(true);
    expect(text).toMatch(/^Response too large: its size could not be estimated \(limit: 1000\)/);
  });

  it('lets an excluded tool through untouched', async () => {
    const { finished, isError, text } = await guarded.call('dump_widgets');
    expect(isError).toBe(false);
    expect(text).toBe(JSON.stringify(bigObject));
    expect(finished.notes.sizeGuard).toBeUndefined();
    expect(warnings()).toEqual([]);
  });

  it('lets small results through untouched, and logs those close to the limit', async () => {
    expect((await guarded.call('count_widgets')).text).toBe('{"count":60}');
    expect(warnings()).toEqual([]);
    const almost = await guarded.call('almost_widgets');
    expect(almost.text).toBe(JSON.stringify({ text: 'a'.repeat(3000) }));
    expect(almost.finished.notes.sizeGuard).toBeUndefined();
    expect(warnings()).toEqual([
      `almost_widgets [${'c'.repeat(32)}] response ~861 tokens (3011 bytes) is over 80% of the ` +
        'limit (~1,000 tokens)',
    ]);
  });

  it('passes everything through when disabled', async () => {
    const disabled = await serviceWith({ enabled: false });
    for (const name of ['list_widgets', 'describe_widgets', 'query_widgets']) {
      const { finished, isError, text } = await disabled.call(name);
      expect(isError).toBe(false);
      expect(text).not.toContain('_response_truncated');
      expect(finished.notes.sizeGuard).toBeUndefined();
    }
    expect(warnings()).toEqual([]);
  });

  it('honours max_bytes when it is the lower limit', async () => {
    const bytes = await serviceWith({ max_bytes: 1500 });
    const { text } = await bytes.call('list_widgets');
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(1500);
    expect((await bytes.call('describe_widgets')).text).toMatch(
      /^Response too large: \d+ bytes \(~\d+ tokens\) \(limit: 1500 bytes\)/,
    );
  });

  it('passes calls of other kinds (HTTP controllers) through', async () => {
    const http = new ExecutionContextHost([{}, {}]);
    const value = { text: 'x'.repeat(10_000) };
    const passed = await lastValueFrom(
      new ResponseSizeInterceptor(settingsWith({})).intercept(http, { handle: () => of(value) }),
    );
    expect(passed).toBe(value);
  });
});
