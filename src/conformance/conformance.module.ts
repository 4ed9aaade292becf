import { Module } from '@nestjs/common';

import { ConformancePrompts } from './conformance.prompt.js';
import { ConformanceResources } from './conformance.resource.js';
import { ConformanceTools } from './conformance.tool.js';

/**
 * The fixtures the official MCP conformance suite expects (`MCP_CONFORMANCE_FIXTURES=true`).
 * Test only: the tool, resource and prompt registries discover them like any other provider.
 */
@Module({ providers: [ConformancePrompts, ConformanceResources, ConformanceTools] })
export class ConformanceModule {}
