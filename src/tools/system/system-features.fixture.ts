import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import Database from 'better-sqlite3';
import { Test, type TestingModule } from '@nestjs/testing';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';

import type { Caller } from '../../auth/caller.js';
import { SettingsModule } from '../../config/settings.module.js';
import type { Settings } from '../../config/settings.js';
import { loadDemoContent, type DemoContentSummary } from '../../demo/demo-loader.js';
import { createMetadataSchema } from '../../demo/metadata-schema.js';
import { postgresRunner, type SqlRunner, sqliteRunner } from '../../demo/sql-runner.js';
import { MetadataDatabaseModule } from '../../superset/database/metadata-database.module.js';
import type { MetadataDialect } from '../../superset/database/metadata-dialect.js';
import { createTemporaryPostgresDatabase } from '../../superset/database/temporary-postgres-database.fixture.js';
import { UsersRepository } from '../../users/users.repository.js';
import { McpFeatureRegistry } from '../mcp-feature.registry.js';
import { ToolExecutor } from '../tool-executor.service.js';
import { ToolRegistry } from '../tool-registry.service.js';
import { ToolsModule } from '../tools.module.js';
import { toolCallFixture } from '../tool-call.fixture.js';

export const WEBSERVER = 'http://superset.test:8088';

const BASE_SETTINGS = {
  AUTH_ROLE_ADMIN: 'Admin',
  FEATURE_FLAGS: {},
  MCP_DISABLED_TOOLS: [],
  MCP_RBAC_ENABLED: true,
  MCP_RESPONSE_SIZE_CONFIG: { max_list_items: 100 },
  MCP_TOOL_SCOPES: { read: null, write: null },
  SUPERSET_WEBSERVER_ADDRESS: WEBSERVER,
};

/** The demo content in a throw-away metadata database, served by the real `ToolsModule`. */
export interface SystemFixture {
  readonly dialect: MetadataDialect;
  readonly summary: DemoContentSummary;
  readonly moduleRef: TestingModule;
  /** Runs SQL on the metadata database (`?` placeholders). */
  query(sql: string, parameters?: readonly unknown[]): Promise<Record<string, unknown>[]>;
  caller(username: string, scopes?: readonly string[]): Promise<Caller>;
  /** An SDK client talking to a server that carries the resources and prompts for `caller`. */
  connect(caller: Caller): Promise<Client>;
  /** Calls a tool through validation and guards; the parsed JSON, or the error text. */
  callTool(name: string, args: unknown, caller: Caller): Promise<ToolOutcome>;
  close(): Promise<void>;
}

export type ToolOutcome =
  | { readonly isError: false; readonly json: unknown }
  | { readonly isError: true; readonly text: string };

export async function createSystemFixture(
  dialect: MetadataDialect,
  overrides: Partial<Record<keyof Settings, unknown>> = {},
): Promise<SystemFixture> {
  const store = dialect === 'postgres' ? await postgresStore() : sqliteStore();
  const clients: Client[] = [];
  try {
    await createMetadataSchema(store.run, dialect);
    const summary = await loadDemoContent(store.run, dialect, {
      examplesUri: 'sqlite:////tmp/smcp-system-examples.db',
    });
    const moduleRef = await Test.createTestingModule({
      imports: [
        SettingsModule.forRoot({ ...BASE_SETTINGS, ...overrides } as unknown as Settings),
        MetadataDatabaseModule.forRoot(store.uri),
        ToolsModule,
      ],
    }).compile();
    await moduleRef.init();
    const users = moduleRef.get(UsersRepository);
    const features = moduleRef.get(McpFeatureRegistry);
    const registry = moduleRef.get(ToolRegistry);
    const executor = moduleRef.get(ToolExecutor);
    return {
      callTool: async (name, args, caller) => {
        const tool = registry.get(name);
        if (!tool) throw new Error(`tool ${name} is not registered`);
        const result = await executor.execute(tool, args, toolCallFixture(name, caller));
        const text = (result.content[0] as { text: string }).text;
        return result.isError
          ? { isError: true, text }
          : { isError: false, json: JSON.parse(text) as unknown };
      },
      caller: async (username, scopes = []) => {
        const user = await users.findByUsername(username);
        if (!user) throw new Error(`no demo user ${username}`);
        return { principal: null, scopes, user };
      },
      close: async () => {
        await Promise.all(clients.map((client) => client.close()));
        await moduleRef.close();
        await store.drop();
      },
      connect: async (caller) => {
        const server = new Server(
          { name: 'system-features', version: '0' },
          { capabilities: features.capabilities() },
        );
        features.attach(server, caller);
        const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
        await server.connect(serverSide);
        const client = new Client({ name: 'spec', version: '0' });
        await client.connect(clientSide);
        clients.push(client);
        return client;
      },
      dialect,
      moduleRef,
      query: (sql, parameters = []) => store.run(sql, parameters),
      summary,
    };
  } catch (error) {
    await store.drop();
    throw error;
  }
}

interface Store {
  readonly uri: string;
  readonly run: SqlRunner;
  drop(): Promise<void>;
}

function sqliteStore(): Store {
  const folder = mkdtempSync(join(tmpdir(), 'smcp-system-'));
  const file = join(folder, 'superset.db');
  const db = new Database(file);
  return {
    drop: () => {
      db.close();
      rmSync(folder, { force: true, recursive: true });
      return Promise.resolve();
    },
    run: sqliteRunner(db),
    uri: `sqlite:///${file}`,
  };
}

async function postgresStore(): Promise<Store> {
  const database = await createTemporaryPostgresDatabase();
  return { drop: () => database.drop(), run: postgresRunner(database.client), uri: database.uri };
}
