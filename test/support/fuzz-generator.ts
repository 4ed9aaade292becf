/**
 * A seeded generator of hostile requests for POST /mcp: malformed HTTP bodies, and bad arguments
 * derived from each tool's JSON input schema. The same seed gives the same requests in the same
 * order on every machine, so a failure found by CI can be replayed with `SMCP_FUZZ_SEED`.
 */

import { SeededRandom } from '../../src/demo/examples-data.js';

/** One request to send: the raw body, its Content-Type, and a short description for reports. */
export interface FuzzRequest {
  /** Family and variant, e.g. `deep nesting (arrays, depth 10000)` or `request.page: int 2^31`. */
  readonly label: string;
  /** What failures are grouped by: the label without the tool and the filter column. */
  readonly group?: string;
  /** The tool the arguments were made for, when the request is a tools/call. */
  readonly tool?: string;
  readonly body: Buffer;
  /** `undefined` sends no Content-Type header at all. */
  readonly contentType: string | undefined;
  /** An Accept header; without one the service answers with plain JSON. */
  readonly accept?: string;
  /** Bodies over the size limit: the service may close the connection instead of answering. */
  readonly oversized?: boolean;
}

/** The subset of JSON Schema that the tools' input schemas use. */
export interface JsonSchema {
  readonly type?: string | readonly string[];
  readonly properties?: Readonly<Record<string, JsonSchema>>;
  readonly required?: readonly string[];
  readonly anyOf?: readonly JsonSchema[];
  readonly items?: JsonSchema;
  readonly enum?: readonly unknown[];
}

/** A tool as tools/list describes it. */
export interface ToolDescription {
  readonly name: string;
  readonly inputSchema: JsonSchema;
}

/** What get_schema says about one filterable column. */
export interface FilterColumn {
  readonly type: string;
  readonly operators: readonly string[];
}

/** Filterable columns per list tool, e.g. `list_charts` → `{ slice_name: {...} }`. */
export type FilterColumnsByTool = Readonly<Record<string, Readonly<Record<string, FilterColumn>>>>;

const JSON_TYPE = 'application/json';
export const DEFAULT_FUZZ_SEED = 20261202;

/** The seed from `SMCP_FUZZ_SEED` (decimal or 0x hex), else a fixed default so CI is repeatable. */
export function fuzzSeed(env: NodeJS.ProcessEnv = process.env): number {
  const text = env.SMCP_FUZZ_SEED?.trim();
  if (!text) return DEFAULT_FUZZ_SEED;
  const seed = Number(text);
  if (!Number.isSafeInteger(seed)) throw new Error(`SMCP_FUZZ_SEED must be an integer: ${text}`);
  return seed >>> 0;
}

/** Picks test inputs from the demo's seeded source (mulberry32), so a seed replays a run. */
export class Random {
  private readonly source: SeededRandom;

  constructor(seed: number) {
    this.source = new SeededRandom(seed);
  }

  /** A float in [0, 1). */
  next(): number {
    return this.source.next();
  }

  /** An integer in [0, max). */
  int(max: number): number {
    return Math.floor(this.next() * max);
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }

  /** `count` distinct items in their original order (all of them when there are fewer). */
  sample<T>(items: readonly T[], count: number): T[] {
    if (items.length <= count) return [...items];
    const chosen = new Set<number>();
    while (chosen.size < count) chosen.add(this.int(items.length));
    return [...chosen].sort((a, b) => a - b).map((index) => items[index]);
  }

  /** Text of about `length` UTF-16 units drawn from `alphabet`. */
  text(length: number, alphabet: string = TEXT_ALPHABET): string {
    const characters = [...alphabet];
    const chunk: string[] = [];
    for (let i = 0; i < Math.min(length, 4096); i++) {
      chunk.push(characters[this.int(characters.length)]);
    }
    // Long text repeats a random chunk: as hostile as fresh text, and cheap to make.
    return chunk
      .join('')
      .repeat(Math.ceil(length / 4096))
      .slice(0, length);
  }
}

/**
 * Characters for generated text. It leaves out `:`, `/`, newlines and the upper case that SQL
 * keywords need, so generated input can never look like the stack frames, paths or SQL the checks
 * look for in answers.
 */
const TEXT_ALPHABET =
  'abcdefghijklmnopqrstuvwxyz0123456789 _-.,;%\'"\\()[]{}<>=!?*&^~`|@#$+ éßøñ中文日本語한국어🙂👍\u0000\u0001\u0007\u001b\u001f\u007f\u00a0\u200b\u202e\ufeff';

/** A number or other token written into the JSON text as is (1e309, -0, 99999999999999999999). */
export class RawJson {
  constructor(readonly text: string) {}

  toJSON(): string {
    return `\u0000RAW ${this.text}\u0000`;
  }
}

/** JSON text of `value`, with every `RawJson` inside written verbatim. */
export function toJsonText(value: unknown): string {
  const text = JSON.stringify(value);
  return text.includes('\\u0000RAW ') ? text.replace(/"\\u0000RAW ([^"\\]*)\\u0000"/g, '$1') : text;
}

// ---------------------------------------------------------------------------------------------
// Malformed bodies
// ---------------------------------------------------------------------------------------------

/** The number of bodies over the size limit (4 MB by default) sent per run: each costs time. */
const OVERSIZED_BODIES = 2;
const SIZE_LIMIT_BYTES = 4 * 1024 * 1024;

type BodyFamily = (random: Random, tools: readonly ToolDescription[]) => FuzzRequest;

/** `count` malformed bodies, cycling through every family so each is well represented. */
export function* malformedBodies(
  random: Random,
  tools: readonly ToolDescription[],
  count: number,
): Generator<FuzzRequest> {
  const families = Object.values(BODY_FAMILIES);
  for (let i = 0; i < count - OVERSIZED_BODIES; i++) {
    yield families[i % families.length](random, tools);
  }
  for (let i = 0; i < OVERSIZED_BODIES; i++) yield oversizedBody(random, i);
}

/** A plausible, valid message to damage: tools/list, ping, initialize or a tools/call. */
function validMessage(random: Random, tools: readonly ToolDescription[]): Record<string, unknown> {
  const id = random.int(1_000_000);
  switch (random.int(4)) {
    case 0:
      return { id, jsonrpc: '2.0', method: 'tools/list' };
    case 1:
      return { id, jsonrpc: '2.0', method: 'ping' };
    case 2:
      return {
        id,
        jsonrpc: '2.0',
        method: 'initialize',
        params: {
          capabilities: {},
          clientInfo: { name: 'fuzz', version: '1.0.0' },
          protocolVersion: '2025-06-18',
        },
      };
    default: {
      const tool = random.pick(tools);
      return {
        id,
        jsonrpc: '2.0',
        method: 'tools/call',
        params: { arguments: validArguments(tool.inputSchema), name: tool.name },
      };
    }
  }
}

function jsonBody(label: string, text: string, contentType: string | undefined = JSON_TYPE) {
  return { body: Buffer.from(text, 'utf8'), contentType, label };
}

const BODY_FAMILIES: Readonly<Record<string, BodyFamily>> = {
  truncated(random, tools) {
    const text = JSON.stringify(validMessage(random, tools));
    const cut = 1 + random.int(text.length - 1);
    return jsonBody('truncated JSON', text.slice(0, cut));
  },

  garbled(random, tools) {
    const characters = [...JSON.stringify(validMessage(random, tools))];
    const edits = 1 + random.int(4);
    for (let i = 0; i < edits; i++) {
      const at = random.int(characters.length);
      const replacement = random.pick(['{', '}', '[', ']', '"', ',', ':', '\\', 'x', '\u0000', '']);
      if (random.chance(0.5)) characters.splice(at, 1, replacement);
      else characters.splice(at, 0, replacement);
    }
    return jsonBody('garbled JSON', characters.join(''));
  },

  wrongEnvelope(random, tools) {
    const message = validMessage(random, tools);
    const variants: [string, (m: Record<string, unknown>) => void][] = [
      ['jsonrpc missing', (m) => delete m.jsonrpc],
      ['jsonrpc "1.0"', (m) => (m.jsonrpc = '1.0')],
      ['jsonrpc 2', (m) => (m.jsonrpc = 2)],
      ['jsonrpc null', (m) => (m.jsonrpc = null)],
      ['jsonrpc with NUL', (m) => (m.jsonrpc = '2.0\u0000')],
      ['method missing', (m) => delete m.method],
      ['method a number', (m) => (m.method = 42)],
      ['method an array', (m) => (m.method = ['tools/list'])],
      ['method an object', (m) => (m.method = { name: 'tools/list' })],
      ['method null', (m) => (m.method = null)],
      ['method empty', (m) => (m.method = '')],
      ['method unknown', (m) => (m.method = `tools/${random.text(8)}`)],
      ['method with NUL', (m) => (m.method = 'tools/list\u0000')],
      ['method rpc.*', (m) => (m.method = 'rpc.discover')],
      ['method long', (m) => (m.method = random.text(20_000))],
      ['params an array', (m) => (m.params = [1, 2, 3])],
      ['params null', (m) => (m.params = null)],
      ['params a string', (m) => (m.params = 'params')],
      ['params a number', (m) => (m.params = 7)],
      ['params huge', (m) => (m.params = manyKeys(random, 5_000))],
      ['result and method', (m) => (m.result = {})],
      ['error without method', (m) => ((m.error = { code: 1, message: 'x' }), delete m.method)],
      ['result without method', (m) => ((m.result = { ok: 1 }), delete m.method)],
      ['notification (no id)', (m) => delete m.id],
      ['unknown keys', (m) => Object.assign(m, manyKeys(random, 20))],
    ];
    const [label, damage] = random.pick(variants);
    damage(message);
    return jsonBody(`wrong JSON-RPC shape: ${label}`, JSON.stringify(message));
  },

  oddId(random, tools) {
    const message = JSON.stringify({ ...validMessage(random, tools), id: '\u0000ID\u0000' });
    const ids: [string, string][] = [
      ['object', '{"a":1}'],
      ['array', '[1,2]'],
      ['true', 'true'],
      ['null', 'null'],
      ['float', '1.5'],
      ['negative', '-1'],
      ['-0', '-0'],
      ['1e309', '1e309'],
      ['2^63', '9223372036854775808'],
      ['-2^63-1', '-9223372036854775809'],
      ['1e-400', '1e-400'],
      ['empty string', '""'],
      ['long string', JSON.stringify(random.text(50_000))],
      ['string with NUL and controls', JSON.stringify('\u0000\u0001\u001f\u007f')],
      ['lone surrogate', '"\\ud800"'],
    ];
    const [label, id] = random.pick(ids);
    return jsonBody(`id ${label}`, message.replace('"\\u0000ID\\u0000"', id));
  },

  batch(random, tools) {
    const variants: [string, () => string][] = [
      ['empty batch', () => '[]'],
      ['batch of one', () => JSON.stringify([validMessage(random, tools)])],
      [
        'batch of many',
        () => JSON.stringify(Array.from({ length: 50 }, () => validMessage(random, tools))),
      ],
      ['nested batch', () => JSON.stringify([[validMessage(random, tools)]])],
      ['batch of primitives', () => JSON.stringify([1, 'a', null, true])],
      [
        'batch with notification and answer',
        () =>
          JSON.stringify([
            { jsonrpc: '2.0', method: 'notifications/initialized' },
            { id: 1, jsonrpc: '2.0', result: {} },
          ]),
      ],
    ];
    const [label, make] = random.pick(variants);
    return jsonBody(label, make());
  },

  deepNesting(random, tools) {
    const depth = random.chance(0.02)
      ? 100_000
      : random.pick([63, 64, 65, 100, 1_000, 5_000, 20_000]);
    const arrays = random.chance(0.5);
    const open = arrays ? '['.repeat(depth) : '{"a":'.repeat(depth);
    const close = arrays ? ']'.repeat(depth) : '}'.repeat(depth);
    const nested = `${open}1${close}`;
    const where = random.pick(['top level', 'params', 'arguments']);
    let text: string;
    if (where === 'top level') {
      text = nested;
    } else {
      const message = validMessage(random, tools);
      const params = { ...((message.params as Record<string, unknown> | undefined) ?? {}) };
      if (where === 'params') params.deep = '\u0000DEEP\u0000';
      else params.arguments = { request: '\u0000DEEP\u0000' };
      text = JSON.stringify({ ...message, params }).replace('"\\u0000DEEP\\u0000"', nested);
    }
    return jsonBody(`deep nesting (${arrays ? 'arrays' : 'objects'} in ${where})`, text);
  },

  contentType(random, tools) {
    const contentType = random.pick([
      undefined,
      '',
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'application/json; charset=utf-16',
      'application/json; charset=latin1',
      'application/json; charset=nonsense',
      'APPLICATION/JSON',
      'application/json-patch+json',
      'application/jsonx',
      'application/json, text/html',
      '*/*',
      `application/${random.text(200, 'abcdefghij')}`,
    ]);
    const body = JSON.stringify(validMessage(random, tools));
    const accept = random.chance(0.5) ? 'application/json, text/event-stream' : undefined;
    return {
      ...jsonBody(`content type ${JSON.stringify(contentType)}`, body, contentType),
      accept,
    };
  },

  randomBytes(random) {
    const bytes = Buffer.alloc(random.int(4_096));
    for (let i = 0; i < bytes.length; i++) bytes[i] = random.int(256);
    if (random.chance(0.3) && bytes.length > 0) bytes[0] = 0x7b; // '{', to get past the sniffing
    return { body: bytes, contentType: JSON_TYPE, label: 'random bytes' };
  },

  oddText(random, tools) {
    const message = validMessage(random, tools);
    const variants: [string, () => string][] = [
      ['BOM before JSON', () => `\ufeff${JSON.stringify(message)}`],
      ['NUL after JSON', () => `${JSON.stringify(message)}\u0000`],
      ['two JSON values', () => `${JSON.stringify(message)}${JSON.stringify(message)}`],
      ['control characters in strings', () => JSON.stringify(withStrings(message, '\u0001\u001b'))],
      ['raw control characters', () => JSON.stringify(message).replace(':', ':\u0001')],
      ['lone surrogates', () => JSON.stringify(message).replace('"2.0"', '"2.0\\udc00"')],
      ['invalid UTF-8', () => `${JSON.stringify(message).slice(0, -1)}\u0000"\udfff"}`],
      ['invalid escape', () => JSON.stringify(message).replace('"2.0"', '"2.0\\x41"')],
      ['whitespace only', () => ' \n\t\r '],
      ['empty body', () => ''],
      ['bare value', () => random.pick(['null', 'true', '0', '"x"', '-0', '1e309'])],
      ['single quotes', () => JSON.stringify(message).replace(/"/g, "'")],
      ['trailing comma', () => JSON.stringify(message).replace(/}$/, ',}')],
      ['comments', () => `/* c */${JSON.stringify(message)}// c`],
      ['NaN and Infinity', () => JSON.stringify(message).replace(/}$/, ',"n":NaN,"i":Infinity}')],
    ];
    const [label, make] = random.pick(variants);
    return jsonBody(label, make());
  },

  longStrings(random, tools) {
    const message = validMessage(random, tools);
    const length = random.chance(0.02) ? 1_000_000 : random.pick([10_000, 30_000, 100_000]);
    const where = random.pick(['key', 'value', 'method']);
    const long = random.text(length);
    if (where === 'key') message[long] = 1;
    else if (where === 'value') message.extra = long;
    else message.method = long;
    return jsonBody(`long string (${length} chars as ${where})`, JSON.stringify(message));
  },

  duplicateKeys(random, tools) {
    const text = JSON.stringify(validMessage(random, tools));
    const duplicate = random.pick([
      '"method":"tools/call",',
      '"method":"initialize",',
      '"jsonrpc":"1.0",',
      '"id":{"x":1},',
      '"params":null,',
      '"params":{"name":"health_check","name":"get_schema"},',
      '"__proto__":{"method":"tools/list"},',
      '"constructor":{"prototype":{}},',
    ]);
    return jsonBody('duplicate keys', `{${duplicate}${text.slice(1)}`);
  },

  oddNumbers(random, tools) {
    const tool = random.pick(tools);
    const number = random.pick([
      '1e309',
      '-1e309',
      '-0',
      '9223372036854775808',
      '18446744073709551616',
      '99999999999999999999',
      '1e-400',
      '0.1e1',
      '1E+2',
      '01',
      '0x10',
      '.5',
      '1.',
      '+1',
    ]);
    const arguments_ = { ...validArguments(tool.inputSchema), number: '\u0000N\u0000' };
    const text = JSON.stringify({
      id: '\u0000N\u0000',
      jsonrpc: '2.0',
      method: 'tools/call',
      params: { arguments: arguments_, name: tool.name },
    }).replace(/"\\u0000N\\u0000"/g, number);
    return { ...jsonBody(`number ${number}`, text), tool: tool.name };
  },
};

function oversizedBody(random: Random, index: number): FuzzRequest {
  const size = SIZE_LIMIT_BYTES + 1 + index * 1024 * 1024;
  const padding = 'x'.repeat(size);
  const text = JSON.stringify({ id: index, jsonrpc: '2.0', method: 'tools/list', params: padding });
  return { ...jsonBody(`body over the size limit (${text.length} bytes)`, text), oversized: true };
}

function manyKeys(random: Random, count: number): Record<string, number> {
  const keys: Record<string, number> = {};
  for (let i = 0; i < count; i++) keys[`k${i}_${random.text(4, 'abcdef')}`] = i;
  return keys;
}

function withStrings(value: unknown, suffix: string): unknown {
  if (typeof value === 'string') return `${value}${suffix}`;
  if (Array.isArray(value)) return value.map((item) => withStrings(item, suffix));
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, withStrings(item, suffix)]),
    );
  }
  return value;
}

// ---------------------------------------------------------------------------------------------
// Bad arguments derived from the input schemas
// ---------------------------------------------------------------------------------------------

/** One hostile value for a property, with its description. */
interface Hostile {
  readonly label: string;
  readonly value: unknown;
}

/** The JSON types a schema accepts (`integer` implies `number` values that are whole). */
function typesOf(schema: JsonSchema): Set<string> {
  const types = new Set<string>();
  const add = (s: JsonSchema) => {
    if (s.enum) types.add('enum');
    if (typeof s.type === 'string') types.add(s.type);
    else s.type?.forEach((type) => types.add(type));
    if (s.properties) types.add('object');
    s.anyOf?.forEach(add);
  };
  add(schema);
  return types;
}

/** A valid value: what a well-behaved client would send, as the base each case damages. */
export function validArguments(schema: JsonSchema): Record<string, unknown> {
  const value = validValue(schema);
  return value && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

function validValue(schema: JsonSchema): unknown {
  if (schema.enum) return schema.enum[0];
  const types = typesOf(schema);
  if (types.has('object')) {
    const properties = schema.properties ?? schema.anyOf?.find((s) => s.properties)?.properties;
    const out: Record<string, unknown> = {};
    for (const [key, property] of Object.entries(properties ?? {})) {
      // Get tools accept one of several identifier keys, none of them required by the schema.
      if (schema.required?.includes(key) || key === 'identifier') out[key] = validValue(property);
    }
    return out;
  }
  if (types.has('integer') || types.has('number')) return 1;
  if (types.has('string')) return 'a';
  if (types.has('boolean')) return true;
  if (types.has('array')) return [];
  return null;
}

/** Integer edges: the first six are the ones the metadata databases cannot take. */
const INT_EDGES: readonly Hostile[] = [
  { label: 'int 2^31', value: 2 ** 31 },
  { label: 'int -2^31-1', value: -(2 ** 31) - 1 },
  { label: 'int 2^53', value: 2 ** 53 },
  { label: 'int -2^53', value: -(2 ** 53) },
  { label: 'number 1e20', value: 1e20 },
  { label: 'string "99999999999999999999"', value: '99999999999999999999' },
  { label: 'int 2^63', value: new RawJson('9223372036854775808') },
  { label: 'number 1e309', value: new RawJson('1e309') },
  { label: 'number 99999999999999999999', value: new RawJson('99999999999999999999') },
  { label: 'number -0', value: new RawJson('-0') },
  { label: 'number 1e-400', value: new RawJson('1e-400') },
  { label: 'int 0', value: 0 },
  { label: 'int -1', value: -1 },
  { label: 'number 1.5', value: 1.5 },
  { label: 'string "2147483648"', value: '2147483648' },
  { label: 'string "-2147483649"', value: '-2147483649' },
  { label: 'string "NaN"', value: 'NaN' },
  { label: 'string "Infinity"', value: 'Infinity' },
  { label: 'string "1e309"', value: '1e309' },
  { label: 'string "0x10"', value: '0x10' },
  { label: 'string " 1 "', value: ' 1 ' },
];

/** A value made only when chosen: long strings and huge lists are costly to build. */
interface HostileMaker {
  readonly label: string;
  make(): unknown;
}

/** Strings: the first four (long, NUL, control characters, trailing backslash) always go. */
function hostileStrings(random: Random, schema: JsonSchema): HostileMaker[] {
  const length = random.pick([10_000, 30_000, 100_000]);
  const strings: HostileMaker[] = [
    { label: `string of ${length} chars`, make: () => random.text(length) },
    { label: 'string with NUL', make: () => 'a\u0000b' },
    { label: 'string of control characters', make: () => '\u0001\u0002\u0008\u001b\u001f\u007f' },
    { label: 'string ending in a backslash', make: () => 'abc\\' },
    { label: 'string of 100000 x', make: () => 'x'.repeat(100_000) },
    { label: 'string NUL only', make: () => '\u0000' },
    { label: 'string with lone surrogate', make: () => 'a\ud800b' },
    { label: 'string of unicode', make: () => '𝔘ñíçødé 中文 🙂\u202e\u200b' },
    { label: 'string of LIKE wildcards', make: () => '%_%\\%' },
    { label: 'string with quotes', make: () => `a'b"c\`d` },
    { label: 'string with an injection attempt', make: () => "1' OR '1'='1" },
    { label: 'empty string', make: () => '' },
    { label: 'whitespace string', make: () => ' \t\r\n ' },
  ];
  const option = (schema.enum ?? schema.anyOf?.flatMap((s) => s.enum ?? []) ?? []).find(
    (item): item is string => typeof item === 'string',
  );
  if (option !== undefined) {
    strings.push(
      { label: 'enum value upper-cased', make: () => option.toUpperCase() },
      { label: 'enum value with NUL', make: () => `${option}\u0000` },
    );
  }
  return strings;
}

/** Lists: the first (50,000 items) always goes where a list is expected. */
function hostileLists(random: Random): HostileMaker[] {
  return [
    { label: 'list of 50000 items', make: () => Array.from({ length: 50_000 }, (_, i) => i + 1) },
    {
      label: 'list of 50000 strings',
      make: () => Array.from({ length: 50_000 }, (_, i) => `s${i}`),
    },
    {
      label: 'list of 10 strings of 10000 chars',
      make: () => Array.from({ length: 10 }, () => random.text(10_000)),
    },
    { label: 'list of ints 2^31', make: () => [2 ** 31, -(2 ** 31) - 1] },
    { label: 'list with NUL strings', make: () => ['\u0000', 'a\u0000'] },
    { label: 'list of nulls', make: () => [null, null] },
    { label: 'list of lists', make: () => [[1], [['a']]] },
    { label: 'list of objects', make: () => [{}, { a: 1 }] },
    { label: 'empty list', make: () => [] },
  ];
}

function nestedObject(depth: number): unknown {
  let value: unknown = 1;
  for (let i = 0; i < depth; i++) value = { a: value };
  return value;
}

const WRONG_TYPES: readonly (Hostile & { readonly type: string })[] = [
  { label: 'null', type: 'null', value: null },
  { label: 'true', type: 'boolean', value: true },
  { label: 'string "text"', type: 'string', value: 'text' },
  { label: 'int 12345', type: 'integer', value: 12345 },
  { label: 'empty list', type: 'array', value: [] },
  { label: 'empty object', type: 'object', value: {} },
];

const NESTED: readonly Hostile[] = [
  { label: 'nested object', value: { a: { b: { c: [1, { d: 'e' }] } } } },
  { label: 'object nested 200 deep', value: nestedObject(200) },
  { label: 'object with odd keys', value: { '': 1, '\u0000': 2 } },
];

/**
 * Hostile values for one property. The families that fit the property's type are always tried
 * with their named worst cases (integer edges, long, NUL and control-character strings, 50,000
 * items) plus a seeded sample of the rest; the families that misfit it get a smaller sample.
 */
function hostileValues(random: Random, schema: JsonSchema): Hostile[] {
  const types = typesOf(schema);
  const numeric = types.has('integer') || types.has('number');
  const textual = types.has('string') || types.has('enum');
  const listy = types.has('array');
  const wrongTypes = WRONG_TYPES.filter(
    (wrong) => !types.has(wrong.type) && !(wrong.type === 'integer' && numeric),
  );
  const made = (makers: readonly HostileMaker[]) =>
    makers.map((maker) => ({ label: maker.label, value: maker.make() }));
  const fitting = <T>(fits: boolean, items: readonly T[], always: number, more: number) =>
    fits
      ? [...items.slice(0, always), ...random.sample(items.slice(always), more)]
      : random.sample(items, 1);
  const values: Hostile[] = [
    ...random.sample(wrongTypes, 1),
    ...random.sample(NESTED, 1),
    ...fitting(numeric || textual, INT_EDGES, 6, 1),
    ...made(fitting(textual || listy, hostileStrings(random, schema), 4, 1)),
    ...made(fitting(listy, hostileLists(random), 1, 0)),
  ];
  if (types.has('boolean')) values.push({ label: 'string "true"', value: 'true' });
  return values;
}

/** A case: the label names the property path and the value family. */
function toolCall(
  tool: string,
  args: unknown,
  label: string,
  id: number,
  group: string = label,
): FuzzRequest {
  const body = toJsonText({
    id,
    jsonrpc: '2.0',
    method: 'tools/call',
    params: { arguments: args, name: tool },
  });
  return { body: Buffer.from(body, 'utf8'), contentType: JSON_TYPE, group, label, tool };
}

/**
 * Bad arguments for every tool: each property of each object in the input schema gets every
 * family of hostile values (wrong types, integer edges, numeric strings, long strings, NUL and
 * control characters, huge lists, nested objects), each object gets unknown and missing keys,
 * and list tools get filters built from their filterable columns.
 */
export function* badArguments(
  random: Random,
  tools: readonly ToolDescription[],
  filterColumns: FilterColumnsByTool,
): Generator<FuzzRequest> {
  let id = 1;
  for (const tool of tools) {
    const base = validArguments(tool.inputSchema);
    for (const [label, args] of wholeArguments(random, base)) {
      yield toolCall(tool.name, args, `arguments: ${label}`, id++);
    }
    for (const [path, schema] of objectsIn(tool.inputSchema, [])) {
      for (const [label, object] of objectDamage(random, schema, valueAt(base, path))) {
        yield toolCall(tool.name, withValueAt(base, path, object), `${at(path)}: ${label}`, id++);
      }
      for (const [key, property] of Object.entries(schema.properties ?? {})) {
        for (const hostile of hostileValues(random, property)) {
          const args = withValueAt(base, [...path, key], hostile.value);
          yield toolCall(tool.name, args, `${at([...path, key])}: ${hostile.label}`, id++);
        }
      }
    }
    const columns = filterColumns[tool.name];
    if (columns) {
      for (const [label, filters, group] of hostileFilters(random, columns)) {
        const args = withValueAt(base, ['request', 'filters'], filters);
        const request = `request.filters: ${label}`;
        yield toolCall(tool.name, args, request, id++, `request.filters: ${group}`);
      }
    }
  }
}

function at(path: readonly string[]): string {
  return path.length === 0 ? 'arguments' : path.join('.');
}

/** Every object schema in `schema` (itself included) with its path. */
function objectsIn(schema: JsonSchema, path: string[]): [string[], JsonSchema][] {
  if (!schema.properties) return [];
  const found: [string[], JsonSchema][] = [[path, schema]];
  for (const [key, property] of Object.entries(schema.properties)) {
    // Filter items are covered by hostileFilters, which knows the columns.
    if (key === 'filters') continue;
    found.push(...objectsIn(property, [...path, key]));
  }
  return found;
}

function valueAt(root: unknown, path: readonly string[]): Record<string, unknown> {
  let value = root;
  for (const key of path) value = (value as Record<string, unknown> | undefined)?.[key];
  return value && typeof value === 'object' ? (value as Record<string, unknown>) : {};
}

/** A copy of `root` with `value` at `path` (creating objects on the way). */
function withValueAt(root: Record<string, unknown>, path: readonly string[], value: unknown) {
  if (path.length === 0) return value;
  const copy: Record<string, unknown> = { ...root };
  const [key, ...rest] = path;
  copy[key] = withValueAt(valueAt(root, [key]), rest, value);
  return copy;
}

function wholeArguments(random: Random, base: Record<string, unknown>): [string, unknown][] {
  return [
    ['null', null],
    ['a list', [base]],
    ['a string', 'request'],
    ['a number', 1],
    ['request as JSON text', { ...base, request: JSON.stringify(base.request ?? {}) }],
    ['request as broken JSON text', { ...base, request: '{"identifier": ' }],
    [
      'request as deeply nested JSON text',
      { request: `${'['.repeat(10_000)}${']'.repeat(10_000)}` },
    ],
    ['request as JSON text with NUL', { request: '{"identifier":"\\u0000"}' }],
    ['request as 100000 chars of text', { request: random.text(100_000) }],
  ];
}

function objectDamage(
  random: Random,
  schema: JsonSchema,
  base: Record<string, unknown>,
): [string, unknown][] {
  const damaged: [string, unknown][] = [
    ['unknown key', { ...base, unknown_key: 1 }],
    ['unknown key with NUL', { ...base, 'k\u0000': 1 }],
    ['1000 unknown keys', { ...base, ...manyKeys(random, 1_000) }],
    ['__proto__ key', JSON.parse(`{"__proto__": {"identifier": 1}}`)],
    ['constructor key', { ...base, constructor: { prototype: { admin: true } } }],
  ];
  for (const key of schema.required ?? []) {
    const rest = { ...base };
    delete rest[key];
    damaged.push([`required ${key} missing`, rest]);
  }
  const keys = Object.keys(schema.properties ?? {});
  if (keys.length > 1) {
    damaged.push([
      'every key at once',
      Object.fromEntries(keys.map((key) => [key, validValue(schema.properties![key])])),
    ]);
  }
  return damaged;
}

/** The named worst cases per column type: [operator, label, value]. */
function worstFilters(type: string, withHugeLists: boolean): [string, string, () => unknown][] {
  const many = (count: number) =>
    Array.from({ length: count }, (_, i) => (type === 'integer' ? i + 1 : `v${i}`));
  const common: [string, string, () => unknown][] = [['eq', 'string with NUL', () => 'a\u0000b']];
  if (withHugeLists) {
    common.push(
      ['in', '50000 items', () => many(50_000)],
      ['nin', '40000 items', () => many(40_000)],
    );
  }
  if (type === 'integer') {
    return [
      ...common,
      ['eq', 'int 2^31', () => 2 ** 31],
      ['lt', 'int -2^31-1', () => -(2 ** 31) - 1],
      ['gte', 'string "99999999999999999999"', () => '99999999999999999999'],
      ['in', '[2^31, 1]', () => [2 ** 31, 1]],
    ];
  }
  if (type === 'string') {
    return [
      ...common,
      ['eq', 'string of 100000 chars', () => 'z'.repeat(100_000)],
      ['like', 'pattern ending in a backslash', () => 'abc\\'],
      ['ilike', 'a backslash', () => '\\'],
      ['sw', 'string ending in a backslash', () => 'abc\\'],
      ['ct', 'string of 30000 chars', () => 'q'.repeat(30_000)],
    ];
  }
  return [...common, ['eq', 'int 2^31', () => 2 ** 31]];
}

/** Values for any column and operator, one of which is sampled per operator. */
const ANY_FILTER_VALUE: readonly HostileMaker[] = [
  { label: 'int 2^31', make: () => 2 ** 31 },
  { label: 'int -2^31-1', make: () => -(2 ** 31) - 1 },
  { label: 'int 2^53', make: () => 2 ** 53 },
  { label: 'number 1e20', make: () => 1e20 },
  { label: 'number 1e309', make: () => new RawJson('1e309') },
  { label: 'number 99999999999999999999', make: () => new RawJson('99999999999999999999') },
  { label: 'string "99999999999999999999"', make: () => '99999999999999999999' },
  { label: 'string "2147483648"', make: () => '2147483648' },
  { label: 'string "abc"', make: () => 'abc' },
  { label: 'number 1.5', make: () => 1.5 },
  { label: 'number -0', make: () => new RawJson('-0') },
  { label: 'true', make: () => true },
  { label: 'null', make: () => null },
  { label: 'a list', make: () => [1, 2] },
  { label: '[2^31, -2^31-1]', make: () => [2 ** 31, -(2 ** 31) - 1] },
  { label: '["99999999999999999999"]', make: () => ['99999999999999999999'] },
  { label: '[NUL string]', make: () => ['a\u0000b'] },
  { label: '[30000 chars]', make: () => ['y'.repeat(30_000)] },
  { label: '[]', make: () => [] },
  { label: '[1e309]', make: () => [new RawJson('1e309')] },
  { label: 'string with NUL', make: () => 'a\u0000b' },
  { label: 'string of control characters', make: () => '\u0001\u001b\u007f' },
  { label: 'string of 100000 chars', make: () => 'z'.repeat(100_000) },
  { label: 'string ending in a backslash', make: () => 'abc\\' },
  { label: 'a backslash', make: () => '\\' },
  { label: 'LIKE wildcards and backslash', make: () => '%_\\' },
  { label: 'string with lone surrogate', make: () => '\ud800' },
];

/**
 * Filter lists for one list tool: each column's named worst cases (integer edges, NUL, long
 * strings, LIKE patterns ending in a backslash, in/nin with 40,000+ items), one sampled hostile
 * value for every operator it allows, and malformed filters.
 */
function* hostileFilters(
  random: Random,
  columns: Readonly<Record<string, FilterColumn>>,
): Generator<[label: string, filters: unknown, group: string]> {
  const typesSeen = new Set<string>();
  for (const [col, column] of Object.entries(columns)) {
    // The huge in/nin lists cost the most: once per column type is enough.
    const firstOfType = !typesSeen.has(column.type);
    typesSeen.add(column.type);
    for (const [opr, label, make] of worstFilters(column.type, firstOfType)) {
      if (!column.operators.includes(opr)) continue;
      const group = `${column.type} column, ${opr} ${label}`;
      yield [`${col} ${opr} ${label}`, [{ col, opr, value: make() }], group];
    }
    for (const opr of random.sample(column.operators, 3)) {
      const hostile = random.pick(ANY_FILTER_VALUE);
      const text = ['like', 'ilike', 'sw', 'ew', 'ct'].includes(opr) ? `${opr} ` : '';
      const group = `${column.type} column, ${text}${hostile.label}`;
      yield [`${col} ${opr} ${hostile.label}`, [{ col, opr, value: hostile.make() }], group];
    }
  }
  const [firstColumn] = Object.keys(columns);
  const malformed: [string, unknown][] = [
    ['empty col', [{ col: '', opr: 'eq', value: 1 }]],
    ['col with NUL', [{ col: `${firstColumn}\u0000`, opr: 'eq', value: 1 }]],
    ['col of 10000 chars', [{ col: 'c'.repeat(10_000), opr: 'eq', value: 1 }]],
    ['col with SQL punctuation', [{ col: 'id"; --', opr: 'eq', value: 1 }]],
    ['unknown opr', [{ col: firstColumn, opr: 'regex', value: '.*' }]],
    ['opr with NUL', [{ col: firstColumn, opr: 'eq\u0000', value: 1 }]],
    ['is_null with a value', [{ col: firstColumn, opr: 'is_null', value: 2 ** 31 }]],
    ['unknown key in a filter', [{ col: firstColumn, opr: 'eq', value: 1, extra: 1 }]],
    ['filter a string', ['filter']],
    [
      '1000 filters',
      Array.from({ length: 1_000 }, () => ({ col: firstColumn, opr: 'ne', value: 'x' })),
    ],
    [
      'JSON text of hostile filters',
      JSON.stringify([{ col: firstColumn, opr: 'eq', value: 2 ** 31 }]),
    ],
    [
      'JSON text with NUL value',
      JSON.stringify([{ col: firstColumn, opr: 'eq', value: '\u0000' }]),
    ],
    ['broken JSON text', '[{"col": '],
    ['deeply nested JSON text', `${'['.repeat(20_000)}${']'.repeat(20_000)}`],
    ['JSON text of 100000 chars', JSON.stringify(random.text(100_000))],
  ];
  for (const [label, filters] of malformed) yield [label, filters, label];
}
