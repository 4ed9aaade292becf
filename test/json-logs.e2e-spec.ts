import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { connectClient } from './support/mcp-client.js';
import {
  startServiceProcess,
  temporaryDataDir,
  type ServiceProcess,
} from './support/service-process.js';

describe('MCP_LOG_FORMAT=json', () => {
  const data = temporaryDataDir();
  let service: ServiceProcess;

  beforeAll(async () => {
    service = await startServiceProcess({
      MCP_CONFORMANCE_FIXTURES: 'true',
      MCP_LOG_FORMAT: 'json',
      MCP_NOT_A_SETTING: '1', // a start-up warning, logged by the CLI
      SUPERSET_MCP_DATA_DIR: data.dir,
    });
  });

  afterAll(async () => {
    await service?.stop();
    data.remove();
  });

  it('writes every line as one JSON object, a failing call with its call_id', async () => {
    const mcp = await connectClient(service.url);
    let failed;
    try {
      failed = await mcp.client.callTool({ arguments: {}, name: 'test_error_handling' });
    } finally {
      await mcp.close();
    }
    expect(failed.isError).toBe(true);
    await service.stop();

    const lines = service
      .output()
      .split('\n')
      .filter((line) => line.trim() !== '');
    const entries = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    for (const entry of entries) {
      expect(entry).toEqual(
        expect.objectContaining({
          level: expect.any(String),
          msg: expect.any(String),
          time: expect.any(String),
        }),
      );
    }
    expect(entries).toContainEqual(
      expect.objectContaining({
        context: 'Settings',
        level: 'warn',
        msg: expect.stringContaining('MCP_NOT_A_SETTING'),
      }),
    );
    expect(entries).toContainEqual(
      expect.objectContaining({ level: 'warn', msg: expect.stringContaining('NO AUTHENTICATION') }),
    );
    const call = entries.find(
      (entry) => entry.context === 'ToolExecutor' && entry.level === 'warn',
    );
    expect(call).toMatchObject({
      call_id: expect.stringMatching(/^[0-9a-f]{32}$/),
      msg: expect.stringContaining('test_error_handling'),
    });
    expect(call?.msg).toContain(`[${String(call?.call_id)}]`);
    // The framework's start-up chatter stays out, as in text mode.
    expect(entries.some((entry) => entry.context === 'RouterExplorer')).toBe(false);
  });
});
