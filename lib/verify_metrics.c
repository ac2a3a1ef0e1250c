/*
** verify_metrics.c - the recount and the comparison (verify_metrics.h).
*/
#include "verify_metrics.h"
#include "codes.h"
#include "db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct row {
	int64_t v[CW_METRIC_N];
} row;

/* "questions 1, subagents 2, compactions 0" of n into buf. */
static void counts_text(char *buf, size_t size, const uint64_t *n)
{
	snprintf(buf, size, "%llu questions, %llu subagents, %llu compactions",
		 (unsigned long long)n[0], (unsigned long long)n[1],
		 (unsigned long long)n[2]);
}

static void values_text(char *buf, size_t size, const row *r)
{
	snprintf(buf, size, "questions_count %lld, subagents_count %lld, "
		 "compactions_count %lld", (long long)r->v[0],
		 (long long)r->v[1], (long long)r->v[2]);
}

/* Compare one agent's row (NULL: none) with its recount (NULL: no
** chunk); add a finding when they differ. */
static void compare(cw_verify_result *out, cw_diags *d, const char *path,
		    const char *id, const row *r, const cw_metrics_agent *a)
{
	static const uint64_t zero[CW_METRIC_N];
	const uint64_t *n = a ? a->n : zero, *p = a ? a->before : zero;
	char want[160], have[160], diff[400];
	int k, same = 1, doubled = 1, any_p = 0;
	size_t at = 0;

	out->n_agents++;
	for (k = 0; k < CW_METRIC_N; k++) {
		int64_t v = r ? r->v[k] : 0;
		same &= v == (int64_t)n[k];
		doubled &= v == (int64_t)(n[k] + p[k]);
		any_p |= p[k] != 0;
	}
	if (same) {
		out->n_exact++;
		return;
	}
	counts_text(want, sizeof(want), n);
	if (r == NULL) {
		out->n_missing++;
		cw_diags_add(d, CW_B001, path, 0, 0, "agent %s has no "
			     "agent_metrics row, but its %llu chunks hold %s",
			     id, (unsigned long long)a->chunks, want);
		return;
	}
	values_text(have, sizeof(have), r);
	if (a == NULL) {
		out->n_extra++;
		cw_diags_add(d, CW_B002, path, 0, 0, "agent %s has an "
			     "agent_metrics row (%s) but no chunk in "
			     "agent_log_chunks", id, have);
		return;
	}
	if (doubled && any_p) {
		out->n_doubled++;
		cw_diags_add(d, CW_B003, path, 0, 0, "agent %s is counted "
			     "twice: agent_metrics has %s, its chunks hold %s "
			     "(the backfill ran twice)", id, have, want);
		return;
	}
	out->n_differ++;
	diff[0] = '\0';
	for (k = 0; k < CW_METRIC_N; k++)
		if (r->v[k] != (int64_t)n[k] && at < sizeof(diff))
			at += (size_t)snprintf(diff + at, sizeof(diff) - at,
					       "%s%s %lld, recount %llu",
					       at ? "; " : "",
					       cw_metric_column((cw_metric)k),
					       (long long)r->v[k],
					       (unsigned long long)n[k]);
	cw_diags_add(d, CW_B004, path, 0, 0, "agent %s differs: %s", id, diff);
}

/* Every agent_metrics row against the recount, then agents without one. */
static int compare_all(cw_verify_result *out, cw_diags *d, sqlite3 *db,
		       const char *path, cw_error *err)
{
	cw_metrics_tally *t = &out->tally;
	unsigned char *seen = calloc(t->n_agents + 1, 1);
	sqlite3_stmt *st = NULL;
	size_t i;
	int rc, k;

	if (seen == NULL)
		return cw_error_set(err, CW_ENOMEM, NULL, NULL, 0,
				    "out of memory");
	rc = sqlite3_prepare_v2(db, "SELECT agent_id, questions_count, "
				"subagents_count, compactions_count FROM "
				"agent_metrics ORDER BY agent_id", -1, &st,
				NULL);
	while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *id = (const char *)sqlite3_column_text(st, 0);
		cw_metrics_agent *a = cw_metrics_tally_find(t, id ? id : "");
		row r;
		for (k = 0; k < CW_METRIC_N; k++)
			r.v[k] = sqlite3_column_int64(st, 1 + k);
		if (a)
			seen[a - t->agents] = 1;
		out->n_rows++;
		compare(out, d, path, id ? id : "", &r, a);
		rc = SQLITE_OK;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		free(seen);
		return cw_error_set(err, CW_ESQL, NULL, path, 0,
				    "%s: reading agent_metrics: %s", path,
				    sqlite3_errmsg(db));
	}
	for (i = 0; i < t->n_agents; i++)
		if (!seen[i])
			compare(out, d, path, t->agents[i].agent_id, NULL,
				&t->agents[i]);
	free(seen);
	return d->oom ? cw_error_set(err, CW_ENOMEM, NULL, NULL, 0,
				     "out of memory") : 0;
}

int cw_verify_metrics(cw_verify_result *out, cw_diags *d, const char *path,
		      const cw_verify_options *o, cw_error *err)
{
	sqlite3 *db = NULL;
	int rc;

	memset(out, 0, sizeof(*out));
	rc = cw_db_open_existing(&db, path, 1, o->busy_timeout_ms, err);
	if (rc == 0)
		rc = cw_verify_metrics_db(out, d, db, path, o, err);
	sqlite3_close(db);
	return rc;
}

int cw_verify_metrics_db(cw_verify_result *out, cw_diags *d, sqlite3 *db,
			 const char *path, const cw_verify_options *o,
			 cw_error *err)
{
	cw_metrics_read_options ro = CW_METRICS_READ_OPTIONS_INIT;
	cw_metrics_run *runs = NULL;
	struct timespec t0, t1;
	int rc;

	memset(out, 0, sizeof(*out));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	rc = cw_metrics_db_check(db, path, o->migrations_dir, err);
	if (rc == 0)
		rc = cw_metrics_runs_read(&runs, &out->n_runs, db, err);
	if (rc == 0 && out->n_runs > 0) {
		/* the first run's cutoff: what it counted lies before it */
		out->last_run = runs[out->n_runs - 1];
		out->has_split = 1;
		out->split_ms = runs[0].has_until ? runs[0].until_ms :
				runs[0].last_created_at + 1;
	}
	if (rc == 0) {
		ro.batch_size = o->batch_size;
		ro.has_split = 1;   /* without a run: every chunk */
		ro.split_ms = out->has_split ? out->split_ms : INT64_MAX;
		ro.progress = o->progress;
		ro.progress_ctx = o->progress_ctx;
		rc = cw_metrics_read(&out->tally, db, &ro, err);
	}
	if (rc == 0) {
		cw_metrics_tally_sort(&out->tally);
		rc = compare_all(out, d, db, path, err);
	}
	cw_metrics_runs_free(runs);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	out->total_ns = (uint64_t)(t1.tv_sec - t0.tv_sec) * 1000000000u +
			(uint64_t)(t1.tv_nsec - t0.tv_nsec);
	return rc;
}

void cw_verify_result_free(cw_verify_result *r)
{
	cw_metrics_tally_free(&r->tally);
}
