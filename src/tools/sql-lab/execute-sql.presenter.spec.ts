import { describe, expect, it } from 'vitest';

import type { AllowedVerdict } from '../../sql/checks/statement-checker.service.js';
import type { StatementResult } from '../../sql/sql-engine.js';
import { resultResponse, uniqueColumnNames } from './execute-sql.presenter.js';

const column = (name: string, type = 'integer', nullable: boolean | null = null) => ({
  name,
  type,
  nullable,
});

function verdict(...sql: string[]): AllowedVerdict {
  return {
    allowed: true,
    kinds: sql.map(() => 'read'),
    limit: null,
    readOnly: true,
    statements: sql.map((text) => ({ executedSql: text, originalSql: text, returnsRows: true })),
  };
}

function statement(partial: Partial<StatementResult>): StatementResult {
  return {
    affectedRows: null,
    columns: null,
    durationMs: 1.5,
    executedSql: 'x',
    rows: [],
    truncated: false,
    ...partial,
  };
}

describe('execute_sql presenter', () => {
  it("renames repeated columns as Superset's dedup does", () => {
    expect(uniqueColumnNames([column('a'), column('a'), column('a__1'), column('b')])).toEqual([
      'a',
      'a__1',
      'a__1__1',
      'b',
    ]);
  });

  it('puts the last data-bearing statement on top and the others in statements[].data', () => {
    const response = resultResponse(
      verdict('SELECT 1 AS a', 'UPDATE t SET x = 1', 'SELECT 2 AS b'),
      {
        statements: [
          statement({ columns: [column('a')], rows: [[1]] }),
          statement({ affectedRows: 4 }),
          statement({ columns: [column('b', 'bigint', false)], rows: [[2]], truncated: true }),
        ],
      },
      0.25,
    );
    expect(response).toMatchObject({
      success: true,
      rows: [{ b: 2 }],
      columns: [{ name: 'b', type: 'bigint', is_nullable: false }],
      row_count: 1,
      affected_rows: 4,
      execution_time: 0.25,
      truncated: true,
      error: null,
      error_type: null,
    });
    expect(response.statements?.map((s) => [s.row_count, s.data])).toEqual([
      [1, { columns: [{ name: 'a', type: 'integer', is_nullable: null }], rows: [{ a: 1 }] }],
      [4, null],
      [1, null],
    ]);
    expect(response.multi_statement_warning).toMatch(/^2 statements returned rows/);
  });

  it('answers a DML-only script with affected_rows and no rows', () => {
    const response = resultResponse(
      verdict('DELETE FROM t'),
      { statements: [statement({ affectedRows: 3 })] },
      0,
    );
    expect(response).toMatchObject({
      rows: null,
      columns: null,
      row_count: null,
      affected_rows: 3,
    });
    expect(response.multi_statement_warning).toBeNull();
  });
});
