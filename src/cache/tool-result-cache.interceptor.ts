import {
  Injectable,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { from, of, type Observable } from 'rxjs';
import { mergeMap } from 'rxjs/operators';

import type { ToolCall } from '../tools/tool-call.js';
import { isToolFailure } from '../tools/tool-failure.js';
import { TOOL_METADATA, type ToolOptions } from '../tools/tool-options.js';
import { MCP_CONTEXT_TYPE } from '../tools/tool-registry.service.js';
import { ToolContentResult } from '../tools/tool-result.js';
import { cacheFlags, withoutCacheFlags } from './cache-key.js';
import { ResultCache } from './result-cache.service.js';

/** A kept tool result: the JSON value a tool returned, or the MCP content it shaped itself. */
type KeptResult = { readonly json: unknown } | { readonly content: CallToolResult };

/**
 * Serves read-only tool calls from the result cache. It runs after the tool's guards, so the
 * caller's scopes and Superset permission are checked before a kept result is served. Failures
 * (Superset-style error objects, `isError` results, thrown errors) are never kept.
 */
@Injectable()
export class ToolResultCacheInterceptor implements NestInterceptor {
  constructor(
    private readonly cache: ResultCache,
    private readonly reflector: Reflector,
  ) {}

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    if (context.getType<string>() !== MCP_CONTEXT_TYPE || !this.cache.enabled) {
      return next.handle();
    }
    const tool = this.reflector.get<ToolOptions | undefined>(TOOL_METADATA, context.getHandler());
    if (!tool || !this.cache.cachesTool(tool)) return next.handle();
    const args = context.getArgByIndex<unknown>(0);
    const call = context.getArgByIndex<ToolCall>(1);
    const flags = cacheFlags(args);
    if (!flags.useCache) return next.handle();
    const key = await this.cache.keyFor(
      'tools/call',
      tool.name,
      withoutCacheFlags(args),
      call.caller,
    );
    if (!flags.forceRefresh) {
      const kept = restore(await this.cache.get(key));
      if (kept !== undefined) {
        call.notes.cacheHit = true;
        return of(kept);
      }
    }
    call.notes.cacheHit = false;
    return next
      .handle()
      .pipe(mergeMap((value: unknown) => from(this.keep(key, value).then(() => value))));
  }

  private async keep(key: string, value: unknown): Promise<void> {
    const kept = toKept(value);
    if (kept) await this.cache.set(key, kept, this.cache.ttlMs('tools/call'));
  }
}

function toKept(value: unknown): KeptResult | null {
  if (value instanceof ToolContentResult) {
    return value.result.isError ? null : { content: value.result };
  }
  if (isToolFailure(value)) return null;
  return { json: value ?? null };
}

function restore(kept: unknown): unknown {
  if (typeof kept !== 'object' || kept === null) return undefined;
  if ('content' in kept) return new ToolContentResult(kept.content as CallToolResult);
  if ('json' in kept) return kept.json;
  return undefined;
}
