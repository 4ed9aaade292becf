/**
 * The program of a SQLite host process (run with `node -e`). better-sqlite3 is synchronous and
 * has no `sqlite3_interrupt`; a statement in progress can only be stopped by ending the process
 * that runs it. So each query runs in a small child process that the parent kills (SIGKILL) on
 * timeout or cancel: the OS then frees the CPU and the file's locks at once. A worker thread
 * would not do: `worker.terminate()` waits for the native call to return.
 *
 * Messages: {id, file, readOnly, statements: [{sql}], maxRows, busyTimeoutMs}
 *        → {id, ok: true, results} | {id, ok: false, message, code}
 */
export const SQLITE_HOST_SOURCE = String.raw`
'use strict';
const Database = require(process.env.MCP_SQLITE_MODULE);

function storageClass(value) {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint') return 'INTEGER';
  if (typeof value === 'number') return 'REAL';
  if (typeof value === 'string') return 'TEXT';
  return 'BLOB';
}

function columnsOf(db, statement, rows) {
  const notNull = new Map();
  return statement.columns().map((column, index) => {
    let nullable = null;
    if (column.table && column.column) {
      const key = (column.database || 'main') + '.' + column.table;
      if (!notNull.has(key)) {
        const info = db
          .prepare('SELECT name, "notnull" AS nn, pk FROM pragma_table_info(?, ?)')
          .safeIntegers(false)
          .all(column.table, column.database || 'main');
        notNull.set(key, new Map(info.map((c) => [c.name, c.nn === 1])));
      }
      const known = notNull.get(key).get(column.column);
      nullable = known === undefined ? null : !known;
    }
    let type = column.type;
    if (!type) {
      const sample = rows.find((row) => row[index] !== null && row[index] !== undefined);
      type = sample ? storageClass(sample[index]) : 'NULL';
    }
    return { name: column.name, type, nullable };
  });
}

function run(message) {
  const db = new Database(message.file, {
    readonly: message.readOnly,
    fileMustExist: true,
    timeout: message.busyTimeoutMs,
  });
  try {
    db.defaultSafeIntegers(true);
    if (message.readOnly) db.pragma('query_only = ON');
    db.exec('BEGIN');
    const results = [];
    for (const item of message.statements) {
      const started = performance.now();
      const statement = db.prepare(item.sql);
      if (statement.reader) {
        statement.raw(true);
        const rows = [];
        let truncated = false;
        for (const row of statement.iterate()) {
          if (rows.length >= message.maxRows) {
            truncated = true;
            break;
          }
          rows.push(row);
        }
        results.push({
          columns: columnsOf(db, statement, rows),
          rows,
          affectedRows: null,
          truncated,
          durationMs: performance.now() - started,
        });
      } else {
        const info = statement.run();
        results.push({
          columns: null,
          rows: [],
          affectedRows: Number(info.changes),
          truncated: false,
          durationMs: performance.now() - started,
        });
      }
    }
    db.exec('COMMIT');
    return results;
  } finally {
    db.close();
  }
}

process.on('message', (message) => {
  try {
    process.send({ id: message.id, ok: true, results: run(message) });
  } catch (error) {
    process.send({ id: message.id, ok: false, message: String(error && error.message), code: error && error.code });
  }
});
process.on('disconnect', () => process.exit(0));
`;
