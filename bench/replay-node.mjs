// replay-node.mjs - the peer of `cw replay` in bench/replay.sh: what a team
// would script instead, with the real drizzle-orm better-sqlite3 migrator,
// looped in Node over every journal prefix.
//
//   node bench/replay-node.mjs --schema DIR
//       Reads the migrations once (readMigrationFiles), then for every
//       prefix k = 0..n-1: a fresh ':memory:' database, entries 0..k applied
//       by drizzle's own dialect.migrate(), the migrations table must hold
//       k+1 rows; the same slice applied again must change nothing (row
//       count and sqlite_master); then the upgrade to head on the same
//       database, PRAGMA integrity_check and PRAGMA foreign_key_check.
//
//   node bench/replay-node.mjs --data DIR --prefix-dbs DIR2 [--work DIR3]
//       For every k = 0..n-1: copies DIR2/prefix-<k>.db (entries 0..k applied,
//       with rows; bench/replay.sh writes them with `cw fixtures build
//       --prefix k+1`) to a temporary file, counts the rows of every table,
//       migrates it to head with drizzle's migrate(), runs integrity_check and
//       foreign_key_check and counts the rows again.
//
// Prints one JSON line: {"mode", "prefixes", "ms", "failures", ...}; ms is
// the loop alone, timed with process.hrtime (start-up and module loading are
// not included; bench/replay.sh times the whole process as well).
// Exits 0 when every prefix passed, 1 when one failed, 2 on a usage error.
//
// The packages are the ones pinned by cases/oracle/package-lock.json, loaded
// from cases/oracle/node_modules (this file is outside that package, so a
// bare import would not find them; createRequire resolves from there).

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ORACLE = path.resolve(HERE, '..', 'cases', 'oracle');
const TABLE = '__drizzle_migrations';

function die(msg, code) {
  process.stderr.write(`replay-node: ${msg}\n`);
  process.exit(code);
}

let Database, drizzle, migrate, readMigrationFiles;
try {
  const req = createRequire(path.join(ORACLE, 'package.json'));
  Database = req('better-sqlite3');
  ({ drizzle } = req('drizzle-orm/better-sqlite3'));
  ({ migrate } = req('drizzle-orm/better-sqlite3/migrator'));
  ({ readMigrationFiles } = req('drizzle-orm/migrator'));
} catch (e) {
  die(`cannot load the oracle's packages (${e.message}); run "npm ci" in ${ORACLE}`, 2);
}

function parseArgs(argv) {
  const o = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--schema' || a === '--data' || a === '--prefix-dbs' || a === '--work') {
      if (i + 1 >= argv.length) die(`${a} needs a value`, 2);
      o[a.slice(2)] = argv[++i];
    } else {
      die(`unknown argument: ${a}`, 2);
    }
  }
  if (!!o.schema === !!o.data || (o.data && !o['prefix-dbs'])) {
    die('usage: replay-node.mjs --schema DIR | --data DIR --prefix-dbs DIR2 [--work DIR3]', 2);
  }
  return o;
}

const migrationsCount = (sqlite) =>
  sqlite.prepare(`SELECT count(*) AS n FROM "${TABLE}"`).get().n;

const schemaText = (sqlite) =>
  sqlite.prepare('SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name')
    .all().map((r) => `${r.type}\t${r.name}\t${r.tbl_name}\t${r.sql}`).join('\n');

// Returns null when the database is sound, else what is wrong.
function soundness(sqlite) {
  const ic = sqlite.pragma('integrity_check', { simple: false });
  if (ic.length !== 1 || ic[0].integrity_check !== 'ok') {
    return `integrity_check: ${JSON.stringify(ic.slice(0, 3))}`;
  }
  const fk = sqlite.pragma('foreign_key_check');
  if (fk.length) return `foreign_key_check: ${fk.length} rows, first ${JSON.stringify(fk[0])}`;
  return null;
}

function rowCounts(sqlite) {
  const out = new Map();
  const tables = sqlite.prepare(
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'",
  ).all();
  for (const { name } of tables) {
    out.set(name, sqlite.prepare(`SELECT count(*) AS n FROM "${name.replace(/"/g, '""')}"`).get().n);
  }
  return out;
}

function runSchema(dir) {
  const config = { migrationsFolder: dir };
  const migrations = readMigrationFiles(config);
  const n = migrations.length;
  const failures = [];
  const t0 = process.hrtime.bigint();
  for (let k = 0; k < n; k++) {
    const sqlite = new Database(':memory:');
    try {
      const db = drizzle(sqlite);
      const slice = migrations.slice(0, k + 1);
      db.dialect.migrate(slice, db.session, config);
      const count = migrationsCount(sqlite);
      if (count !== k + 1) throw new Error(`${count} rows in ${TABLE}, expected ${k + 1}`);
      const before = schemaText(sqlite);
      db.dialect.migrate(slice, db.session, config);
      if (migrationsCount(sqlite) !== count || schemaText(sqlite) !== before) {
        throw new Error('applying the same entries again changed the database');
      }
      db.dialect.migrate(migrations, db.session, config);
      const bad = soundness(sqlite);
      if (bad) throw new Error(bad);
    } catch (e) {
      failures.push({ prefix: k, message: String(e && e.message) });
    } finally {
      sqlite.close();
    }
  }
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  return { mode: 'schema', prefixes: n, ms, failures: failures.length, first: failures[0] ?? null };
}

function runData(dir, prefixDir, workDir) {
  const config = { migrationsFolder: dir };
  const n = readMigrationFiles(config).length;
  const tmp = fs.mkdtempSync(path.join(workDir ?? os.tmpdir(), 'replay-node-'));
  const file = path.join(tmp, 'prefix.db');
  const failures = [];
  let changed = 0;
  const t0 = process.hrtime.bigint();
  try {
    for (let k = 0; k < n; k++) {
      fs.copyFileSync(path.join(prefixDir, `prefix-${k}.db`), file);
      const sqlite = new Database(file);
      try {
        const before = rowCounts(sqlite);
        migrate(drizzle(sqlite), config);
        const bad = soundness(sqlite);
        if (bad) throw new Error(bad);
        const after = rowCounts(sqlite);
        for (const [name, rows] of before) {
          if (name !== TABLE && after.has(name) && after.get(name) !== rows) changed++;
        }
        const count = after.get(TABLE);
        if (count !== n) throw new Error(`${count} rows in ${TABLE} after the upgrade, expected ${n}`);
      } catch (e) {
        failures.push({ prefix: k, message: String(e && e.message) });
      } finally {
        sqlite.close();
      }
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  // changed: tables whose row count differs after the upgrade (informative:
  // a migration may delete or insert rows on purpose).
  return { mode: 'data', prefixes: n, ms, failures: failures.length, changed,
    first: failures[0] ?? null };
}

const args = parseArgs(process.argv.slice(2));
let out;
try {
  out = args.schema ? runSchema(args.schema) : runData(args.data, args['prefix-dbs'], args.work);
} catch (e) {
  die(e.message, 2);
}
out.ms = Math.round(out.ms * 10) / 10;
process.stdout.write(JSON.stringify(out) + '\n');
process.exit(out.failures ? 1 : 0);
