import { DataSource } from 'typeorm';
import { afterEach, describe, expect, it } from 'vitest';

import { createMetadataSchema, type MetadataSchemaOptions } from '../../demo/metadata-schema.js';
import { MetadataSchemaInspector } from './metadata-schema-inspector.service.js';

describe(MetadataSchemaInspector.name, () => {
  let dataSource: DataSource | undefined;

  afterEach(async () => {
    await dataSource?.destroy();
    dataSource = undefined;
  });

  async function inspect(options: MetadataSchemaOptions | null): Promise<MetadataSchemaInspector> {
    dataSource = await new DataSource({
      type: 'better-sqlite3',
      database: ':memory:',
    }).initialize();
    const source = dataSource;
    if (options) {
      await createMetadataSchema((sql) => source.query(sql), 'sqlite', options);
    }
    const inspector = new MetadataSchemaInspector(source, 'sqlite');
    await inspector.refresh();
    return inspector;
  }

  it('refuses to answer before the schema was read', () => {
    const inspector = new MetadataSchemaInspector({} as DataSource, 'sqlite');
    expect(() => inspector.hasTable('ab_user')).toThrow(/before refresh/);
  });

  it('sees every capability in a current database', async () => {
    const inspector = await inspect({ version: 'current' });
    expect(inspector.capabilities).toEqual({
      catalogs: true,
      folders: true,
      groups: true,
      themes: true,
    });
    expect(inspector.alembicVersion()).toBe('4b2a8c9d3e1f');
  });

  it('knows which columns an index starts with, including primary keys', async () => {
    const inspector = await inspect({ version: 'current' });
    expect(inspector.hasIndexOn('dashboard_slices', 'dashboard_id')).toBe(true);
    expect(inspector.hasIndexOn('dashboards', 'id')).toBe(true);
    expect(inspector.hasIndexOn('dashboards', 'changed_on')).toBe(false);
    await dataSource!.query('CREATE INDEX x_dashboards_changed_on ON dashboards (changed_on)');
    await inspector.refresh();
    expect(inspector.hasIndexOn('dashboards', 'changed_on')).toBe(true);
  });

  it('sees none in a Superset 4.0 database', async () => {
    const inspector = await inspect({ version: 'legacy4' });
    expect(inspector.capabilities).toEqual({
      catalogs: false,
      folders: false,
      groups: false,
      themes: false,
    });
    expect(inspector.alembicVersion()).toBe('17fcea065655');
    expect(inspector.hasColumn('tables', 'schema_perm')).toBe(true);
  });

  it('reports groups only when all three group tables exist', async () => {
    const inspector = await inspect({ version: 'current', withGroups: false });
    expect(inspector.supports('groups')).toBe(false);
    expect(inspector.supports('themes')).toBe(true);
  });

  it('answers for a database that is not Superset at all', async () => {
    const inspector = await inspect(null);
    expect(inspector.hasTable('ab_user')).toBe(false);
    expect(inspector.alembicVersion()).toBeNull();
  });

  it('sees changes only after refresh', async () => {
    const inspector = await inspect(null);
    await dataSource?.query('CREATE TABLE ab_group (id INTEGER PRIMARY KEY)');
    expect(inspector.hasTable('ab_group')).toBe(false);
    await inspector.refresh();
    expect(inspector.hasTable('ab_group')).toBe(true);
  });
});
