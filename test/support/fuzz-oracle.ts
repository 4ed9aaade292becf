import { Agent, request as httpRequest } from 'node:http';

import type { FuzzRequest } from './fuzz-generator.js';

/** What came back for one request: an HTTP answer, or the connection failing. */
export type FuzzAnswer =
  | { readonly status: number; readonly contentType: string; readonly text: string }
  | { readonly connectionError: string };

/** Posts raw bytes to the MCP endpoint with exactly the Content-Type the case asks for. */
export function postRaw(url: string, fuzz: FuzzRequest, agent: Agent): Promise<FuzzAnswer> {
  const target = new URL(url);
  const headers: Record<string, string | number> = { 'Content-Length': fuzz.body.length };
  if (fuzz.contentType !== undefined) headers['Content-Type'] = fuzz.contentType;
  if (fuzz.accept !== undefined) headers.Accept = fuzz.accept;
  return new Promise((resolve) => {
    let answered = false;
    const request = httpRequest(
      {
        agent,
        headers,
        hostname: target.hostname,
        method: 'POST',
        path: target.pathname,
        port: target.port,
      },
      (response) => {
        answered = true;
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', (error: NodeJS.ErrnoException) =>
          resolve({ connectionError: `answer cut off (${error.code ?? error.message})` }),
        );
        response.on('end', () =>
          resolve({
            contentType: response.headers['content-type'] ?? '',
            status: response.statusCode ?? 0,
            text: Buffer.concat(chunks).toString('utf8'),
          }),
        );
      },
    );
    request.on('error', (error: NodeJS.ErrnoException) => {
      if (!answered) resolve({ connectionError: error.code ?? error.message });
    });
    request.end(fuzz.body);
  });
}

/** JSON-RPC messages in an answer body: one object, a batch, or the `data:` lines of an SSE stream. */
function messagesIn(answer: { contentType: string; text: string }): unknown[] {
  const texts = answer.contentType.includes('text/event-stream')
    ? answer.text
        .split('\n')
        .filter((line) => line.startsWith('data:'))
        .map((line) => line.slice(5))
    : [answer.text];
  const messages: unknown[] = [];
  for (const text of texts) {
    try {
      const parsed: unknown = JSON.parse(text);
      messages.push(...(Array.isArray(parsed) ? parsed : [parsed]));
    } catch {
      // Not JSON: judged by status and leak patterns only.
    }
  }
  return messages;
}

interface JsonRpcError {
  readonly code?: unknown;
  readonly message?: unknown;
  readonly data?: unknown;
}

/** A 503 is acceptable when the service says it is busy or briefly unavailable, and says so as JSON-RPC. */
const BUSY_MESSAGE = /busy|temporarily unavailable|try again/i;

/** Leaks that must never appear anywhere in an answer. */
const LEAKS_ANYWHERE: readonly [string, RegExp][] = [
  ['stack frame', /^[ \t]*at [^\n]{1,500}:\d+:\d+\)?$/m],
  ['stack frame', /\bat (?:async )?[\w$.<>]{1,200} \((?:node:|file:|\/)[^)\n]{0,500}\)/],
  // Anchored at the start of a name, so a long echoed word cannot make the match quadratic.
  ['source path', /(?<![\w-])[\w-]{1,200}\.(?:ts|js|mjs|cjs):\d+/],
  ['source path', /\/work\//],
  ['source path', /node_modules/],
  [
    'driver error text',
    /invalid input syntax|out of range for type|SQLITE_|QueryFailedError|invalid byte sequence|LIKE pattern too complex|too many SQL variables|syntax error at or near|bind message supplies|unterminated quoted|string is too long|value too long for type/i,
  ],
];

/** SQL is legitimate in results (a virtual dataset's `sql`), never in error text. */
const LEAKS_IN_ERRORS: readonly [string, RegExp][] = [
  ['SQL text', /SELECT /],
  ['SQL text', /FROM "/],
  ['SQL text', /WHERE /],
];

const PARSE_ERROR_OF_CHECKER =
  /SQL could not be parsed(?: \(line \d+, column [\d?]+\))?: syntax error (?:at or near|at end of input)/g;

const INTERNAL_ERROR_TEXT = /Internal error|unexpected error|Error ID/i;

/**
 * The problems with one answer, each a short, stable description (no ids) so that equal defects
 * group together. An empty list means the answer is acceptable.
 */
export function problemsWith(fuzz: FuzzRequest, answer: FuzzAnswer): string[] {
  if ('connectionError' in answer) {
    // The issue asks the service to close the connection on an oversized body rather than read it.
    if (fuzz.oversized) return [];
    return [`no answer: connection failed (${answer.connectionError})`];
  }
  const problems: string[] = [];
  const messages = messagesIn(answer);
  const errors = messages
    .map((message) => (message as { error?: JsonRpcError } | null)?.error)
    .filter((error): error is JsonRpcError => !!error && typeof error === 'object');
  const busy =
    answer.status === 503 &&
    errors.length > 0 &&
    errors.every((error) => BUSY_MESSAGE.test(String(error.message)));

  if (answer.status >= 500 && errors.length === 0) {
    problems.push(`HTTP ${answer.status} without a JSON-RPC error body: ${short(answer.text)}`);
  } else if (answer.status >= 500 && !busy) {
    problems.push(`HTTP ${answer.status} ${describeErrors(errors)}`);
  }
  if (!busy) {
    for (const error of errors) {
      if (error.code === -32603)
        problems.push(`JSON-RPC Internal error: ${describeErrors([error])}`);
    }
  }

  const errorTexts = errors.map(
    (error) => `${String(error.message)} ${JSON.stringify(error.data)}`,
  );
  for (const message of messages) {
    const result = (message as { result?: { isError?: boolean; content?: unknown } } | null)
      ?.result;
    if (!result || !Array.isArray(result.content)) continue;
    for (const block of result.content as { text?: unknown }[]) {
      if (typeof block?.text !== 'string') continue;
      if (INTERNAL_ERROR_TEXT.test(block.text)) {
        problems.push(`tool result says: ${short(block.text)}`);
      }
      if (result.isError) errorTexts.push(block.text);
    }
  }

  const leak = (kind: string, pattern: RegExp, text: string) => {
    const match = pattern.exec(text);
    // Echoing the caller's own input back is not a leak.
    if (match && !fuzz.body.includes(match[0])) problems.push(`leaks ${kind}: ${short(match[0])}`);
  };
  // execute_sql's statement checker reports where SQL fails to parse, in PostgreSQL's words: its
  // own message about the caller's SQL, not a driver's.
  const checked = answer.text.replace(PARSE_ERROR_OF_CHECKER, '');
  for (const [kind, pattern] of LEAKS_ANYWHERE) leak(kind, pattern, checked);
  for (const [kind, pattern] of LEAKS_IN_ERRORS) {
    for (const text of errorTexts) leak(kind, pattern, text);
  }
  return [...new Set(problems)];
}

function describeErrors(errors: readonly JsonRpcError[]): string {
  return errors.map((error) => `${String(error.code)} ${short(String(error.message))}`).join('; ');
}

/** One line of at most 160 characters, with ids, numbers and positions blanked for grouping. */
function short(text: string): string {
  const line = text
    .replace(/[0-9a-f]{16,}/gi, '…')
    .replace(/\d+/g, 'N')
    .replace(/\s+/g, ' ')
    .trim();
  return line.length > 160 ? `${line.slice(0, 157)}...` : line;
}

/**
 * Distinct failure classes: the request group (argument and value family, or body family) and what
 * came back, with the tools it happened in, a count and one example request.
 */
export class FailureClasses {
  private readonly classes = new Map<
    string,
    { count: number; tools: Set<string>; example: FuzzRequest }
  >();
  private requests = 0;

  record(fuzz: FuzzRequest, problems: readonly string[]): void {
    this.requests++;
    for (const problem of problems) {
      const tool = fuzz.tool ?? '';
      const what = tool ? problem.replaceAll(tool, '<tool>') : problem;
      const key = `${fuzz.group ?? fuzz.label} → ${what}`;
      const known = this.classes.get(key);
      if (known) {
        known.count++;
        if (tool) known.tools.add(tool);
      } else {
        this.classes.set(key, { count: 1, example: fuzz, tools: new Set(tool ? [tool] : []) });
      }
    }
  }

  get sent(): number {
    return this.requests;
  }

  /** One line per class: `group → what came back [tools] ×count, e.g. <tool> <label>: <body>`. */
  lines(): string[] {
    return [...this.classes.entries()].map(([key, { count, example, tools }]) => {
      const where = tools.size > 0 ? ` [${[...tools].join(', ')}]` : '';
      return `${key}${where} ×${count}, e.g. ${example.tool ?? ''} ${excerpt(example)}`;
    });
  }
}

function excerpt(fuzz: FuzzRequest): string {
  const text = JSON.stringify(fuzz.body.toString('utf8').slice(0, 300));
  return text.length > 200 ? `${text.slice(0, 180)}…(${fuzz.body.length} bytes)` : text;
}

/** Runs `handle` over every item with at most `concurrency` in flight, in the iterator's order. */
export async function forEachConcurrently<T>(
  items: Iterable<T>,
  concurrency: number,
  handle: (item: T) => Promise<void>,
): Promise<void> {
  const iterator = items[Symbol.iterator]();
  const worker = async () => {
    for (let next = iterator.next(); !next.done; next = iterator.next()) await handle(next.value);
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}
