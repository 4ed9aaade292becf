import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { ExternalContextCreator } from '@nestjs/core/helpers/external-context-creator.js';
import { z } from 'zod';

import { closestName } from '../config/closest-name.js';
import { InjectSettings } from '../config/inject-settings.decorator.js';
import type { Settings } from '../config/settings.js';
import {
  PERMISSION_METADATA,
  type RequiredPermission,
} from './access/requires-permission.decorator.js';
import { providerMethods } from './provider-methods.js';
import type { ToolCall } from './tool-call.js';
import type { ToolDefinition } from './tool-definition.js';
import { TOOL_METADATA, type ToolOptions } from './tool-options.js';

export const MCP_CONTEXT_TYPE = 'mcp';

const TOOL_NAME = /^[A-Za-z0-9_.-]{1,128}$/;

export interface RegisteredTool {
  readonly options: ToolOptions;
  /** The Superset permission the tool needs, if any. */
  readonly permission: RequiredPermission | null;
  readonly definition: ToolDefinition;
  /** Runs the method through its guards and interceptors; `args` must already be validated. */
  readonly invoke: (args: Record<string, unknown>, call: ToolCall) => Promise<unknown>;
}

/**
 * Finds every `@Tool` method at start-up and builds its definition once, so a request's server
 * only hands out prebuilt objects.
 */
@Injectable()
export class ToolRegistry implements OnModuleInit {
  private readonly logger = new Logger(ToolRegistry.name);
  private readonly tools = new Map<string, RegisteredTool>();

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
    private readonly contextCreator: ExternalContextCreator,
    @InjectSettings() private readonly settings: Settings,
  ) {}

  onModuleInit(): void {
    const disabled = new Set(this.settings.MCP_DISABLED_TOOLS);
    const declared = new Set<string>();
    for (const { instance, method, methodName } of providerMethods(this.discovery, this.scanner)) {
      const options = this.reflector.get<ToolOptions | undefined>(TOOL_METADATA, method);
      if (options) declared.add(options.name);
      if (!options || disabled.has(options.name)) continue;
      const permission =
        this.reflector.get<RequiredPermission | undefined>(PERMISSION_METADATA, method) ?? null;
      this.register(instance, methodName, method, options, permission);
    }
    this.warnAboutUnknownDisabledTools(disabled, declared);
    this.logger.log(`${this.tools.size} tools registered`);
  }

  all(): readonly RegisteredTool[] {
    return [...this.tools.values()];
  }

  get(name: string): RegisteredTool | undefined {
    return this.tools.get(name);
  }

  /** A misspelt name in MCP_DISABLED_TOOLS would leave the tool it meant enabled, silently. */
  private warnAboutUnknownDisabledTools(
    disabled: ReadonlySet<string>,
    declared: ReadonlySet<string>,
  ): void {
    for (const name of disabled) {
      if (declared.has(name)) continue;
      const meant = closestName(name, declared);
      this.logger.warn(
        `MCP_DISABLED_TOOLS names no tool '${name}' (ignored)${meant ? `; did you mean ${meant}?` : ''}`,
      );
    }
  }

  private register(
    instance: object,
    methodName: string,
    method: (...args: unknown[]) => unknown,
    options: ToolOptions,
    permission: RequiredPermission | null,
  ): void {
    if (!TOOL_NAME.test(options.name)) {
      throw new Error(`Tool name '${options.name}' is not a valid MCP tool name`);
    }
    if (this.tools.has(options.name)) {
      throw new Error(`Tool '${options.name}' is declared twice`);
    }
    const invoke = this.contextCreator.create(
      instance,
      method,
      methodName,
      undefined,
      undefined,
      undefined,
      undefined,
      { guards: true, interceptors: true, filters: false },
      MCP_CONTEXT_TYPE,
    ) as RegisteredTool['invoke'];
    this.tools.set(options.name, {
      definition: toDefinition(options),
      invoke,
      options,
      permission,
    });
  }
}

function toDefinition(options: ToolOptions): ToolDefinition {
  const schema = z.toJSONSchema(options.input, { io: 'input', unrepresentable: 'any' });
  delete schema.$schema;
  return {
    annotations: {
      destructiveHint: !options.readOnly && (options.destructive ?? false),
      idempotentHint: options.readOnly || (options.idempotent ?? false),
      openWorldHint: options.openWorld ?? false,
      readOnlyHint: options.readOnly,
      title: options.title,
    },
    description: options.description,
    inputSchema: options.inputJsonSchema ?? { ...schema, type: 'object' },
    name: options.name,
    title: options.title,
  };
}
