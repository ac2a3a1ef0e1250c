// Runs the real drizzle-orm better-sqlite3 migrator on one database and
// reports, as one JSON object, whether it succeeded and which statement failed.
//
//   node drizzle-migrate.mjs --db FILE --migrations DIR [--table NAME]
//
// Output: {"ok", "stage", "message", "sql", "outer"}
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
// Exits 0 in both cases; the JSON says what happened.

import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { fileURLToPath } from 'node:url';

// Wraps a better-sqlite3 Statement so that an error thrown while executing it
// is recorded (prepare() errors are caught in instrument() below).
function wrapStatement(stmt, source, record) {
  for (const name of ['run', 'get', 'all', 'iterate']) {
    const orig = stmt[name];
    stmt[name] = function (...args) {
      try {
        return orig.apply(stmt, args);
      } catch (e) {
        record(source, e);
        throw e;
      }
    };
  }
  return stmt;
}

// Replaces the instance's prepare() so every statement drizzle runs is
// logged and the first failure (prepare or execution) is kept.
function instrument(sqlite) {
  const state = { first: null, count: 0 };
  const record = (source, e) => {
    if (state.first === null) {
      state.first = { sql: source, message: String(e && e.message) };
    }
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
    return wrapStatement(stmt, source, record);
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
    return { ok: true, stage: null, message: null, sql: null, outer: null };
  } catch (e) {
    const outer = String(e && e.message);
    if (state.first === null) {
      // Nothing reached SQLite: readMigrationFiles() threw.
      return { ok: false, stage: state.count === 0 ? 'read' : 'apply',
        message: outer, sql: null, outer };
    }
    return { ok: false, stage: 'apply', message: state.first.message,
      sql: state.first.sql, outer };
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
