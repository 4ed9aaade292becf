import { loadModule, parseSync } from 'libpg-query';

import {
  isSyntaxNode,
  lineAndColumn,
  type ParsedStatement,
  SqlParseError,
  type StatementKind,
  type SyntaxNode,
} from './checked-statement.js';

let loading: Promise<void> | undefined;

/** libpg-query is WebAssembly: it must be loaded once before the first parse. */
export function loadPostgresParser(): Promise<void> {
  loading ??= loadModule();
  return loading;
}

const DATA_MODIFYING = new Set(['InsertStmt', 'UpdateStmt', 'DeleteStmt', 'MergeStmt']);
const DDL_NAMES = new Set([
  'TruncateStmt',
  'RenameStmt',
  'ViewStmt',
  'IndexStmt',
  'DefineStmt',
  'CommentStmt',
  'CompositeTypeStmt',
  'RuleStmt',
  'RefreshMatViewStmt',
  'ReindexStmt',
  'ClusterStmt',
  'SecLabelStmt',
]);

const DDL_PREFIXES = ['Create', 'Alter', 'Drop'];

/** `SQLValueFunction` ops: the functions PostgreSQL lets you call without parentheses. */
const VALUE_FUNCTIONS: Readonly<Record<string, string>> = {
  SVFOP_CURRENT_USER: 'current_user',
  SVFOP_SESSION_USER: 'session_user',
  SVFOP_USER: 'user',
  SVFOP_CURRENT_ROLE: 'current_role',
  SVFOP_CURRENT_SCHEMA: 'current_schema',
  SVFOP_CURRENT_CATALOG: 'current_catalog',
};

interface Walk {
  readonly functions: Set<string>;
  dataModifying: boolean;
  locking: boolean;
  selectInto: boolean;
}

function walk(value: unknown, state: Walk): void {
  if (Array.isArray(value)) {
    for (const item of value) walk(item, state);
    return;
  }
  if (!isSyntaxNode(value)) {
    return;
  }
  for (const [key, inner] of Object.entries(value)) {
    if (DATA_MODIFYING.has(key)) {
      state.dataModifying = true;
    } else if (key === 'FuncCall' && isSyntaxNode(inner)) {
      addFunctionName(inner.funcname, state.functions);
    } else if (key === 'SQLValueFunction' && isSyntaxNode(inner)) {
      const name = VALUE_FUNCTIONS[String(inner.op)];
      if (name) state.functions.add(name);
    } else if (key === 'lockingClause') {
      state.locking = true;
    } else if (key === 'intoClause') {
      state.selectInto = true;
    }
    walk(inner, state);
  }
}

function addFunctionName(funcname: unknown, into: Set<string>): void {
  if (!Array.isArray(funcname)) return;
  const parts = funcname
    .map((part) =>
      isSyntaxNode(part) && isSyntaxNode(part.String) ? String(part.String.sval) : '',
    )
    .filter((part) => part !== '')
    .map((part) => part.toLowerCase());
  if (parts.length === 0) return;
  into.add(parts[parts.length - 1] ?? '');
  if (parts.length > 1) into.add(parts.join('.'));
}

function classify(name: string, body: SyntaxNode, state: Walk): StatementKind {
  switch (name) {
    case 'SelectStmt':
      return state.dataModifying || state.locking || state.selectInto ? 'dml' : 'read';
    case 'VariableShowStmt':
      return 'read';
    case 'ExplainStmt': {
      const analyze =
        Array.isArray(body.options) &&
        body.options.some(
          (option) =>
            isSyntaxNode(option) &&
            isSyntaxNode(option.DefElem) &&
            String(option.DefElem.defname).toLowerCase() === 'analyze' &&
            !(isSyntaxNode(option.DefElem.arg) && isSyntaxNode(option.DefElem.arg.String)
              ? ['false', 'off', '0'].includes(String(option.DefElem.arg.String.sval))
              : false),
        );
      const inner = isSyntaxNode(body.query) ? Object.entries(body.query)[0] : undefined;
      if (!inner || !isSyntaxNode(inner[1])) return 'other';
      const innerKind = classify(inner[0], inner[1], state);
      // EXPLAIN without ANALYZE only plans; EXPLAIN ANALYZE runs the statement.
      return analyze ? innerKind : innerKind === 'dml' ? 'read' : innerKind;
    }
    default:
      if (DATA_MODIFYING.has(name)) return 'dml';
      if (DDL_NAMES.has(name) || DDL_PREFIXES.some((prefix) => name.startsWith(prefix))) {
        return 'ddl';
      }
      return 'other';
  }
}

function returnsRows(name: string, body: SyntaxNode): boolean {
  if (name === 'SelectStmt') return !isSyntaxNode(body.intoClause);
  if (name === 'VariableShowStmt' || name === 'ExplainStmt') return true;
  if (DATA_MODIFYING.has(name)) {
    return Array.isArray(body.returningList) || isSyntaxNode(body.returningClause);
  }
  return false;
}

/** A parse error's byte offset (libpg-query reports bytes of UTF-8) as a character offset. */
function characterOffset(bytes: Buffer, byteOffset: number): number {
  return bytes.subarray(0, Math.max(0, byteOffset)).toString('utf8').length;
}

/**
 * Splits and classifies a PostgreSQL (or DuckDB) script with PostgreSQL's own parser: comments,
 * string literals and dollar quoting are the server's lexer's business, not ours.
 */
export async function parsePostgres(sql: string): Promise<ParsedStatement[]> {
  await loadPostgresParser();
  let result: ReturnType<typeof parseSync>;
  const bytes = Buffer.from(sql, 'utf8');
  try {
    result = parseSync(sql);
  } catch (error) {
    const details = isSyntaxNode(error) && isSyntaxNode(error.sqlDetails) ? error.sqlDetails : {};
    const cursor =
      typeof details.cursorPosition === 'number'
        ? characterOffset(bytes, details.cursorPosition)
        : null;
    const where = cursor === null ? null : lineAndColumn(sql, cursor);
    const message = error instanceof Error ? error.message : String(error);
    throw new SqlParseError(message, cursor, where?.line ?? null, where?.column ?? null);
  }
  const statements: ParsedStatement[] = [];
  for (const raw of (result as { stmts?: unknown[] }).stmts ?? []) {
    if (!isSyntaxNode(raw) || !isSyntaxNode(raw.stmt)) continue;
    const [name, body] = Object.entries(raw.stmt)[0] ?? [];
    if (name === undefined || !isSyntaxNode(body)) continue;
    const start = typeof raw.stmt_location === 'number' ? raw.stmt_location : 0;
    const end =
      typeof raw.stmt_len === 'number' && raw.stmt_len > 0 ? start + raw.stmt_len : bytes.length;
    const text = bytes.subarray(start, end).toString('utf8').trim();
    const state: Walk = {
      functions: new Set(),
      dataModifying: false,
      locking: false,
      selectInto: false,
    };
    walk(body, state);
    const kind = classify(name, body, state);
    const limitable = name === 'SelectStmt' && kind === 'read';
    statements.push({
      sql: text,
      kind,
      command: name,
      returnsRows: returnsRows(name, body),
      limitable,
      hasLimit:
        limitable &&
        (isSyntaxNode(body.limitCount) || body.limitOption === 'LIMIT_OPTION_WITH_TIES'),
      functions: [...state.functions],
    });
  }
  return statements;
}
