/*
** backfill.h - the agent_metrics backfill, exactly once (DESIGN.md, "the
** backfill contract"; spec/migrations-doc.txt, "agent_metrics backfill").
**
** A run reads every chunk first, with no write lock (metrics_read.h), then
** writes in ONE transaction (BEGIN IMMEDIATE): the additive upsert of
** every agent's counts, as the live write path does it, and a row in the
** bookkeeping table (metrics_db.h).  Killed at any moment, agent_metrics
** is either untouched or completely backfilled.  Before reading, and
** again inside the write transaction (another run may have finished
** meanwhile), a run is refused (CW_EINVAL, database unchanged):
**   B005  a run is recorded already (unless force);
**   B006  agent_metrics has rows but no run is recorded (unless force or
**         an --until cutoff, which says the live path counts the rest).
** A dry run opens the database read-only, refuses nothing, writes
** nothing.  The result owns its tally; cw_backfill_result_free frees it.
*/
#ifndef CW_BACKFILL_H
#define CW_BACKFILL_H

#include <stdint.h>
#include "error.h"
#include "metrics_db.h"
#include "metrics_read.h"

typedef struct cw_backfill_options {
	int batch_size;       /* rows per keyset query (CW_METRICS_BATCH) */
	int busy_timeout_ms;  /* waiting for locks */
	int has_until;        /* count only chunks created before until_ms */
	int64_t until_ms;
	int force;            /* run despite B005 / B006 */
	int dry_run;          /* read-only: count, write nothing */
	int flags;            /* CW_METRICS_* (CW_METRICS_PROFILE) */
	const char *migrations_dir;  /* names the migration of a missing
				     ** table (B007), or NULL */
	const char *cw_version;      /* recorded with the run */
	void (*progress)(void *ctx, uint64_t done, uint64_t total);
	void *progress_ctx;
} cw_backfill_options;

#define CW_BACKFILL_OPTIONS_INIT {CW_METRICS_BATCH, 60000, 0, 0, 0, 0, 0, \
				  NULL, "", NULL, NULL}

typedef struct cw_backfill_result {
	cw_metrics_tally tally;  /* per agent, sorted by agent_id */
	cw_metrics_run run;      /* what was recorded (a dry run: would be) */
	int written;             /* 1 once committed */
	size_t n_earlier;        /* runs recorded before this one */
	uint64_t write_ns;       /* the write transaction */
	uint64_t total_ns;       /* the whole run */
} cw_backfill_result;

/* Backfill the database at path.  Returns 0; CW_EINVAL when refused (B005,
** B006), when a table is missing or wrong (B007, B008) or the file is no
** database (R005); CW_ENOTFOUND (no file: R005); CW_EBUSY (R004);
** CW_ESQL; CW_ENOMEM.  On failure nothing was written. */
int cw_backfill_run(cw_backfill_result *out, const char *path,
		    const cw_backfill_options *o, cw_error *err);

void cw_backfill_result_free(cw_backfill_result *r);

#endif
