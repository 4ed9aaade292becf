import { setTimeout as sleep } from 'node:timers/promises';

import { Injectable } from '@nestjs/common';
import { z } from 'zod';

import type { ClientRequest, ToolCall } from '../tools/tool-call.js';
import { ToolError } from '../tools/tool-error.js';
import { ToolContentResult } from '../tools/tool-result.js';
import { Tool } from '../tools/tool.decorator.js';
import { RED_PIXEL_PNG, SILENT_WAV } from './conformance-media.js';

const NoArguments = z.strictObject({});
const SamplingArguments = z.strictObject({
  prompt: z.string().describe('The prompt to send to the LLM'),
});
const ElicitationArguments = z.strictObject({
  message: z.string().describe('The message to show the user'),
});

const Address = z.object({ street: z.string().optional(), city: z.string().optional() });
const JsonSchema2020Arguments = z.strictObject({
  name: z.string().optional(),
  address: Address.optional(),
});
const jsonSchemaDefinitions = z.registry<{ id: string }>();
jsonSchemaDefinitions.add(Address, { id: 'address' });
const JSON_SCHEMA_2020_INPUT = {
  ...z.toJSONSchema(JsonSchema2020Arguments, {
    io: 'input',
    metadata: jsonSchemaDefinitions,
    target: 'draft-2020-12',
  }),
  type: 'object' as const,
};

const STEP_DELAY_MS = 50;

/** The tools the MCP conformance suite's server scenarios call, exactly as they describe them. */
@Injectable()
export class ConformanceTools {
  @Tool({
    description: 'Returns one text block. Conformance fixture.',
    input: NoArguments,
    name: 'test_simple_text',
    readOnly: true,
    title: 'Simple text',
  })
  simpleText(): ToolContentResult {
    return new ToolContentResult({
      content: [{ text: 'This is a simple text response for testing.', type: 'text' }],
    });
  }

  @Tool({
    description: 'Returns a 1x1 red PNG image. Conformance fixture.',
    input: NoArguments,
    name: 'test_image_content',
    readOnly: true,
    title: 'Image content',
  })
  imageContent(): ToolContentResult {
    return new ToolContentResult({
      content: [{ data: RED_PIXEL_PNG, mimeType: 'image/png', type: 'image' }],
    });
  }

  @Tool({
    description: 'Returns a short WAV clip. Conformance fixture.',
    input: NoArguments,
    name: 'test_audio_content',
    readOnly: true,
    title: 'Audio content',
  })
  audioContent(): ToolContentResult {
    return new ToolContentResult({
      content: [{ data: SILENT_WAV, mimeType: 'audio/wav', type: 'audio' }],
    });
  }

  @Tool({
    description: 'Returns an embedded text resource. Conformance fixture.',
    input: NoArguments,
    name: 'test_embedded_resource',
    readOnly: true,
    title: 'Embedded resource',
  })
  embeddedResource(): ToolContentResult {
    return new ToolContentResult({
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
  }

  @Tool({
    description: 'Returns text, an image and an embedded resource. Conformance fixture.',
    input: NoArguments,
    name: 'test_multiple_content_types',
    readOnly: true,
    title: 'Multiple content types',
  })
  multipleContentTypes(): ToolContentResult {
    return new ToolContentResult({
      content: [
        { text: 'Multiple content types test:', type: 'text' },
        { data: RED_PIXEL_PNG, mimeType: 'image/png', type: 'image' },
        {
          resource: {
            mimeType: 'application/json',
            text: JSON.stringify({ test: 'data', value: 123 }),
            uri: 'test://mixed-content-resource',
          },
          type: 'resource',
        },
      ],
    });
  }

  @Tool({
    description: 'Sends three info log notifications while it runs. Conformance fixture.',
    input: NoArguments,
    name: 'test_tool_with_logging',
    readOnly: true,
    title: 'Tool with logging',
  })
  async toolWithLogging(_args: unknown, call: ToolCall): Promise<ToolContentResult> {
    await call.log('info', 'Tool execution started');
    await sleep(STEP_DELAY_MS, undefined, { signal: call.signal });
    await call.log('info', 'Tool processing data');
    await sleep(STEP_DELAY_MS, undefined, { signal: call.signal });
    await call.log('info', 'Tool execution completed');
    return textResult('Tool with logging executed successfully');
  }

  @Tool({
    description: 'Always fails with an error result. Conformance fixture.',
    input: NoArguments,
    name: 'test_error_handling',
    readOnly: true,
    title: 'Error handling',
  })
  errorHandling(): never {
    throw new ToolError('invalid_request', 'This tool intentionally returns an error for testing');
  }

  @Tool({
    description: 'Reports progress 0, 50 and 100 of 100 while it runs. Conformance fixture.',
    input: NoArguments,
    name: 'test_tool_with_progress',
    readOnly: true,
    title: 'Tool with progress',
  })
  async toolWithProgress(_args: unknown, call: ToolCall): Promise<ToolContentResult> {
    await call.reportProgress(0, 100);
    await sleep(STEP_DELAY_MS, undefined, { signal: call.signal });
    await call.reportProgress(50, 100);
    await sleep(STEP_DELAY_MS, undefined, { signal: call.signal });
    await call.reportProgress(100, 100);
    return textResult('Tool with progress executed successfully');
  }

  @Tool({
    description: 'Asks the client to sample an LLM with the given prompt. Conformance fixture.',
    input: SamplingArguments,
    name: 'test_sampling',
    readOnly: true,
    title: 'Sampling',
  })
  async sampling(
    args: z.infer<typeof SamplingArguments>,
    call: ToolCall,
  ): Promise<ToolContentResult> {
    const result = await askClient(call, 'sampling', {
      method: 'sampling/createMessage',
      params: {
        maxTokens: 100,
        messages: [{ content: { text: args.prompt, type: 'text' }, role: 'user' }],
      },
    });
    return textResult(`LLM response: ${sampledText(result.content)}`);
  }

  @Tool({
    description:
      'Asks the user, through the client, for a username and email. Conformance fixture.',
    input: ElicitationArguments,
    name: 'test_elicitation',
    readOnly: true,
    title: 'Elicitation',
  })
  async elicitation(
    args: z.infer<typeof ElicitationArguments>,
    call: ToolCall,
  ): Promise<ToolContentResult> {
    const result = await askClient(call, 'elicitation', {
      method: 'elicitation/create',
      params: {
        message: args.message,
        requestedSchema: {
          properties: {
            email: { description: "User's email address", type: 'string' },
            username: { description: "User's response", type: 'string' },
          },
          required: ['username', 'email'],
          type: 'object',
        },
      },
    });
    return textResult(`User response: ${describeElicitation(result)}`);
  }

  @Tool({
    description:
      'Elicits a form whose string, integer, number, enum and boolean fields have defaults ' +
      '(SEP-1034). Conformance fixture.',
    input: NoArguments,
    name: 'test_elicitation_sep1034_defaults',
    readOnly: true,
    title: 'Elicitation with defaults',
  })
  async elicitationWithDefaults(_args: unknown, call: ToolCall): Promise<ToolContentResult> {
    const result = await askClient(call, 'elicitation', {
      method: 'elicitation/create',
      params: {
        message: 'Please review and update the form fields with defaults',
        requestedSchema: {
          properties: {
            age: { default: 30, description: 'User age', type: 'integer' },
            name: { default: 'John Doe', description: 'User name', type: 'string' },
            score: { default: 95.5, description: 'User score', type: 'number' },
            status: {
              default: 'active',
              description: 'User status',
              enum: ['active', 'inactive', 'pending'],
              type: 'string',
            },
            verified: { default: true, description: 'Verification status', type: 'boolean' },
          },
          type: 'object',
        },
      },
    });
    return textResult(`Elicitation completed: ${describeElicitation(result)}`);
  }

  @Tool({
    description:
      'Elicits a form with every enum variant: untitled, titled and legacy single-select, ' +
      'untitled and titled multi-select (SEP-1330). Conformance fixture.',
    input: NoArguments,
    name: 'test_elicitation_sep1330_enums',
    readOnly: true,
    title: 'Elicitation with enums',
  })
  async elicitationWithEnums(_args: unknown, call: ToolCall): Promise<ToolContentResult> {
    const result = await askClient(call, 'elicitation', {
      method: 'elicitation/create',
      params: {
        message: 'Please select options from the enum fields',
        requestedSchema: {
          properties: {
            legacyEnum: {
              description: 'Legacy titled single-select (enumNames)',
              enum: ['opt1', 'opt2', 'opt3'],
              enumNames: ['Option One', 'Option Two', 'Option Three'],
              type: 'string',
            },
            titledMulti: {
              description: 'Titled multi-select',
              items: {
                anyOf: [
                  { const: 'value1', title: 'First Choice' },
                  { const: 'value2', title: 'Second Choice' },
                  { const: 'value3', title: 'Third Choice' },
                ],
              },
              type: 'array',
            },
            titledSingle: {
              description: 'Titled single-select',
              oneOf: [
                { const: 'value1', title: 'First Option' },
                { const: 'value2', title: 'Second Option' },
                { const: 'value3', title: 'Third Option' },
              ],
              type: 'string',
            },
            untitledMulti: {
              description: 'Untitled multi-select',
              items: { enum: ['option1', 'option2', 'option3'], type: 'string' },
              type: 'array',
            },
            untitledSingle: {
              description: 'Untitled single-select',
              enum: ['option1', 'option2', 'option3'],
              type: 'string',
            },
          },
          type: 'object',
        },
      },
    });
    return textResult(`Elicitation completed: ${describeElicitation(result)}`);
  }

  @Tool({
    description: 'Tool with JSON Schema 2020-12 features',
    input: JsonSchema2020Arguments,
    inputJsonSchema: JSON_SCHEMA_2020_INPUT,
    name: 'json_schema_2020_12_tool',
    readOnly: true,
    title: 'JSON Schema 2020-12',
  })
  jsonSchema2020(args: z.infer<typeof JsonSchema2020Arguments>): Record<string, unknown> {
    return { received: args };
  }
}

function textResult(text: string): ToolContentResult {
  return new ToolContentResult({ content: [{ text, type: 'text' }] });
}

/**
 * The client answers in a separate POST of the same session, which is how that answer finds this
 * call; without a session it could never arrive.
 */
async function askClient(
  call: ToolCall,
  feature: 'sampling' | 'elicitation',
  request: ClientRequest,
): Promise<Record<string, unknown>> {
  if (call.sessionId === null) {
    throw new ToolError(
      'invalid_request',
      `This tool needs ${feature}, which needs an MCP session; initialize one first.`,
    );
  }
  try {
    return await call.requestFromClient(request);
  } catch (error) {
    throw new ToolError(
      'invalid_request',
      `The client did not complete the ${feature} request: ${
        error instanceof Error ? error.message : String(error)
      }`,
    );
  }
}

function sampledText(content: unknown): string {
  const blocks: unknown[] = Array.isArray(content) ? content : [content];
  const texts = blocks
    .filter(
      (block): block is { type: 'text'; text: string } =>
        typeof block === 'object' &&
        block !== null &&
        (block as { type?: unknown }).type === 'text' &&
        typeof (block as { text?: unknown }).text === 'string',
    )
    .map((block) => block.text);
  return texts.length > 0 ? texts.join('\n') : JSON.stringify(content ?? null);
}

function describeElicitation(result: Record<string, unknown>): string {
  return `action=${String(result.action)}, content=${JSON.stringify(result.content ?? {})}`;
}
