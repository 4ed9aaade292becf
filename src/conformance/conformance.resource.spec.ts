import { DiscoveryModule } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { Caller } from '../auth/caller.js';
import { McpFeatureRegistry } from '../tools/mcp-feature.registry.js';
import { ConformanceResources } from './conformance.resource.js';

const caller = {
  principal: null,
  scopes: [],
  user: { id: 1, username: 'admin' },
} as unknown as Caller;

describe(ConformanceResources.name, () => {
  let client: Client;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [DiscoveryModule],
      providers: [ConformanceResources, McpFeatureRegistry],
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

  it('lists the direct resources with name and description, and the template apart', async () => {
    const { resources } = await client.listResources();
    expect(resources.map((resource) => resource.uri).sort()).toEqual([
      'test://static-binary',
      'test://static-text',
      'test://watched-resource',
    ]);
    for (const resource of resources) {
      expect(resource.name).not.toBe('');
      expect(resource.description).not.toBe('');
    }
    const { resourceTemplates } = await client.listResourceTemplates();
    expect(resourceTemplates.map((template) => template.uriTemplate)).toEqual([
      'test://template/{id}/data',
    ]);
  });

  it('reads the static text and binary resources', async () => {
    await expect(client.readResource({ uri: 'test://static-text' })).resolves.toEqual({
      contents: [
        {
          mimeType: 'text/plain',
          text: 'This is the content of the static text resource.',
          uri: 'test://static-text',
        },
      ],
    });
    const binary = await client.readResource({ uri: 'test://static-binary' });
    expect(binary.contents).toEqual([
      {
        blob: expect.stringMatching(/^iVBORw0KGgo/),
        mimeType: 'image/png',
        uri: 'test://static-binary',
      },
    ]);
  });

  it('substitutes the template variable', async () => {
    await expect(client.readResource({ uri: 'test://template/123/data' })).resolves.toEqual({
      contents: [
        {
          mimeType: 'application/json',
          text: '{"id":"123","templateTest":true,"data":"Data for ID: 123"}',
          uri: 'test://template/123/data',
        },
      ],
    });
  });

  it('accepts a subscription to the watched resource and its removal', async () => {
    await expect(client.subscribeResource({ uri: 'test://watched-resource' })).resolves.toEqual({});
    await expect(client.unsubscribeResource({ uri: 'test://watched-resource' })).resolves.toEqual(
      {},
    );
  });
});
