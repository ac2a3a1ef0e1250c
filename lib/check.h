/*
** check.h - `cw check`: static verification of a migration folder.
**
** Runs every family of checks over one folder and fills a list of
** findings; it never stops at the first.  The families live in their own
** modules and share this shape:
**   int cw_<family>_check(cw_diags *out, const cw_folder *f,
**                         const cw_check_options *o, cw_error *err);
** returning 0 when the check ran (whatever it found) and a CW_E* code only
** when it could not run at all.
**   journal.c/check.c  J  journal and files        (cw_check_journal)
**   pieces.c           S  breakpoints, in-context   (cw_check_pieces)
**   check.c            S  NUL bytes hiding SQL (S007, on the file text)
**   lock.c             H  immutability lock / base  (cw_lock_check)
**   snapshot.c         N  snapshot chain            (cw_snapshot_check)
**   lint.c             L  risky statements, data-loss evidence (cw_lint_check)
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
} cw_check_options;

#define CW_CHECK_OPTIONS_INIT {0, NULL, NULL, NULL, NULL}

/* Load dir (leniently) into *folder (the caller frees it with
** cw_folder_free, whatever the result) and run every family.  Returns 0
** when the checks ran; CW_ENOTFOUND/CW_EINVAL when the folder cannot be
** checked at all (a J001/J002/J014 finding is in out as well). */
int cw_check_folder(cw_diags *out, cw_folder *folder, const char *dir,
		    const cw_check_options *o, cw_error *err);

int cw_check_journal(cw_diags *out, const cw_folder *f,
		     const cw_check_options *o, cw_error *err);
int cw_check_pieces(cw_diags *out, const cw_folder *f,
		    const cw_check_options *o, cw_error *err);

#endif
