import { Injectable, OnModuleInit } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { UriTemplate } from '@modelcontextprotocol/sdk/shared/uriTemplate.js';
import {
  CompleteRequestSchema,
  ErrorCode,
  GetPromptRequestSchema,
  ListPromptsRequestSchema,
  ListResourcesRequestSchema,
  ListResourceTemplatesRequestSchema,
  McpError,
  ReadResourceRequestSchema,
  SubscribeRequestSchema,
  UnsubscribeRequestSchema,
  type GetPromptResult,
  type ServerCapabilities,
} from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';

import type { Caller } from '../auth/caller.js';
import { uncachedAnswer, type CachedAnswer } from '../cache/cached-answer.js';
import { clipText } from '../common/clip-text.js';
import {
  PROMPT_METADATA,
  RESOURCE_METADATA,
  type Completer,
  type PromptOptions,
  type ResourceOptions,
} from './mcp-feature.decorators.js';
import { providerMethods } from './provider-methods.js';

/** How much of an unknown resource URI or prompt name an error repeats. */
const ECHO_LIMIT = 200;

type ResourceHandler = (
  uri: string,
  variables: Record<string, string>,
  caller: Caller,
) => Promise<unknown>;
type PromptHandler = (args: Record<string, unknown>, caller: Caller) => Promise<GetPromptResult>;

interface RegisteredResource {
  readonly options: ResourceOptions;
  readonly template: UriTemplate | null;
  readonly read: ResourceHandler;
}

interface RegisteredPrompt {
  readonly options: PromptOptions;
  readonly argumentList: { name: string; description?: string; required: boolean }[];
  readonly get: PromptHandler;
}

const MAX_COMPLETIONS = 100;

/** Resources, resource templates, prompts and their completions, discovered once at start-up. */
@Injectable()
export class McpFeatureRegistry implements OnModuleInit {
  private readonly resources: RegisteredResource[] = [];
  private readonly prompts = new Map<string, RegisteredPrompt>();

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
  ) {}

  onModuleInit(): void {
    for (const { instance, method } of providerMethods(this.discovery, this.scanner)) {
      const bound = method.bind(instance) as (...args: unknown[]) => Promise<unknown>;
      const resource = this.reflector.get<ResourceOptions | undefined>(RESOURCE_METADATA, method);
      if (resource) this.addResource(resource, bound);
      const prompt = this.reflector.get<PromptOptions | undefined>(PROMPT_METADATA, method);
      if (prompt) this.addPrompt(prompt, bound as PromptHandler);
    }
  }

  capabilities(): Partial<ServerCapabilities> {
    const capabilities: Partial<ServerCapabilities> = {};
    if (this.resources.length > 0) {
      capabilities.resources = { listChanged: false, subscribe: true };
    }
    if (this.prompts.size > 0) capabilities.prompts = { listChanged: false };
    if (this.resources.length > 0 || this.prompts.size > 0) capabilities.completions = {};
    return capabilities;
  }

  /** `answer` serves list, read and get requests through the result cache. */
  attach(server: Server, caller: Caller, answer: CachedAnswer = uncachedAnswer): void {
    if (this.resources.length > 0) this.attachResources(server, caller, answer);
    if (this.prompts.size > 0) this.attachPrompts(server, caller, answer);
    if (this.resources.length > 0 || this.prompts.size > 0) this.attachCompletions(server);
  }

  private attachResources(server: Server, caller: Caller, answer: CachedAnswer): void {
    server.setRequestHandler(ListResourcesRequestSchema, () =>
      answer('resources/list', '', null, () => ({
        resources: this.resources
          .filter((resource) => !resource.template)
          .map(({ options }) => describeResource(options, 'uri')),
      })),
    );
    server.setRequestHandler(ListResourceTemplatesRequestSchema, () => ({
      resourceTemplates: this.resources
        .filter((resource) => resource.template)
        .map(({ options }) => describeResource(options, 'uriTemplate')),
    }));
    server.setRequestHandler(ReadResourceRequestSchema, async (request) => {
      const uri = request.params.uri;
      for (const resource of this.resources) {
        const variables = resource.template
          ? resource.template.match(uri)
          : resource.options.uri === uri
            ? {}
            : null;
        if (!variables) continue;
        const flat = Object.fromEntries(
          Object.entries(variables).map(([key, value]) => [key, String(value)]),
        );
        return answer('resources/read', resource.options.uri, uri, async () => {
          const value = await resource.read(uri, flat, caller);
          return { contents: [toContents(uri, resource.options.mimeType, value)] };
        });
      }
      throw new McpError(
        ErrorCode.InvalidParams,
        `Resource not found: ${clipText(uri, ECHO_LIMIT)}`,
      );
    });
    // Resources here change only when Superset content changes; subscriptions are accepted so
    // clients may ask, and updates are announced when a write tool changes what they read.
    server.setRequestHandler(SubscribeRequestSchema, () => ({}));
    server.setRequestHandler(UnsubscribeRequestSchema, () => ({}));
  }

  private attachPrompts(server: Server, caller: Caller, answer: CachedAnswer): void {
    server.setRequestHandler(ListPromptsRequestSchema, () =>
      answer('prompts/list', '', null, () => ({
        prompts: [...this.prompts.values()].map(({ options, argumentList }) => ({
          arguments: argumentList,
          description: options.description,
          name: options.name,
          title: options.title,
        })),
      })),
    );
    server.setRequestHandler(GetPromptRequestSchema, async (request) => {
      const prompt = this.prompts.get(request.params.name);
      if (!prompt) {
        throw new McpError(
          ErrorCode.InvalidParams,
          `Prompt not found: ${clipText(request.params.name, ECHO_LIMIT)}`,
        );
      }
      const schema = prompt.options.arguments ?? z.object({});
      const parsed = schema.safeParse(request.params.arguments ?? {});
      if (!parsed.success) {
        throw new McpError(
          ErrorCode.InvalidParams,
          `Invalid arguments for prompt ${prompt.options.name}: ${parsed.error.issues
            .map((issue) => `${issue.path.join('.')}: ${issue.message}`)
            .join('; ')}`,
        );
      }
      return answer('prompts/get', prompt.options.name, parsed.data, () =>
        prompt.get(parsed.data, caller),
      );
    });
  }

  private attachCompletions(server: Server): void {
    server.setRequestHandler(CompleteRequestSchema, (request) => {
      const { ref, argument, context } = request.params;
      let completer: Completer | undefined;
      if (ref.type === 'ref/prompt') {
        completer = this.prompts.get(ref.name)?.options.complete?.[argument.name];
      } else {
        const resource = this.resources.find((candidate) => candidate.options.uri === ref.uri);
        completer = resource?.options.complete?.[argument.name];
      }
      const values = completer ? completer(argument.value, context?.arguments ?? {}) : [];
      return {
        completion: {
          hasMore: values.length > MAX_COMPLETIONS,
          total: values.length,
          values: values.slice(0, MAX_COMPLETIONS),
        },
      };
    });
  }

  private addResource(options: ResourceOptions, read: ResourceHandler): void {
    this.resources.push({
      options,
      read,
      template: options.template ? new UriTemplate(options.uri) : null,
    });
  }

  private addPrompt(options: PromptOptions, get: PromptHandler): void {
    if (this.prompts.has(options.name)) {
      throw new Error(`Prompt '${options.name}' is declared twice`);
    }
    const shape = options.arguments?.shape ?? {};
    const argumentList = Object.entries(shape).map(([name, schema]) => ({
      description: (schema as z.ZodType).description,
      name,
      required: !(schema as z.ZodType).safeParse(undefined).success,
    }));
    this.prompts.set(options.name, { argumentList, get, options });
  }
}

function describeResource(options: ResourceOptions, key: 'uri' | 'uriTemplate') {
  return {
    description: options.description,
    mimeType: options.mimeType,
    name: options.name,
    title: options.title,
    [key]: options.uri,
  };
}

function toContents(uri: string, mimeType: string, value: unknown) {
  if (value && typeof value === 'object' && 'blob' in value) {
    return { blob: String(value.blob), mimeType, uri };
  }
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return { mimeType, text, uri };
}
