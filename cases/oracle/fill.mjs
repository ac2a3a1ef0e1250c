// Puts generated rows into every table of a database, so that an upgrade is
// tested on a populated database (cascades, NOT NULL additions and rebuilds
// behave differently on empty tables). Generic: it reads the schema only.
//
//   node fill.mjs FILE [--rows N]
//
// Tables are filled parents first (foreign-key order); a foreign-key column
// takes its value from a row of the parent table; other values follow the
// column's declared type. When SQLite rejects a row (CHECK, NOT NULL, UNIQUE,
// a type check), other value combinations are tried, including the string
// literals found in the table's CREATE statement (for CHECK ... IN lists).
// Returns/prints which tables got rows and which could not be filled, and why.
// Deterministic: the same database gets the same rows.

import Database from 'better-sqlite3';
import { fileURLToPath } from 'node:url';
import { quoteIdent } from './dump.mjs';

const MAX_ATTEMPTS = 300;

// SQLite's column affinity rules (datatype3.html, section 3.1).
function affinity(declType) {
  const t = String(declType || '').toUpperCase();
  if (t.includes('INT')) return 'integer';
  if (t.includes('CHAR') || t.includes('CLOB') || t.includes('TEXT')) return 'text';
  if (t === '' || t.includes('BLOB')) return 'blob';
  if (t.includes('REAL') || t.includes('FLOA') || t.includes('DOUB')) return 'real';
  return 'numeric';
}

// String literals quoted with '...' in a CREATE statement.
function literals(sql) {
  const out = [];
  const re = /'((?:[^']|'')*)'/g;
  let m;
  while ((m = re.exec(sql || '')) !== null) out.push(m[1].replace(/''/g, "'"));
  return [...new Set(out)];
}

// Small deterministic mixing function used to pick value combinations.
function mix(a, b) {
  let h = (a * 2654435761 + b * 40503 + 12345) >>> 0;
  h ^= h >>> 15;
  h = Math.imul(h, 2246822519) >>> 0;
  h ^= h >>> 13;
  return h >>> 0;
}

// Candidate values for one column, for row number r of this run.
function candidates(col, table, r, lits) {
  const tag = `${table}.${col.name}#${r}`;
  const base = 1700000000000 + r;
  switch (col.affinity) {
    case 'integer':
      return [1000 + r, 0, 1, base, 2 + r, -1];
    case 'real':
      return [r + 0.5, 0, 1, 1.25, base];
    case 'blob':
      return [Buffer.from(tag), `blob ${tag}`, 1000 + r];
    case 'numeric':
      return [1000 + r, 0, 1, base, `${r}`];
    default:
      return [tag, ...lits.map((l) => l), '{}', '[]', '1', 'true',
        '2024-01-01T00:00:00.000Z', `${r}`, `${r}@example.com`];
  }
}

// Describes every fillable table: columns, foreign keys, kind.
function readTables(db, skip) {
  const list = db.prepare('PRAGMA table_list').all()
    .filter((t) => t.schema === 'main');
  const kindOf = new Map(list.map((t) => [t.name, t.type]));
  const wr = new Map(list.map((t) => [t.name, Number(t.wr) === 1]));
  const rows = db.prepare(
    "SELECT name, sql FROM sqlite_master WHERE type = 'table' " +
    "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name").all();
  const tables = [];
  for (const { name, sql } of rows) {
    if (skip.has(name)) continue;
    const kind = kindOf.get(name) || 'table';
    const q = quoteIdent(name);
    const cols = db.prepare(`PRAGMA table_xinfo(${q})`).all()
      .filter((c) => Number(c.hidden) === 0)
      .map((c) => ({ name: c.name, type: c.type, affinity: affinity(c.type),
        notnull: Number(c.notnull) === 1, pk: Number(c.pk),
        hasDefault: c.dflt_value !== null }));
    const fkRows = kind === 'table'
      ? db.prepare(`PRAGMA foreign_key_list(${q})`).all() : [];
    const fks = new Map();
    for (const f of fkRows) {
      if (!fks.has(f.id)) fks.set(f.id, { parent: f.table, from: [], to: [] });
      fks.get(f.id).from.push(f.from);
      fks.get(f.id).to.push(f.to);
    }
    const pkCols = cols.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk);
    const rowidAlias = !wr.get(name) && pkCols.length === 1 &&
      String(pkCols[0].type).toUpperCase() === 'INTEGER';
    tables.push({ name, sql, kind, cols, fks: [...fks.values()], pkCols,
      rowidAlias, withoutRowid: wr.get(name) });
  }
  return tables;
}

// Orders tables so that parents come before children; a cycle is broken at
// the first table left (its foreign keys then fall back to NULL if allowed).
function dependencyOrder(tables) {
  const byName = new Map(tables.map((t) => [t.name, t]));
  const done = new Set();
  const out = [];
  let pending = [...tables];
  while (pending.length > 0) {
    const ready = pending.filter((t) => t.fks.every((f) =>
      f.parent === t.name || done.has(f.parent) || !byName.has(f.parent)));
    const next = ready.length > 0 ? ready : [pending[0]];
    for (const t of next) {
      out.push(t);
      done.add(t.name);
    }
    pending = pending.filter((t) => !done.has(t.name));
  }
  return out;
}

// Returns the columns a foreign key points at (the parent's primary key when
// the REFERENCES clause names no columns).
function targetColumns(fk, parent) {
  if (fk.to.every((c) => c !== null)) return fk.to;
  return parent ? parent.pkCols.map((c) => c.name) : fk.to;
}

// Builds one candidate row for attempt k. Returns {names, values}.
function buildRow(t, r, k, pools, byName) {
  const lits = literals(t.sql);
  const values = new Map();
  const fkCols = new Set(t.fks.flatMap((f) => f.from));
  t.cols.forEach((c, j) => {
    if (fkCols.has(c.name)) return;
    if (t.rowidAlias && c.pk > 0) return;   // let SQLite choose the rowid
    const cand = candidates(c, t.name, r, lits);
    if (k > 0 && !c.notnull && !c.pk && mix(k, j + 1000) % 5 === 0) {
      values.set(c.name, null);
      return;
    }
    if (k > 0 && c.hasDefault && mix(k, j + 2000) % 4 === 0) return;
    values.set(c.name, k === 0 ? cand[0] : cand[mix(k, j) % cand.length]);
  });
  for (const [i, f] of t.fks.entries()) {
    const parent = byName.get(f.parent);
    const to = targetColumns(f, parent);
    const pool = pools.get(f.parent) || [];
    const nullable = f.from.every((c) =>
      !(t.cols.find((x) => x.name === c) || {}).notnull);
    if (pool.length === 0 && f.parent === t.name) {
      // First row of a self-referencing table: point the row at itself.
      to.forEach((c, ci) => {
        if (!values.has(c)) values.set(c, 1000000 + r);
        values.set(f.from[ci], values.get(c));
      });
      continue;
    }
    if (pool.length === 0 || (nullable && k > 0 && mix(k, i + 3000) % 3 === 0)) {
      for (const c of f.from) values.set(c, null);
      continue;
    }
    const row = pool[(r + (k > 0 ? mix(k, i) : 0)) % pool.length];
    f.from.forEach((c, ci) => values.set(c, row[to[ci]]));
  }
  return { names: [...values.keys()], values: [...values.values()] };
}

// Reads up to 20 rows of a table to serve as foreign-key parents.
function loadPool(db, t) {
  const order = t.withoutRowid ? '' : ' ORDER BY rowid';
  try {
    return db.prepare(`SELECT * FROM ${quoteIdent(t.name)}${order} LIMIT 20`).all();
  } catch {
    return [];
  }
}

// Fills the database at dbFile. skipTables: names never touched (drizzle's
// bookkeeping tables). Returns {filled:[{table,rows}], failed:[{table,error}],
// skipped:[{table,why}]}.
export function fillDatabase(dbFile, { rows = 2, skipTables = ['__drizzle_migrations'] } = {}) {
  const db = new Database(dbFile);
  const report = { filled: [], failed: [], skipped: [] };
  try {
    const tables = dependencyOrder(readTables(db, new Set(skipTables)));
    const byName = new Map(tables.map((t) => [t.name, t]));
    const pools = new Map();
    db.exec('BEGIN');
    for (const t of tables) {
      if (t.kind === 'shadow') {
        report.skipped.push({ table: t.name, why: 'shadow table of a virtual table' });
        continue;
      }
      let inserted = 0;
      let lastError = null;
      for (let r = 0; r < rows; r++) {
        for (let k = 0; k < MAX_ATTEMPTS; k++) {
          const { names, values } = buildRow(t, r, k, pools, byName);
          const sql = names.length === 0
            ? `INSERT INTO ${quoteIdent(t.name)} DEFAULT VALUES`
            : `INSERT INTO ${quoteIdent(t.name)} (${names.map(quoteIdent).join(', ')}) ` +
              `VALUES (${names.map(() => '?').join(', ')})`;
          try {
            db.prepare(sql).run(...values);
            inserted++;
            break;
          } catch (e) {
            lastError = e.message;
          }
        }
      }
      pools.set(t.name, loadPool(db, t));
      if (inserted > 0) report.filled.push({ table: t.name, rows: inserted });
      else report.failed.push({ table: t.name, error: lastError });
    }
    db.exec('COMMIT');
  } finally {
    if (db.inTransaction) db.exec('ROLLBACK');
    db.close();
  }
  return report;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const argv = process.argv.slice(2);
  let file = null;
  let rows = 2;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--rows') rows = Number(argv[++i]);
    else file = argv[i];
  }
  if (!file || !(rows > 0)) {
    process.stderr.write('usage: fill.mjs FILE [--rows N]\n');
    process.exit(2);
  }
  process.stdout.write(JSON.stringify(fillDatabase(file, { rows }), null, 1) + '\n');
}
