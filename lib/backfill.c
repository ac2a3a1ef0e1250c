/*
** backfill.c - cw backfill-metrics: check, refuse, read, then one write
** transaction (backfill.h).
**
** The doc's script upserts after every batch, so a run killed halfway
** leaves part of the counts behind and a rerun counts that part twice.
** Here the read holds no lock and writes nothing; the single transaction
** at the end is what SQLite makes atomic, journal or WAL alike.
*/
#include "backfill.h"
#include "codes.h"
#include "db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

static int64_t now_ms(void)
{
	struct timeval tv;

	gettimeofday(&tv, NULL);
	return (int64_t)tv.tv_sec * 1000 + tv.tv_usec / 1000;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* B005 / B006, given what the database holds now. */
static int refuse(sqlite3 *db, const char *path,
		  const cw_backfill_options *o, size_t *n_runs, cw_error *err)
{
	cw_metrics_run *runs = NULL;
	char what[400];
	int64_t rows = 0;
	int rc = cw_metrics_runs_read(&runs, n_runs, db, err);

	if (rc == 0 && *n_runs > 0 && !o->force) {
		cw_metrics_run_describe(what, sizeof(what),
					&runs[*n_runs - 1]);
		rc = cw_error_set(err, CW_EINVAL, CW_B005, path, 0,
				  "%s: agent_metrics was backfilled already "
				  "(%s%s); a second run would add every count "
				  "again: check it with cw verify-metrics, or "
				  "give --force", path, what,
				  *n_runs > 1 ? ", the last of several" : "");
	}
	if (rc == 0 && *n_runs == 0 && !o->force && !o->has_until)
		rc = cw_metrics_db_rows(&rows, db, err);
	if (rc == 0 && rows > 0)
		rc = cw_error_set(err, CW_EINVAL, CW_B006, path, 0,
				  "%s: agent_metrics already has %lld rows but"
				  " no backfill is recorded. If the live write "
				  "path has counted chunks since the deploy, "
				  "run with --until MS (the deploy time in ms):"
				  " only chunks created before it are counted, "
				  "which is exactly right when the live path "
				  "counts everything after it. If another tool "
				  "backfilled already, do not run again. "
				  "--force adds the counts anyway", path,
				  (long long)rows);
	cw_metrics_runs_free(runs);
	return rc;
}

static int exec(sqlite3 *db, const char *sql, const char *path,
		cw_error *err)
{
	int rc = sqlite3_exec(db, sql, NULL, NULL, NULL);

	if (rc == SQLITE_OK)
		return 0;
	if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED)
		return cw_error_set(err, CW_EBUSY, CW_R004, path, 0,
				    "%s: locked by another process past the "
				    "busy timeout (SQLite: %s)", path,
				    sqlite3_errmsg(db));
	return cw_error_set(err, CW_ESQL, NULL, path, 0, "%s: %s: %s", path,
			    sql, sqlite3_errmsg(db));
}

/* The additive upsert of every agent (the live write path's). */
static int upsert_all(sqlite3 *db, const cw_metrics_tally *t,
		      int64_t updated_at, const char *path, cw_error *err)
{
	sqlite3_stmt *st = NULL;
	size_t i;
	int rc = sqlite3_prepare_v2(db,
		"INSERT INTO agent_metrics (agent_id, questions_count, "
		"subagents_count, compactions_count, updated_at) VALUES "
		"(?1, ?2, ?3, ?4, ?5) ON CONFLICT(agent_id) DO UPDATE SET "
		"questions_count = questions_count + excluded.questions_count,"
		" subagents_count = subagents_count + excluded.subagents_count,"
		" compactions_count = compactions_count + "
		"excluded.compactions_count, updated_at = excluded.updated_at",
		-1, &st, NULL);

	for (i = 0; rc == SQLITE_OK && i < t->n_agents; i++) {
		const cw_metrics_agent *a = &t->agents[i];
		int k;
		sqlite3_reset(st);
		sqlite3_bind_text(st, 1, a->agent_id, -1, SQLITE_STATIC);
		for (k = 0; k < CW_METRIC_N; k++)
			sqlite3_bind_int64(st, 2 + k, (int64_t)a->n[k]);
		sqlite3_bind_int64(st, 5, updated_at);
		rc = sqlite3_step(st);
		if (rc == SQLITE_DONE)
			rc = SQLITE_OK;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_OK)
		return cw_error_set(err, CW_ESQL, NULL, path, 0,
				    "%s: upserting agent_metrics: %s", path,
				    sqlite3_errmsg(db));
	return 0;
}

/* The one write transaction. */
static int write_all(sqlite3 *db, const char *path,
		     const cw_backfill_options *o, cw_backfill_result *out,
		     cw_error *err)
{
	size_t n_runs = 0;
	int rc = exec(db, "BEGIN IMMEDIATE", path, err);

	if (rc != 0)
		return rc;
	/* Another run may have committed while this one read. */
	rc = refuse(db, path, o, &n_runs, err);
	if (rc == 0)
		rc = upsert_all(db, &out->tally, now_ms(), path, err);
	if (rc == 0) {
		out->run.finished_at = now_ms();
		rc = cw_metrics_run_record(&out->run, db, err);
	}
	if (rc == 0)
		rc = exec(db, "COMMIT", path, err);
	if (rc != 0) {
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
		return rc;
	}
	out->written = 1;
	return 0;
}

static void fill_run(cw_backfill_result *out, const cw_backfill_options *o)
{
	const cw_metrics_tally *t = &out->tally;
	int k;

	out->run.has_until = o->has_until;
	out->run.until_ms = o->until_ms;
	out->run.last_created_at = t->last_created_at;
	out->run.chunks = t->chunks;
	out->run.malformed = t->counts.malformed;
	out->run.agents = t->n_agents;
	for (k = 0; k < CW_METRIC_N; k++)
		out->run.n[k] = t->counts.n[k];
	out->run.forced = o->force;
	snprintf(out->run.cw_version, sizeof(out->run.cw_version), "%s",
		 o->cw_version ? o->cw_version : "");
}

int cw_backfill_run(cw_backfill_result *out, const char *path,
		    const cw_backfill_options *o, cw_error *err)
{
	cw_metrics_read_options ro = CW_METRICS_READ_OPTIONS_INIT;
	uint64_t t0 = now_ns(), t1;
	sqlite3 *db = NULL;
	int rc;

	memset(out, 0, sizeof(*out));
	out->run.started_at = now_ms();
	rc = cw_db_open_existing(&db, path, o->dry_run, o->busy_timeout_ms,
				 err);
	if (rc == 0)
		rc = cw_metrics_db_check(db, path, o->migrations_dir, err);
	if (rc == 0 && !o->dry_run)
		rc = refuse(db, path, o, &out->n_earlier, err);
	if (rc == 0) {
		ro.batch_size = o->batch_size;
		ro.has_until = o->has_until;
		ro.until_ms = o->until_ms;
		ro.flags = o->flags;
		ro.progress = o->progress;
		ro.progress_ctx = o->progress_ctx;
		rc = cw_metrics_read(&out->tally, db, &ro, err);
		if (rc == CW_EBUSY && err) {
			/* the read names no file: say which */
			cw_error_clear(err);
			rc = cw_error_set(err, CW_EBUSY, CW_R004, path, 0,
					  "%s: locked by another process past"
					  " the busy timeout", path);
		}
	}
	if (rc == 0) {
		cw_metrics_tally_sort(&out->tally);
		fill_run(out, o);
	}
	t1 = now_ns();
	if (rc == 0 && !o->dry_run)
		rc = write_all(db, path, o, out, err);
	out->write_ns = now_ns() - t1;
	out->total_ns = now_ns() - t0;
	sqlite3_close(db);
	return rc;
}

void cw_backfill_result_free(cw_backfill_result *r)
{
	cw_metrics_tally_free(&r->tally);
}
