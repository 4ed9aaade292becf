import type BetterSqlite3 from 'better-sqlite3';
import type { Client, Pool, QueryResult } from 'pg';

/**
 * Runs one SQL statement with `?` placeholders and resolves to its result rows (an empty array
 * for statements that return nothing). A statement without parameters may be a script of several
 * statements.
 */
export type SqlRunner = (
  sql: string,
  params?: readonly unknown[],
) => Promise<Record<string, unknown>[]>;

/**
 * better-sqlite3 binds neither booleans nor `undefined`; SQLite stores booleans as 0/1 anyway.
 */
function toSqliteValue(value: unknown): unknown {
  if (value === undefined) return null;
  if (typeof value === 'boolean') return value ? 1 : 0;
  return value;
}

function isMultipleStatementsError(error: unknown): boolean {
  return error instanceof RangeError && /more than one statement/i.test(error.message);
}

export function sqliteRunner(db: BetterSqlite3.Database): SqlRunner {
  return (sql, params = []) => {
    try {
      let statement: BetterSqlite3.Statement;
      try {
        statement = db.prepare(sql);
      } catch (error) {
        if (params.length === 0 && isMultipleStatementsError(error)) {
          db.exec(sql);
          return Promise.resolve([]);
        }
        throw error;
      }
      const values = params.map(toSqliteValue);
      if (statement.reader) {
        return Promise.resolve(statement.all(...values) as Record<string, unknown>[]);
      }
      statement.run(...values);
      return Promise.resolve([]);
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  };
}

/**
 * Rewrites `?` placeholders to `$1…$n`, leaving question marks inside string literals, quoted
 * identifiers, dollar-quoted bodies and comments alone. Returns the rewritten SQL and the number
 * of placeholders found.
 */
export function toPostgresPlaceholders(sql: string): { text: string; count: number } {
  let text = '';
  let count = 0;
  let i = 0;
  while (i < sql.length) {
    const char = sql[i];
    const next = sql[i + 1];
    if (char === "'" || char === '"') {
      const backslashEscapes =
        char === "'" && /[Ee]/.test(sql[i - 1] ?? '') && !isIdentifierChar(sql[i - 2]);
      const end = endOfQuoted(sql, i, char, backslashEscapes);
      text += sql.slice(i, end);
      i = end;
    } else if (char === '-' && next === '-') {
      const newline = sql.indexOf('\n', i);
      const end = newline === -1 ? sql.length : newline;
      text += sql.slice(i, end);
      i = end;
    } else if (char === '/' && next === '*') {
      const close = sql.indexOf('*/', i + 2);
      const end = close === -1 ? sql.length : close + 2;
      text += sql.slice(i, end);
      i = end;
    } else if (char === '$' && !isIdentifierChar(sql[i - 1])) {
      const tag = /^\$(?:[A-Za-z_][A-Za-z0-9_]*)?\$/.exec(sql.slice(i));
      if (tag) {
        const close = sql.indexOf(tag[0], i + tag[0].length);
        const end = close === -1 ? sql.length : close + tag[0].length;
        text += sql.slice(i, end);
        i = end;
      } else {
        text += char;
        i += 1;
      }
    } else if (char === '?') {
      count += 1;
      text += `$${count}`;
      i += 1;
    } else {
      text += char;
      i += 1;
    }
  }
  return { text, count };
}

/** Index just past the closing quote; a doubled quote inside the literal is an escaped quote. */
function endOfQuoted(sql: string, start: number, quote: string, backslashEscapes: boolean): number {
  let i = start + 1;
  while (i < sql.length) {
    if (backslashEscapes && sql[i] === '\\') {
      i += 2;
      continue;
    }
    if (sql[i] === quote) {
      if (sql[i + 1] === quote) {
        i += 2;
        continue;
      }
      return i + 1;
    }
    i += 1;
  }
  return sql.length;
}

function isIdentifierChar(char: string | undefined): boolean {
  return char !== undefined && /[A-Za-z0-9_]/.test(char);
}

interface PostgresQueryable {
  query(text: string, values?: unknown[]): Promise<QueryResult | QueryResult[]>;
}

/**
 * A runner over a pg client or pool. Transactions (`BEGIN` … `COMMIT`) need one connection:
 * pass a `Client` (or a checked-out `PoolClient`), not a `Pool`.
 */
export function postgresRunner(client: Client | Pool): SqlRunner {
  const queryable: PostgresQueryable = client;
  return async (sql, params = []) => {
    const { text, count } = toPostgresPlaceholders(sql);
    if (count !== params.length) {
      throw new Error(
        `SQL has ${count} placeholder(s) but ${params.length} parameter(s) were given`,
      );
    }
    const result =
      params.length === 0 ? await queryable.query(text) : await queryable.query(text, [...params]);
    const last = Array.isArray(result) ? result[result.length - 1] : result;
    return (last?.rows ?? []) as Record<string, unknown>[];
  };
}
