// Canonical JSON dump of a SQLite database, used to compare the database the
// real drizzle migrator produced with the one `cw migrate` produced. The same
// dumper (better-sqlite3, read-only) reads both files, so any difference comes
// from the migrators, not from the reader.
//
//   node dump.mjs FILE [--table NAME]
//
// Every value is written as [typeof, text] so types survive JSON:
//   ["null", null] ["integer", "123"] (exact, via safeIntegers)
//   ["real", "1.5"] (shortest round-trip form) ["text", "abc"]
//   ["text-bytes", "C3FF"] (TEXT that is not valid UTF-8, as hex)
//   ["blob", "00FF"] (hex)

import Database from 'better-sqlite3';
import { fileURLToPath } from 'node:url';

const utf8 = new TextDecoder('utf-8', { fatal: true });

export function quoteIdent(name) {
  return '"' + String(name).replace(/"/g, '""') + '"';
}

// Encodes one SQLite value (already fetched with safeIntegers, TEXT fetched
// as bytes) together with its storage class.
function encodeValue(type, v) {
  switch (type) {
    case 'null': return ['null', null];
    case 'integer': return ['integer', String(v)];
    case 'real': {
      const n = Number(v);
      return ['real', Object.is(n, -0) ? '-0.0' : String(n)];
    }
    case 'text': {
      if (typeof v === 'string') return ['text', v];
      try {
        return ['text', utf8.decode(v)];
      } catch {
        return ['text-bytes', Buffer.from(v).toString('hex').toUpperCase()];
      }
    }
    case 'blob': return ['blob', Buffer.from(v).toString('hex').toUpperCase()];
    default: return [type, String(v)];
  }
}

// Reads every row of one table or view. Columns come from table_xinfo so
// generated columns are included; TEXT is read as bytes so invalid UTF-8 is
// visible. Rows are ordered by rowid, or by every column for WITHOUT ROWID
// tables and views.
function dumpRows(db, name, kind) {
  const q = quoteIdent(name);
  const cols = db.prepare(`PRAGMA table_xinfo(${q})`).all()
    .filter((c) => Number(c.hidden) !== 1)
    .map((c) => c.name);
  if (cols.length === 0) return { columns: [], rows: [] };
  const sel = cols.map((c) => {
    const qc = quoteIdent(c);
    return `typeof(${qc}), CASE typeof(${qc}) WHEN 'text' THEN ` +
      `CAST(${qc} AS BLOB) ELSE ${qc} END`;
  }).join(', ');
  const byRowid = !kind.endsWith('without rowid');
  const order = byRowid ? 'rowid'
    : cols.map((_, i) => String(2 * i + 2)).join(', ');
  const stmt = db.prepare(`SELECT ${sel} FROM ${q} ORDER BY ${order}`);
  stmt.raw(true);
  const rows = stmt.all().map((r) => {
    const out = [];
    for (let i = 0; i < r.length; i += 2) out.push(encodeValue(r[i], r[i + 1]));
    return out;
  });
  return { columns: cols, rows };
}

// Reads drizzle's bookkeeping rows in insertion order with each column's
// storage class (id is NULL in every row drizzle writes: SERIAL is not an
// integer type, so id is no rowid alias).
function dumpMigrations(db, mt) {
  const stmt = db.prepare(
    `SELECT typeof(id), id, typeof(hash), CASE typeof(hash) WHEN 'text' ` +
    `THEN CAST(hash AS BLOB) ELSE hash END, typeof(created_at), ` +
    `CASE typeof(created_at) WHEN 'text' THEN CAST(created_at AS BLOB) ` +
    `ELSE created_at END FROM ${mt} ORDER BY rowid`);
  stmt.raw(true);
  return stmt.all().map((r) => ({
    id: encodeValue(r[0], r[1]),
    hash: encodeValue(r[2], r[3]),
    created_at: encodeValue(r[4], r[5]),
  }));
}

// Returns the canonical dump of dbFile. migrationsTable names drizzle's
// bookkeeping table (default "__drizzle_migrations").
export function dumpDatabase(dbFile, migrationsTable = '__drizzle_migrations') {
  const db = new Database(dbFile, { readonly: true, fileMustExist: true });
  db.defaultSafeIntegers(true);
  try {
    const one = (sql) => db.prepare(sql).pluck().get();
    const out = {};
    out.pragmas = {
      user_version: String(one('PRAGMA user_version')),
      application_id: String(one('PRAGMA application_id')),
      // A fresh connection reports "wal" for a database in WAL mode (kept in
      // the file header) and "delete" otherwise.
      journal_mode: String(one('PRAGMA journal_mode')),
    };
    const schemaStmt = db.prepare(
      'SELECT type, name, tbl_name, typeof(sql), CAST(sql AS BLOB) ' +
      'FROM sqlite_master ORDER BY type, name');
    schemaStmt.raw(true);
    out.schema = schemaStmt.all().map((r) => {
      const sql = encodeValue(r[3], r[4]);
      return { type: r[0], name: r[1], tbl_name: r[2],
        sql: sql[0] === 'null' ? null : sql[0] === 'text' ? sql[1] : sql };
    });

    const mt = quoteIdent(migrationsTable);
    const hasTable = db.prepare(
      "SELECT count(*) FROM sqlite_master WHERE type='table' AND name=?"
    ).pluck().get(migrationsTable);
    out.migrations = null;
    if (Number(hasTable) > 0) {
      try {
        out.migrations = dumpMigrations(db, mt);
      } catch (e) {
        out.migrations = { error: String(e.message) };
      }
    }

    // table_list says which tables are WITHOUT ROWID, virtual or shadow.
    const list = db.prepare("PRAGMA table_list").all()
      .filter((t) => t.schema === 'main');
    const kinds = new Map(list.map((t) => [t.name,
      Number(t.wr) ? `${t.type} without rowid` : t.type]));
    out.tables = {};
    const names = out.schema.filter((o) => o.type === 'table')
      .map((o) => o.name).sort();
    for (const name of names) {
      if (name === 'sqlite_schema' || name === 'sqlite_master') continue;
      const kind = kinds.get(name) ?? 'table';
      try {
        out.tables[name] = { kind, ...dumpRows(db, name, kind) };
      } catch (e) {
        out.tables[name] = { kind, error: String(e.message) };
      }
    }
    return out;
  } finally {
    db.close();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const argv = process.argv.slice(2);
  let file = null;
  let table;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--table') table = argv[++i];
    else if (file === null) file = argv[i];
    else { file = null; break; }
  }
  if (!file) {
    process.stderr.write('usage: dump.mjs FILE [--table NAME]\n');
    process.exit(2);
  }
  process.stdout.write(JSON.stringify(dumpDatabase(file, table), null, 1) + '\n');
}
