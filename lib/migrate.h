/*
** migrate.h - the reference migrator: drizzle-orm 0.45.4's better-sqlite3
** migrate(), statement for statement (spec/drizzle-semantics.md section 2).
**
** 1. CREATE TABLE IF NOT EXISTS "<table>" (...) in autocommit, with
**    drizzle's exact text, so the table survives a failed run;
** 2. read the newest applied created_at (the high-water mark);
** 3. BEGIN; each entry in journal order is pending iff the table was empty
**    or high-water < when (JS Number semantics); each piece is prepared
**    under the one-statement rule and stepped once; then
**    INSERT ("hash","created_at") VALUES(?,?) binding when as a double;
** 4. COMMIT, or ROLLBACK and report the failure.
**
** Sequence CW_SEQ_DRIZZLE is drizzle's exactly (read, then a deferred
** BEGIN).  CW_SEQ_LOCKED, the default, issues BEGIN IMMEDIATE and reads the
** high-water mark inside the transaction, so concurrent migrators serialise
** on the write lock and none applies a migration twice; the rows and schema
** it produces are the same.  Entries drizzle skips silently because their
** `when` is not above the high-water mark are still skipped, and reported.
*/
#ifndef CW_MIGRATE_H
#define CW_MIGRATE_H

#include <sqlite3.h>
#include <stddef.h>
#include "diag.h"
#include "error.h"
#include "folder.h"
#include "jsnumber.h"
#include "stmtrule.h"

#define CW_MIGRATIONS_TABLE "__drizzle_migrations"

typedef enum cw_sequence {
	CW_SEQ_LOCKED = 0,
	CW_SEQ_DRIZZLE = 1
} cw_sequence;

typedef struct cw_migrate_options {
	const char *table;     /* migrations table, drizzle's name if NULL */
	cw_rule rule;          /* one-statement rule */
	cw_sequence sequence;
	int busy_timeout_ms;   /* for cw_migrate_path */
	int dry_run;           /* cw_migrate_path: work on an in-memory copy */
} cw_migrate_options;

#define CW_MIGRATE_OPTIONS_INIT \
	{NULL, CW_RULE_CURRENT, CW_SEQ_LOCKED, 60000, 0}

typedef enum cw_mig_status {
	CW_MIG_NOT_RUN = 0,     /* the batch failed before or at it */
	CW_MIG_APPLIED,         /* applied by this run */
	CW_MIG_WOULD_APPLY,     /* dry run: would be applied */
	CW_MIG_ALREADY_APPLIED, /* when <= high-water, found in the table */
	CW_MIG_SKIPPED          /* when <= high-water, never applied: drizzle
				** will skip it forever */
} cw_mig_status;

typedef struct cw_migrate_entry {
	const cw_migration *migration;
	cw_mig_status status;
} cw_migrate_entry;

typedef struct cw_migrate_failure {
	int has_failure;
	size_t entry;          /* journal position, or (size_t)-1 when the
			       ** migrator's own statement failed */
	size_t piece;          /* 1-based; 0 for the migrator's own statement */
	int line;              /* first line of the piece in its file */
	char message[512];     /* driver-equivalent message */
	char *sql;             /* the failing statement's text */
	int rollback_failed;   /* ROLLBACK found no transaction to undo */
} cw_migrate_failure;

typedef struct cw_migrate_result {
	cw_migrate_entry *entries;  /* parallel to the folder's migrations */
	size_t n_entries;
	int has_high_water;
	double high_water;          /* Number(created_at) of the newest row */
	size_t n_applied, n_already, n_skipped;
	int transaction_ended;      /* a migration ended the batch's
				    ** transaction (COMMIT/ROLLBACK inside) */
	size_t ended_by;            /* journal position of that migration */
	cw_migrate_failure failure;
	cw_diags diags;             /* R001 skipped, R003 transaction ended */
} cw_migrate_result;

/* Run the migrator on an open connection (configured with cw_db_configure).
** Returns 0 on success, CW_ESQL when a migration (or COMMIT) failed with
** out->failure filled, CW_EBUSY when the lock could not be taken, or
** another CW_E* code.  Free out with cw_migrate_result_free. */
int cw_migrate_db(cw_migrate_result *out, sqlite3 *db, const cw_folder *f,
		  const cw_migrate_options *opts, cw_error *err);

/* Open db_path (or, for a dry run, an in-memory copy of it, leaving the
** file untouched and uncreated), run cw_migrate_db and close. */
int cw_migrate_path(cw_migrate_result *out, const char *db_path,
		    const cw_folder *f, const cw_migrate_options *opts,
		    cw_error *err);

void cw_migrate_result_free(cw_migrate_result *r);

/* "applied", "already-applied", "skipped", "would-apply" or "not-run". */
const char *cw_mig_status_name(cw_mig_status s);

#endif
