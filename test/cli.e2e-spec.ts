import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:net';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createMetadataSchema } from '../src/demo/metadata-schema.js';
import { postgresRunner } from '../src/demo/sql-runner.js';
import { SUGGESTED_INDEXES } from '../src/superset/database/metadata-index-advisor.service.js';
import {
  createTemporaryPostgresDatabase,
  type TemporaryPostgresDatabase,
} from '../src/superset/database/temporary-postgres-database.fixture.js';
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

  it('ends an unknown command with one line naming it and exit code 2', async () => {
    const result = await runCli(['serve'], {});
    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toBe(
      "superset-mcp: unknown command 'serve'; try 'superset-mcp --help'",
    );
  });

  it('tells how to pass flags through npm when a bare value follows the command', async () => {
    // What `npm start --port 5009` runs: npm keeps --port for itself and passes 5009 on.
    const result = await runCli(['run', '5009'], {});
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain("unexpected argument '5009' after 'run'");
    expect(result.stderr).toContain('npm start -- --port 5009');
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

  it("refuses a dev user the demo does not have, naming the demo's users", async () => {
    const result = await runCli(['run', '--port', '0'], {
      MCP_DEV_USERNAME: 'ghost',
      SUPERSET_MCP_DATA_DIR: data.dir,
    });
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n').at(-1)).toBe(
      "superset-mcp: MCP_DEV_USERNAME: the demo has no user 'ghost'; its users are admin, alpha, gamma, sales, grace, owner, nobody.",
    );
    expect(result.stderr).not.toContain('superset fab create-admin');
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

  describe('indexes', () => {
    let database: TemporaryPostgresDatabase;

    beforeAll(async () => {
      database = await createTemporaryPostgresDatabase();
      await createMetadataSchema(postgresRunner(database.client), 'postgres');
    });

    afterAll(async () => {
      await database?.drop();
    });

    const serviceIndexes = async (): Promise<string[]> =>
      (
        await database.client.query<{ name: string }>(
          "SELECT indexname AS name FROM pg_indexes WHERE indexname LIKE 'ix_smcp_%' ORDER BY 1",
        )
      ).rows.map((row) => row.name);

    it('needs the metadata database of a Superset', async () => {
      const result = await runCli(['indexes'], { SUPERSET_MCP_DATA_DIR: data.dir });
      expect(result.code).toBe(2);
      expect(result.stderr.trim()).toBe(
        "superset-mcp: 'indexes' needs SQLALCHEMY_DATABASE_URI, the metadata database of your Superset",
      );
    });

    it('refuses --apply on another command', async () => {
      const result = await runCli(['run', '--apply'], {});
      expect(result.code).toBe(2);
      expect(result.stderr).toContain("--apply belongs to 'superset-mcp indexes'");
    });

    it('prints the missing indexes as an SQL script and changes nothing', async () => {
      const result = await runCli(['indexes'], { SQLALCHEMY_DATABASE_URI: database.uri });
      expect(result.code).toBe(0);
      const statements = result.stdout.split('\n').filter((line) => line.startsWith('CREATE'));
      expect(statements).toHaveLength(SUGGESTED_INDEXES.length);
      expect(statements[0]).toBe(
        'CREATE INDEX CONCURRENTLY IF NOT EXISTS ix_smcp_slices_changed_on ON slices (changed_on);',
      );
      expect(result.stdout).toMatch(
        new RegExp(`^-- ${SUGGESTED_INDEXES.length} suggested index\\(es\\) missing`),
      );
      expect(await serviceIndexes()).toEqual([]);
    });

    it('creates them with --apply, once', async () => {
      const applied = await runCli(['indexes', '--apply'], {
        SQLALCHEMY_DATABASE_URI: database.uri,
      });
      expect(applied.code).toBe(0);
      expect(applied.stdout).toContain(`-- created ${SUGGESTED_INDEXES.length} index(es)`);
      expect(await serviceIndexes()).toEqual(SUGGESTED_INDEXES.map((index) => index.name).sort());
      const again = await runCli(['indexes'], { SQLALCHEMY_DATABASE_URI: database.uri });
      expect(again.stdout).toBe('-- every suggested index is present\n');
    });
  });
});
