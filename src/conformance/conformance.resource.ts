import { Injectable } from '@nestjs/common';

import { McpResource } from '../tools/mcp-feature.decorators.js';
import { RED_PIXEL_PNG } from './conformance-media.js';

/** The resources and the resource template the MCP conformance suite reads and subscribes to. */
@Injectable()
export class ConformanceResources {
  @McpResource({
    description: 'A static text resource. Conformance fixture.',
    mimeType: 'text/plain',
    name: 'static-text',
    title: 'Static text',
    uri: 'test://static-text',
  })
  staticText(): string {
    return 'This is the content of the static text resource.';
  }

  @McpResource({
    description: 'A static binary resource (a 1x1 red PNG). Conformance fixture.',
    mimeType: 'image/png',
    name: 'static-binary',
    title: 'Static binary',
    uri: 'test://static-binary',
  })
  staticBinary(): { blob: string } {
    return { blob: RED_PIXEL_PNG };
  }

  @McpResource({
    description: 'Data for the id in the URI. Conformance fixture.',
    mimeType: 'application/json',
    name: 'template-data',
    template: true,
    title: 'Template data',
    uri: 'test://template/{id}/data',
  })
  templateData(_uri: string, variables: Readonly<Record<string, string>>): Record<string, unknown> {
    const id = variables.id;
    return { id, templateTest: true, data: `Data for ID: ${id}` };
  }

  @McpResource({
    description: 'A resource clients may subscribe to. Conformance fixture.',
    mimeType: 'text/plain',
    name: 'watched-resource',
    title: 'Watched resource',
    uri: 'test://watched-resource',
  })
  watchedResource(): string {
    return 'Watched resource content';
  }
}
