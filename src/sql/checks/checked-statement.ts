/** What a statement does, as far as the policy is concerned. */
export type StatementKind =
  /** SELECT / VALUES / TABLE / WITH without data-modifying parts, EXPLAIN of those, SHOW. */
  | 'read'
  /** INSERT, UPDATE, DELETE, MERGE, REPLACE, SELECT … INTO, data-modifying CTEs, SELECT … FOR UPDATE. */
  | 'dml'
  /** CREATE, ALTER, DROP, TRUNCATE, RENAME, COMMENT. */
  | 'ddl'
  /** Everything else: GRANT, COPY, SET, CALL, DO, ATTACH, PRAGMA, transaction control, … */
  | 'other';

export interface ParsedStatement {
  /** The statement's own text in the script, without the `;` that ends it. */
  readonly sql: string;
  readonly kind: StatementKind;
  /** The parser's name for it (`SelectStmt`, `insert`, …), for messages. */
  readonly command: string;
  /** Can return rows (so a row limit may apply). */
  readonly returnsRows: boolean;
  /** A query whose rows a `LIMIT` appended at the end would bound (SELECT, VALUES, set ops). */
  readonly limitable: boolean;
  /** The query already has a LIMIT / FETCH FIRST at its top level. */
  readonly hasLimit: boolean;
  /** Function names called anywhere in the statement, lower-case, last name part and qualified. */
  readonly functions: readonly string[];
}

/** The SQL did not parse; `position` is a 0-based character offset when the parser gives one. */
export class SqlParseError extends Error {
  constructor(
    message: string,
    readonly position: number | null,
    readonly line: number | null,
    readonly column: number | null,
  ) {
    super(message);
    this.name = SqlParseError.name;
  }
}

/** Line and column (1-based) of a character offset. */
export function lineAndColumn(sql: string, position: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let index = 0; index < position && index < sql.length; index++) {
    if (sql.charCodeAt(index) === 10) {
      line++;
      lineStart = index + 1;
    }
  }
  return { line, column: position - lineStart + 1 };
}

/** An object node of a parser's syntax tree. */
export type SyntaxNode = Record<string, unknown>;

export function isSyntaxNode(value: unknown): value is SyntaxNode {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
