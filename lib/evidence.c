/*
** evidence.c - the data-loss probe behind L008/L009/L010 (and lint's
** R007): apply the folder with the engine on a scratch file database, as
** the app's migrator would, and in a trial of each candidate migration
** measure what one synthetic row per table becomes, or whether the rows
** make it fail.
** Design in lint_int.h.
*/
#include "datagen.h"
#include "db.h"
#include "lint_int.h"
#include "schema.h"
#include "strbuf.h"
#include "migrate.h"
#include "stmtrule.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct probe {
	sqlite3 *db;
	const cw_folder *f;
	const cw_lint_mig *migs;
	cw_ev_result *out;
	const char *mtable;
	size_t k;            /* migration being applied */
	size_t last_candidate; /* the run stops before this migration */
	cw_error *err;
	/* the trial in progress */
	cw_ev_graph g;
	struct drop_watch *w;
	size_t *roots, n;
	cw_ev_count *first, *last;
	int was_deferring;
	long long dangling_before; /* foreign_key_check rows after filling */
} probe;

/* Per root DROP statement of a candidate: counts around its piece. */
typedef struct drop_watch {
	const cw_lint_stmt *s;
	cw_ev_verdict *v;    /* the probe's verdict on s */
	size_t root;         /* the dropped table in the graph */
	cw_ev_count *pre, *post;
	int seen;
	int defers;          /* deferred keys began to dangle at the DROP */
} drop_watch;

/* "a, b, c" of the tables in g referencing table idx (not itself). */
static char *children_of(const cw_ev_graph *g, size_t idx)
{
	size_t i, j, cap = 1, o = 0;
	char *s;

	for (i = 0; i < g->n; i++)
		cap += strlen(g->tables[i].name) + 2;
	s = malloc(cap);
	if (s == NULL)
		return NULL;
	s[0] = '\0';
	for (i = 0; i < g->n; i++) {
		const cw_ev_table *t = &g->tables[i];
		for (j = 0; i != idx && j < t->n_fks; j++)
			if (t->fks[j].parent == idx) {
				o += (size_t)snprintf(s + o, cap - o, "%s%s",
						      o ? ", " : "", t->name);
				break;
			}
	}
	return s;
}

/* Decide which DROPs of the candidate hit a referenced table that existed
** before the migration; fill watches for those.  Returns how many. */
static int pick_roots(probe *x, cw_ev_graph *g, drop_watch *w,
		      size_t *roots, size_t *n)
{
	const cw_lint_mig *mig = &x->migs[x->k];
	size_t i;

	*n = 0;
	for (i = 0; i < mig->n; i++) {
		const cw_lint_stmt *s = &mig->stmts[i];
		cw_ev_verdict *v = &x->out->verdicts[x->k][i];
		size_t idx;
		if (s->kind != CW_LK_DROP_TABLE || s->is_created_here)
			continue;
		idx = cw_ev_graph_find(g, s->table);
		v->state = CW_EV_UNREFERENCED;
		if (idx == (size_t)-1)
			continue;
		free(v->children);
		v->children = children_of(g, idx);
		if (v->children == NULL)
			return cw_error_set(x->err, CW_ENOMEM, NULL, NULL, 0,
					    "out of memory");
		if (v->children[0] == '\0')
			continue;
		v->state = CW_EV_KEPT;
		memset(&w[*n], 0, sizeof(w[*n]));
		w[*n].s = s;
		w[*n].v = v;
		w[*n].root = idx;
		roots[(*n)++] = idx;
	}
	return 0;
}

/* Rows that vanished, or keys that turned NULL, at the DROP's own piece
** and were not back by the end of the migration, in tables the migration
** does not DELETE from (UPDATE, for keys) itself: loss caused by the DROP
** alone. */
static int judge(probe *x, const cw_ev_graph *g, drop_watch *w,
		 const cw_ev_count *first, const cw_ev_count *last)
{
	const cw_lint_mig *mig = &x->migs[x->k];
	cw_ev_verdict *v = w->v;
	size_t i;

	for (i = 0; w->seen && i < g->n_order; i++) {
		const char *name = g->tables[g->order[i]].name;
		const cw_ev_count *a = &w->pre[i], *b = &w->post[i];
		long long rows = 0, keys = 0;
		cw_lint_loss *l;
		if (cw_sqlscan_name_eq(name, w->s->table) || !a->exists ||
		    !b->exists || !first[i].exists || !last[i].exists)
			continue;
		if (b->rows < a->rows && !cw_lint_targets(mig, CW_LK_DELETE, name))
			rows = first[i].rows - last[i].rows;
		if (b->nulls >= 0 && a->nulls >= 0 && b->nulls > a->nulls &&
		    first[i].nulls >= 0 && last[i].nulls >= 0 &&
		    !cw_lint_targets(mig, CW_LK_UPDATE, name))
			keys = last[i].nulls - first[i].nulls;
		if (rows <= 0 && keys <= 0)
			continue;
		l = realloc(v->losses, (v->n_losses + 1) * sizeof(*l));
		if (l == NULL)
			return -1;
		v->losses = l;
		l = &l[v->n_losses++];
		memset(l, 0, sizeof(*l));
		l->table = strdup(name);
		if (l->table == NULL)
			return -1;
		l->rows_before = first[i].rows;
		l->rows_lost = rows > 0 ? rows : 0;
		l->fks_before = first[i].fks;
		l->fks_nulled = keys > 0 ? keys : 0;
		v->state = CW_EV_LOST;
	}
	return 0;
}

/* Names of the relevant tables the probe could not fill, or NULL. */
static char *unfilled_names(const cw_ev_graph *g)
{
	size_t i, cap = 1, o = 0;
	char *s;

	for (i = 0; i < g->n_order; i++)
		if (!g->tables[g->order[i]].is_filled)
			cap += strlen(g->tables[g->order[i]].name) + 2;
	if (cap == 1 || (s = malloc(cap)) == NULL)
		return NULL;
	for (i = 0; i < g->n_order; i++) {
		const cw_ev_table *t = &g->tables[g->order[i]];
		if (!t->is_filled)
			o += (size_t)snprintf(s + o, cap - o, "%s%s",
					      o ? ", " : "", t->name);
	}
	return s;
}

static void fail_all(probe *x, drop_watch *w, size_t n, size_t p,
		     const char *msg)
{
	const cw_migration *m = &x->f->migrations[x->k];
	size_t i;

	for (i = 0; i < n; i++) {
		w[i].v->state = CW_EV_FAILED;
		w[i].v->failure_line = m->pieces.items[p].line;
		free(w[i].v->failure);
		w[i].v->failure = strdup(msg);
	}
}

/* 1 if deferred foreign-key violations are pending, so a COMMIT now
** would fail with "FOREIGN KEY constraint failed". */
static int defers(sqlite3 *db)
{
	int cur = 0, hi = 0;

	sqlite3_db_status(db, SQLITE_DBSTATUS_DEFERRED_FKS, &cur, &hi, 0);
	return cur > 0;
}

/* The DROP of w failed over the rows (msg), or, at_commit, left deferred
** keys dangling to the end: L010, naming the tables in the way. */
static int block(const cw_ev_graph *g, drop_watch *w, const char *msg,
		 int at_commit)
{
	cw_ev_verdict *v = w->v;

	v->state = CW_EV_FAILED;
	v->is_blocked = 1;
	v->at_commit = at_commit;
	v->failure_line = w->s->line;
	free(v->failure);
	free(v->blockers);
	v->failure = strdup(msg);
	v->blockers = cw_ev_graph_blockers(g, w->root);
	return v->failure && v->blockers ? 0 : -1;
}

/* After the seeded run: which DROP, if any, blocks the COMMIT. */
static int blame_commit(probe *x, const cw_ev_graph *g, drop_watch *w,
			size_t n)
{
	size_t i;

	for (i = 0; defers(x->db) && i < n; i++)
		if (w[i].defers)
			return block(g, &w[i], "FOREIGN KEY constraint failed",
				     1);
	return 0;
}

/* ---- the probe as hooks of the engine (migrate.h) ----
** A candidate migration is tried: inside the engine's savepoint the rows
** are filled and counted, every piece runs as the migrator runs it (with
** transaction control followed, not executed), the counts are judged,
** and everything is rolled back before the migration runs for real. */

/* Rows PRAGMA foreign_key_check reports, in all, or as "t (n), u (m)"
** into *names when names is not NULL (caller frees). */
static long long dangling(sqlite3 *db, char **names)
{
	cw_fk_violations v;
	cw_strbuf b = CW_STRBUF_INIT;
	long long total;
	size_t i;

	if (names)
		*names = NULL;
	if (cw_db_fk_violations(&v, db, NULL) != 0)
		return 0;
	total = v.total;
	for (i = 0; names && i < v.n; i++)
		cw_strbuf_fmt(&b, "%s%s (%lld)", i ? ", " : "", v.tables[i],
			      v.counts[i]);
	if (names)
		*names = cw_strbuf_take(&b);
	cw_db_fk_violations_free(&v);
	return total;
}

/* One row in every table from the data generator (datagen.h), the one
** generator; the relevant tables that hold none after it are the ones
** the verdicts call unfilled. */
static int fill(probe *x)
{
	cw_schema_options so = CW_SCHEMA_OPTIONS_INIT;
	cw_datagen_options go = CW_DATAGEN_OPTIONS_INIT;
	cw_datagen_result gr;
	cw_schema s;
	size_t i;
	int rc;

	so.skip_table = x->mtable;
	rc = cw_schema_read_db(&s, x->db, &so, x->err);
	if (rc == 0) {
		go.rows = 1;
		go.seed = 1;
		rc = cw_datagen_fill(&gr, x->db, &s, &go, x->err);
		if (rc == 0)
			cw_datagen_result_free(&gr);
		cw_schema_free(&s);
	}
	if (rc == CW_ESQL) {
		cw_error_clear(x->err);
		rc = 0;
	}
	for (i = 0; rc == 0 && i < x->g.n_order; i++) {
		cw_ev_table *t = &x->g.tables[x->g.order[i]];
		char *sql = sqlite3_mprintf("SELECT 1 FROM %s LIMIT 1",
					    t->quoted);
		sqlite3_stmt *st = NULL;
		t->is_filled = sql && sqlite3_prepare_v2(x->db, sql, -1, &st,
					NULL) == SQLITE_OK &&
			       sqlite3_step(st) == SQLITE_ROW;
		sqlite3_finalize(st);
		sqlite3_free(sql);
	}
	return rc;
}

/* Trial of migration x->k: fill, then count at the start. */
static int trial_begin(probe *x)
{
	const cw_lint_mig *mig = &x->migs[x->k];
	char *unfilled;
	size_t i;
	int rc;

	memset(&x->g, 0, sizeof(x->g));
	x->w = calloc(mig->n + 1, sizeof(*x->w));
	x->roots = calloc(mig->n + 1, sizeof(*x->roots));
	x->n = 0;
	if (x->w == NULL || x->roots == NULL)
		return -1;
	rc = cw_ev_graph_load(&x->g, x->db, x->mtable, x->err);
	if (rc == CW_ESQL) {
		/* Not measurable here: the verdicts stay CW_EV_NONE. */
		cw_error_clear(x->err);
		return 0;
	}
	if (rc == 0)
		rc = pick_roots(x, &x->g, x->w, x->roots, &x->n);
	if (rc == 0 && x->n > 0)
		rc = cw_ev_graph_relevant(&x->g, x->roots, x->n, x->err);
	if (rc == 0 && x->n > 0)
		rc = fill(x);
	if (rc != 0 || x->n == 0)
		return rc;
	x->first = calloc(2 * x->g.n_order + 1, sizeof(*x->first));
	if (x->first == NULL)
		return -1;
	x->last = x->first + x->g.n_order;
	unfilled = unfilled_names(&x->g);
	for (i = 0; i < x->n; i++) {
		x->w[i].pre = calloc(2 * x->g.n_order + 1,
				     sizeof(cw_ev_count));
		if (x->w[i].pre == NULL)
			rc = -1;
		else
			x->w[i].post = x->w[i].pre + x->g.n_order;
		if (unfilled && rc == 0)
			x->w[i].v->unfilled = strdup(unfilled);
	}
	free(unfilled);
	if (rc == 0) {
		cw_ev_count_all(x->db, &x->g, x->first);
		x->dangling_before = dangling(x->db, NULL);
	}
	return rc;
}

static void trial_end(probe *x)
{
	size_t i;

	for (i = 0; x->w && i < x->n; i++)
		free(x->w[i].pre);
	free(x->w);
	free(x->roots);
	free(x->first);
	cw_ev_graph_free(&x->g);
	x->w = NULL;
	x->roots = NULL;
	x->first = x->last = NULL;
	x->n = 0;
}

/* The migration fails without any data too: what the trial saw says
** nothing about data, so its verdicts are dropped (S005 reports the
** failure itself). */
static void forget(cw_ev_verdict *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (v[i].state == CW_EV_FAILED) {
			v[i].state = CW_EV_NONE;
			v[i].is_blocked = 0;
		}
}

static int nomem(probe *x)
{
	return cw_error_set(x->err, CW_ENOMEM, NULL, NULL, 0,
			    "out of memory measuring a rebuild");
}

static int on_migration(void *ctx, sqlite3 *db, size_t k, int is_trial,
			cw_error *err)
{
	probe *x = ctx;

	(void)db;
	(void)err;
	x->k = k;
	if (!is_trial)
		return k >= x->last_candidate ? CW_HOOK_STOP :
		       x->migs[k].is_candidate ? CW_HOOK_TRIAL :
		       CW_HOOK_CONTINUE;
	return trial_begin(x) < 0 ? nomem(x) : 0;
}

static int on_piece(void *ctx, sqlite3 *db, size_t k, size_t p,
		    int is_trial, cw_error *err)
{
	probe *x = ctx;
	size_t i;

	(void)k;
	(void)err;
	if (!is_trial)
		return 0;
	x->was_deferring = defers(db);
	for (i = 0; i < x->n; i++)
		if (x->w[i].s->piece == p)
			cw_ev_count_all(db, &x->g, x->w[i].pre);
	return 0;
}

static int after_piece(void *ctx, sqlite3 *db, size_t k, size_t p,
		       int is_trial, const cw_piece_outcome *o,
		       cw_error *err)
{
	probe *x = ctx;
	size_t i;

	(void)k;
	(void)err;
	if (!is_trial || x->n == 0)
		return 0;
	if (o->verdict != CW_PIECE_OK)
		fail_all(x, x->w, x->n, p, o->message);
	for (i = 0; i < x->n; i++) {
		if (x->w[i].s->piece != p)
			continue;
		if (o->verdict != CW_PIECE_OK) {
			if (block(&x->g, &x->w[i], o->message, 0) != 0)
				return nomem(x);
			continue;
		}
		cw_ev_count_all(db, &x->g, x->w[i].post);
		x->w[i].seen = 1;
		x->w[i].defers = !x->was_deferring && defers(db);
	}
	return 0;
}

static int after_migration(void *ctx, sqlite3 *db, size_t k, int is_trial,
			   int failed, cw_error *err)
{
	probe *x = ctx;
	size_t i;
	int rc = 0;

	(void)err;
	if (!is_trial) {
		if (failed)
			forget(x->out->verdicts[k], x->migs[k].n);
		return 0;
	}
	if (x->n > 0 && !failed &&
	    dangling(db, NULL) > x->dangling_before) {
		free(x->out->dangling[k]);
		dangling(db, &x->out->dangling[k]);
	}
	if (x->n > 0 && !failed) {
		cw_ev_count_all(db, &x->g, x->last);
		for (i = 0; rc == 0 && i < x->n; i++)
			rc = judge(x, &x->g, &x->w[i], x->first, x->last);
		if (rc == 0)
			rc = blame_commit(x, &x->g, x->w, x->n);
	}
	trial_end(x);
	return rc < 0 ? nomem(x) : 0;
}

static const cw_ev_verdict none_verdict;

const cw_ev_verdict *cw_ev_result_get(const cw_ev_result *r, size_t k,
				      size_t i)
{
	if (r == NULL || r->verdicts == NULL || k >= r->n_migs ||
	    r->verdicts[k] == NULL)
		return &none_verdict;
	return &r->verdicts[k][i];
}

void cw_ev_result_free(cw_ev_result *r, const cw_lint_mig *migs)
{
	size_t k, i, j;

	for (k = 0; r->verdicts && k < r->n_migs; k++) {
		for (i = 0; r->verdicts[k] && i < migs[k].n; i++) {
			cw_ev_verdict *v = &r->verdicts[k][i];
			for (j = 0; j < v->n_losses; j++)
				free(v->losses[j].table);
			free(v->losses);
			free(v->children);
			free(v->failure);
			free(v->blockers);
			free(v->unfilled);
		}
		free(r->verdicts[k]);
		if (r->dangling)
			free(r->dangling[k]);
	}
	free(r->verdicts);
	free(r->dangling);
	memset(r, 0, sizeof(*r));
}

/* One zeroed verdict per statement of every migration. */
static int result_alloc(cw_ev_result *out, const cw_lint_mig *migs,
			size_t n)
{
	size_t k;

	out->verdicts = calloc(n + 1, sizeof(*out->verdicts));
	out->dangling = calloc(n + 1, sizeof(*out->dangling));
	if (out->verdicts == NULL || out->dangling == NULL)
		return -1;
	out->n_migs = n;
	for (k = 0; k < n; k++) {
		out->verdicts[k] = calloc(migs[k].n + 1,
					  sizeof(**out->verdicts));
		if (out->verdicts[k] == NULL)
			return -1;
	}
	return 0;
}

int cw_evidence_probe(cw_ev_result *out, const cw_lint_mig *migs,
		      const cw_folder *f, const char *table,
		      const cw_profile *profile, cw_error *err)
{
	cw_migrate_hooks hooks = {NULL, on_migration, on_piece, after_piece,
				  after_migration, NULL};
	cw_migrate_options mo = CW_MIGRATE_OPTIONS_INIT;
	cw_migrate_result r;
	char *path = NULL;
	size_t k;
	probe x;
	int rc;

	memset(&x, 0, sizeof(x));
	memset(out, 0, sizeof(*out));
	if (result_alloc(out, migs, f->n_migrations) != 0)
		return cw_error_set(err, CW_ENOMEM, NULL, NULL, 0,
				    "out of memory probing %s", f->dir);
	for (k = 0; k < f->n_migrations; k++)
		if (migs[k].is_candidate)
			x.last_candidate = k + 1;
	if (x.last_candidate == 0)
		return 0;
	x.out = out;
	x.f = f;
	x.migs = migs;
	x.mtable = table;
	x.err = err;
	hooks.ctx = &x;
	mo.table = table;
	mo.keep_going = 1;
	mo.profile = profile;
	mo.hooks = &hooks;
	rc = cw_db_open_scratch(&x.db, &path, NULL, err);
	if (rc != 0)
		return rc;
	rc = cw_migrate_db(&r, x.db, f, &mo, err);
	trial_end(&x);
	cw_migrate_result_free(&r);
	cw_db_close_scratch(x.db, path);
	if (rc == CW_ESQL) {
		/* The folder fails to apply: S005 says where. */
		cw_error_clear(err);
		rc = 0;
	}
	return rc;
}
