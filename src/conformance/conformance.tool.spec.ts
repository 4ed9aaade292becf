import { Global, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { beforeAll, describe, expect, it } from 'vitest';

import { SettingsModule } from '../config/settings.module.js';
import type { Settings } from '../config/settings.js';
import type { ClientRequest, LogLevel, ToolCall } from '../tools/tool-call.js';
import { ToolCallObservers } from '../tools/tool-call-observers.service.js';
import { ToolExecutor } from '../tools/tool-executor.service.js';
import { SecurityService } from '../users/security.service.js';
import { ToolRegistry } from '../tools/tool-registry.service.js';
import { ConformanceModule } from './conformance.module.js';
import { ConformanceTools } from './conformance.tool.js';
import { supersetUserFixture, toolCallFixture } from '../tools/tool-call.fixture.js';

const settings = {
  MCP_DISABLED_TOOLS: [],
  MCP_RBAC_ENABLED: true,
  MCP_TOOL_SCOPES: { read: null, write: null },
} as unknown as Settings;

/** Stands in for UsersModule: the fixtures need no Superset permission. */
@Global()
@Module({
  exports: [SecurityService],
  providers: [{ provide: SecurityService, useValue: { accessFor: () => Promise.resolve({}) } }],
})
class PermissiveSecurityModule {}

interface RecordedCall {
  readonly call: ToolCall;
  readonly logs: { level: LogLevel; data: unknown }[];
  readonly progress: { progress: number; total?: number }[];
  readonly requests: ClientRequest[];
}

function recordedCall(
  tool: string,
  options: {
    sessionId?: string | null;
    answer?: (request: ClientRequest) => Promise<Record<string, unknown>>;
  } = {},
): RecordedCall {
  const logs: RecordedCall['logs'] = [];
  const progress: RecordedCall['progress'] = [];
  const requests: ClientRequest[] = [];
  const call = toolCallFixture(tool, supersetUserFixture(), {
    log: (level, data) => {
      logs.push({ data, level });
      return Promise.resolve();
    },
    reportProgress: (value, total) => {
      progress.push({ progress: value, total });
      return Promise.resolve();
    },
    requestFromClient: (request) => {
      requests.push(request);
      return options.answer ? options.answer(request) : Promise.resolve({});
    },
    sessionId: options.sessionId === undefined ? 'session-1' : options.sessionId,
  });
  return { call, logs, progress, requests };
}

const EXPECTED_TOOLS = [
  'json_schema_2020_12_tool',
  'test_audio_content',
  'test_elicitation',
  'test_elicitation_sep1034_defaults',
  'test_elicitation_sep1330_enums',
  'test_embedded_resource',
  'test_error_handling',
  'test_image_content',
  'test_multiple_content_types',
  'test_sampling',
  'test_simple_text',
  'test_tool_with_logging',
  'test_tool_with_progress',
];

describe(ConformanceTools.name, () => {
  let registry: ToolRegistry;
  let executor: ToolExecutor;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [
        DiscoveryModule,
        SettingsModule.forRoot(settings),
        PermissiveSecurityModule,
        ConformanceModule,
      ],
      providers: [ToolCallObservers, ToolExecutor, ToolRegistry],
    }).compile();
    await moduleRef.init();
    registry = moduleRef.get(ToolRegistry);
    executor = moduleRef.get(ToolExecutor);
  });

  function run(
    name: string,
    args: unknown,
    recorded = recordedCall(name),
  ): Promise<CallToolResult> {
    const tool = registry.get(name);
    if (!tool) throw new Error(`tool ${name} is not registered`);
    return executor.execute(tool, args, recorded.call);
  }

  it('registers every tool the suite calls, each with a description', () => {
    const names = registry
      .all()
      .map((tool) => tool.definition.name)
      .sort();
    expect(names).toEqual(EXPECTED_TOOLS);
    for (const tool of registry.all()) expect(tool.definition.description).not.toBe('');
  });

  it('returns the exact content blocks of the content fixtures', async () => {
    await expect(run('test_simple_text', undefined)).resolves.toEqual({
      content: [{ text: 'This is a simple text response for testing.', type: 'text' }],
    });
    const image = await run('test_image_content', {});
    expect(image.content).toEqual([
      { data: expect.stringMatching(/^iVBORw0KGgo/), mimeType: 'image/png', type: 'image' },
    ]);
    const audio = await run('test_audio_content', {});
    expect(audio.content).toEqual([
      { data: expect.stringMatching(/^UklGR/), mimeType: 'audio/wav', type: 'audio' },
    ]);
    await expect(run('test_embedded_resource', {})).resolves.toEqual({
      content: [
        {
          resource: {
            mimeType: 'text/plain',
            text: 'This is an embedded resource content.',
            uri: 'test://embedded-resource',
          },
          type: 'resource',
        },
      ],
    });
    const mixed = await run('test_multiple_content_types', {});
    expect(mixed.content.map((block) => block.type)).toEqual(['text', 'image', 'resource']);
    expect(mixed.content[2]).toMatchObject({
      resource: { text: '{"test":"data","value":123}', uri: 'test://mixed-content-resource' },
    });
  });

  it('embeds a PNG and a WAV that decode to valid files', async () => {
    const image = (await run('test_image_content', {})).content[0] as { data: string };
    const png = Buffer.from(image.data, 'base64');
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([1, 1]);
    const audio = (await run('test_audio_content', {})).content[0] as { data: string };
    const wav = Buffer.from(audio.data, 'base64');
    expect(wav.subarray(0, 4).toString('latin1')).toBe('RIFF');
    expect(wav.subarray(8, 12).toString('latin1')).toBe('WAVE');
    expect(wav.readUInt32LE(4)).toBe(wav.length - 8);
  });

  it('reports the intentional error verbatim as an error result', async () => {
    await expect(run('test_error_handling', {})).resolves.toEqual({
      content: [{ text: 'This tool intentionally returns an error for testing', type: 'text' }],
      isError: true,
    });
  });

  it('sends three info logs, spaced out, while it runs', async () => {
    const recorded = recordedCall('test_tool_with_logging');
    const startedAt = Date.now();
    const result = await run('test_tool_with_logging', {}, recorded);
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(90);
    expect(result.isError).toBeUndefined();
    expect(recorded.logs).toEqual([
      { data: 'Tool execution started', level: 'info' },
      { data: 'Tool processing data', level: 'info' },
      { data: 'Tool execution completed', level: 'info' },
    ]);
  });

  it('reports progress 0, 50 and 100 of 100', async () => {
    const recorded = recordedCall('test_tool_with_progress');
    const result = await run('test_tool_with_progress', {}, recorded);
    expect(result.isError).toBeUndefined();
    expect(recorded.progress).toEqual([
      { progress: 0, total: 100 },
      { progress: 50, total: 100 },
      { progress: 100, total: 100 },
    ]);
  });

  it('asks the client to sample with the prompt and returns its answer', async () => {
    const recorded = recordedCall('test_sampling', {
      answer: () =>
        Promise.resolve({
          content: { text: 'Hello from the model', type: 'text' },
          model: 'test-model',
          role: 'assistant',
        }),
    });
    const result = await run('test_sampling', { prompt: 'Say hello' }, recorded);
    expect(recorded.requests).toEqual([
      {
        method: 'sampling/createMessage',
        params: {
          maxTokens: 100,
          messages: [{ content: { text: 'Say hello', type: 'text' }, role: 'user' }],
        },
      },
    ]);
    expect(result).toEqual({
      content: [{ text: 'LLM response: Hello from the model', type: 'text' }],
    });
  });

  it('requires the prompt argument for sampling', async () => {
    const result = await run('test_sampling', {});
    expect(result.isError).toBe(true);
    expect((result.content[0] as { text: string }).text).toMatch(
      /^Validation error in test_sampling: prompt: /,
    );
  });

  it('fails with a clear error when sampling is impossible or refused', async () => {
    const sessionless = recordedCall('test_sampling', { sessionId: null });
    const withoutSession = await run('test_sampling', { prompt: 'x' }, sessionless);
    expect(withoutSession.isError).toBe(true);
    expect((withoutSession.content[0] as { text: string }).text).toContain('needs an MCP session');
    expect(sessionless.requests).toEqual([]);

    const refused = recordedCall('test_sampling', {
      answer: () => Promise.reject(new Error('MCP error -32601: Method not found')),
    });
    const result = await run('test_sampling', { prompt: 'x' }, refused);
    expect(result).toEqual({
      content: [
        {
          text: 'The client did not complete the sampling request: MCP error -32601: Method not found',
          type: 'text',
        },
      ],
      isError: true,
    });
  });

  it('elicits a username and email and reports the answer', async () => {
    const recorded = recordedCall('test_elicitation', {
      answer: () =>
        Promise.resolve({ action: 'accept', content: { email: 'a@b.c', username: 'ann' } }),
    });
    const result = await run('test_elicitation', { message: 'Who are you?' }, recorded);
    expect(recorded.requests).toEqual([
      {
        method: 'elicitation/create',
        params: {
          message: 'Who are you?',
          requestedSchema: {
            properties: {
              email: { description: "User's email address", type: 'string' },
              username: { description: "User's response", type: 'string' },
            },
            required: ['username', 'email'],
            type: 'object',
          },
        },
      },
    ]);
    expect(result.content).toEqual([
      {
        text: 'User response: action=accept, content={"email":"a@b.c","username":"ann"}',
        type: 'text',
      },
    ]);
  });

  it('elicits defaults for every primitive type (SEP-1034)', async () => {
    const recorded = recordedCall('test_elicitation_sep1034_defaults', {
      answer: () => Promise.resolve({ action: 'decline' }),
    });
    const result = await run('test_elicitation_sep1034_defaults', {}, recorded);
    const schema = recorded.requests[0].params?.requestedSchema as {
      properties: Record<string, { type: string; default: unknown; enum?: string[] }>;
    };
    expect(
      Object.fromEntries(
        Object.entries(schema.properties).map(([name, field]) => [
          name,
          [field.type, field.default],
        ]),
      ),
    ).toEqual({
      age: ['integer', 30],
      name: ['string', 'John Doe'],
      score: ['number', 95.5],
      status: ['string', 'active'],
      verified: ['boolean', true],
    });
    expect(schema.properties.status.enum).toEqual(['active', 'inactive', 'pending']);
    expect(result.content).toEqual([
      { text: 'Elicitation completed: action=decline, content={}', type: 'text' },
    ]);
  });

  it('elicits all five enum variants (SEP-1330)', async () => {
    const recorded = recordedCall('test_elicitation_sep1330_enums', {
      answer: () => Promise.resolve({ action: 'cancel' }),
    });
    await run('test_elicitation_sep1330_enums', {}, recorded);
    const properties = (
      recorded.requests[0].params?.requestedSchema as {
        properties: Record<string, Record<string, unknown>>;
      }
    ).properties;
    expect(properties.untitledSingle).toMatchObject({ enum: expect.any(Array), type: 'string' });
    expect(properties.untitledSingle).not.toHaveProperty('oneOf');
    expect(properties.titledSingle).toMatchObject({
      oneOf: expect.arrayContaining([{ const: 'value1', title: 'First Option' }]),
      type: 'string',
    });
    expect(properties.titledSingle).not.toHaveProperty('enum');
    const legacy = properties.legacyEnum as { enum: string[]; enumNames: string[] };
    expect(legacy.enumNames).toHaveLength(legacy.enum.length);
    expect(properties.untitledMulti).toEqual({
      description: 'Untitled multi-select',
      items: { enum: ['option1', 'option2', 'option3'], type: 'string' },
      type: 'array',
    });
    expect(properties.titledMulti).toMatchObject({
      items: { anyOf: expect.arrayContaining([{ const: 'value1', title: 'First Choice' }]) },
      type: 'array',
    });
  });

  it('advertises the JSON Schema 2020-12 keywords and still validates with zod', async () => {
    expect(registry.get('json_schema_2020_12_tool')?.definition.inputSchema).toEqual({
      $defs: {
        address: {
          properties: { city: { type: 'string' }, street: { type: 'string' } },
          type: 'object',
        },
      },
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      additionalProperties: false,
      properties: { address: { $ref: '#/$defs/address' }, name: { type: 'string' } },
      type: 'object',
    });
    const accepted = await run('json_schema_2020_12_tool', {
      address: { city: 'Paris' },
      name: 'Ann',
    });
    expect(accepted.isError).toBeUndefined();
    const rejected = await run('json_schema_2020_12_tool', { nickname: 'A' });
    expect(rejected.isError).toBe(true);
    expect((rejected.content[0] as { text: string }).text).toContain('nickname');
  });
});
