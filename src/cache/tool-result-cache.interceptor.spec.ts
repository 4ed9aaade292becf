import { Global, Injectable, Logger, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';

import { SettingsModule } from '../config/settings.module.js';
import { loadSettings } from '../config/settings.loader.js';
import { RedisModule } from '../redis/redis.module.js';
import type { ToolCall } from '../tools/tool-call.js';
import { ToolCallObservers } from '../tools/tool-call-observers.service.js';
import { ToolExecutor } from '../tools/tool-executor.service.js';
import { toolFailure } from '../tools/tool-failure.js';
import { ToolRegistry } from '../tools/tool-registry.service.js';
import { ToolContentResult } from '../tools/tool-result.js';
import { Tool } from '../tools/tool.decorator.js';
import { SecurityService } from '../users/security.service.js';
import { CacheModule } from './cache.module.js';
import { supersetUserFixture, toolCallFixture } from '../tools/tool-call.fixture.js';

const Request = z.strictObject({
  request: z
    .strictObject({
      key: z.string().optional(),
      force_refresh: z.boolean().optional(),
      use_cache: z.boolean().optional(),
    })
    .optional(),
});

/** Tools that count how often they really run. */
@Injectable()
class CountingTools {
  readonly runs = new Map<string, number>();

  @Tool({ description: 'Counts.', input: Request, name: 'read_count', readOnly: true, title: 'R' })
  readCount(): { run: number } {
    return { run: this.run('read_count') };
  }

  @Tool({
    description: 'Writes.',
    input: Request,
    name: 'write_count',
    readOnly: false,
    title: 'W',
  })
  writeCount(): { run: number } {
    return { run: this.run('write_count') };
  }

  @Tool({ description: 'Skipped.', input: Request, name: 'excluded', readOnly: true, title: 'X' })
  excluded(): { run: number } {
    return { run: this.run('excluded') };
  }

  @Tool({ description: 'Fails.', input: Request, name: 'fails', readOnly: true, title: 'F' })
  fails(): unknown {
    return toolFailure('NotFound', `Nothing (run ${this.run('fails')})`);
  }

  @Tool({ description: 'Content.', input: Request, name: 'content', readOnly: true, title: 'C' })
  content(): ToolContentResult {
    const run = this.run('content');
    return new ToolContentResult({ content: [{ text: `run ${run}`, type: 'text' }] });
  }

  @Tool({ description: 'Big.', input: Request, name: 'big', readOnly: true, title: 'B' })
  big(): { run: number; text: string } {
    return { run: this.run('big'), text: 'x'.repeat(2_000) };
  }

  private run(name: string): number {
    const next = (this.runs.get(name) ?? 0) + 1;
    this.runs.set(name, next);
    return next;
  }
}

/** Permission pairs as the metadata database would give them: one set for every user here. */
const security = { accessFor: () => Promise.resolve({ permissionsDigest: 'p' }) };

@Global()
@Module({
  exports: [SecurityService],
  providers: [{ provide: SecurityService, useValue: security }],
})
class PermissionsModule {}

function callAs(id: number, roles: string[] = ['Gamma']): ToolCall {
  return toolCallFixture('', supersetUserFixture({ id, roles, username: `user${id}` }));
}

async function buildTools(cacheConfig: Record<string, unknown>) {
  const { settings } = await loadSettings({ MCP_CACHE_CONFIG: JSON.stringify(cacheConfig) }, '/');
  const moduleRef = await Test.createTestingModule({
    imports: [
      DiscoveryModule,
      SettingsModule.forRoot(settings),
      RedisModule,
      PermissionsModule,
      CacheModule,
    ],
    providers: [CountingTools, ToolCallObservers, ToolExecutor, ToolRegistry],
  }).compile();
  await moduleRef.init();
  return { executor: moduleRef.get(ToolExecutor), registry: moduleRef.get(ToolRegistry) };
}

async function runTool(
  tools: { executor: ToolExecutor; registry: ToolRegistry },
  tool: string,
  call: ToolCall,
  request: Record<string, unknown> = {},
) {
  const result = await tools.executor.execute(tools.registry.get(tool)!, { request }, call);
  const text = (result.content[0] as { text: string }).text;
  return { hit: call.notes.cacheHit, text };
}

describe('ToolResultCacheInterceptor (memory store)', () => {
  let registry: ToolRegistry;
  let executor: ToolExecutor;

  beforeAll(async () => {
    ({ executor, registry } = await buildTools({
      enabled: true,
      excluded_tools: ['excluded'],
      max_item_size: 1_000,
    }));
  });

  const run = (tool: string, call: ToolCall, request: Record<string, unknown> = {}) =>
    runTool({ executor, registry }, tool, call, request);

  it('serves a repeated read-only call from the cache, per principal', async () => {
    const first = await run('read_count', callAs(1), { key: 'a' });
    const again = await run('read_count', callAs(1), { key: 'a' });
    expect(first).toEqual({ hit: false, text: '{"run":1}' });
    expect(again).toEqual({ hit: true, text: '{"run":1}' });
    expect(await run('read_count', callAs(2), { key: 'a' })).toEqual({
      hit: false,
      text: '{"run":2}',
    });
    expect((await run('read_count', callAs(1, ['Alpha']), { key: 'a' })).text).toBe('{"run":3}');
    expect((await run('read_count', callAs(1), { key: 'b' })).text).toBe('{"run":4}');
  });

  it('skips the read on force_refresh and both read and write on use_cache false', async () => {
    await run('read_count', callAs(3), { key: 'f' });
    const fresh = await run('read_count', callAs(3), { force_refresh: true, key: 'f' });
    expect(fresh.hit).toBe(false);
    expect(await run('read_count', callAs(3), { key: 'f' })).toEqual({
      hit: true,
      text: fresh.text,
    });
    const bypass = await run('read_count', callAs(3), { key: 'f', use_cache: false });
    expect(bypass.hit).toBeUndefined();
    expect(bypass.text).not.toBe(fresh.text);
    expect((await run('read_count', callAs(3), { key: 'f' })).text).toBe(fresh.text);
  });

  it('never keeps mutating or excluded tools, failures, or results over max_item_size', async () => {
    for (const tool of ['write_count', 'excluded', 'fails', 'big']) {
      const first = await run(tool, callAs(4));
      const second = await run(tool, callAs(4));
      expect(second.text).not.toBe(first.text);
      expect(second.hit).not.toBe(true);
    }
  });

  it('keeps content a tool shaped itself', async () => {
    const first = await run('content', callAs(5));
    expect(await run('content', callAs(5))).toEqual({ hit: true, text: first.text });
  });
});

describe('ToolResultCacheInterceptor sharing entries across principals', () => {
  it('serves one entry to every caller, after a loud warning, and only then', async () => {
    const warn = vi.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    try {
      const tools = await buildTools({
        dangerously_share_cache_across_principals: true,
        enabled: true,
      });
      const first = await runTool(tools, 'read_count', callAs(10), { key: 'shared' });
      expect(await runTool(tools, 'read_count', callAs(11, ['Admin']), { key: 'shared' })).toEqual({
        hit: true,
        text: first.text,
      });
      expect(warn.mock.calls.map(([message]) => String(message)).join('\n')).toMatch(
        /dangerously_share_cache_across_principals is ON/,
      );
    } finally {
      warn.mockRestore();
    }
  });
});
