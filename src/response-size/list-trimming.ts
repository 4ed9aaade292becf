import { fitPrefix, type FittedPrefix } from './fit-prefix.js';
import { describeLimit, type ResponseSize, type SizeBudget } from './response-size-estimate.js';

/**
 * The key of a list envelope's items: `charts` for `list_charts`, or else the array of objects as
 * long as `count` (every list tool answers `{<items>: [...], count, total_count, page, …}`).
 */
export function listItemsKey(tool: string, envelope: Record<string, unknown>): string | null {
  const named = tool.replace(/^list_/, '');
  if (Array.isArray(envelope[named])) return named;
  const count = envelope.count;
  for (const [key, value] of Object.entries(envelope)) {
    if (Array.isArray(value) && value.length === count && value.every(isObject)) return key;
  }
  return null;
}

/**
 * A list page over the limit, cut to the items that fit, with `count` set to what is left and
 * markers saying how many were dropped, where they are in the list and how to get them. Null when
 * not even one item fits.
 */
export function trimList(
  envelope: Record<string, unknown>,
  itemsKey: string,
  size: ResponseSize,
  budget: SizeBudget,
): FittedPrefix | null {
  const items = envelope[itemsKey] as readonly unknown[];
  const page = positiveInteger(envelope.page) ?? 1;
  const pageSize = positiveInteger(envelope.page_size) ?? items.length;
  const firstOnPage = (page - 1) * pageSize + 1;
  return fitPrefix(
    [items],
    (kept) => {
      const dropped = items.length - kept;
      const firstDropped = firstOnPage + kept;
      const lastDropped = firstOnPage + items.length - 1;
      const next = kept > 0 ? Math.floor((firstDropped - 1) / kept) + 1 : 1;
      return {
        ...envelope,
        [itemsKey]: items.slice(0, kept),
        ...('count' in envelope && { count: kept }),
        _response_truncated: true,
        _items_dropped: dropped,
        _truncation_notes: [
          `Showing ${kept} of the ${items.length} ${itemsKey} on this page: the whole page ` +
            `(~${size.tokens.toLocaleString('en-US')} tokens) is over the response size limit ` +
            `(${describeLimit(budget)}). The ${dropped} left out are items ${firstDropped}` +
            `${lastDropped > firstDropped ? `-${lastDropped}` : ''} of the list: ask for ` +
            `page_size ${kept} (item ${firstDropped} is on page ${next}), fewer columns with ` +
            'select_columns, or a narrower list with filters or search.',
        ],
      };
    },
    budget.maxBytes,
  );
}

function isObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function positiveInteger(value: unknown): number | null {
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : null;
}
