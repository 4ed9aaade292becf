import { Agent } from 'node:http';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { DEMO_FIXTURES, type DemoFixture } from './support/demo-fixtures.js';
import {
  badArguments,
  fuzzSeed,
  malformedBodies,
  Random,
  type FilterColumn,
  type FilterColumnsByTool,
  type FuzzRequest,
  type ToolDescription,
} from './support/fuzz-generator.js';
import {
  FailureClasses,
  forEachConcurrently,
  postRaw,
  problemsWith,
} from './support/fuzz-oracle.js';
import { connectClient, postJson, toolJson } from './support/mcp-client.js';
import { startServiceProcess, type ServiceProcess } from './support/service-process.js';

/**
 * Seeded fuzzing of POST /mcp on both metadata dialects: malformed bodies, then bad arguments
 * derived from every tool's input schema. Every answer must come back, carry no internal error,
 * no 5xx without a JSON-RPC error body, and no stack, path, SQL or driver text. Replay a run with
 * `SMCP_FUZZ_SEED=<seed> npx vitest run --project e2e test/fuzz.e2e-spec.ts`.
 */
const SEED = fuzzSeed();
const MALFORMED_BODIES = 1_000;
const CONCURRENCY = 4;
const MAX_CLASSES_SHOWN = 80;

describe.each(DEMO_FIXTURES)('fuzzing POST /mcp against %s', (_name, createFixture) => {
  let fixture: DemoFixture;
  let service: ServiceProcess;
  let tools: ToolDescription[];
  let filterColumns: FilterColumnsByTool;
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });

  beforeAll(async () => {
    fixture = await createFixture();
    service = await startServiceProcess({ ...fixture.env, MCP_DEV_USERNAME: 'admin' });
    const listed = await postJson(service.url, { id: 1, jsonrpc: '2.0', method: 'tools/list' });
    tools = listed.json.result.tools as ToolDescription[];
    filterColumns = await filterColumnsOfListTools(service.url, tools);
  });

  afterAll(async () => {
    agent.destroy();
    await service?.stop();
    await fixture?.close();
  });

  /** Sends every request, collecting failure classes; stops early if the service has died. */
  async function fuzz(requests: Iterable<FuzzRequest>): Promise<FailureClasses> {
    const failures = new FailureClasses();
    await forEachConcurrently(requests, CONCURRENCY, async (request) => {
      if (service.child.exitCode !== null) return;
      const answer = await postRaw(service.url, request, agent);
      failures.record(request, problemsWith(request, answer));
    });
    return failures;
  }

  function verdict(failures: FailureClasses): [string[], string] {
    const lines = failures.lines();
    const shown = lines.slice(0, MAX_CLASSES_SHOWN);
    if (lines.length > shown.length) shown.push(`… and ${lines.length - shown.length} more`);
    if (service.child.exitCode !== null) {
      shown.unshift(
        `the service exited (${service.child.exitCode}):\n${service.output().slice(-2000)}`,
      );
    }
    const replay = `SMCP_FUZZ_SEED=${SEED} npx vitest run --project e2e test/fuzz.e2e-spec.ts`;
    return [shown, `${failures.sent} requests, seed ${SEED} (replay: ${replay})`];
  }

  it('lists tools with input schemas, and filter columns for every list tool', () => {
    expect(tools.length).toBeGreaterThan(5);
    const listTools = tools.filter((tool) => tool.name.startsWith('list_'));
    expect(Object.keys(filterColumns).sort()).toEqual(listTools.map((tool) => tool.name).sort());
  });

  it('answers a few thousand malformed bodies without internal errors or leaks', async () => {
    const random = new Random(SEED);
    const failures = await fuzz(malformedBodies(random, tools, MALFORMED_BODIES));
    const [classes, context] = verdict(failures);
    expect(classes, context).toEqual([]);
  }, 300_000);

  it('answers bad arguments for every tool without internal errors or leaks', async () => {
    const random = new Random(SEED ^ 0x5eed);
    const failures = await fuzz(badArguments(random, tools, filterColumns));
    const [classes, context] = verdict(failures);
    expect(classes, context).toEqual([]);
  }, 300_000);

  it('still serves a normal tools/call afterwards, and the process is alive', async () => {
    expect(service.child.exitCode).toBeNull();
    const mcp = await connectClient(service.url);
    try {
      const health = toolJson(await mcp.client.callTool({ arguments: {}, name: 'health_check' }));
      expect(health.status).toBe('healthy');
    } finally {
      await mcp.close();
    }
    expect(service.child.exitCode).toBeNull();
  });
});

/** The filterable columns get_schema gives for each list tool's model type. */
async function filterColumnsOfListTools(
  url: string,
  tools: readonly ToolDescription[],
): Promise<FilterColumnsByTool> {
  const columns: Record<string, Record<string, FilterColumn>> = {};
  for (const tool of tools) {
    const match = /^list_(\w+?)(ies|s)$/.exec(tool.name);
    if (!match || !tool.inputSchema.properties?.request?.properties?.filters) continue;
    // list_charts → chart, list_saved_queries → saved_query.
    const modelType = match[2] === 'ies' ? `${match[1]}y` : match[1];
    const answer = await postJson(url, {
      id: 1,
      jsonrpc: '2.0',
      method: 'tools/call',
      params: { arguments: { request: { model_type: modelType } }, name: 'get_schema' },
    });
    columns[tool.name] = toolJson(answer.json.result).filter_columns as Record<
      string,
      FilterColumn
    >;
  }
  return columns;
}
