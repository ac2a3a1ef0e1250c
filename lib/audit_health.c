/*
** audit_health.c - cw audit's health checks (audit.h): integrity_check
** (or quick_check), foreign_key_check and the verify-metrics recount.
**
** Each reads every row of what it covers, so on a large database they
** are the audit's time.  They are independent reads, so they run as
** tasks on a few threads, each with a read connection of its own
** (dbread.h; SQLite is built multi-thread: one connection per thread):
** the integrity check, the recount, and the foreign-key check of each
** table with foreign keys.  The audit then takes about as long as the
** longest task, or the work divided by the cores, not the sum.  Each task
** keeps its own findings and result; they are merged in task order, so
** the report does not depend on the scheduling.  Memory is a page cache
** per connection, not the database's size.
*/
#include "audit_int.h"
#include "codes.h"
#include "db.h"
#include "verify_metrics.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_WORKERS 4

typedef enum task_kind { T_INTEGRITY, T_METRICS, T_FK } task_kind;

typedef struct task {
	task_kind kind;
	const char *table;      /* T_FK: the child table */
	cw_diags d;             /* its findings */
	cw_error err;
	int rc;
	long long fk;           /* T_FK: rows pointing at nothing */
} task;

typedef struct pool {
	cw_audit_ctx *x;
	task *tasks;
	size_t n_tasks;
	size_t next;            /* the next task to take, under mu */
	pthread_mutex_t mu;
} pool;

typedef struct worker {
	pool *p;
	sqlite3 *db;            /* this worker's connection */
	pthread_t thread;
	int started;
} worker;

/* integrity_check (or quick_check): each problem, up to ten, is A010. */
static int integrity(cw_audit_ctx *x)
{
	const char *what = x->o->quick ? "quick_check" : "integrity_check";
	sqlite3_stmt *st = NULL;
	int n = 0, rc, step = SQLITE_DONE;

	rc = sqlite3_prepare_v2(x->rd.db, x->o->quick ? "PRAGMA quick_check"
				: "PRAGMA integrity_check", -1, &st, NULL);
	x->res->integrity_ok = 1;
	while (rc == SQLITE_OK && (step = sqlite3_step(st)) == SQLITE_ROW) {
		const char *t = (const char *)sqlite3_column_text(st, 0);
		if (t != NULL && strcmp(t, "ok") == 0) {
			step = SQLITE_DONE;
			break;
		}
		x->res->integrity_ok = 0;
		if (n++ < 10)
			cw_diags_add(x->d, CW_A010, x->path, 0, 0, "%s: %s",
				     what, t ? t : "");
	}
	if (rc != SQLITE_OK || step != SQLITE_DONE) {
		x->res->integrity_ok = 0;
		cw_diags_add(x->d, CW_A010, x->path, 0, 0, "%s cannot run: "
			     "%s", what, sqlite3_errmsg(x->rd.db));
	}
	sqlite3_finalize(st);
	return x->d->oom ? CW_ENOMEM : 0;
}

/* foreign_key_check of one table: its rows pointing at nothing (A011). */
static int foreign_keys(cw_audit_ctx *x, task *t)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(x->rd.db, "SELECT count(*) FROM "
				    "pragma_foreign_key_check(?1)", -1, &st,
				    NULL);

	if (rc == SQLITE_OK)
		rc = sqlite3_bind_text(st, 1, t->table, -1, SQLITE_STATIC);
	if (rc == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		t->fk = sqlite3_column_int64(st, 0);
	else
		rc = cw_error_set(x->err, CW_ESQL, NULL, x->path, 0, "PRAGMA "
				  "foreign_key_check(%s): %s", t->table,
				  sqlite3_errmsg(x->rd.db));
	sqlite3_finalize(st);
	if (rc != SQLITE_OK)
		return rc;
	if (t->fk > 0)
		cw_diags_add(x->d, CW_A011, x->path, 0, 0, "%lld row%s of %s "
			     "point%s at nothing (PRAGMA foreign_key_check)",
			     t->fk, t->fk == 1 ? "" : "s", t->table,
			     t->fk == 1 ? "s" : "");
	return x->d->oom ? CW_ENOMEM : 0;
}

/* The verify-metrics recount, where its tables exist, on the task's
** defended connection (never a second open of the original, which would
** create -wal and -shm beside a WAL file). */
static int metrics(cw_audit_ctx *x)
{
	cw_verify_options vo = CW_VERIFY_OPTIONS_INIT;
	cw_verify_result vr;
	int rc;

	vo.busy_timeout_ms = x->o->busy_timeout_ms;
	memset(&vr, 0, sizeof(vr));
	rc = cw_verify_metrics_db(&vr, x->d, x->rd.db, x->path, &vo, x->err);
	if (rc == 0) {
		x->res->has_metrics = 1;
		x->res->metrics_agents = vr.n_agents;
		x->res->metrics_exact = vr.n_exact;
	} else if (rc != CW_ENOMEM) {
		/* A recount that cannot run (B008: other columns) is a
		** finding of the audit, not a reason to stop it. */
		cw_diags_add_error(x->d, x->err, x->path);
		cw_error_clear(x->err);
		rc = 0;
	}
	cw_verify_result_free(&vr);
	return rc;
}

static void *work(void *arg)
{
	worker *w = arg;
	pool *p = w->p;

	for (;;) {
		cw_audit_ctx y;
		task *t;
		size_t i;

		pthread_mutex_lock(&p->mu);
		i = p->next++;
		pthread_mutex_unlock(&p->mu);
		if (i >= p->n_tasks)
			break;
		t = &p->tasks[i];
		/* The run's context with this task's findings, error and
		** the worker's connection; the tasks write disjoint fields
		** of the result. */
		y = *p->x;
		y.d = &t->d;
		y.err = &t->err;
		y.rd.db = w->db;
		t->rc = t->kind == T_INTEGRITY ? integrity(&y) :
			t->kind == T_METRICS ? metrics(&y) :
			foreign_keys(&y, t);
	}
	return NULL;
}

/* The tasks, longest first: the integrity check, the recount, then each
** table with foreign keys. */
static task *plan_tasks(const cw_audit_ctx *x, size_t *n)
{
	const cw_schema *s = &x->live;
	task *t = calloc(s->n_tables + 2, sizeof(*t));
	size_t i;

	*n = 0;
	if (t == NULL)
		return NULL;
	t[(*n)++].kind = T_INTEGRITY;
	if (cw_schema_find(s, "agent_metrics") != NULL &&
	    cw_schema_find(s, "agent_log_chunks") != NULL)
		t[(*n)++].kind = T_METRICS;
	for (i = 0; i < s->n_tables; i++)
		if (s->tables[i].n_fks > 0) {
			t[*n].kind = T_FK;
			t[(*n)++].table = s->tables[i].name;
		}
	return t;
}

/* Findings in task order; the first error wins. */
static int merge(cw_audit_ctx *x, task *t, size_t n)
{
	size_t i;
	int rc = 0;

	for (i = 0; i < n; i++) {
		if (rc == 0 && t[i].rc != 0) {
			*x->err = t[i].err;
			rc = t[i].rc;
		}
		x->res->fk_violations += t[i].fk;
		if (cw_diags_take(x->d, &t[i].d) != 0 && rc == 0)
			rc = cw_error_set(x->err, CW_ENOMEM, NULL, NULL, 0,
					  "oom");
		cw_diags_free(&t[i].d);
	}
	return rc;
}

int cw_audit_health(cw_audit_ctx *x)
{
	worker w[MAX_WORKERS];
	pool p;
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	size_t n_workers, i;
	int rc = 0;

	memset(&p, 0, sizeof(p));
	memset(w, 0, sizeof(w));
	p.x = x;
	p.tasks = plan_tasks(x, &p.n_tasks);
	if (p.tasks == NULL)
		return cw_error_set(x->err, CW_ENOMEM, NULL, NULL, 0, "oom");
	n_workers = ncpu < 2 ? 2 : ncpu > MAX_WORKERS ? MAX_WORKERS :
		    (size_t)ncpu;
	if (n_workers > p.n_tasks)
		n_workers = p.n_tasks;
	cw_audit_step(x, "integrity, foreign keys and recount, in parallel");
	pthread_mutex_init(&p.mu, NULL);
	/* Worker 0 is this thread on the read connection; the others get
	** connections of their own before any thread starts. */
	w[0].p = &p;
	w[0].db = x->rd.db;
	for (i = 1; rc == 0 && i < n_workers; i++) {
		w[i].p = &p;
		rc = cw_dbread_open_another(&x->rd, &w[i].db,
					    x->o->busy_timeout_ms, x->err);
	}
	for (i = 1; rc == 0 && i < n_workers; i++)
		w[i].started = pthread_create(&w[i].thread, NULL, work,
					      &w[i]) == 0;
	if (rc == 0)
		work(&w[0]);
	for (i = 1; i < n_workers; i++) {
		if (w[i].started)
			pthread_join(w[i].thread, NULL);
		sqlite3_close(w[i].db);
	}
	pthread_mutex_destroy(&p.mu);
	if (rc == 0)
		rc = merge(x, p.tasks, p.n_tasks);
	for (i = 0; i < p.n_tasks; i++)
		cw_diags_free(&p.tasks[i].d);
	free(p.tasks);
	return rc;
}
