import {
  CallHandler,
  CanActivate,
  ExecutionContext,
  Injectable,
  Logger,
  NestInterceptor,
  UseGuards,
  UseInterceptors,
} from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { map, type Observable } from 'rxjs';
import { describe, expect, it, beforeAll, vi } from 'vitest';
import { z } from 'zod';

import { SettingsModule } from '../config/settings.module.js';
import type { Settings } from '../config/settings.js';
import { SecurityService } from '../users/security.service.js';
import type { ToolCall } from './tool-call.js';
import { ToolCallObservers, type ToolCallRecord } from './tool-call-observers.service.js';
import { ToolError } from './tool-error.js';
import { ToolExecutor } from './tool-executor.service.js';
import { MCP_CONTEXT_TYPE, ToolRegistry } from './tool-registry.service.js';
import { Tool } from './tool.decorator.js';
import { supersetUserFixture, toolCallFixture } from './tool-call.fixture.js';

const seenContextTypes: string[] = [];

@Injectable()
class DenyBobGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    seenContextTypes.push(context.getType());
    const call = context.getArgByIndex<ToolCall>(1);
    if (call.caller.user.username === 'bob') {
      throw new ToolError('permission_denied', `Permission denied for ${call.tool}`);
    }
    return true;
  }
}

@Injectable()
class WrapInterceptor implements NestInterceptor {
  intercept(_context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(map((value) => ({ wrapped: value })));
  }
}

@Injectable()
class SampleTools {
  @Tool({
    description: 'Echo a number.',
    input: z.strictObject({ request: z.strictObject({ value: z.number().int() }) }),
    name: 'echo_number',
    readOnly: true,
    title: 'Echo',
  })
  @UseGuards(DenyBobGuard)
  @UseInterceptors(WrapInterceptor)
  echo(args: { request: { value: number } }): { value: number } {
    return { value: args.request.value };
  }

  @Tool({
    description: 'Filters as a list or as JSON text.',
    input: z.strictObject({
      request: z.strictObject({
        filters: z.union([z.array(z.strictObject({ opr: z.enum(['eq', 'ne']) })), z.string()]),
      }),
    }),
    name: 'pick_filters',
    readOnly: true,
    title: 'Pick filters',
  })
  pickFilters(): Record<string, never> {
    return {};
  }

  @Tool({
    description: 'Always fails unexpectedly.',
    input: z.strictObject({}),
    name: 'explode',
    readOnly: false,
    title: 'Explode',
  })
  explode(): never {
    throw new Error('password=hunter2 leaked from a driver');
  }
}

const settings = {
  MCP_DISABLED_TOOLS: [],
  MCP_RBAC_ENABLED: true,
  MCP_TOOL_SCOPES: { read: null, write: null },
} as unknown as Settings;

const permissive = {
  accessFor: () => Promise.resolve({ can: () => true }),
};

function callAs(username: string, tool: string): ToolCall {
  return toolCallFixture(tool, supersetUserFixture({ username }));
}

describe(ToolExecutor.name, () => {
  let registry: ToolRegistry;
  let executor: ToolExecutor;
  const finished: ToolCallRecord[] = [];

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [DiscoveryModule, SettingsModule.forRoot(settings)],
      providers: [
        DenyBobGuard,
        SampleTools,
        ToolCallObservers,
        ToolExecutor,
        ToolRegistry,
        WrapInterceptor,
        { provide: SecurityService, useValue: permissive },
      ],
    }).compile();
    await moduleRef.init();
    registry = moduleRef.get(ToolRegistry);
    executor = moduleRef.get(ToolExecutor);
    const observers = moduleRef.get(ToolCallObservers);
    observers.subscribe((record) => finished.push(record));
    observers.subscribe(() => {
      throw new Error('a broken listener');
    });
  });

  it('builds each definition once with schema and annotations', () => {
    const echo = registry.get('echo_number');
    expect(echo?.definition.inputSchema).toMatchObject({
      additionalProperties: false,
      properties: { request: { type: 'object' } },
      type: 'object',
    });
    expect(echo?.definition.annotations).toEqual({
      destructiveHint: false,
      idempotentHint: true,
      openWorldHint: false,
      readOnlyHint: true,
      title: 'Echo',
    });
    expect(registry.get('echo_number')).toBe(echo);
  });

  it('runs guards and interceptors in the mcp context', async () => {
    const result = await executor.execute(
      registry.get('echo_number')!,
      { request: { value: 3 } },
      callAs('alice', 'echo_number'),
    );
    expect(result).toEqual({ content: [{ text: '{"wrapped":{"value":3}}', type: 'text' }] });
    expect(seenContextTypes).toContain(MCP_CONTEXT_TYPE);
  });

  it('returns a guard ToolError verbatim as an error result', async () => {
    const result = await executor.execute(
      registry.get('echo_number')!,
      { request: { value: 3 } },
      callAs('bob', 'echo_number'),
    );
    expect(result).toEqual({
      content: [{ text: 'Permission denied for echo_number', type: 'text' }],
      isError: true,
    });
  });

  it('names the bad argument and rejects unknown fields', async () => {
    const wrongType = await executor.execute(
      registry.get('echo_number')!,
      { request: { value: 'three' } },
      callAs('alice', 'echo_number'),
    );
    expect(wrongType.isError).toBe(true);
    expect((wrongType.content[0] as { text: string }).text).toMatch(
      /^Validation error in echo_number: request\.value: /,
    );
    const unknown = await executor.execute(
      registry.get('echo_number')!,
      { request: { value: 1, extra: true } },
      callAs('alice', 'echo_number'),
    );
    expect((unknown.content[0] as { text: string }).text).toContain('extra');
  });

  it('names the bad element inside a union instead of "Invalid input"', async () => {
    const result = await executor.execute(
      registry.get('pick_filters')!,
      { request: { filters: [{ opr: 'eq' }, { opr: 'regex' }] } },
      callAs('alice', 'pick_filters'),
    );
    expect((result.content[0] as { text: string }).text).toBe(
      'Validation error in pick_filters: request.filters.1.opr: Invalid option: expected one of "eq"|"ne"',
    );
    const neither = await executor.execute(
      registry.get('pick_filters')!,
      { request: { filters: 3 } },
      callAs('alice', 'pick_filters'),
    );
    expect((neither.content[0] as { text: string }).text).toBe(
      'Validation error in pick_filters: request.filters: Invalid input',
    );
  });

  it('hides unexpected errors behind the call id', async () => {
    const result = await executor.execute(registry.get('explode')!, {}, callAs('alice', 'explode'));
    const text = (result.content[0] as { text: string }).text;
    expect(result.isError).toBe(true);
    expect(text).toBe(
      `Internal error in explode: An unexpected error occurred. Error ID: ${'c'.repeat(32)}. ` +
        'Please contact support if this persists.',
    );
    expect(text).not.toContain('hunter2');
  });

  it('tells listeners how each call ended, even when one of them throws', async () => {
    finished.length = 0;
    const error = vi.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    try {
      await executor.execute(
        registry.get('echo_number')!,
        { request: { value: 7 } },
        callAs('alice', 'echo_number'),
      );
      await executor.execute(
        registry.get('echo_number')!,
        { request: { value: 'x' } },
        callAs('alice', 'echo_number'),
      );
      await executor.execute(
        registry.get('echo_number')!,
        { request: { value: 1 } },
        callAs('bob', 'echo_number'),
      );
      await executor.execute(registry.get('explode')!, {}, callAs('alice', 'explode'));
    } finally {
      error.mockRestore();
    }
    expect(
      finished.map(({ tool, outcome, errorType, resultBytes }) => ({
        errorType,
        outcome,
        resultBytes,
        tool,
      })),
    ).toEqual([
      { errorType: null, outcome: 'success', resultBytes: 23, tool: 'echo_number' },
      expect.objectContaining({ errorType: 'validation_error', outcome: 'validation_error' }),
      expect.objectContaining({ errorType: 'permission_denied', outcome: 'tool_error' }),
      expect.objectContaining({ errorType: 'internal_error', outcome: 'internal_error' }),
    ]);
    expect(finished[0]).toMatchObject({
      arguments: { request: { value: 7 } },
      callId: 'c'.repeat(32),
      sessionId: null,
    });
    expect(finished[0].durationMs).toBeGreaterThanOrEqual(0);
  });
});

describe(`${ToolRegistry.name} with MCP_DISABLED_TOOLS`, () => {
  it('leaves disabled tools out and warns about a name that is no tool, naming the one it meant', async () => {
    const warn = vi.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    try {
      const moduleRef = await Test.createTestingModule({
        imports: [
          DiscoveryModule,
          SettingsModule.forRoot({
            ...settings,
            MCP_DISABLED_TOOLS: ['explode', 'echo_numbr', 'nothing_like_it'],
          }),
        ],
        providers: [
          DenyBobGuard,
          SampleTools,
          ToolRegistry,
          WrapInterceptor,
          { provide: SecurityService, useValue: permissive },
        ],
      }).compile();
      await moduleRef.init();
      const registry = moduleRef.get(ToolRegistry);
      expect(registry.get('explode')).toBeUndefined();
      expect(registry.get('echo_number')).toBeDefined();
      expect(warn.mock.calls.map(([message]) => String(message))).toEqual([
        "MCP_DISABLED_TOOLS names no tool 'echo_numbr' (ignored); did you mean echo_number?",
        "MCP_DISABLED_TOOLS names no tool 'nothing_like_it' (ignored)",
      ]);
      await moduleRef.close();
    } finally {
      warn.mockRestore();
    }
  });
});
