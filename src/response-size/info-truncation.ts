import {
  describeLimit,
  elementBytes,
  sizeOfJson,
  type ResponseSize,
  type SizeBudget,
} from './response-size-estimate.js';
import { cutText } from './cut-text.js';

/** Longest string kept whole, in characters. */
export const STRING_LIMIT = 500;
/** Items of a list, and keys of an object, left after the fourth phase. */
export const NESTED_LIST_LIMIT = 10;
export const NESTED_KEYS_LIMIT = 20;

export interface TruncatedInfo {
  readonly value: Record<string, unknown>;
  readonly size: ResponseSize;
  readonly notes: readonly string[];
}

type Info = Record<string, unknown>;
/** One phase: a shortened copy of `info` (never a change to it) and a note, or null if nothing changed. */
type Phase = (info: Info, maxListItems: number) => { info: Info; note: string } | null;

/**
 * Upstream's five phases for an info tool (`get_*_info`) over the limit, each applied on top of
 * the last until the result fits: long top-level strings cut; top-level lists cut to
 * `max_list_items` (as `get_dashboard_info` caps its charts); long nested strings cut; every list
 * cut to 10 items and nested objects of more than 20 keys summarized; finally top-level lists and
 * objects emptied, largest first, until it fits. Each phase that changed something leaves a note
 * saying what it dropped. Null when even emptying them all does not fit.
 */
export function truncateInfo(
  tool: string,
  info: Info,
  size: ResponseSize,
  budget: SizeBudget,
  maxListItems: number,
): TruncatedInfo | null {
  const notes: string[] = [];
  const fitted = (candidate: Info, phaseNotes: readonly string[]): TruncatedInfo | null => {
    const value = {
      ...candidate,
      _response_truncated: true,
      _truncation_notes: [
        `The whole ${tool} response (~${size.tokens.toLocaleString('en-US')} tokens) is over ` +
          `the response size limit (${describeLimit(budget)}), so parts of it were shortened; ` +
          'ask for only the fields you need with select_columns, or for long parts with the ' +
          'tools that page them (list_charts, list_datasets, list_dashboards).',
        ...phaseNotes,
      ],
    };
    const shortened = sizeOfJson(value);
    return shortened !== null && shortened.bytes <= budget.maxBytes
      ? { notes: phaseNotes, size: shortened, value }
      : null;
  };
  let current = info;
  for (const phase of PHASES) {
    const step = phase(current, maxListItems);
    if (!step) continue;
    current = step.info;
    notes.push(step.note);
    const result = fitted(current, notes);
    if (result) return result;
  }
  // Last, upstream empties every collection; emptying the largest first, one at a time, keeps
  // the smaller ones whenever that is enough.
  const collections = Object.entries(current)
    .filter(([, value]) => isNonEmptyCollection(value))
    .map(([key, value]) => ({ bytes: elementBytes(value), key }))
    .sort((a, b) => b.bytes - a.bytes);
  const emptied: string[] = [];
  for (const { key } of collections) {
    current = { ...current, [key]: Array.isArray(current[key]) ? [] : {} };
    emptied.push(key);
    const result = fitted(current, [...notes, `Emptied to fit: ${emptied.join(', ')}.`]);
    if (result) return result;
  }
  return null;
}

function isNonEmptyCollection(value: unknown): boolean {
  return Array.isArray(value)
    ? value.length > 0
    : isPlainObject(value) && Object.keys(value).length > 0;
}

const PHASES: readonly Phase[] = [
  function cutTopLevelStrings(info) {
    const cut: string[] = [];
    const next = mapEntries(info, (key, value) => {
      if (typeof value !== 'string') return value;
      const shortened = cutText(value, STRING_LIMIT);
      if (shortened !== value) cut.push(`${key} (${value.length} characters)`);
      return shortened;
    });
    return cut.length === 0
      ? null
      : { info: next, note: `Cut to ${STRING_LIMIT} characters: ${cut.join(', ')}.` };
  },
  function cutTopLevelLists(info, maxListItems) {
    const cut: string[] = [];
    const next = mapEntries(info, (key, value) => {
      if (!Array.isArray(value) || value.length <= maxListItems) return value;
      cut.push(`${key} (${value.length - maxListItems} of ${value.length} items dropped)`);
      return (value as unknown[]).slice(0, maxListItems);
    });
    return cut.length === 0
      ? null
      : { info: next, note: `Cut to the first ${maxListItems} items: ${cut.join(', ')}.` };
  },
  function cutNestedStrings(info) {
    const touched = new Set<string>();
    const next = mapEntries(info, (key, value) =>
      typeof value === 'string'
        ? value
        : mapDeep(value, (inner) => {
            if (typeof inner !== 'string') return inner;
            const shortened = cutText(inner, STRING_LIMIT);
            if (shortened !== inner) touched.add(key);
            return shortened;
          }),
    );
    return touched.size === 0
      ? null
      : {
          info: next,
          note: `Strings longer than ${STRING_LIMIT} characters cut inside: ${[...touched].join(', ')}.`,
        };
  },
  function summarizeCollections(info) {
    const touched = new Set<string>();
    const shorten = (value: unknown, key: string, depth: number): unknown => {
      if (Array.isArray(value)) {
        const kept = value.slice(0, NESTED_LIST_LIMIT).map((item) => shorten(item, key, depth + 1));
        if (value.length > NESTED_LIST_LIMIT) {
          touched.add(`${key} (lists cut to ${NESTED_LIST_LIMIT} items)`);
        }
        return kept;
      }
      if (!isPlainObject(value)) return value;
      const keys = Object.keys(value);
      if (depth > 0 && keys.length > NESTED_KEYS_LIMIT) {
        touched.add(`${key} (objects of more than ${NESTED_KEYS_LIMIT} keys summarized)`);
        return {
          _truncated: true,
          _message: `${keys.length} keys left out to fit the response size limit.`,
        };
      }
      return Object.fromEntries(
        keys.map((inner) => [inner, shorten(value[inner], key, depth + 1)]),
      );
    };
    const next = mapEntries(info, (key, value) => shorten(value, key, 1));
    return touched.size === 0
      ? null
      : { info: next, note: `Shortened: ${[...touched].join(', ')}.` };
  },
];

function mapEntries(info: Info, map: (key: string, value: unknown) => unknown): Info {
  return Object.fromEntries(Object.entries(info).map(([key, value]) => [key, map(key, value)]));
}

/** A copy of `value` with `map` applied to every leaf inside its lists and objects. */
function mapDeep(value: unknown, map: (leaf: unknown) => unknown): unknown {
  if (Array.isArray(value)) return value.map((item) => mapDeep(item, map));
  if (isPlainObject(value)) {
    return Object.fromEntries(
      Object.entries(value).map(([key, inner]) => [key, mapDeep(inner, map)]),
    );
  }
  return map(value);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
