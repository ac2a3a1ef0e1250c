/*
** check.h - `cw check`: static verification of a migration folder.
**
** Loads the folder leniently, runs every family of checks over it and
** fills a list of findings; it never stops at the first.  The families
** live in their own modules and share one signature,
**   int <name>(cw_diags *out, const cw_folder *f,
**              const cw_check_options *o, cw_error *err);
** returning 0 when the check ran (whatever it found) and a CW_E* code only
** when it could not run at all.  In the order cw_check_folder runs them:
**   journal.c, folder.c  J001-J003, J009, J011, J014 and S006 while the
**                        folder loads (cw_folder_load)
**   check.c    J  the journal's entries and files    (cw_check_journal)
**   check.c    S  S007: a NUL byte hiding the rest of a piece, on the
**                 file text
**   pieces.c   S  S003/S004 on the file text; S001, S002, S005, S008 by
**                 applying the folder with the engine (migrate.h) on a
**                 scratch file database, keeping going after a failure;
**                 the engine's own findings (R007, R008) pass through
**                                                     (cw_check_pieces)
**   snapshot.c N  snapshot chain                     (cw_snapshot_check)
**   lock.c     H  immutability lock / base           (cw_lock_check)
**   lint.c     L  risky statements, the data-loss probe's verdicts and
**                 its R007                           (cw_lint_check)
**   schema_drift.c N007: schema.ts (exported SQL) against the head
**                 schema, with --schema-sql      (cw_schema_drift_check)
*/
#ifndef CW_CHECK_H
#define CW_CHECK_H

#include "diag.h"
#include "error.h"
#include "folder.h"

#define CW_LOCK_FILE "cw.lock"

typedef struct cw_check_options {
	double now_ms;          /* "now" for J008; 0 = take the clock */
	const char *lock_path;  /* NULL = <dir>/meta/cw.lock if present */
	const char *base_rev;   /* --base GIT_REV, or NULL */
	const char *table;      /* migrations table name, NULL = drizzle's */
	const struct cw_profile *profile; /* how the app migrates; NULL =
					  ** the stock migrator */
	const char *schema_sql; /* `drizzle-kit export --sql` output to
				** compare the head schema with, or NULL */
} cw_check_options;

#define CW_CHECK_OPTIONS_INIT {0, NULL, NULL, NULL, NULL, NULL}

/* Load dir (leniently) into *folder (the caller frees it with
** cw_folder_free, whatever the result) and run every family.  Returns 0
** when the checks ran; CW_ENOTFOUND/CW_EINVAL when the folder cannot be
** checked at all (a J001/J002/J014 finding is in out as well). */
int cw_check_folder(cw_diags *out, cw_folder *folder, const char *dir,
		    const cw_check_options *o, cw_error *err);

/* J findings about the loaded journal and folder: dialect, idx, tags,
** when, and .sql files the journal does not list. */
int cw_check_journal(cw_diags *out, const cw_folder *f,
		     const cw_check_options *o, cw_error *err);

/* S findings: breakpoint markers on the file text, then every piece as
** the migrator runs it (see the table above). */
int cw_check_pieces(cw_diags *out, const cw_folder *f,
		    const cw_check_options *o, cw_error *err);

#endif
