import { Injectable } from '@nestjs/common';
import type { GetPromptResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';

import { McpPrompt } from '../tools/mcp-feature.decorators.js';
import { RED_PIXEL_PNG } from './conformance-media.js';

const PromptArguments = z.object({
  arg1: z.string().describe('First test argument'),
  arg2: z.string().describe('Second test argument'),
});
const EmbeddedResourceArguments = z.object({
  resourceUri: z.string().describe('URI of the resource to embed'),
});

const ARG1_SUGGESTIONS = ['paris', 'park', 'party'];

/** The prompts the MCP conformance suite lists, gets and completes. */
@Injectable()
export class ConformancePrompts {
  @McpPrompt({
    description: 'A prompt without arguments. Conformance fixture.',
    name: 'test_simple_prompt',
    title: 'Simple prompt',
  })
  simplePrompt(): GetPromptResult {
    return {
      messages: [
        { content: { text: 'This is a simple prompt for testing.', type: 'text' }, role: 'user' },
      ],
    };
  }

  @McpPrompt({
    arguments: PromptArguments,
    complete: {
      arg1: (value) => ARG1_SUGGESTIONS.filter((suggestion) => suggestion.startsWith(value)),
    },
    description: 'A prompt with two required arguments. Conformance fixture.',
    name: 'test_prompt_with_arguments',
    title: 'Prompt with arguments',
  })
  promptWithArguments(args: z.infer<typeof PromptArguments>): GetPromptResult {
    return {
      messages: [
        {
          content: {
            text: `Prompt with arguments: arg1='${args.arg1}', arg2='${args.arg2}'`,
            type: 'text',
          },
          role: 'user',
        },
      ],
    };
  }

  @McpPrompt({
    arguments: EmbeddedResourceArguments,
    description: 'A prompt that embeds the resource it is given. Conformance fixture.',
    name: 'test_prompt_with_embedded_resource',
    title: 'Prompt with embedded resource',
  })
  promptWithEmbeddedResource(args: z.infer<typeof EmbeddedResourceArguments>): GetPromptResult {
    return {
      messages: [
        {
          content: {
            resource: {
              mimeType: 'text/plain',
              text: 'Embedded resource content for testing.',
              uri: args.resourceUri,
            },
            type: 'resource',
          },
          role: 'user',
        },
        {
          content: { text: 'Please process the embedded resource above.', type: 'text' },
          role: 'user',
        },
      ],
    };
  }

  @McpPrompt({
    description: 'A prompt with an image. Conformance fixture.',
    name: 'test_prompt_with_image',
    title: 'Prompt with image',
  })
  promptWithImage(): GetPromptResult {
    return {
      messages: [
        { content: { data: RED_PIXEL_PNG, mimeType: 'image/png', type: 'image' }, role: 'user' },
        { content: { text: 'Please analyze the image above.', type: 'text' }, role: 'user' },
      ],
    };
  }
}
