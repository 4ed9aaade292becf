import {
  elementBytes,
  tokensForBytes,
  type ResponseSize,
  type SizeBudget,
} from './response-size-estimate.js';

const MAX_SUGGESTIONS = 5;

/** Hints for tools whose size has a cause the generic suggestions do not name. */
const TOOL_HINTS: Readonly<Record<string, string>> = {
  get_dashboard_layout:
    'Use get_dashboard_info for the charts and filters of the dashboard without its layout tree.',
  get_schema: 'Ask for one model_type at a time and keep only the columns you need from it.',
};

/**
 * Upstream's refusal for a result that cannot be trimmed: "Response too large: ~N tokens (limit:
 * M)", why, up to five numbered suggestions worked out from the request and the result (a smaller
 * page_size or limit, select_columns naming the largest fields, filters), the tool and the
 * reduction needed. `size` null: the result could not be measured at all.
 */
export function tooLargeMessage(
  tool: string,
  args: unknown,
  value: unknown,
  size: ResponseSize | null,
  budget: SizeBudget,
): string {
  const request = requestOf(args);
  const ratio = size ? budget.maxBytes / size.bytes : null;
  const suggestions: string[] = [];
  for (const field of ['page_size', 'limit']) {
    const current = request[field];
    if (typeof current === 'number' && current > 1 && ratio !== null) {
      const smaller = Math.max(1, Math.floor(current * ratio * 0.9));
      suggestions.push(`Reduce ${field} from ${current} to ${smaller} or less.`);
    }
  }
  if ('select_columns' in request || /^(list_|get_.*_info$)/.test(tool)) {
    const largest = size === null ? [] : largestFields(value);
    suggestions.push(
      'Ask only for the fields you need with select_columns' +
        (largest.length > 0 ? `; the largest here are ${largest.join(', ')}.` : '.'),
    );
  }
  if ('filters' in request || 'search' in request || tool.startsWith('list_')) {
    suggestions.push('Narrow the results with filters or search.');
  }
  if (Object.hasOwn(TOOL_HINTS, tool)) suggestions.push(TOOL_HINTS[tool]);
  if (suggestions.length === 0) {
    suggestions.push('Ask for less at a time: one object, fewer fields or a narrower question.');
  }
  const limit =
    budget.boundBy === 'max_bytes' ? `${budget.maxBytes} bytes` : `${budget.tokenLimit}`;
  const measured =
    size === null
      ? 'its size could not be estimated'
      : budget.boundBy === 'max_bytes'
        ? `${size.bytes} bytes (~${size.tokens} tokens)`
        : `~${size.tokens} tokens`;
  return [
    `Response too large: ${measured} (limit: ${limit})`,
    '',
    'This response would overwhelm the LLM context window.',
    'Please modify your query to reduce the response size:',
    ...suggestions.slice(0, MAX_SUGGESTIONS).map((text, index) => `${index + 1}. ${text}`),
    '',
    `Tool: ${tool}`,
    ...(ratio === null ? [] : [`Reduction needed: ~${Math.ceil((1 - ratio) * 100)}%`]),
  ].join('\n');
}

function requestOf(args: unknown): Record<string, unknown> {
  if (!isObject(args)) return {};
  return isObject(args.request) ? args.request : args;
}

/**
 * The three biggest fields of the result by serialized size, as "name (~N tokens)": top-level keys
 * of an object, or for a list envelope the columns of its items summed over the items.
 */
function largestFields(value: unknown): string[] {
  if (!isObject(value)) return [];
  try {
    return largestOf(value);
  } catch {
    return [];
  }
}

function largestOf(value: Record<string, unknown>): string[] {
  const sizes = new Map<string, number>();
  const add = (key: string, field: unknown) => {
    sizes.set(key, (sizes.get(key) ?? 0) + elementBytes(field));
  };
  const items = Object.values(value).find(
    (field) => Array.isArray(field) && field.length > 0 && field.every(isObject),
  ) as Record<string, unknown>[] | undefined;
  if (items && typeof value.count === 'number') {
    for (const item of items) for (const [key, field] of Object.entries(item)) add(key, field);
  } else {
    for (const [key, field] of Object.entries(value)) add(key, field);
  }
  return [...sizes.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 3)
    .map(([key, bytes]) => `${key} (~${tokensForBytes(bytes)} tokens)`);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
