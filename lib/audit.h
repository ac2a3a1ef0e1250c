/*
** audit.h - cw audit: where a copy of a production database stands
** against a migrations folder, and what the next deploy will do to it,
** without changing a byte of the copy (dbread.h).
**
** The parts, each a caller of the shared pieces, never a second copy:
**   applied rows (audit.c): the plan (plan.h) matches each row of the
**     migrations table to an entry by hash, any variant, and by `when`;
**     findings A001 (applied from other line endings), A002 (edited
**     after it was applied), A003 (a row no entry knows), A004 (an entry
**     drizzle will never apply), A005 (pending), A012 (pending again: an
**     applied entry whose `when` was raised);
**   the next deploy (audit_deploy.c): the pending entries run by the
**     engine (migrate.h, drizzle's exact sequence, foreign keys ON) on a
**     private scratch file copy; A006 when it fails (where, what SQLite
**     said), A007 rows each table loses (cascades included), A008 values
**     that change (rowdiff.h: digests first, rows copied only when they
**     differ);
**   drift (audit_drift.c): the live schema against the one replaying
**     exactly the applied entries on an empty database gives (schema.h);
**     A009 per difference;
**   health (audit.c): integrity_check or quick_check (A010), the
**     foreign_key_check (A011), and where agent_metrics exists the
**     verify-metrics recount (its B findings).
** The verdict: WILL FAIL when the deploy fails, NEEDS ATTENTION when any
** warning or error was found, SAFE TO DEPLOY otherwise.
*/
#ifndef CW_AUDIT_H
#define CW_AUDIT_H

#include <stddef.h>
#include "diag.h"
#include "error.h"
#include "folder.h"
#include "plan.h"
#include "profile.h"

typedef enum cw_audit_verdict {
	CW_AUDIT_SAFE = 0,
	CW_AUDIT_ATTENTION,
	CW_AUDIT_WILL_FAIL
} cw_audit_verdict;

typedef struct cw_audit_options {
	const char *table;          /* migrations table; NULL: drizzle's */
	int quick;                  /* quick_check, not integrity_check */
	const cw_profile *profile;  /* NULL: the stock migrator */
	int busy_timeout_ms;
	/* Progress of long work: "integrity_check", "copying", ... */
	void (*progress)(void *ctx, const char *step);
	void *progress_ctx;
} cw_audit_options;

#define CW_AUDIT_OPTIONS_INIT {NULL, 0, NULL, 60000, NULL, NULL}

/* What the next deploy does to one table. */
typedef struct cw_audit_table {
	char *name;
	long long before, after;    /* rows; after -1: the table is gone */
	long long lost;             /* rows of before no longer there */
	long long changed;          /* values changed in surviving columns */
} cw_audit_table;

typedef struct cw_audit_result {
	cw_audit_verdict verdict;
	int read_copy;              /* read from a private copy (dbread.h) */
	int is_wal;
	long long wal_bytes;
	cw_plan plan;               /* the migrations table against f */
	size_t n_unknown;           /* rows no entry matches */
	size_t n_pending, n_skipped, n_applied;
	int deploy_ran;             /* the pending entries were tried */
	int deploy_failed;
	char deploy_failure[768];   /* "0005_x.sql:3: message" */
	cw_audit_table *tables;     /* tables the deploy changes */
	size_t n_tables;
	size_t n_drift;             /* schema differences */
	int integrity_ok;
	long long fk_violations;
	int has_metrics;            /* the recount ran */
	size_t metrics_agents, metrics_exact;
} cw_audit_result;

/* Audit the database at path against f (loaded, complete).  Findings go
** to d, about path or the migration files.  Returns 0 whatever was found;
** a negative CW_E* code when the database cannot be read (err says why;
** R004/R005 as cw migrate reports them).  Free out with
** cw_audit_result_free. */
int cw_audit_run(cw_audit_result *out, cw_diags *d, const char *path,
		 const cw_folder *f, const cw_audit_options *o,
		 cw_error *err);

void cw_audit_result_free(cw_audit_result *r);

/* "SAFE TO DEPLOY", "NEEDS ATTENTION" or "WILL FAIL". */
const char *cw_audit_verdict_name(cw_audit_verdict v);

#endif
