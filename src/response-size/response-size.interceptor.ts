import { CallHandler, ExecutionContext, Injectable, Logger, NestInterceptor } from '@nestjs/common';
import { map, type Observable } from 'rxjs';

import { InjectSettings } from '../config/inject-settings.decorator.js';
import type { ResponseSizeConfig, Settings } from '../config/settings.js';
import type { ToolCall } from '../tools/tool-call.js';
import { ToolError } from '../tools/tool-error.js';
import { MCP_CONTEXT_TYPE } from '../tools/tool-registry.service.js';
import { ToolContentResult } from '../tools/tool-result.js';
import { truncateInfo } from './info-truncation.js';
import { listItemsKey, trimList } from './list-trimming.js';
import {
  describeLimit,
  sizeBudget,
  sizeOfContent,
  sizeOfJson,
  type ResponseSize,
  type SizeBudget,
} from './response-size-estimate.js';
import { dropTailRows, rowArrayKeys } from './row-dropping.js';
import { tooLargeMessage } from './too-large-message.js';

/** What the guard made of a result over the limit. */
interface Shortened {
  readonly value: Record<string, unknown>;
  readonly size: ResponseSize;
  readonly what: string;
}

/**
 * Upstream's response size guard around every tool (`MCP_RESPONSE_SIZE_CONFIG`): measures the
 * result before it is serialized for the client and, above the limit, trims a list page to the
 * items that fit, shortens an info result (`get_*_info`) in phases, drops the tail rows of a data
 * result (`rows` / `data`), or refuses anything else with upstream's "Response too large" error.
 * Results above `warn_threshold_pct` of the limit are logged, without their content.
 */
@Injectable()
export class ResponseSizeInterceptor implements NestInterceptor {
  private readonly logger = new Logger('ResponseSizeGuard');
  private readonly config: ResponseSizeConfig;
  private readonly budget: SizeBudget;
  private readonly excluded: ReadonlySet<string>;

  constructor(@InjectSettings() settings: Settings) {
    this.config = settings.MCP_RESPONSE_SIZE_CONFIG;
    this.budget = sizeBudget(this.config);
    this.excluded = new Set(this.config.excluded_tools);
  }

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (!this.config.enabled || context.getType<string>() !== MCP_CONTEXT_TYPE)
      return next.handle();
    const call = context.getArgByIndex<ToolCall | undefined>(1);
    if (!call || this.excluded.has(call.tool)) return next.handle();
    const args = context.getArgByIndex<unknown>(0);
    return next.handle().pipe(map((value) => this.guard(value, call, args)));
  }

  private guard(value: unknown, call: ToolCall, args: unknown): unknown {
    const size =
      value instanceof ToolContentResult ? sizeOfContent(value.result) : sizeOfJson(value);
    if (size !== null && size.bytes <= this.budget.warnBytes) return value;
    if (size !== null && size.bytes <= this.budget.maxBytes) {
      this.logger.warn(
        `${call.tool} [${call.callId}] response ~${size.tokens} tokens (${size.bytes} bytes) is ` +
          `over ${this.config.warn_threshold_pct}% of the limit (${describeLimit(this.budget)})`,
      );
      return value;
    }
    const shortened = size === null ? null : this.shorten(value, call.tool, size);
    if (size && shortened) {
      call.notes.sizeGuard = 'truncated';
      this.logger.warn(
        `${call.tool} [${call.callId}] response ~${size.tokens} tokens (${size.bytes} bytes) ` +
          `is over the limit ` +
          `(${describeLimit(this.budget)}): ${shortened.what}, now ~${shortened.size.tokens} tokens`,
      );
      return shortened.value;
    }
    call.notes.sizeGuard = 'refused';
    // The executor logs the refusal (tool, call id, size and limit) as it logs every ToolError.
    throw new ToolError(
      'response_too_large',
      tooLargeMessage(call.tool, args, value, size, this.budget),
    );
  }

  /** The result cut down to fit, when its kind can be cut; null to refuse it. Never throws. */
  private shorten(value: unknown, tool: string, size: ResponseSize): Shortened | null {
    if (!isObject(value)) return null;
    try {
      if (tool.startsWith('list_')) {
        const key = listItemsKey(tool, value);
        const trimmed = key ? trimList(value, key, size, this.budget) : null;
        return trimmed && key
          ? {
              ...trimmed,
              what: `${trimmed.kept} of ${(value[key] as unknown[]).length} items kept`,
            }
          : null;
      }
      if (/^get_.*_info$/.test(tool)) {
        const truncated = truncateInfo(tool, value, size, this.budget, this.config.max_list_items);
        return truncated
          ? { ...truncated, what: `shortened (${truncated.notes.join(' ')})` }
          : null;
      }
      const rowKeys = rowArrayKeys(value);
      if (rowKeys.length === 0) return null;
      const total = (value[rowKeys[0]] as unknown[]).length;
      const dropped = dropTailRows(value, rowKeys, size, this.budget);
      return dropped ? { ...dropped, what: `${dropped.kept} of ${total} rows kept` } : null;
    } catch {
      return null;
    }
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    !(value instanceof ToolContentResult)
  );
}
