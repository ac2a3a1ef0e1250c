/*
** migrate.h - the one engine: drizzle-orm 0.45.4's better-sqlite3
** migrate(), statement for statement (spec/drizzle-semantics.md section 2),
** with hooks.  Every command that applies migrations calls it: cw migrate,
** check's statement and evidence passes, and replay and audit to come.
**
** 0. the migrator profile (profile.h) is applied to the connection
**    (foreign keys as the app sets them, stand-ins for its SQL functions)
**    and names the table unless the options do;
** 1. CREATE TABLE IF NOT EXISTS "<table>" (...) in autocommit, with
**    drizzle's exact text, so the table survives a failed run;
** 2. read the newest applied created_at (the high-water mark) and decide
**    every entry (plan.h);
** 3. BEGIN; each pending entry in journal order: each piece prepared under
**    better-sqlite3's one-statement rule, refused if it has parameters
**    (run() binds none), and stepped once; then
**    INSERT ("hash","created_at") VALUES(?,?) binding when as a double;
** 4. COMMIT (deferred foreign-key violations fail here), or ROLLBACK.
**
** Transaction control inside a migration runs for real, as under drizzle:
** a COMMIT ends the batch's transaction (what came before is permanent),
** a PRAGMA then runs outside any transaction and takes effect, a BEGIN
** opens a new one that the final COMMIT closes.  The engine follows the
** transaction state across pieces and records each change (txn events), so
** a later failure is reported with what stayed committed.
**
** Sequence CW_SEQ_DRIZZLE is drizzle's exactly (read, then a deferred
** BEGIN).  CW_SEQ_LOCKED, the default, issues BEGIN IMMEDIATE and reads the
** high-water mark inside the transaction, so concurrent migrators serialise
** on the write lock and none applies a migration twice; the rows and schema
** it produces are the same.
**
** Hooks run before and after each migration and piece, on the engine's
** connection.  before_migration may answer CW_HOOK_TRIAL: the migration is
** then run once inside a savepoint (hooks see is_trial = 1), rolled back,
** and run again for real; callers fill rows, count and measure in the
** trial without leaving a trace.  In a trial, transaction control is
** followed, not executed (a COMMIT would make the trial permanent):
** BEGIN, COMMIT and ROLLBACK change a virtual transaction state, and a
** PRAGMA foreign_keys outside it takes effect through the connection's
** flag, which the engine restores afterwards; a piece that still ends the
** trial's savepoint is refused as an error of the caller.  CW_HOOK_STOP
** ends the run before the migration (what was applied is committed).  A
** negative answer is an error: the engine rolls back and returns a
** negative code (the hook's, or the one it set in err).
**
** Failures are data: a statement that fails is a cw_migrate_failure in
** the result (where, what better-sqlite3 or SQLite said).  With keep_going
** (check), a failed piece is recorded and the run goes on with the next
** one, like a compiler; later failures are marked as possibly following
** from it, and an entry whose file could not be read is passed over.
** Findings the run makes on its own go to the result's diags: R001 for an
** entry drizzle will skip forever, R007 for rows a migration leaves
** pointing at nothing when the profile turns foreign keys off, R008 for a
** journal_mode change SQLite ignores inside the transaction.
** cw_migrate_diags turns a result into the diagnostics every command
** prints the same way.
*/
#ifndef CW_MIGRATE_H
#define CW_MIGRATE_H

#include <sqlite3.h>
#include <stddef.h>
#include "diag.h"
#include "error.h"
#include "folder.h"
#include "jsnumber.h"
#include "plan.h"
#include "profile.h"
#include "stmtrule.h"

typedef enum cw_sequence {
	CW_SEQ_LOCKED = 0,
	CW_SEQ_DRIZZLE = 1
} cw_sequence;

enum {
	CW_HOOK_CONTINUE = 0,
	CW_HOOK_TRIAL = 1,    /* before_migration: try it first */
	CW_HOOK_STOP = 2,     /* before_migration: end the run here */
	CW_HOOK_TRIAL_KEEP = 3 /* before_migration: try it first, and keep
				** the trial when it passed without meeting
				** transaction control or a journal_mode
				** PRAGMA (running it again would do the same
				** work for nothing); hooks then see the
				** migration end with is_trial = 0 but no
				** pieces of its own */
};

/* Where a statement of the migrator's own is recorded as failing. */
#define CW_MIGRATE_OWN ((size_t)-1)

typedef struct cw_piece_outcome {
	cw_verdict verdict;     /* CW_PIECE_OK when it ran */
	int sqlite_rc;          /* extended result code of the failure */
	const char *message;    /* why it failed, "" when it ran */
	int in_txn_before;      /* a transaction was open before it */
	int in_txn_after;       /* ... and after it */
} cw_piece_outcome;

typedef struct cw_migrate_hooks {
	void *ctx;
	int (*before_migration)(void *ctx, sqlite3 *db, size_t k,
				int is_trial, cw_error *err);
	int (*before_piece)(void *ctx, sqlite3 *db, size_t k, size_t p,
			    int is_trial, cw_error *err);
	int (*after_piece)(void *ctx, sqlite3 *db, size_t k, size_t p,
			   int is_trial, const cw_piece_outcome *o,
			   cw_error *err);
	/* failed: a piece of it failed (keep_going or trial) */
	int (*after_migration)(void *ctx, sqlite3 *db, size_t k,
			       int is_trial, int failed, cw_error *err);
	/* After a trial was rolled back, before the migration runs for
	** real: a caller may change the data it runs on (optional). */
	int (*after_trial)(void *ctx, sqlite3 *db, size_t k, int failed,
			   cw_error *err);
} cw_migrate_hooks;

typedef struct cw_migrate_options {
	const char *table;     /* migrations table; profile's, else drizzle's */
	cw_rule rule;          /* one-statement rule */
	cw_sequence sequence;
	int busy_timeout_ms;   /* cw_migrate_path, opening the file itself */
	int dry_run;           /* cw_migrate_path: work on a scratch file
			       ** copy; the database is not touched */
	int keep_going;        /* record a failed piece and go on */
	const cw_profile *profile;      /* NULL: the stock migrator */
	const cw_migrate_hooks *hooks;  /* NULL: none */
} cw_migrate_options;

#define CW_MIGRATE_OPTIONS_INIT \
	{NULL, CW_RULE_CURRENT, CW_SEQ_LOCKED, 60000, 0, 0, NULL, NULL}

typedef struct cw_migrate_entry {
	const cw_migration *migration;
	cw_mig_status status;
	cw_hash_variant matched;  /* ALREADY_APPLIED: the hash that matched */
} cw_migrate_entry;

typedef struct cw_migrate_failure {
	int has_failure;
	size_t entry;          /* journal position, or CW_MIGRATE_OWN */
	size_t piece;          /* 1-based; 0 for the migrator's own statement */
	int line;              /* first line of the piece in its file */
	cw_verdict verdict;    /* why: rule, parameters or SQLite */
	size_t second_offset;  /* CW_PIECE_MULTIPLE: in the piece */
	int sqlite_rc;
	char message[512];     /* better-sqlite3's or SQLite's message */
	char *sql;             /* the failing statement's text */
	size_t sql_len;        /* its length: it may hold a NUL byte */
	int after_failure;     /* keep_going: an earlier piece had failed,
			       ** so this may be a consequence */
} cw_migrate_failure;

/* The batch's transaction changed state at a piece. */
typedef struct cw_txn_event {
	size_t entry, piece;   /* 0-based piece */
	int line;
	int began;             /* 1: a transaction opened; 0: it ended */
	int rolled_back;       /* ended by ROLLBACK or by a failing statement:
			       ** nothing since it began was kept */
} cw_txn_event;

typedef struct cw_migrate_result {
	cw_migrate_entry *entries;  /* parallel to the folder's migrations */
	size_t n_entries;
	cw_plan plan;               /* the decision the run followed */
	int has_high_water;
	double high_water;          /* Number(created_at) of the newest row */
	size_t n_applied, n_already, n_skipped;
	int transaction_ended;      /* a migration ended the batch's
				    ** transaction (COMMIT/ROLLBACK inside) */
	size_t ended_by;            /* journal position of the first */
	cw_txn_event *txn;          /* every change of transaction state */
	size_t n_txn;
	cw_migrate_failure failure; /* the first failure: drizzle's error */
	cw_migrate_failure *more;   /* keep_going: every later one */
	size_t n_more;
	int rollback_failed;        /* ROLLBACK found no transaction */
	int stopped;                /* a hook ended the run early */
	size_t n_unrunnable;        /* keep_going: entries whose file could
				    ** not be read, passed over */
	char profile[512];          /* cw_profile_describe of the run */
	cw_diags diags;             /* R001 skipped, R007 dangling keys,
				    ** R008 journal_mode ignored */
} cw_migrate_result;

/* Run the migrator on an open connection (configured with cw_db_configure).
** Returns 0 on success, CW_ESQL when a migration (or COMMIT) failed with
** out->failure filled, CW_EBUSY when the lock could not be taken, or
** another CW_E* code (also one a hook returned).  With keep_going, failed
** pieces do not fail the run: they are in out->failure and out->more.
** Free out with cw_migrate_result_free. */
int cw_migrate_db(cw_migrate_result *out, sqlite3 *db, const cw_folder *f,
		  const cw_migrate_options *opts, cw_error *err);

/* Open db_path (or, for a dry run, a scratch file copy of it, leaving the
** file untouched and uncreated), run cw_migrate_db and close.  An empty
** path and ":memory:" are refused (the result would vanish). */
int cw_migrate_path(cw_migrate_result *out, const char *db_path,
		    const cw_folder *f, const cw_migrate_options *opts,
		    cw_error *err);

/* Why cw itself stopped a statement of a confined run (db.h), as a
** parenthesised clause to append to its message: a file it would write
** (SQLITE_AUTH, L013) or its time limit (SQLITE_INTERRUPT, watchdog.h);
** "" for a failure of the statement's own. */
const char *cw_migrate_refusal(const cw_migrate_failure *fl);

/* The findings of a run as every command reports them: R001 for each
** skipped entry, R002 for the failure (naming migration, piece, line and
** message, or the migrator's own statement), R003 when a COMMIT inside
** the batch made earlier work permanent before that failure (naming what
** stayed), R004/R005 and the like from err when rc is another error.
** db names the database in findings about it. */
int cw_migrate_diags(cw_diags *out, const cw_migrate_result *r,
		     const cw_folder *f, int rc, const cw_error *err,
		     const char *db);

void cw_migrate_result_free(cw_migrate_result *r);

/* The migrations table a run uses: table when given, else the profile's,
** else drizzle's. */
const char *cw_migrate_table_name(const char *table, const cw_profile *p);

#endif
