/*
** evidence.c - the data-loss probe behind L008/L009/L010: apply the folder
** on an in-memory database configured like better-sqlite3, and around each
** candidate migration measure what one synthetic row per table becomes,
** or whether the rows make it fail.
** Design in lint_int.h.
*/
#include "db.h"
#include "lint_int.h"
#include "stmtrule.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct probe {
	sqlite3 *db;
	const cw_folder *f;
	cw_lint_mig *migs;
	const char *mtable;
	size_t k;            /* migration being applied */
	cw_error *err;
} probe;

/* Per root DROP statement of a candidate: counts around its piece. */
typedef struct drop_watch {
	cw_lint_stmt *s;
	size_t root;         /* the dropped table in the graph */
	cw_ev_count *pre, *post;
	int seen;
	int defers;          /* deferred keys began to dangle at the DROP */
} drop_watch;

/* Prepare piece p of the current migration under better-sqlite3's rule
** and step it once, as drizzle's run() does.  0 when it ran, 1 when it
** failed (msg says why), -1 on an error of ours (err set). */
static int run_piece(probe *x, size_t p, char *msg, size_t n)
{
	const cw_migration *m = &x->f->migrations[x->k];
	const cw_piece *pc = &m->pieces.items[p];
	sqlite3_stmt *st = NULL;
	cw_prepared res;
	int rc = cw_rule_prepare(&st, &res, x->db, m->text.data + pc->offset,
				 pc->len, CW_RULE_CURRENT, x->err);

	if (rc != 0)
		return -1;
	if (res.verdict != CW_PIECE_OK) {
		snprintf(msg, n, "%s", res.message);
		return 1;
	}
	sqlite3_step(st);
	rc = sqlite3_reset(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_OK) {
		snprintf(msg, n, "%s", sqlite3_errmsg(x->db));
		return 1;
	}
	return 0;
}

static void rollback(probe *x)
{
	if (!sqlite3_get_autocommit(x->db))
		sqlite3_exec(x->db, "ROLLBACK", NULL, NULL, NULL);
}

/* Apply the current migration inside its own transaction, where PRAGMA
** foreign_keys is a no-op exactly as under drizzle's BEGIN.  0 applied,
** 1 the folder fails here (the probe stops; S005 reports it), -1 error. */
static int apply(probe *x)
{
	const cw_migration *m = &x->f->migrations[x->k];
	char msg[512];
	size_t p;
	int rc;

	if (sqlite3_exec(x->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
		return 1;
	for (p = 0; p < m->pieces.n; p++) {
		rc = run_piece(x, p, msg, sizeof(msg));
		if (rc != 0) {
			rollback(x);
			return rc;
		}
	}
	if (sqlite3_exec(x->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		rollback(x);
		return 1;
	}
	return 0;
}

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
	cw_lint_mig *mig = &x->migs[x->k];
	size_t i;

	*n = 0;
	for (i = 0; i < mig->n; i++) {
		cw_lint_stmt *s = &mig->stmts[i];
		size_t idx;
		if (s->kind != CW_LK_DROP_TABLE || s->is_created_here)
			continue;
		idx = cw_ev_graph_find(g, s->table);
		s->ev.state = CW_EV_UNREFERENCED;
		if (idx == (size_t)-1)
			continue;
		free(s->ev.children);
		s->ev.children = children_of(g, idx);
		if (s->ev.children == NULL)
			return cw_error_set(x->err, CW_ENOMEM, NULL, NULL, 0,
					    "out of memory");
		if (s->ev.children[0] == '\0')
			continue;
		s->ev.state = CW_EV_KEPT;
		memset(&w[*n], 0, sizeof(w[*n]));
		w[*n].s = s;
		w[*n].root = idx;
		roots[(*n)++] = idx;
	}
	return 0;
}

/* 1 if the migration has a statement of `kind` aimed at table `name`. */
static int targets(const cw_lint_mig *g, cw_lint_kind kind,
		   const char *name)
{
	size_t i;

	for (i = 0; i < g->n; i++)
		if (g->stmts[i].kind == kind &&
		    cw_name_eq(g->stmts[i].table, name))
			return 1;
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
	cw_lint_verdict *v = &w->s->ev;
	size_t i;

	for (i = 0; w->seen && i < g->n_order; i++) {
		const char *name = g->tables[g->order[i]].name;
		const cw_ev_count *a = &w->pre[i], *b = &w->post[i];
		long long rows = 0, keys = 0;
		cw_lint_loss *l;
		if (cw_name_eq(name, w->s->table) || !a->exists ||
		    !b->exists || !first[i].exists || !last[i].exists)
			continue;
		if (b->rows < a->rows && !targets(mig, CW_LK_DELETE, name))
			rows = first[i].rows - last[i].rows;
		if (b->nulls >= 0 && a->nulls >= 0 && b->nulls > a->nulls &&
		    first[i].nulls >= 0 && last[i].nulls >= 0 &&
		    !targets(mig, CW_LK_UPDATE, name))
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
		w[i].s->ev.state = CW_EV_FAILED;
		w[i].s->ev.failure_line = m->pieces.items[p].line;
		free(w[i].s->ev.failure);
		w[i].s->ev.failure = strdup(msg);
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
	cw_lint_verdict *v = &w->s->ev;

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

/* Run the piece p of the seeded run, counting around the DROPs watched
** in it.  0 ran, 1 failed (the watches know why), -1 out of memory. */
static int seeded_piece(probe *x, cw_ev_graph *g, drop_watch *w, size_t n,
			size_t p)
{
	char msg[512];
	size_t i;
	int rc, was = defers(x->db);

	for (i = 0; i < n; i++)
		if (w[i].s->piece == p)
			cw_ev_count_all(x->db, g, w[i].pre);
	rc = run_piece(x, p, msg, sizeof(msg));
	if (rc == 1)
		fail_all(x, w, n, p, msg);
	for (i = 0; rc >= 0 && i < n; i++) {
		if (w[i].s->piece != p)
			continue;
		if (rc == 1) {
			if (block(g, &w[i], msg, 0) != 0)
				return -1;
			continue;
		}
		cw_ev_count_all(x->db, g, w[i].post);
		w[i].seen = 1;
		w[i].defers = !was && defers(x->db);
	}
	return rc;
}

/* Run the migration over the synthetic rows, counting before and after
** every watched DROP and at both ends. */
static int seeded_run(probe *x, cw_ev_graph *g, drop_watch *w, size_t n)
{
	const cw_migration *m = &x->f->migrations[x->k];
	size_t p, i, no = g->n_order;
	cw_ev_count *first = calloc(2 * no + 1, sizeof(*first));
	cw_ev_count *last = first ? first + no : NULL;
	int rc = 0;

	if (first == NULL)
		return -1;
	cw_ev_count_all(x->db, g, first);
	for (p = 0; rc == 0 && p < m->pieces.n; p++)
		rc = seeded_piece(x, g, w, n, p);
	if (rc == 0) {
		cw_ev_count_all(x->db, g, last);
		for (i = 0; rc == 0 && i < n; i++)
			rc = judge(x, g, &w[i], first, last);
		if (rc == 0)
			rc = blame_commit(x, g, w, n);
	}
	free(first);
	return rc < 0 ? -1 : 0;
}

/* Fill, measure and roll back; the verdicts land in the DROPs. */
static int measure(probe *x, cw_ev_graph *g, drop_watch *w, size_t *roots,
		   size_t n)
{
	char *unfilled;
	size_t i;
	int rc = cw_ev_graph_relevant(g, roots, n, x->err);

	if (rc == 0)
		rc = cw_ev_fill(x->db, g, x->err);
	if (rc != 0)
		return rc;
	unfilled = unfilled_names(g);
	for (i = 0; i < n; i++) {
		w[i].pre = calloc(2 * g->n_order + 1, sizeof(cw_ev_count));
		if (w[i].pre == NULL)
			rc = -1;
		else
			w[i].post = w[i].pre + g->n_order;
		if (unfilled && rc == 0)
			w[i].s->ev.unfilled = strdup(unfilled);
	}
	if (rc == 0)
		rc = seeded_run(x, g, w, n);
	for (i = 0; i < n; i++)
		free(w[i].pre);
	free(unfilled);
	if (rc < 0)
		return cw_error_set(x->err, CW_ENOMEM, NULL, NULL, 0,
				    "out of memory measuring a rebuild");
	return 0;
}

/* The seeded pass over one candidate migration, inside a transaction
** that is always rolled back: the synthetic rows never reach the
** database the rest of the folder is applied to. */
static int probe_candidate(probe *x)
{
	cw_lint_mig *mig = &x->migs[x->k];
	cw_ev_graph g;
	drop_watch *w = calloc(mig->n + 1, sizeof(*w));
	size_t *roots = calloc(mig->n + 1, sizeof(*roots)), n = 0;
	int rc;

	memset(&g, 0, sizeof(g));
	if (w == NULL || roots == NULL) {
		rc = cw_error_set(x->err, CW_ENOMEM, NULL, NULL, 0,
				  "out of memory");
		goto done;
	}
	if (sqlite3_exec(x->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK) {
		rc = 0;
		goto done;
	}
	rc = cw_ev_graph_load(&g, x->db, x->mtable, x->err);
	if (rc == CW_ESQL) {
		/* Not measurable here: the verdicts stay CW_EV_NONE. */
		cw_error_clear(x->err);
		rc = 0;
		goto rollback;
	}
	if (rc == 0)
		rc = pick_roots(x, &g, w, roots, &n);
	if (rc == 0 && n > 0)
		rc = measure(x, &g, w, roots, n);
rollback:
	rollback(x);
done:
	cw_ev_graph_free(&g);
	free(w);
	free(roots);
	return rc;
}

/* The migration fails without any data too: what the seeded pass saw
** says nothing about data, so its verdicts are dropped (S005 reports the
** failure itself). */
static void forget(cw_lint_mig *g)
{
	size_t i;

	for (i = 0; i < g->n; i++)
		if (g->stmts[i].ev.state == CW_EV_FAILED) {
			g->stmts[i].ev.state = CW_EV_NONE;
			g->stmts[i].ev.is_blocked = 0;
		}
}

static int is_runnable(const cw_migration *m)
{
	return m->load_rc == 0 && m->text.data != NULL && m->entry != NULL &&
	       m->entry->tag != NULL;
}

static int open_db(probe *x, const char *table)
{
	char *q = cw_db_quote_ident(table), *sql;
	size_t n;
	int rc = cw_db_open_memory(&x->db, x->err);

	if (rc != 0 || q == NULL) {
		free(q);
		return rc ? rc : cw_error_set(x->err, CW_ENOMEM, NULL, NULL,
					      0, "out of memory");
	}
	/* The migrator creates its table first, in autocommit. */
	n = strlen(q) + 128;
	sql = malloc(n);
	if (sql != NULL) {
		snprintf(sql, n, "CREATE TABLE IF NOT EXISTS %s (id SERIAL "
			 "PRIMARY KEY, hash text NOT NULL, created_at "
			 "numeric)", q);
		rc = cw_db_exec(x->db, sql, x->err);
	} else {
		rc = cw_error_set(x->err, CW_ENOMEM, NULL, NULL, 0, "oom");
	}
	free(sql);
	free(q);
	return rc;
}

int cw_evidence_probe(cw_lint_mig *migs, const cw_folder *f,
		      const char *table, cw_error *err)
{
	probe x;
	size_t last = 0, k;
	int rc;

	for (k = 0; k < f->n_migrations; k++)
		if (migs[k].is_candidate)
			last = k + 1;
	if (last == 0)
		return 0;
	memset(&x, 0, sizeof(x));
	x.f = f;
	x.migs = migs;
	x.mtable = table;
	x.err = err;
	rc = open_db(&x, table);
	/* Stop where production would: an unreadable file, a migration that
	** ends the transaction (L001), or one that fails (S005). */
	for (k = 0; rc == 0 && k < last; k++) {
		x.k = k;
		if (!is_runnable(&f->migrations[k]) || migs[k].ends_txn)
			break;
		if (migs[k].is_candidate)
			rc = probe_candidate(&x);
		if (rc == 0 && (rc = apply(&x)) == 1) {
			forget(&migs[k]);
			rc = 0;
			break;
		}
	}
	sqlite3_close(x.db);
	if (rc < 0 && err != NULL && err->code != 0)
		return err->code;
	return rc < 0 ? cw_error_set(err, CW_ENOMEM, NULL, NULL, 0,
				     "out of memory probing %s", f->dir) : 0;
}
