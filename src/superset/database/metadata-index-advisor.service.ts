import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

import { MetadataSchemaInspector } from './metadata-schema-inspector.service.js';

/** An index Superset's schema lacks that the service's list and get queries can walk. */
export interface SuggestedIndex {
  readonly name: string;
  readonly table: string;
  readonly columns: readonly string[];
  /** What it speeds up, for the operator deciding whether to add it. */
  readonly serves: string;
}

export const SUGGESTED_INDEXES: readonly SuggestedIndex[] = [
  {
    columns: ['changed_on'],
    name: 'ix_smcp_slices_changed_on',
    serves: 'list_charts pages in the default order (changed_on, newest first)',
    table: 'slices',
  },
  {
    columns: ['changed_on'],
    name: 'ix_smcp_dashboards_changed_on',
    serves: 'list_dashboards pages in the default order (changed_on, newest first)',
    table: 'dashboards',
  },
  {
    columns: ['perm'],
    name: 'ix_smcp_slices_perm',
    serves: 'the chart and dashboard filters of users with dataset grants',
    table: 'slices',
  },
  {
    columns: ['slice_id'],
    name: 'ix_smcp_dashboard_slices_slice_id',
    serves: 'get_chart_info: the dashboards a chart is on',
    table: 'dashboard_slices',
  },
  {
    columns: ['dashboard_id'],
    name: 'ix_smcp_dashboard_user_dashboard_id',
    serves: "get_dashboard_info: a dashboard's owners",
    table: 'dashboard_user',
  },
  {
    columns: ['user_id', 'dashboard_id'],
    name: 'ix_smcp_dashboard_user_user_id',
    serves: "the dashboard filter: the caller's own dashboards",
    table: 'dashboard_user',
  },
  {
    columns: ['slice_id'],
    name: 'ix_smcp_slice_user_slice_id',
    serves: "get_chart_info: a chart's owners",
    table: 'slice_user',
  },
  {
    columns: ['changed_on'],
    name: 'ix_smcp_tables_changed_on',
    serves: 'list_datasets pages in the default order (changed_on, newest first)',
    table: 'tables',
  },
  {
    columns: ['perm'],
    name: 'ix_smcp_tables_perm',
    serves: 'the dataset filter of users with dataset grants',
    table: 'tables',
  },
  {
    columns: ['table_id'],
    name: 'ix_smcp_table_columns_table_id',
    serves: "get_dataset_info: a dataset's columns",
    table: 'table_columns',
  },
  {
    columns: ['table_id'],
    name: 'ix_smcp_sql_metrics_table_id',
    serves: "get_dataset_info: a dataset's metrics",
    table: 'sql_metrics',
  },
  {
    columns: ['table_id'],
    name: 'ix_smcp_sqlatable_user_table_id',
    serves: "get_dataset_info: a dataset's owners",
    table: 'sqlatable_user',
  },
  {
    columns: ['changed_on'],
    name: 'ix_smcp_query_changed_on',
    serves:
      "list_queries pages in the default order for callers who see everyone's queries (Admin); " +
      "Superset's (user_id, changed_on) index serves everyone else",
    table: 'query',
  },
];

/** Below this many rows in every indexed table, a missing index costs too little to mention. */
const LARGE_TABLE_ROWS = 10_000;

/**
 * Which of the suggested indexes the metadata database lacks, the statements that add them, and
 * adding them when an operator asks (`superset-mcp indexes --apply`). The service itself never
 * changes Superset's schema; at start-up it only says what is missing once the tables are large.
 */
@Injectable()
export class MetadataIndexAdvisor implements OnApplicationBootstrap {
  private readonly logger = new Logger(MetadataIndexAdvisor.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly inspector: MetadataSchemaInspector,
  ) {}

  /** Suggested indexes on tables this database has, with no index starting with their column. */
  missing(): SuggestedIndex[] {
    return SUGGESTED_INDEXES.filter(
      (index) =>
        this.inspector.hasTable(index.table) &&
        index.columns.every((column) => this.inspector.hasColumn(index.table, column)) &&
        !this.inspector.hasIndexOn(index.table, index.columns[0] ?? ''),
    );
  }

  /**
   * The DDL for one index. On PostgreSQL `CONCURRENTLY` builds it without blocking Superset's
   * writes to the table.
   */
  statement(index: SuggestedIndex): string {
    const concurrently = this.inspector.dialect === 'postgres' ? ' CONCURRENTLY' : '';
    return (
      `CREATE INDEX${concurrently} IF NOT EXISTS ${index.name} ` +
      `ON ${index.table} (${index.columns.join(', ')})`
    );
  }

  /** Creates the missing indexes one by one and reads the schema again; returns what it ran. */
  async apply(): Promise<string[]> {
    const applied: string[] = [];
    try {
      for (const index of this.missing()) {
        const statement = this.statement(index);
        await this.dropIfInvalid(index);
        await this.dataSource.query(statement).catch((error: unknown) => {
          throw new Error(
            `${statement} failed: ${(error as Error).message}. Creating an index needs the ` +
              `owner of Superset's tables; run the statements 'superset-mcp indexes' prints as that role.`,
          );
        });
        applied.push(statement);
      }
    } finally {
      await this.inspector.refresh();
    }
    return applied;
  }

  /**
   * A `CREATE INDEX CONCURRENTLY` that failed (a cancelled or interrupted build) leaves its index
   * behind, invalid and unused by the planner; `IF NOT EXISTS` would then skip it for ever.
   */
  private async dropIfInvalid(index: SuggestedIndex): Promise<void> {
    if (this.inspector.dialect !== 'postgres') return;
    const rows = await this.dataSource.query<unknown[]>(
      'SELECT 1 FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid ' +
        'JOIN pg_namespace n ON n.oid = c.relnamespace ' +
        'WHERE c.relname = $1 AND n.nspname = current_schema() AND NOT i.indisvalid',
      [index.name],
    );
    if (rows.length > 0) await this.dataSource.query(`DROP INDEX CONCURRENTLY ${index.name}`);
  }

  async onApplicationBootstrap(): Promise<void> {
    const missing = this.missing();
    if (missing.length === 0) return;
    const message =
      `the metadata database lacks ${missing.length} index(es) that keep list calls flat as ` +
      `it grows (${missing.map((index) => `${index.table} (${index.columns.join(', ')})`).join(', ')}); ` +
      `'superset-mcp indexes' prints the statements, '--apply' runs them`;
    if (await this.hasLargeTable(missing)) this.logger.warn(message);
    else this.logger.debug(message);
  }

  private async hasLargeTable(indexes: readonly SuggestedIndex[]): Promise<boolean> {
    for (const table of new Set(indexes.map((index) => index.table))) {
      const rows = await this.dataSource.query<{ n: number | string }[]>(
        `SELECT COUNT(*) AS n FROM (SELECT 1 FROM ${table} LIMIT ${LARGE_TABLE_ROWS}) first_rows`,
      );
      if (Number(rows[0]?.n ?? 0) >= LARGE_TABLE_ROWS) return true;
    }
    return false;
  }
}
