/*
** metrics_db.h - the database side of the agent_metrics backfill: checking
** the contract's two tables (cw_db_open_existing opens it), and the
** bookkeeping table that records each
** backfill run.
**
** The bookkeeping table, written by cw backfill-metrics in the same
** transaction as its upserts:
**
**   CREATE TABLE cw_backfill_runs (
**     id INTEGER PRIMARY KEY,       -- 1, 2, ...
**     kind TEXT NOT NULL,           -- 'agent_metrics'
**     started_at INTEGER NOT NULL,  -- ms since the epoch
**     finished_at INTEGER NOT NULL, -- ms, when the write committed
**     until_ms INTEGER,             -- --until cutoff, or NULL
**     last_created_at INTEGER,      -- created_at of the newest chunk read
**     chunks_read INTEGER NOT NULL, malformed INTEGER NOT NULL,
**     agents INTEGER NOT NULL, questions INTEGER NOT NULL,
**     subagents INTEGER NOT NULL, compactions INTEGER NOT NULL,
**     forced INTEGER NOT NULL,      -- 1 when run with --force
**     cw_version TEXT NOT NULL)
**
** Runs are freed with cw_metrics_runs_free.
*/
#ifndef CW_METRICS_DB_H
#define CW_METRICS_DB_H

#include <sqlite3.h>
#include <stdint.h>
#include "error.h"
#include "metrics_count.h"

#define CW_METRICS_RUNS_TABLE "cw_backfill_runs"

/* Check that agent_log_chunks and agent_metrics exist with the columns
** the backfill reads and writes.  A missing table (B007) is named with
** the migration that creates it when migrations_dir (may be NULL) holds
** one; wrong columns (B008) are named one by one.  Returns 0, CW_EINVAL,
** CW_ESQL or CW_ENOMEM. */
int cw_metrics_db_check(sqlite3 *db, const char *path,
			const char *migrations_dir, cw_error *err);

/* One recorded backfill run. */
typedef struct cw_metrics_run {
	int64_t id;
	int64_t started_at;
	int64_t finished_at;
	int has_until;
	int64_t until_ms;
	int64_t last_created_at;
	uint64_t chunks;
	uint64_t malformed;
	uint64_t agents;
	uint64_t n[CW_METRIC_N];
	int forced;
	char cw_version[32];
} cw_metrics_run;

/* The recorded runs, oldest first (none when the table does not exist).
** Returns 0, CW_ESQL or CW_ENOMEM. */
int cw_metrics_runs_read(cw_metrics_run **out, size_t *n_out, sqlite3 *db,
			 cw_error *err);

/* Create the bookkeeping table if needed and record run (its id is set).
** Inside the caller's transaction.  Returns 0 or CW_ESQL. */
int cw_metrics_run_record(cw_metrics_run *run, sqlite3 *db, cw_error *err);

/* "run 1 at 2025-01-01 10:00:00 UTC (until 1735689600000): 40 chunks,
** 2 questions, 6 subagents, 1 compaction" into buf. */
void cw_metrics_run_describe(char *buf, size_t n, const cw_metrics_run *r);

/* Rows of agent_metrics.  Returns 0 or CW_ESQL; *out is the count. */
int cw_metrics_db_rows(int64_t *out, sqlite3 *db, cw_error *err);

void cw_metrics_runs_free(cw_metrics_run *runs);

#endif
