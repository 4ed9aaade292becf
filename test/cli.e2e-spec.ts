import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:net';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { runCli, temporaryDataDir } from './support/service-process.js';

describe('superset-mcp CLI', () => {
  const data = temporaryDataDir();
  let blocker: Server;
  let takenPort: number;

  beforeAll(async () => {
    blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    takenPort = (blocker.address() as { port: number }).port;
  });

  afterAll(async () => {
    await new Promise((resolve) => blocker.close(resolve));
    data.remove();
  });

  it('prints help and exits 0', async () => {
    const result = await runCli(['--help'], {});
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('superset-mcp run [--host 127.0.0.1] [--port 5008] [--debug]');
  });

  it('ends a bad flag with one line and exit code 2', async () => {
    const result = await runCli(['run', '--bogus'], {});
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain("Unknown option '--bogus'");
  });

  it('ends a bad port with one line and a non-zero exit', async () => {
    const result = await runCli(['run', '--port', 'abc'], { SUPERSET_MCP_DATA_DIR: data.dir });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('--port');
  });

  it('ends a taken port with one clear line and exit code 1', async () => {
    const result = await runCli(['run', '--port', String(takenPort)], {
      SUPERSET_MCP_DATA_DIR: data.dir,
    });
    expect(result.code).toBe(1);
    const lastLine = result.stderr.trim().split('\n').at(-1);
    expect(lastLine).toBe(
      `superset-mcp: Port ${takenPort} on 127.0.0.1 is already in use; pick another with --port or MCP_SERVICE_PORT.`,
    );
  });

  it('names the key of an invalid setting', async () => {
    const result = await runCli(['run'], { MCP_SERVICE_PORT: 'lots' });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('MCP_SERVICE_PORT');
  });

  it('names a metadata URI that leads nowhere and creates nothing', async () => {
    const file = `${data.dir}/no-such-superset.db`;
    const result = await runCli(['run', '--port', '0'], {
      MCP_DEV_USERNAME: 'admin',
      SQLALCHEMY_DATABASE_URI: `sqlite:///${file}`,
    });
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n').at(-1)).toBe(
      `superset-mcp: SQLALCHEMY_DATABASE_URI: there is no SQLite database at ${file}`,
    );
    expect(existsSync(file)).toBe(false);
  });

  it('refuses a dev user that does not exist, with upstream wording', async () => {
    const result = await runCli(['run', '--port', '0'], {
      MCP_DEV_USERNAME: 'ghost',
      SUPERSET_MCP_DATA_DIR: data.dir,
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      "User 'ghost' not found. Please create admin user with: superset fab create-admin",
    );
  });

  it('refuses an inactive dev user', async () => {
    const result = await runCli(['run', '--port', '0'], {
      MCP_DEV_USERNAME: 'inactive',
      SUPERSET_MCP_DATA_DIR: data.dir,
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("User 'inactive' is inactive");
  });

  it('refuses to run the unauthenticated demo on a public address', async () => {
    const result = await runCli(['run', '--host', '0.0.0.0', '--port', '0'], {
      SUPERSET_MCP_DATA_DIR: data.dir,
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('only binds to loopback');
  });
});
