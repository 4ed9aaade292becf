import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createMetadataSchema } from '../src/demo/metadata-schema.js';
import { postgresRunner } from '../src/demo/sql-runner.js';
import {
  createTemporaryPostgresDatabase,
  type TemporaryPostgresDatabase,
} from '../src/superset/database/temporary-postgres-database.fixture.js';
import {
  runCli,
  startServiceProcess,
  temporaryDataDir,
  type ServiceProcess,
} from './support/service-process.js';

describe('settings at start-up', () => {
  const data = temporaryDataDir();

  afterAll(() => data.remove());

  describe('the demo started with a misspelt setting and unhonoured ones', () => {
    let service: ServiceProcess;

    beforeAll(async () => {
      service = await startServiceProcess({
        MCP_STRUCTURED_OUTPUT_ENABLED: 'true',
        SQLALCHEMY_DATABASE_URL: 'postgresql://superset:do-not-print-me@db/superset',
        SUPERSET_MCP_DATA_DIR: data.dir,
      });
    });

    afterAll(async () => {
      await service?.stop();
    });

    it('names the setting a misspelt variable most likely meant, without its value', () => {
      expect(service.output()).toContain(
        'Unknown setting SQLALCHEMY_DATABASE_URL in the environment (ignored); did you mean SQLALCHEMY_DATABASE_URI?',
      );
      expect(service.output()).not.toContain('do-not-print-me');
    });

    it('says which accepted settings are not honoured yet', () => {
      expect(service.output()).toContain('MCP_STRUCTURED_OUTPUT_ENABLED: not honoured yet');
      expect(service.output()).not.toContain('MCP_RESPONSE_SIZE_CONFIG');
    });
  });

  describe('a misspelt auth setting on a non-loopback address', () => {
    let database: TemporaryPostgresDatabase;

    beforeAll(async () => {
      database = await createTemporaryPostgresDatabase();
      await createMetadataSchema(postgresRunner(database.client), 'postgres');
      await database.client.query(
        `INSERT INTO ab_user (id, first_name, last_name, username, email, active, created_on)
         VALUES (1, 'Ada', 'Admin', 'admin', 'admin@example.com', true, now())`,
      );
    });

    afterAll(async () => {
      await database?.drop();
    });

    it('refuses to start with auth off, naming the misspelling', async () => {
      const result = await runCli(['run', '--host', '0.0.0.0', '--port', '0'], {
        MCP_AUTH_ENABLE: 'true',
        MCP_DEV_USERNAME: 'admin',
        MCP_JWKS_URI: 'https://idp.example.com/jwks',
        SQLALCHEMY_DATABASE_URI: database.uri,
      });
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(
        'superset-mcp: warning: Unknown setting MCP_AUTH_ENABLE in the environment (ignored); did you mean MCP_AUTH_ENABLED?',
      );
      expect(result.stderr.trim().split('\n').at(-1)).toBe(
        'superset-mcp: Refusing to start: MCP_AUTH_ENABLE is not a setting (MCP_AUTH_ENABLED?), and ' +
          'authentication is off on MCP_SERVICE_HOST=0.0.0.0, which is not loopback: correct the name.',
      );
    });
  });
});
