// Comparison of one conformance step: the real migrator's result and
// database against cw's exit status, JSON report and database. Each function
// pushes readable {what, oracle, cw} items; conformance.mjs prints them.

import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';

const MAX_CELL_DIFFS = 8;    // per table, before "... and N more"

function show(v) {
  if (Array.isArray(v) && v.length === 2 && typeof v[0] === 'string') {
    return v[1] === null ? v[0] : `${v[0]} ${JSON.stringify(v[1])}`;
  }
  return JSON.stringify(v);
}

// Compares the outcome of one run. Pushes {what, oracle, cw} items.
export function compareOutcome(o, c, folder, diffs) {
  const add = (what, ov, cv) => diffs.push({ what, oracle: ov, cw: cv });
  if (c.parseError) add('cw output', 'a JSON report', c.parseError);
  if (c.signal || ![0, 1, 2].includes(c.exit)) {
    add('cw exit status', '0, 1 or 2', c.signal ? `signal ${c.signal}` : c.exit);
    return;
  }
  const cwWhat = c.exit === 0 ? 'success' : c.exit === 1
    ? 'a migration failed' : 'could not run (exit 2)';
  const orWhat = o.ok ? 'success' : o.stage === 'read'
    ? 'could not run (failed while reading the folder)' : 'a migration failed';
  const orExit = o.ok ? 0 : o.stage === 'read' ? 2 : 1;
  if (orExit !== c.exit) {
    const cf = c.json && c.json.failure;
    add('outcome', orWhat + (o.ok ? '' : `: ${o.message}`),
      cwWhat + (c.exit === 2 ? `: ${firstLine(c)}`
        : cf && cf.message ? `: ${cf.message}` : ''));
    return;
  }
  const j = c.json;
  if (c.exit === 2) return;           // drizzle threw before touching the DB
  if (!j) {
    if (!c.parseError) add('cw output', 'a JSON report', '(empty stdout)');
    return;
  }
  if (j.ok !== o.ok) add('cw JSON "ok"', o.ok, j.ok);
  if (o.ok) {
    if (j.failure !== null && j.failure !== undefined) {
      add('cw JSON "failure"', null, j.failure);
    }
    return;
  }
  const f = j.failure;
  if (!f || typeof f !== 'object') {
    add('cw JSON "failure"', 'an object', f);
    return;
  }
  if (f.message !== o.message) add('failure message', o.message, f.message);
  if (f.sql !== o.sql) add('failing piece (sql)', o.sql, f.sql);
  const rbFailed = o.outer !== `Failed to run the query '${o.sql}'`;
  if (Boolean(f.rollback_failed) !== rbFailed) {
    add('failure rollback_failed', rbFailed, f.rollback_failed);
  }
  checkLocation(f, folder, add);
}

// cw's failure.entry/tag/piece must point at a piece whose text is
// failure.sql (read and split the way drizzle does). Statements drizzle
// issues itself (its INSERT, COMMIT) are no piece and are not checked.
function checkLocation(f, folder, add) {
  if (!Number.isInteger(f.entry) || !Number.isInteger(f.piece) || f.piece < 1) return;
  let entries;
  try {
    entries = JSON.parse(fs.readFileSync(path.join(folder, 'meta', '_journal.json'),
      'utf8')).entries;
  } catch {
    return;
  }
  const e = entries[f.entry];
  if (!e) {
    add('failure entry', `an index below ${entries.length}`, f.entry);
    return;
  }
  if (e.tag !== f.tag) add('failure tag (journal entries[failure.entry].tag)', e.tag, f.tag);
  let pieces;
  try {
    pieces = fs.readFileSync(`${folder}/${e.tag}.sql`).toString()
      .split('--> statement-breakpoint');
  } catch {
    return;
  }
  if (pieces[f.piece - 1] !== f.sql) {
    add(`failure piece ${f.piece} of ${e.tag}.sql (text at that position)`,
      pieces[f.piece - 1] ?? '(no such piece)', f.sql);
  }
}

function firstLine(c) {
  const d = c.json && Array.isArray(c.json.diagnostics) && c.json.diagnostics[0];
  if (d) return d.message || JSON.stringify(d);
  return (c.stderr.split('\n')[0] || '').slice(0, 200);
}

// The rows the real migrator recorded in the migrations table must be the
// entries cw reports as "applied" (on success; and after a failure, none,
// unless a COMMIT inside a migration made earlier ones stay). `recorded`
// (drizzle-migrate.mjs) lists the hashes drizzle's own INSERT wrote and
// committed, so a migration that edits or deletes rows of the table does not
// confuse the check; without it, the rows appended to the table are used.
export function compareApplied(before, after, c, diffs, recorded) {
  if (!c.json || !Array.isArray(c.json.entries)) return;
  if (c.exit !== 0 && c.exit !== 1) return;
  const old = Array.isArray(before) ? before.length : 0;
  const added = Array.isArray(recorded) ? recorded
    : (Array.isArray(after) ? after : []).slice(old).map((r) => r.hash[1]);
  const claimed = c.json.entries.filter((e) => e.status === 'applied')
    .map((e) => e.hash);
  if (JSON.stringify(added) !== JSON.stringify(claimed)) {
    diffs.push({ what: 'hashes recorded by this run (drizzle) vs entries cw ' +
      'reports "applied"', oracle: added, cw: claimed });
  }
}

// The newest created_at drizzle reads before its loop (null when the table is
// absent or empty), as Number() sees it; undefined when cw's JSON cannot
// express it (NULL or non-numeric created_at) and nothing is checked.
export function highWater(file, table) {
  const db = new Database(file, { readonly: true });
  try {
    const q = '"' + table.replace(/"/g, '""') + '"';
    const n = db.prepare("SELECT count(*) FROM sqlite_master WHERE type='table' " +
      'AND name = ?').pluck().get(table);
    if (n === 0) return null;
    const r = db.prepare(`SELECT created_at, typeof(created_at) FROM ${q} ` +
      'ORDER BY created_at DESC LIMIT 1').raw().get();
    if (!r) return null;
    return r[1] === 'integer' || r[1] === 'real' ? Number(r[0]) : undefined;
  } catch {
    return undefined;
  } finally {
    db.close();
  }
}

export function compareHighWater(hw, c, diffs) {
  if (hw === undefined || !c.json || !('high_water' in c.json)) return;
  if (c.exit !== 0 && c.exit !== 1) return;
  if (c.json.high_water !== hw) {
    diffs.push({ what: 'high_water (newest created_at before the run)',
      oracle: hw, cw: c.json.high_water });
  }
}

// Compares two canonical dumps (dump.mjs). Pushes readable items.
export function compareDumps(a, b, diffs) {
  const add = (what, ov, cv) => diffs.push({ what, oracle: ov, cw: cv });
  for (const k of Object.keys(a.pragmas)) {
    if (a.pragmas[k] !== b.pragmas[k]) add(`PRAGMA ${k}`, a.pragmas[k], b.pragmas[k]);
  }
  const key = (o) => `${o.type} ${o.name}`;
  const sa = new Map(a.schema.map((o) => [key(o), o]));
  const sb = new Map(b.schema.map((o) => [key(o), o]));
  for (const [k, o] of sa) {
    const p = sb.get(k);
    if (!p) add(`sqlite_master: ${k}`, o.sql, '(missing)');
    else {
      if (o.tbl_name !== p.tbl_name) add(`sqlite_master: ${k} tbl_name`, o.tbl_name, p.tbl_name);
      if (JSON.stringify(o.sql) !== JSON.stringify(p.sql)) add(`sqlite_master: ${k} sql`, o.sql, p.sql);
    }
  }
  for (const [k, p] of sb) if (!sa.has(k)) add(`sqlite_master: ${k}`, '(missing)', p.sql);

  compareMigrations(a.migrations, b.migrations, add);

  const names = new Set([...Object.keys(a.tables), ...Object.keys(b.tables)]);
  for (const name of [...names].sort()) {
    const ta = a.tables[name];
    const tb = b.tables[name];
    if (!ta || !tb) continue;          // already reported via sqlite_master
    compareTable(name, ta, tb, add);
  }
}

function compareMigrations(ma, mb, add) {
  if (ma === null || mb === null || ma.error || mb.error) {
    if (JSON.stringify(ma) !== JSON.stringify(mb)) {
      add('migrations table', ma === null ? '(absent)' : ma, mb === null ? '(absent)' : mb);
    }
    return;
  }
  if (ma.length !== mb.length) add('migrations table row count', ma.length, mb.length);
  const n = Math.min(ma.length, mb.length);
  for (let i = 0; i < n; i++) {
    for (const col of ['id', 'hash', 'created_at']) {
      if (JSON.stringify(ma[i][col]) !== JSON.stringify(mb[i][col])) {
        add(`migrations row ${i + 1} ${col}`, show(ma[i][col]), show(mb[i][col]));
      }
    }
  }
  for (let i = n; i < ma.length; i++) add(`migrations row ${i + 1}`, rowText(ma[i]), '(missing)');
  for (let i = n; i < mb.length; i++) add(`migrations row ${i + 1}`, '(missing)', rowText(mb[i]));
}

function rowText(r) {
  return `id=${show(r.id)} hash=${show(r.hash)} created_at=${show(r.created_at)}`;
}

function compareTable(name, ta, tb, add) {
  const t = `table ${name}`;
  if (ta.error || tb.error) {
    if (ta.error !== tb.error) add(`${t} (read error)`, ta.error ?? null, tb.error ?? null);
    return;
  }
  if (ta.kind !== tb.kind) add(`${t} kind`, ta.kind, tb.kind);
  if (JSON.stringify(ta.columns) !== JSON.stringify(tb.columns)) {
    add(`${t} columns`, ta.columns, tb.columns);
    return;
  }
  if (ta.rows.length !== tb.rows.length) add(`${t} row count`, ta.rows.length, tb.rows.length);
  const n = Math.min(ta.rows.length, tb.rows.length);
  let shown = 0;
  let more = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < ta.columns.length; j++) {
      const va = ta.rows[i][j];
      const vb = tb.rows[i][j];
      if (JSON.stringify(va) === JSON.stringify(vb)) continue;
      if (shown < MAX_CELL_DIFFS) {
        add(`${t} row ${i + 1} column ${ta.columns[j]}`, show(va), show(vb));
        shown++;
      } else more++;
    }
  }
  const extra = (rows, side) => {
    for (let i = n; i < rows.length; i++) {
      if (shown >= MAX_CELL_DIFFS) { more++; continue; }
      const text = rows[i].map(show).join(', ');
      add(`${t} row ${i + 1}`, side === 'oracle' ? text : '(missing)',
        side === 'cw' ? text : '(missing)');
      shown++;
    }
  };
  extra(ta.rows, 'oracle');
  extra(tb.rows, 'cw');
  if (more > 0) add(`${t}`, `... and ${more} more differing cells/rows`, '');
}

// Checks the real migrator against what the case says it does (case.json
// "expect"), so a case cannot silently stop testing what its about says.
export function checkExpectation(expect, o, diffs) {
  if (!expect) return;
  for (const [k, v] of Object.entries(expect)) {
    if (JSON.stringify(o[k]) !== JSON.stringify(v)) {
      diffs.push({ what: `case.json expect.${k} (real drizzle disagrees with the case)`,
        oracle: o[k], cw: `(case says ${JSON.stringify(v)})`, caseError: true });
    }
  }
}
