/*
** verify_metrics.h - cw verify-metrics: recount agent_log_chunks and
** compare with agent_metrics, per agent and counter, read-only.
**
** The recount covers every chunk: what a backfill counted (chunks before
** its cutoff: the recorded --until, else the newest chunk it read) plus
** what the live write path counts after it.  Findings, one per agent:
**   B001  no row, though the chunks hold events;
**   B002  a row with counts, though the agent has no chunk;
**   B003  every counter is the recount plus the backfilled part again
**         (the backfill ran twice);
**   B004  any other difference, with both values.
** A row of zeros for an agent without chunks, and no row for an agent
** whose chunks hold nothing, are exact.  The result owns its tally.
*/
#ifndef CW_VERIFY_METRICS_H
#define CW_VERIFY_METRICS_H

#include <sqlite3.h>
#include <stdint.h>
#include "diag.h"
#include "error.h"
#include "metrics_db.h"
#include "metrics_read.h"

typedef struct cw_verify_options {
	int batch_size;
	int busy_timeout_ms;
	const char *migrations_dir;   /* names a missing table's migration */
	void (*progress)(void *ctx, uint64_t done, uint64_t total);
	void *progress_ctx;
} cw_verify_options;

#define CW_VERIFY_OPTIONS_INIT {CW_METRICS_BATCH, 60000, NULL, NULL, NULL}

typedef struct cw_verify_result {
	cw_metrics_tally tally;   /* the recount, sorted by agent_id */
	size_t n_rows;            /* agent_metrics rows */
	size_t n_agents;          /* agents compared (chunks or rows) */
	size_t n_exact;
	size_t n_missing, n_extra, n_doubled, n_differ;
	size_t n_runs;            /* backfill runs recorded */
	cw_metrics_run last_run;  /* the newest, when n_runs > 0 */
	int has_split;            /* a run's cutoff splits the recount */
	int64_t split_ms;
	uint64_t total_ns;
} cw_verify_result;

/* Verify the database at path; findings go to d (file: path).  Returns 0
** (whatever was found), or as cw_backfill_run does when the database
** cannot be read (R004, R005, B007, B008, CW_ESQL, CW_ENOMEM). */
int cw_verify_metrics(cw_verify_result *out, cw_diags *d, const char *path,
		      const cw_verify_options *o, cw_error *err);

/* The same on a connection the caller opened (read-only is enough; cw
** audit's defended one); path names the database in findings. */
int cw_verify_metrics_db(cw_verify_result *out, cw_diags *d, sqlite3 *db,
			 const char *path, const cw_verify_options *o,
			 cw_error *err);

void cw_verify_result_free(cw_verify_result *r);

#endif
