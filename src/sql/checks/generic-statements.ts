import { Parser } from 'node-sql-parser';

import {
  isSyntaxNode,
  lineAndColumn,
  type ParsedStatement,
  SqlParseError,
  type StatementKind,
  type SyntaxNode,
} from './checked-statement.js';

/** node-sql-parser's grammar per dialect. */
export type GenericDialect = 'mysql' | 'mariadb' | 'sqlite';
const DATABASE_OPTION: Readonly<Record<GenericDialect, string>> = {
  mysql: 'MySQL',
  mariadb: 'MariaDB',
  sqlite: 'Sqlite',
};

/** Scripts longer than this many statements are refused before the splitter's search. */
export const MAX_STATEMENTS = 50;

const MAX_SPLIT_TRIES = 500;

const parser = new Parser();

/** node-sql-parser copies the script-wide table and column lists into subqueries: ignore them. */
function canonical(node: unknown): string {
  return JSON.stringify(node, (key, value: unknown) =>
    key === 'tableList' || key === 'columnList' ? undefined : value,
  );
}

function astify(sql: string, dialect: GenericDialect): SyntaxNode[] {
  const ast: unknown = parser.astify(sql, { database: DATABASE_OPTION[dialect] });
  const list: unknown[] = Array.isArray(ast) ? ast : ast === null || ast === undefined ? [] : [ast];
  return list.filter(isSyntaxNode);
}

function parseError(sql: string, error: unknown): SqlParseError {
  const location =
    isSyntaxNode(error) && isSyntaxNode(error.location) && isSyntaxNode(error.location.start)
      ? error.location.start
      : null;
  const offset = location && typeof location.offset === 'number' ? location.offset : null;
  const where = offset === null ? null : lineAndColumn(sql, offset);
  const found = isSyntaxNode(error) && typeof error.found === 'string' ? error.found : null;
  const message =
    found === null ? 'syntax error at end of input' : `syntax error at or near "${found}"`;
  return new SqlParseError(message, offset, where?.line ?? null, where?.column ?? null);
}

/** `;` positions the grammar might end a statement at (the parser decides which really do). */
function semicolons(sql: string): number[] {
  const positions: number[] = [];
  for (let index = sql.indexOf(';'); index !== -1; index = sql.indexOf(';', index + 1)) {
    positions.push(index);
  }
  return positions;
}

/** Parses a piece tried by the splitter; the number of tries per script is bounded. */
function parsesTo(
  piece: string,
  dialect: GenericDialect,
  budget: { tries: number },
): SyntaxNode[] | null {
  if (--budget.tries < 0) {
    throw new SqlParseError('the script is too complex to split into statements', null, null, null);
  }
  try {
    return astify(piece, dialect);
  } catch {
    return null;
  }
}

/**
 * Cuts the script at the `;`s the parser itself agrees are statement ends: piece i must parse
 * to exactly statement i of the whole script's parse (a `;` inside a comment or a string literal
 * never yields that), and what follows the last piece must parse to nothing.
 */
function split(sql: string, whole: readonly SyntaxNode[], dialect: GenericDialect): string[] {
  const cuts = semicolons(sql);
  const expected = whole.map(canonical);
  const pieces: string[] = [];
  const budget = { tries: MAX_SPLIT_TRIES };

  const search = (start: number, statement: number, firstCut: number): boolean => {
    if (statement === whole.length) {
      const rest = sql.slice(start);
      return rest.trim() === '' || parsesTo(rest, dialect, budget)?.length === 0;
    }
    // The last statement may run to the end of the script without a `;`.
    const ends = [...cuts.slice(firstCut), sql.length];
    for (let index = 0; index < ends.length; index++) {
      const end = ends[index] ?? sql.length;
      const piece = sql.slice(start, end);
      const parsed = parsesTo(piece, dialect, budget);
      if (parsed?.length !== 1 || canonical(parsed[0]) !== expected[statement]) continue;
      pieces.push(piece.trim());
      if (search(end + 1, statement + 1, firstCut + index + 1)) return true;
      pieces.pop();
    }
    return false;
  };

  if (!search(0, 0, 0)) {
    throw new SqlParseError('could not split the script into statements', null, null, null);
  }
  return pieces;
}

interface Walk {
  readonly functions: Set<string>;
}

function functionName(node: SyntaxNode): string[] {
  const name = node.name;
  if (typeof name === 'string') return [name.toLowerCase()];
  if (!isSyntaxNode(name)) return [];
  const parts: string[] = [];
  if (isSyntaxNode(name.schema) && typeof name.schema.value === 'string')
    parts.push(name.schema.value);
  if (Array.isArray(name.name)) {
    for (const part of name.name) {
      if (isSyntaxNode(part) && typeof part.value === 'string') parts.push(part.value);
    }
  }
  const lower = parts.map((part) => part.toLowerCase());
  const last = lower[lower.length - 1];
  if (last === undefined) return [];
  return lower.length > 1 ? [last, lower.join('.')] : [last];
}

function walk(value: unknown, state: Walk): void {
  if (Array.isArray(value)) {
    for (const item of value) walk(item, state);
    return;
  }
  if (!isSyntaxNode(value)) return;
  if (value.type === 'function' || value.type === 'aggr_func') {
    for (const name of functionName(value)) state.functions.add(name);
  }
  for (const inner of Object.values(value)) walk(inner, state);
}

const DML = new Set(['insert', 'replace', 'update', 'delete', 'merge', 'upsert']);
const DDL = new Set(['create', 'alter', 'drop', 'truncate', 'rename', 'comment']);

function selectChain(node: SyntaxNode): SyntaxNode[] {
  const chain: SyntaxNode[] = [];
  for (let current: unknown = node; isSyntaxNode(current); current = current._next)
    chain.push(current);
  return chain;
}

function isSelectInto(node: SyntaxNode): boolean {
  return (
    isSyntaxNode(node.into) && (node.into.expr !== undefined || node.into.keyword !== undefined)
  );
}

function hasLocking(node: SyntaxNode): boolean {
  return Boolean(node.locking_read) || Boolean(node.for_update);
}

function hasLimitValue(node: SyntaxNode): boolean {
  return isSyntaxNode(node.limit) && Array.isArray(node.limit.value) && node.limit.value.length > 0;
}

function classify(node: SyntaxNode): {
  kind: StatementKind;
  returnsRows: boolean;
  limitable: boolean;
} {
  const type = String(node.type).toLowerCase();
  if (type === 'select') {
    const chain = selectChain(node);
    const writes = chain.some((part) => isSelectInto(part) || hasLocking(part));
    return writes
      ? { kind: 'dml', returnsRows: false, limitable: false }
      : { kind: 'read', returnsRows: true, limitable: true };
  }
  if (type === 'show' || type === 'desc' || type === 'describe') {
    return { kind: 'read', returnsRows: true, limitable: false };
  }
  if (type === 'explain') {
    // EXPLAIN only plans here (node-sql-parser has no EXPLAIN ANALYZE); its target still counts.
    const inner = isSyntaxNode(node.expr) ? classify(node.expr) : { kind: 'other' as const };
    return {
      kind: inner.kind === 'dml' ? 'read' : inner.kind,
      returnsRows: true,
      limitable: false,
    };
  }
  if (DML.has(type)) return { kind: 'dml', returnsRows: false, limitable: false };
  if (DDL.has(type)) return { kind: 'ddl', returnsRows: false, limitable: false };
  return { kind: 'other', returnsRows: false, limitable: false };
}

/** Splits and classifies a MySQL/MariaDB/SQLite script with node-sql-parser's grammar. */
export function parseGeneric(sql: string, dialect: GenericDialect): ParsedStatement[] {
  let whole: SyntaxNode[];
  try {
    whole = astify(sql, dialect);
  } catch (error) {
    throw parseError(sql, error);
  }
  if (whole.length > MAX_STATEMENTS) {
    throw new SqlParseError(`more than ${MAX_STATEMENTS} statements`, null, null, null);
  }
  if (whole.length === 0) return [];
  const pieces =
    whole.length === 1 && semicolons(sql).length === 0 ? [sql.trim()] : split(sql, whole, dialect);
  return whole.map((node, index) => {
    const state: Walk = { functions: new Set() };
    walk(node, state);
    const { kind, returnsRows, limitable } = classify(node);
    return {
      sql: pieces[index] ?? '',
      kind,
      command: String(node.type),
      returnsRows,
      limitable,
      hasLimit: limitable && selectChain(node).some(hasLimitValue),
      functions: [...state.functions],
    };
  });
}
