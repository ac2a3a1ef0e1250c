// Runs the real drizzle-orm better-sqlite3 migrator on one database and
// reports, as one JSON object, whether it succeeded and which statement failed.
//
//   node drizzle-migrate.mjs --db FILE --migrations DIR [--table NAME]
//
// Output: {"ok", "stage", "message", "sql", "outer", "recorded"}
//   ok       true when migrate() returned normally
//   stage    "read" when drizzle failed before running any SQL (missing
//            journal, missing .sql file, bad JSON), "apply" otherwise, null on
//            success
//   message  the driver's message for the FIRST statement that threw (e.g.
//            "no such table: x"); for a read failure, the thrown message
//   sql      that statement's text verbatim, or null
//   outer    the message of the error migrate() finally threw; it differs from
//            `message` when drizzle's own ROLLBACK also fails (a migration
//            that ran COMMIT and then failed) and masks the real cause
//   recorded the hashes drizzle's own INSERT wrote into the migrations table
//            during this run and that were committed, in order (a migration
//            that edits or deletes rows of that table does not change it)
// Exits 0 in both cases; the JSON says what happened.

import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { fileURLToPath } from 'node:url';

// drizzle's own bookkeeping INSERT (any table name, quoted as drizzle quotes it).
const DRIZZLE_INSERT =
  /^INSERT INTO "(?:[^"]|"")*" \("hash", "created_at"\) VALUES\(\?, \?\)$/;

// Wraps a better-sqlite3 Statement so that an error thrown while executing it
// is recorded (prepare() errors are caught in instrument() below) and every
// execution is reported to settle().
function wrapStatement(stmt, source, record, settle) {
  for (const name of ['run', 'get', 'all', 'iterate']) {
    const orig = stmt[name];
    stmt[name] = function (...args) {
      let out;
      try {
        out = orig.apply(stmt, args);
      } catch (e) {
        record(source, e);
        settle(source, null, true);
        throw e;
      }
      settle(source, args, false);
      return out;
    };
  }
  return stmt;
}

// Replaces the instance's prepare() so every statement drizzle runs is
// logged and the first failure (prepare or execution) is kept.
// Also keeps the hashes drizzle's INSERT wrote: pending while a transaction
// is open, recorded once the connection is out of it by anything but a
// rollback (drizzle's COMMIT, a COMMIT inside a migration, or autocommit).
function instrument(sqlite) {
  const state = { first: null, count: 0, pending: [], recorded: [] };
  const record = (source, e) => {
    if (state.first === null) {
      state.first = { sql: source, message: String(e && e.message) };
    }
  };
  const settle = (source, args, failed) => {
    if (!failed && DRIZZLE_INSERT.test(source) && args.length === 2) {
      state.pending.push(String(args[0]));
    }
    if (sqlite.inTransaction) return;
    if (!failed && !/^\s*ROLLBACK\b/i.test(source)) {
      state.recorded.push(...state.pending);
    }
    state.pending = [];
  };
  const origPrepare = sqlite.prepare;
  sqlite.prepare = function (source) {
    state.count++;
    let stmt;
    try {
      stmt = origPrepare.call(sqlite, source);
    } catch (e) {
      record(source, e);
      throw e;
    }
    return wrapStatement(stmt, source, record, settle);
  };
  return state;
}

// Runs drizzle's migrate() on dbFile with the given folder and optional
// table name. Never throws for a migration failure; returns the report.
export function runDrizzleMigrate({ db: dbFile, migrations, table }) {
  const sqlite = new Database(dbFile);
  const state = instrument(sqlite);
  const config = { migrationsFolder: migrations };
  if (table !== undefined && table !== null) config.migrationsTable = table;
  try {
    migrate(drizzle(sqlite), config);
    return { ok: true, stage: null, message: null, sql: null, outer: null,
      recorded: state.recorded };
  } catch (e) {
    const outer = String(e && e.message);
    if (state.first === null) {
      // Nothing reached SQLite: readMigrationFiles() threw.
      return { ok: false, stage: state.count === 0 ? 'read' : 'apply',
        message: outer, sql: null, outer, recorded: state.recorded };
    }
    return { ok: false, stage: 'apply', message: state.first.message,
      sql: state.first.sql, outer, recorded: state.recorded };
  } finally {
    sqlite.close();
  }
}

function parseArgs(argv) {
  const out = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--db' || a === '--migrations' || a === '--table') {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
      out[a.slice(2)] = argv[++i];
    } else {
      throw new Error(`unknown argument: ${a}`);
    }
  }
  if (!out.db || !out.migrations) {
    throw new Error('usage: drizzle-migrate.mjs --db FILE --migrations DIR [--table NAME]');
  }
  return out;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  let args;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`drizzle-migrate: ${e.message}\n`);
    process.exit(2);
  }
  process.stdout.write(JSON.stringify(runDrizzleMigrate(args)) + '\n');
}
