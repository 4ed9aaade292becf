import { DiscoveryModule } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { Caller } from '../auth/caller.js';
import { McpFeatureRegistry } from '../tools/mcp-feature.registry.js';
import { ConformancePrompts } from './conformance.prompt.js';

const caller = {
  principal: null,
  scopes: [],
  user: { id: 1, username: 'admin' },
} as unknown as Caller;

describe(ConformancePrompts.name, () => {
  let client: Client;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [DiscoveryModule],
      providers: [ConformancePrompts, McpFeatureRegistry],
    }).compile();
    await moduleRef.init();
    const features = moduleRef.get(McpFeatureRegistry);
    const server = new Server(
      { name: 'fixtures', version: '0' },
      { capabilities: features.capabilities() },
    );
    features.attach(server, caller);
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await server.connect(serverSide);
    client = new Client({ name: 'spec', version: '0' });
    await client.connect(clientSide);
  });

  afterAll(async () => {
    await client.close();
  });

  it('lists the four prompts with descriptions and required arguments', async () => {
    const { prompts } = await client.listPrompts();
    expect(
      Object.fromEntries(
        prompts.map((prompt) => [
          prompt.name,
          (prompt.arguments ?? []).map((argument) => `${argument.name}:${argument.required}`),
        ]),
      ),
    ).toEqual({
      test_prompt_with_arguments: ['arg1:true', 'arg2:true'],
      test_prompt_with_embedded_resource: ['resourceUri:true'],
      test_prompt_with_image: [],
      test_simple_prompt: [],
    });
    for (const prompt of prompts) expect(prompt.description).not.toBe('');
  });

  it('returns the simple prompt', async () => {
    await expect(client.getPrompt({ name: 'test_simple_prompt' })).resolves.toEqual({
      messages: [
        { content: { text: 'This is a simple prompt for testing.', type: 'text' }, role: 'user' },
      ],
    });
  });

  it('substitutes both arguments and rejects a missing one', async () => {
    await expect(
      client.getPrompt({
        arguments: { arg1: 'hello', arg2: 'world' },
        name: 'test_prompt_with_arguments',
      }),
    ).resolves.toEqual({
      messages: [
        {
          content: { text: "Prompt with arguments: arg1='hello', arg2='world'", type: 'text' },
          role: 'user',
        },
      ],
    });
    await expect(
      client.getPrompt({ arguments: { arg1: 'hello' }, name: 'test_prompt_with_arguments' }),
    ).rejects.toThrow(/arg2/);
  });

  it('completes arg1 by prefix', async () => {
    await expect(
      client.complete({
        argument: { name: 'arg1', value: 'par' },
        ref: { name: 'test_prompt_with_arguments', type: 'ref/prompt' },
      }),
    ).resolves.toEqual({
      completion: { hasMore: false, total: 3, values: ['paris', 'park', 'party'] },
    });
    const none = await client.complete({
      argument: { name: 'arg1', value: 'test' },
      ref: { name: 'test_prompt_with_arguments', type: 'ref/prompt' },
    });
    expect(none.completion.values).toEqual([]);
  });

  it('embeds the resource it is given, then asks to process it', async () => {
    const { messages } = await client.getPrompt({
      arguments: { resourceUri: 'test://example-resource' },
      name: 'test_prompt_with_embedded_resource',
    });
    expect(messages).toEqual([
      {
        content: {
          resource: {
            mimeType: 'text/plain',
            text: 'Embedded resource content for testing.',
            uri: 'test://example-resource',
          },
          type: 'resource',
        },
        role: 'user',
      },
      {
        content: { text: 'Please process the embedded resource above.', type: 'text' },
        role: 'user',
      },
    ]);
  });

  it('shows an image, then asks to analyse it', async () => {
    const { messages } = await client.getPrompt({ name: 'test_prompt_with_image' });
    expect(messages).toEqual([
      {
        content: {
          data: expect.stringMatching(/^iVBORw0KGgo/),
          mimeType: 'image/png',
          type: 'image',
        },
        role: 'user',
      },
      { content: { text: 'Please analyze the image above.', type: 'text' }, role: 'user' },
    ]);
  });
});
