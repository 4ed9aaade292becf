import { Logger } from '@nestjs/common';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';

import { MetadataIndexAdvisor, SUGGESTED_INDEXES } from './metadata-index-advisor.service.js';
import { MetadataSchemaInspector } from './metadata-schema-inspector.service.js';
import { useMetadataTestModule } from './metadata-test-module.fixture.js';

describe.each(['sqlite', 'postgres'] as const)(`${MetadataIndexAdvisor.name} on %s`, (dialect) => {
  const metadata = useMetadataTestModule(dialect);
  let advisor: MetadataIndexAdvisor;

  beforeAll(() => {
    advisor = metadata.moduleRef.get(MetadataIndexAdvisor);
  });

  afterEach(() => {
    vi.restoreAllMocks();
  });

  const indexNames = async (): Promise<string[]> => {
    const rows = await metadata.db.query<{ name: string }>(
      dialect === 'postgres'
        ? "SELECT indexname AS name FROM pg_indexes WHERE indexname LIKE 'ix_smcp_%' ORDER BY 1"
        : "SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE 'ix_smcp_%' ORDER BY 1",
    );
    return rows.map((row) => row.name);
  };

  it("finds every suggested index missing on Superset's schema as it ships", () => {
    expect(advisor.missing().map((index) => index.name)).toEqual(
      SUGGESTED_INDEXES.map((index) => index.name),
    );
  });

  it('writes statements that build without blocking writes where the database can', () => {
    const [sliceOrder] = SUGGESTED_INDEXES;
    expect(advisor.statement(sliceOrder)).toBe(
      dialect === 'postgres'
        ? 'CREATE INDEX CONCURRENTLY IF NOT EXISTS ix_smcp_slices_changed_on ON slices (changed_on)'
        : 'CREATE INDEX IF NOT EXISTS ix_smcp_slices_changed_on ON slices (changed_on)',
    );
    const owners = SUGGESTED_INDEXES.find(
      (index) => index.name === 'ix_smcp_dashboard_user_user_id',
    );
    expect(advisor.statement(owners!)).toContain('ON dashboard_user (user_id, dashboard_id)');
  });

  it('says at debug level only while the tables are small', async () => {
    const warn = vi.spyOn(Logger.prototype, 'warn');
    const debug = vi.spyOn(Logger.prototype, 'debug');
    await advisor.onApplicationBootstrap();
    expect(warn).not.toHaveBeenCalled();
    expect(debug).toHaveBeenCalledWith(expect.stringContaining("'superset-mcp indexes'"));
  });

  it('warns at start-up once a table is large, naming what is missing', async () => {
    await metadata.db.execute(
      "INSERT INTO ab_user (id, first_name, last_name, username, email, active, created_on, changed_on) VALUES (9001, 'a', 'b', 'many', 'many@example.com', ?, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)",
      [dialect === 'postgres' ? true : 1],
    );
    await metadata.db.execute(
      "INSERT INTO dashboards (id, dashboard_title, slug, published, created_on, changed_on) VALUES (9001, 'Many owners', 'many', ?, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)",
      [dialect === 'postgres' ? true : 1],
    );
    await metadata.db.execute(
      `INSERT INTO dashboard_user (user_id, dashboard_id)
       WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10000)
       SELECT 9001, 9001 FROM n`,
    );
    const warn = vi.spyOn(Logger.prototype, 'warn');
    await advisor.onApplicationBootstrap();
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0]?.[0]).toContain(`lacks ${SUGGESTED_INDEXES.length} index(es)`);
    expect(warn.mock.calls[0]?.[0]).toContain('dashboard_user (user_id, dashboard_id)');
  });

  it('creates the missing indexes, reads the schema again, and then has nothing to do', async () => {
    const applied = await advisor.apply();
    expect(applied).toHaveLength(SUGGESTED_INDEXES.length);
    expect(await indexNames()).toEqual(SUGGESTED_INDEXES.map((index) => index.name).sort());
    expect(advisor.missing()).toEqual([]);
    const inspector = metadata.moduleRef.get(MetadataSchemaInspector);
    expect(inspector.hasIndexOn('dashboards', 'changed_on')).toBe(true);
    expect(inspector.hasIndexOn('dashboard_user', 'user_id')).toBe(true);
    await expect(advisor.apply()).resolves.toEqual([]);
    const warn = vi.spyOn(Logger.prototype, 'warn');
    const debug = vi.spyOn(Logger.prototype, 'debug');
    await advisor.onApplicationBootstrap();
    expect(warn).not.toHaveBeenCalled();
    expect(debug).not.toHaveBeenCalled();
  });
});

describe(`${MetadataIndexAdvisor.name} after an interrupted concurrent build`, () => {
  const metadata = useMetadataTestModule('postgres', {
    // What a cancelled CREATE INDEX CONCURRENTLY leaves: the index, marked invalid.
    prepare: async (db) => {
      await db.execute('CREATE INDEX ix_smcp_slices_changed_on ON slices (changed_on)');
      await db.execute(
        "UPDATE pg_index SET indisvalid = false WHERE indexrelid = 'ix_smcp_slices_changed_on'::regclass",
      );
    },
  });

  it('counts the invalid index as missing and builds it again', async () => {
    const advisor = metadata.moduleRef.get(MetadataIndexAdvisor);
    expect(advisor.missing().map((index) => index.name)).toContain('ix_smcp_slices_changed_on');
    await advisor.apply();
    expect(advisor.missing()).toEqual([]);
    const [row] = await metadata.db.query<{ valid: boolean }>(
      "SELECT indisvalid AS valid FROM pg_index WHERE indexrelid = 'ix_smcp_slices_changed_on'::regclass",
    );
    expect(row).toEqual({ valid: true });
  });
});
