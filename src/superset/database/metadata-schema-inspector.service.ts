import { Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';

import { StartupError } from '../../config/startup.error.js';
import type { MetadataDialect } from './metadata-dialect.js';

/** Features that some Superset versions' metadata databases lack. */
export type MetadataCapability = 'groups' | 'catalogs' | 'themes' | 'folders';

const CAPABILITY_REQUIREMENTS: Readonly<
  Record<MetadataCapability, readonly (readonly [table: string, column?: string])[]>
> = {
  groups: [['ab_group'], ['ab_user_group'], ['ab_group_role']],
  catalogs: [['tables', 'catalog']],
  themes: [['themes']],
  folders: [['tables', 'folders']],
};

const POSTGRES_COLUMNS_SQL =
  'SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = current_schema()';
const SQLITE_COLUMNS_SQL =
  'SELECT m.name AS table_name, p.name AS column_name ' +
  "FROM sqlite_master m JOIN pragma_table_info(m.name) p WHERE m.type IN ('table', 'view')";

/**
 * First column of every index, per table: what an ORDER BY or a lookup can walk. An index whose
 * concurrent build failed stays in the catalog, invalid and unused by the planner.
 */
const POSTGRES_LEADING_INDEX_COLUMNS_SQL =
  'SELECT t.relname AS table_name, a.attname AS column_name FROM pg_index i ' +
  'JOIN pg_class t ON t.oid = i.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace ' +
  'JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = i.indkey[0] ' +
  'WHERE n.nspname = current_schema() AND i.indisvalid';
const SQLITE_LEADING_INDEX_COLUMNS_SQL =
  'SELECT m.name AS table_name, ii.name AS column_name FROM sqlite_master m ' +
  "JOIN pragma_index_list(m.name) il JOIN pragma_index_info(il.name) ii WHERE m.type = 'table' AND ii.seqno = 0";

/** Tables every supported Superset version has, and the service cannot work without. */
const REQUIRED_TABLES = [
  'ab_permission',
  'ab_permission_view',
  'ab_permission_view_role',
  'ab_role',
  'ab_user',
  'ab_user_role',
  'ab_view_menu',
  'dashboard_slices',
  'dashboards',
  'dbs',
  'slices',
  'tables',
] as const;

/**
 * Which tables and columns the connected metadata database has, read once after connecting
 * (Superset 3.x–6.x differ), so repositories can leave out what an older database lacks.
 */
export class MetadataSchemaInspector {
  private readonly logger = new Logger(MetadataSchemaInspector.name);
  private columnsByTable = new Map<string, ReadonlySet<string>>();
  private indexedColumns = new Set<string>();
  private alembicHead: string | null = null;
  private inspected = false;

  constructor(
    private readonly dataSource: DataSource,
    readonly dialect: MetadataDialect,
  ) {}

  /** Reads the schema; the provider calls this before anything can inject the inspector. */
  async refresh(): Promise<void> {
    const rows = await this.dataSource.query<{ table_name: string; column_name: string }[]>(
      this.dialect === 'postgres' ? POSTGRES_COLUMNS_SQL : SQLITE_COLUMNS_SQL,
    );
    const columnsByTable = new Map<string, Set<string>>();
    for (const row of rows) {
      const table = row.table_name.toLowerCase();
      const columns = columnsByTable.get(table) ?? new Set<string>();
      columns.add(row.column_name.toLowerCase());
      columnsByTable.set(table, columns);
    }
    this.columnsByTable = columnsByTable;
    this.indexedColumns = await this.readLeadingIndexColumns();
    this.alembicHead = columnsByTable.has('alembic_version') ? await this.readAlembicHead() : null;
    this.inspected = true;
    this.logger.log(
      `metadata database (${this.dialect}): alembic head ${this.alembicHead ?? 'unknown'}, ` +
        `${columnsByTable.size} tables, capabilities: ${this.describeCapabilities()}`,
    );
  }

  /**
   * Whether some index starts with this column (a primary key counts). Read at start-up: indexes
   * an operator adds later are used by the planner at once, and by this answer after a restart.
   */
  hasIndexOn(table: string, column: string): boolean {
    return this.indexedColumns.has(`${table.toLowerCase()}.${column.toLowerCase()}`);
  }

  hasTable(name: string): boolean {
    return this.schema().has(name.toLowerCase());
  }

  hasColumn(table: string, column: string): boolean {
    return this.schema().get(table.toLowerCase())?.has(column.toLowerCase()) ?? false;
  }

  supports(capability: MetadataCapability): boolean {
    return CAPABILITY_REQUIREMENTS[capability].every(([table, column]) =>
      column === undefined ? this.hasTable(table) : this.hasColumn(table, column),
    );
  }

  get capabilities(): Readonly<Record<MetadataCapability, boolean>> {
    return {
      catalogs: this.supports('catalogs'),
      folders: this.supports('folders'),
      groups: this.supports('groups'),
      themes: this.supports('themes'),
    };
  }

  alembicVersion(): string | null {
    this.schema();
    return this.alembicHead;
  }

  private schema(): ReadonlyMap<string, ReadonlySet<string>> {
    if (!this.inspected) {
      throw new Error('MetadataSchemaInspector used before refresh()');
    }
    return this.columnsByTable;
  }

  /** Stops start-up with a clear message when the database is not a Superset metadata database. */
  assertSupersetSchema(): void {
    const missing = REQUIRED_TABLES.filter((table) => !this.hasTable(table));
    if (missing.length > 0) {
      throw new StartupError(
        `SQLALCHEMY_DATABASE_URI does not point at a Superset metadata database (missing tables: ${missing.join(', ')})`,
      );
    }
  }

  private async readLeadingIndexColumns(): Promise<Set<string>> {
    const rows = await this.dataSource.query<{ table_name: string; column_name: string }[]>(
      this.dialect === 'postgres'
        ? POSTGRES_LEADING_INDEX_COLUMNS_SQL
        : SQLITE_LEADING_INDEX_COLUMNS_SQL,
    );
    const indexed = new Set(
      rows.map((row) => `${row.table_name.toLowerCase()}.${row.column_name.toLowerCase()}`),
    );
    // SQLite's rowid primary keys (INTEGER PRIMARY KEY) are not in the index list.
    if (this.dialect === 'sqlite') {
      for (const table of this.columnsByTable.keys()) indexed.add(`${table}.id`);
    }
    return indexed;
  }

  private async readAlembicHead(): Promise<string | null> {
    const rows = await this.dataSource.query<{ version_num: string }[]>(
      'SELECT version_num FROM alembic_version',
    );
    return rows[0]?.version_num ?? null;
  }

  private describeCapabilities(): string {
    return Object.entries(this.capabilities)
      .map(([name, present]) => `${name}=${present ? 'yes' : 'no'}`)
      .join(' ');
  }
}
