// Conformance runner: applies every case folder (and the real-world histories)
// with the real drizzle-orm better-sqlite3 migrator and with `cw migrate`, each
// on its own copy of the same starting database, and compares the outcome,
// the failing statement and its message, the migrations table and the whole
// database after every run. See README.md in this folder.
//
//   node cases/oracle/conformance.mjs --cw build/cw [--work DIR] [--only NAME]
//                                      [--keep]
//
// Prints IDENTICAL/EXPECTED/DIFFERENT/SKIP per case, then
// "conformance: N identical, M expected differences, K different";
// exits 1 when K > 0, 2 when it could not run.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

// Loaded in loadModules() so a missing node_modules gives a clear message.
let Database;
let runDrizzleMigrate;
let dumpDatabase;
let fillDatabase;
let cmp;

async function loadModules() {
  try {
    Database = (await import('better-sqlite3')).default;
    ({ runDrizzleMigrate } = await import('./drizzle-migrate.mjs'));
    ({ dumpDatabase } = await import('./dump.mjs'));
    ({ fillDatabase } = await import('./fill.mjs'));
    cmp = await import('./compare.mjs');
  } catch (e) {
    process.stderr.write(`conformance: cannot load the oracle's packages ` +
      `(${e.message}); run "npm ci" in ${HERE}\n`);
    process.exit(2);
  }
}

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, '..', '..');
const FOLDERS = path.join(HERE, 'folders');
const EXPECTED_FILE = path.join(HERE, 'expected-differences.json');
// Real histories live beside the repository, never inside it.
const REALWORLD = path.resolve(REPO, '..', 'shared', 'realworld');
const REAL_HISTORIES = ['karakeep-app__karakeep', 'dyad-sh__dyad'];
const DEFAULT_TABLE = '__drizzle_migrations';

function usage(msg) {
  process.stderr.write(`conformance: ${msg}\n` +
    'usage: conformance.mjs --cw PATH [--work DIR] [--only NAME] [--keep]\n');
  process.exit(2);
}

function parseArgs(argv) {
  const o = { cw: null, work: null, only: null, keep: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--keep') o.keep = true;
    else if (a === '--cw' || a === '--work' || a === '--only') {
      if (i + 1 >= argv.length) usage(`${a} needs a value`);
      o[a.slice(2)] = argv[++i];
    } else usage(`unknown argument: ${a}`);
  }
  if (!o.cw) usage('--cw is required');
  o.cw = path.resolve(o.cw);
  if (!fs.existsSync(o.cw)) usage(`no such file: ${o.cw}`);
  return o;
}

// ---------------------------------------------------------------- cw side

// Runs `cw migrate` and returns {exit, json, stderr, error}.
function runCw(cw, db, migrations, table) {
  const args = ['migrate', '--db', db, '--migrations', migrations];
  if (table !== undefined) args.push('--table', table);
  args.push('--format', 'json');
  const p = spawnSync(cw, args, { encoding: 'utf8', timeout: 120000,
    maxBuffer: 64 << 20 });
  const res = { exit: p.status, signal: p.signal, stderr: p.stderr || '',
    json: null, parseError: null, args };
  if (p.error) res.spawnError = `could not run cw: ${p.error.message}`;
  const out = (p.stdout || '').trim();
  if (out !== '') {
    try {
      res.json = JSON.parse(out);
    } catch (e) {
      res.parseError = `stdout is not JSON (${e.message}): ${out.slice(0, 200)}`;
    }
  }
  return res;
}

// ------------------------------------------------------ expected differences

// expected-differences.json: {about, differences: [{case, step, what,
// oracle, cw, why}]}. A difference is expected only if one entry matches it
// exactly (same case, step, item and both values).
function loadExpected() {
  if (!fs.existsSync(EXPECTED_FILE)) return [];
  const list = JSON.parse(fs.readFileSync(EXPECTED_FILE, 'utf8')).differences;
  if (!Array.isArray(list)) {
    throw new Error(`${EXPECTED_FILE}: "differences" is not an array`);
  }
  for (const e of list) {
    for (const k of ['case', 'step', 'what', 'oracle', 'cw', 'why']) {
      if (!(k in e)) throw new Error(`${EXPECTED_FILE}: entry without "${k}"`);
    }
  }
  return list.map((e) => ({ ...e, used: false }));
}

// "refusals": [{case, why}]: journals drizzle would run but cw refuses on
// purpose, before touching the database (unsafe tags, fields of the wrong
// type).  Checked precisely by runRefusal, never tolerated loosely.
function loadRefusals() {
  if (!fs.existsSync(EXPECTED_FILE)) return [];
  const list = JSON.parse(fs.readFileSync(EXPECTED_FILE, 'utf8')).refusals || [];
  for (const e of list) {
    for (const k of ['case', 'why']) {
      if (!(k in e)) throw new Error(`${EXPECTED_FILE}: refusal without "${k}"`);
    }
  }
  return list.map((e) => ({ ...e, used: false }));
}

function matchExpected(expected, caseName, d) {
  if (d.caseError) return null;
  return expected.find((e) => e.case === caseName && e.step === d.step &&
    e.what === d.what && JSON.stringify(e.oracle) === JSON.stringify(d.oracle) &&
    JSON.stringify(e.cw) === JSON.stringify(d.cw)) || null;
}

// -------------------------------------------------------------- case runs

function readCase(dir) {
  const file = path.join(dir, 'case.json');
  const c = JSON.parse(fs.readFileSync(file, 'utf8'));
  const runs = c.runs || ['migrations'];
  const setupFile = c.setup || 'setup.sql';
  const setup = fs.existsSync(path.join(dir, setupFile))
    ? fs.readFileSync(path.join(dir, setupFile), 'utf8') : null;
  return { about: c.about || '', runs: runs.map((r) => path.join(dir, r)),
    table: c.table, setup, expect: c.expect || [] };
}

// Creates the starting database (better-sqlite3, so foreign keys are on as in
// production) and returns its path.
function makeStart(work, setup) {
  const start = path.join(work, 'start.db');
  const db = new Database(start);
  try {
    if (setup) db.exec(setup);
  } finally {
    db.close();
  }
  return start;
}

// Runs the steps of one case on two copies of start. steps: [{folder,
// expect}]. Returns the list of differences, each tagged with its step.
function runSteps(opts, work, start, steps, table) {
  const dbO = path.join(work, 'drizzle.db');
  const dbC = path.join(work, 'cw.db');
  fs.copyFileSync(start, dbO);
  fs.copyFileSync(start, dbC);
  const dumpTable = table ?? DEFAULT_TABLE;
  let before = dumpDatabase(dbO, dumpTable);
  const diffs = [];
  const results = [];
  steps.forEach((s, i) => {
    const step = i + 1;
    const hw = cmp.highWater(dbO, dumpTable);
    const o = runDrizzleMigrate({ db: dbO, migrations: s.folder, table });
    const c = runCw(opts.cw, dbC, s.folder, table);
    const local = [];
    cmp.checkExpectation(s.expect, o, local);
    if (c.spawnError) {
      // Nothing ran: the database comparison would only repeat that.
      local.push({ what: 'cw', oracle: 'a run', cw: c.spawnError });
      for (const d of local) diffs.push({ step, ...d });
      before = dumpDatabase(dbO, dumpTable);
      results.push(o);
      return;
    }
    cmp.compareOutcome(o, c, s.folder, local);
    const da = dumpDatabase(dbO, dumpTable);
    const db = dumpDatabase(dbC, dumpTable);
    if (!local.some((d) => d.what === 'outcome')) {
      cmp.compareApplied(before.migrations, da.migrations, c, local, o.recorded);
      cmp.compareHighWater(hw, c, local);
    }
    cmp.compareDumps(da, db, local);
    before = da;
    results.push(o);
    for (const d of local) diffs.push({ step, ...d });
  });
  return { diffs, results };
}

// Strings print as they are unless invisible characters would hide the
// difference; everything else prints as JSON.
function plain(v) {
  if (typeof v === 'string' && !/[\x00-\x1f\x7f\u00a0\ufeff\ufffd]|^\s|\s$/.test(v)) {
    return v;
  }
  return JSON.stringify(v);
}

function report(name, diffs, expected, counts, notes = []) {
  const unexpected = [];
  const covered = [];
  for (const d of diffs) {
    const e = matchExpected(expected, name, d);
    if (e) { e.used = true; covered.push({ d, e }); } else unexpected.push(d);
  }
  const fmt = (d) => `    step ${d.step}: ${d.what}\n` +
    `      drizzle: ${plain(d.oracle)}\n      cw:      ${plain(d.cw)}`;
  if (unexpected.length > 0) {
    counts.different++;
    console.log(`DIFFERENT ${name}`);
    for (const d of unexpected) console.log(fmt(d));
    for (const { d, e } of covered) console.log(`${fmt(d)}\n      (expected: ${e.why})`);
  } else if (covered.length > 0) {
    counts.expected++;
    console.log(`EXPECTED ${name}`);
    for (const { d, e } of covered) console.log(`${fmt(d)}\n      (expected: ${e.why})`);
  } else {
    counts.identical++;
    console.log(`IDENTICAL ${name}`);
  }
  for (const n of notes) console.log(`    note: ${n}`);
}

// A journal cw refuses by design (see expected-differences.json
// "refusals"): cw must exit 2 on the first step and leave the database
// exactly as it started, whatever drizzle does with it.
function runRefusal(opts, name, work, start, c, refusal, counts) {
  const dbC = path.join(work, 'cw.db');
  fs.copyFileSync(start, dbC);
  const before = fs.readFileSync(dbC);
  const r = runCw(opts.cw, dbC, c.runs[0], c.table);
  const same = fs.existsSync(dbC) && before.equals(fs.readFileSync(dbC));
  if (r.exit === 2 && same) {
    counts.refused++;
    console.log(`REFUSED ${name}\n    (by design: ${refusal.why})`);
    return;
  }
  counts.different++;
  console.log(`DIFFERENT ${name}\n    refusal expected: cw exit ${r.exit}` +
    `${same ? '' : ', database modified'}`);
}

function runFolderCase(opts, name, expected, counts) {
  const dir = path.join(FOLDERS, name);
  const c = readCase(dir);
  const work = path.join(opts.work, name);
  fs.mkdirSync(work, { recursive: true });
  const start = makeStart(work, c.setup);
  const refusal = (opts.refusals || []).find((x) => x.case === name);
  if (refusal) {
    refusal.used = true;
    runRefusal(opts, name, work, start, c, refusal, counts);
    return;
  }
  const steps = c.runs.map((folder, i) => ({ folder, expect: c.expect[i] }));
  report(name, runSteps(opts, work, start, steps, c.table).diffs, expected,
    counts);
}

function outcomeNote(o, total) {
  return o.ok ? `drizzle applied the ${total}-migration history`
    : `drizzle failed: ${o.message}`;
}

// Rows in all tables except SQLite's and drizzle's own (data-loss indicator).
function countRows(file) {
  const d = dumpDatabase(file);
  return Object.entries(d.tables)
    .filter(([n]) => !n.startsWith('sqlite_') && n !== DEFAULT_TABLE)
    .reduce((s, [, t]) => s + (t.rows ? t.rows.length : 0), 0);
}

// Copies a migration folder with its journal cut to the first `keep` entries.
function truncatedCopy(src, dst, keep) {
  fs.cpSync(src, dst, { recursive: true });
  const jf = path.join(dst, 'meta', '_journal.json');
  const j = JSON.parse(fs.readFileSync(jf, 'utf8'));
  j.entries = j.entries.slice(0, keep);
  fs.writeFileSync(jf, JSON.stringify(j, null, 2));
  return j.entries.length;
}

// The halfway database built and filled by cw's own generator
// (`cw fixtures build`), then the rest of the history applied by the real
// drizzle migrator and by cw: an independent check that the C generator's
// rows are rows the real migrator accepts, beside fill.mjs's.
function runGeneratedHalf(opts, hist, src, total, expected, counts) {
  const name = `realworld-${hist}-from-half-generated`;
  const work = path.join(opts.work, name);
  fs.mkdirSync(work, { recursive: true });
  const keep = Math.floor(total / 2);
  truncatedCopy(src, path.join(work, 'half-folder'), keep);
  const start = path.join(work, 'start.db');
  const p = spawnSync(opts.cw, ['fixtures', 'build', path.join(work, 'half-folder'),
    '-o', start, '--rows', '20', '--seed', '7'], { encoding: 'utf8' });
  if (p.status !== 0) {
    counts.different++;
    console.log(`DIFFERENT ${name}\n    cw fixtures build failed (exit ` +
      `${p.status}): ${(p.stderr || p.stdout || '').trim().split('\n')[0]}`);
    return;
  }
  const rows0 = countRows(start);
  const r = runSteps(opts, work, start, [{ folder: src }]);
  report(name, r.diffs, expected, counts, [`started from the first ${keep} of ` +
    `${total} migrations filled by cw fixtures build (20 rows per table)`,
    outcomeNote(r.results[0], total) + `; user rows ${rows0} before, ` +
    `${countRows(path.join(work, 'drizzle.db'))} after`]);
}

function runRealHistory(opts, hist, expected, counts) {
  const src = path.join(REALWORLD, hist);
  const fresh = `realworld-${hist}-fresh`;
  const half = `realworld-${hist}-from-half`;
  const generated = `realworld-${hist}-from-half-generated`;
  const wanted = (n) => !opts.only || n.includes(opts.only);
  if (!wanted(fresh) && !wanted(half) && !wanted(generated)) return;
  if (!fs.existsSync(path.join(src, 'meta', '_journal.json'))) {
    for (const n of [fresh, half, generated]) {
      if (wanted(n)) { counts.skipped++; console.log(`SKIP ${n} (${src} not found)`); }
    }
    return;
  }
  const total = JSON.parse(fs.readFileSync(path.join(src, 'meta', '_journal.json'),
    'utf8')).entries.length;
  if (wanted(fresh)) {
    const work = path.join(opts.work, fresh);
    fs.mkdirSync(work, { recursive: true });
    const start = makeStart(work, null);
    const r = runSteps(opts, work, start, [{ folder: src, expect: { ok: true } }]);
    report(fresh, r.diffs, expected, counts, [outcomeNote(r.results[0], total)]);
  }
  if (wanted(half)) {
    const work = path.join(opts.work, half);
    fs.mkdirSync(work, { recursive: true });
    const keep = Math.floor(total / 2);
    truncatedCopy(src, path.join(work, 'half-folder'), keep);
    const start = makeStart(work, null);
    const notes = [];
    const o = runDrizzleMigrate({ db: start, migrations: path.join(work, 'half-folder') });
    if (!o.ok) {
      counts.different++;
      console.log(`DIFFERENT ${half}\n    could not build the halfway database ` +
        `with drizzle: ${o.message}`);
      return;
    }
    const fill = fillDatabase(start);
    notes.push(`started from the first ${keep} of ${total} migrations; filled ` +
      `${fill.filled.length} tables (${fill.filled.reduce((s, f) => s + f.rows, 0)} rows)`);
    for (const f of fill.failed) notes.push(`could not fill table ${f.table}: ${f.error}`);
    for (const f of fill.skipped) notes.push(`did not fill table ${f.table}: ${f.why}`);
    const rows0 = countRows(start);
    const r = runSteps(opts, work, start, [{ folder: src }]);
    notes.push(outcomeNote(r.results[0], total) + `; user rows ${rows0} before, ` +
      `${countRows(path.join(work, 'drizzle.db'))} after`);
    report(half, r.diffs, expected, counts, notes);
  }
  if (wanted(generated))
    runGeneratedHalf(opts, hist, src, total, expected, counts);
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  await loadModules();
  const tmp = opts.work === null;
  opts.work = tmp ? fs.mkdtempSync(path.join(os.tmpdir(), 'cw-conformance-'))
    : path.resolve(opts.work);
  fs.mkdirSync(opts.work, { recursive: true });
  let expected;
  try {
    expected = loadExpected();
    opts.refusals = loadRefusals();
  } catch (e) {
    usage(e.message);
  }
  const counts = { identical: 0, expected: 0, different: 0, skipped: 0,
    refused: 0 };
  const names = fs.readdirSync(FOLDERS, { withFileTypes: true })
    .filter((d) => d.isDirectory()).map((d) => d.name).sort()
    .filter((n) => !opts.only || n.includes(opts.only));
  for (const name of names) {
    fs.rmSync(path.join(opts.work, name), { recursive: true, force: true });
    try {
      runFolderCase(opts, name, expected, counts);
    } catch (e) {
      counts.different++;
      console.log(`DIFFERENT ${name}\n    runner error: ${e.stack}`);
    }
  }
  for (const hist of REAL_HISTORIES) {
    for (const suffix of ['fresh', 'from-half', 'from-half-generated']) {
      fs.rmSync(path.join(opts.work, `realworld-${hist}-${suffix}`),
        { recursive: true, force: true });
    }
    try {
      runRealHistory(opts, hist, expected, counts);
    } catch (e) {
      counts.different++;
      console.log(`DIFFERENT realworld-${hist}\n    runner error: ${e.stack}`);
    }
  }
  if (!opts.only) {
    for (const e of expected.filter((x) => !x.used)) {
      console.log(`STALE expected difference not seen: ${e.case} step ${e.step}: ${e.what}`);
    }
  }
  if (tmp && !opts.keep) fs.rmSync(opts.work, { recursive: true, force: true });
  else console.log(`work files kept in ${opts.work}`);
  if (counts.skipped) console.log(`skipped: ${counts.skipped}`);
  console.log(`conformance: ${counts.identical} identical, ${counts.expected} ` +
    `expected differences, ${counts.refused} refused by design, ` +
    `${counts.different} different`);
  process.exit(counts.different > 0 ? 1 : 0);
}

await main();
