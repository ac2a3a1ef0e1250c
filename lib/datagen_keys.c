/*
** datagen_keys.c - the generator's foreign keys: which values of each
** table's rows are kept (what children reference, and the row's locator),
** which parent row a child row points at, cycles closed once the parent
** has rows, and the last check that nothing points at nothing.
**
** Parent rows are chosen so that every parent has a child: for each child
** table, one key per parent table ("covering", a NOT NULL one if there is
** one) sends row r to row perm(r mod n) of the parent's n rows, perm being
** x -> (a*x + b) mod n with a prime to n.  A second key to the same parent
** is shifted so that (first, second) pairs stay distinct, as composite
** keys like (task_id, depends_on_task_id) need.  A retry draws parents at
** random.
*/
#include "datagen_fill.h"
#include "db.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static int nomem(dg_run *run)
{
	return cw_error_set(run->err, CW_ENOMEM, "", "", 0,
			    "out of memory generating rows");
}

int dg_tab_why(dg_run *run, size_t t, const char *fmt, ...)
{
	dg_tab *tb = &run->tabs[t];
	char buf[1024];
	va_list ap;

	if (tb->why)
		return 0;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	tb->why = strdup(buf);
	return tb->why ? 0 : nomem(run);
}

/* ---- planning ---- */

static long table_index(const cw_schema *s, const char *name)
{
	size_t i;

	for (i = 0; i < s->n_tables; i++)
		if (strcasecmp(s->tables[i].name, name) == 0)
			return (long)i;
	return -1;
}

static long column_index(const cw_schema_table *t, const char *name)
{
	size_t i;

	for (i = 0; i < t->n_columns; i++)
		if (strcasecmp(t->columns[i].name, name) == 0)
			return (long)i;
	return -1;
}

/* The place of column col in k, added if missing; (size_t)-2 when out of
** memory. */
static size_t key_at(dg_keys *k, size_t col)
{
	size_t i, *cols;

	for (i = 0; i < k->n_cols; i++)
		if (k->cols[i] == col)
			return i;
	cols = realloc(k->cols, (k->n_cols + 1) * sizeof(*cols));
	if (cols == NULL)
		return (size_t)-2;
	k->cols = cols;
	k->cols[k->n_cols] = col;
	return k->n_cols++;
}

/* The parent column the j-th column of fk references: named, or the
** parent's primary key in order; -1 when there is none. */
static long parent_column(const cw_schema_table *p, const cw_schema_fk *fk,
			  size_t j)
{
	size_t i;

	if (fk->to && fk->to[j])
		return column_index(p, fk->to[j]);
	for (i = 0; i < p->n_columns; i++)
		if (p->columns[i].pk == (int)j + 1)
			return (long)i;
	return -1;
}

static int plan_locator(dg_run *run, dg_tab *tb)
{
	static const char *const names[] = {"rowid", "_rowid_", "oid"};
	const cw_schema_table *t = tb->t;
	size_t i, at;

	tb->rowid_name = NULL;
	for (i = 0; !t->without_rowid && i < 3 && !tb->rowid_name; i++)
		if (column_index(t, names[i]) < 0)
			tb->rowid_name = names[i];
	tb->loc = calloc(t->n_columns + 1, sizeof(*tb->loc));
	if (tb->loc == NULL)
		return nomem(run);
	if (tb->rowid_name) {
		if ((at = key_at(&tb->keys, DG_ROWID)) == (size_t)-2)
			return nomem(run);
		tb->loc[tb->n_loc++] = at;
		return 0;
	}
	for (i = 0; i < t->n_columns; i++) {
		size_t j;
		for (j = 0; j < t->n_columns; j++)
			if (t->columns[j].pk == (int)i + 1)
				break;
		if (j == t->n_columns)
			break;
		if ((at = key_at(&tb->keys, j)) == (size_t)-2)
			return nomem(run);
		tb->loc[tb->n_loc++] = at;
	}
	return 0;
}

static int plan_fk(dg_run *run, size_t t, size_t k)
{
	dg_tab *tb = &run->tabs[t];
	const cw_schema_fk *fk = &tb->t->fks[k];
	dg_fk *f = &tb->fks[k];
	size_t j, i;

	f->fk = fk;
	f->parent = table_index(run->s, fk->parent);
	f->is_self = f->parent == (long)t;
	f->nullable = 0;
	f->at = calloc(fk->n ? fk->n : 1, sizeof(*f->at));
	f->col = calloc(fk->n ? fk->n : 1, sizeof(*f->col));
	if (f->at == NULL || f->col == NULL)
		return nomem(run);
	for (j = 0; j < fk->n; j++) {
		long c = column_index(tb->t, fk->from[j]);
		f->col[j] = c;
		/* One NULL column lifts the key (MATCH SIMPLE). */
		if (c >= 0 && tb->cols[c].nullable)
			f->nullable = 1;
		f->at[j] = (size_t)-1;
		if (f->parent >= 0) {
			dg_tab *p = &run->tabs[f->parent];
			long pc = parent_column(p->t, fk, j);
			if (pc >= 0 && (f->at[j] = key_at(&p->keys,
					(size_t)pc)) == (size_t)-2)
				return nomem(run);
		}
	}
	for (i = 0; i < k; i++)
		if (tb->fks[i].parent == f->parent)
			f->ordinal++;
	return 0;
}

/* One covering key per parent table: the first NOT NULL one, else the
** first. */
static void plan_covering(dg_tab *tb)
{
	size_t k, i;

	for (k = 0; k < tb->t->n_fks; k++) {
		dg_fk *f = &tb->fks[k];
		int taken = 0;
		if (f->is_self || f->parent < 0)
			continue;
		for (i = 0; i < tb->t->n_fks; i++)
			if (tb->fks[i].parent == f->parent &&
			    tb->fks[i].covering)
				taken = 1;
		if (taken)
			continue;
		for (i = k; i < tb->t->n_fks; i++)
			if (tb->fks[i].parent == f->parent &&
			    !tb->fks[i].nullable)
				break;
		tb->fks[i < tb->t->n_fks ? i : k].covering = 1;
	}
}

/* Where the contract table's agent ids come from when agent_id has no
** foreign key: a table called agents with a one-column primary key. */
static int plan_agents(dg_run *run, size_t t)
{
	dg_tab *tb = &run->tabs[t];
	long a = column_index(tb->t, "agent_id"), agents, pk = -1;
	size_t i;

	if ((tb->agent_key = key_at(&tb->keys, (size_t)a)) == (size_t)-2)
		return nomem(run);
	agents = table_index(run->s, "agents");
	if (tb->cols[a].fk >= 0 || agents < 0 ||
	    run->tabs[agents].is_skipped)
		return 0;
	for (i = 0; i < run->tabs[agents].t->n_columns; i++)
		if (run->tabs[agents].t->columns[i].pk > 0)
			pk = pk < 0 && run->tabs[agents].t->columns[i].pk == 1 ?
			     (long)i : -2;
	if (pk < 0)
		return 0;
	run->agents = agents;
	run->agents_key = key_at(&run->tabs[agents].keys, (size_t)pk);
	return run->agents_key == (size_t)-2 ? nomem(run) : 0;
}

/* A table needs its rows located (for an UPDATE later) when it refers to
** itself or to a table filled after it. */
static int needs_locator(const dg_tab *tb, const size_t *pos, size_t t)
{
	size_t k;

	for (k = 0; k < tb->t->n_fks; k++) {
		const dg_fk *f = &tb->fks[k];
		if (f->is_self || (f->parent >= 0 && pos[f->parent] > pos[t]))
			return 1;
	}
	return 0;
}

int dg_keys_plan(dg_run *run, const size_t *order, size_t n_order)
{
	size_t t, k, *pos = calloc(run->s->n_tables + 1, sizeof(*pos));
	int rc = 0;

	if (pos == NULL)
		return nomem(run);
	for (t = 0; t < run->s->n_tables; t++)
		pos[t] = (size_t)-1;
	for (k = 0; k < n_order; k++)
		pos[order[k]] = k;
	run->agents = -1;
	for (t = 0; rc == 0 && t < run->s->n_tables; t++) {
		dg_tab *tb = &run->tabs[t];
		if (tb->is_skipped)
			continue;
		tb->fks = calloc(tb->t->n_fks ? tb->t->n_fks : 1,
				 sizeof(*tb->fks));
		if (tb->fks == NULL)
			rc = nomem(run);
		for (k = 0; rc == 0 && k < tb->t->n_fks; k++)
			rc = plan_fk(run, t, k);
		if (rc == 0)
			plan_covering(tb);
	}
	/* Only what is needed is kept: a leaf table keeps nothing. */
	for (t = 0; rc == 0 && t < run->s->n_tables; t++)
		if (!run->tabs[t].is_skipped &&
		    needs_locator(&run->tabs[t], pos, t))
			rc = plan_locator(run, &run->tabs[t]);
	for (t = 0; rc == 0 && t < run->s->n_tables; t++)
		if (run->tabs[t].is_contract)
			rc = plan_agents(run, t);
	free(pos);
	return rc;
}

/* ---- stored rows ---- */

int dg_keys_sql(char **out, const dg_run *run, size_t t)
{
	const dg_tab *tb = &run->tabs[t];
	size_t i, len = 1, at = 0;
	char *s, **q = calloc(tb->keys.n_cols + 1, sizeof(*q));

	*out = NULL;
	for (i = 0; q && i < tb->keys.n_cols; i++) {
		size_t c = tb->keys.cols[i];
		q[i] = c == DG_ROWID ? strdup(tb->rowid_name) :
		       cw_db_quote_ident(tb->t->columns[c].name);
		if (q[i] == NULL)
			break;
		len += strlen(q[i]) + 1;
	}
	s = q && i == tb->keys.n_cols ? malloc(len) : NULL;
	for (i = 0; s && i < tb->keys.n_cols; i++) {
		size_t n = strlen(q[i]);
		if (i > 0)
			s[at++] = ',';
		memcpy(s + at, q[i], n);
		at += n;
	}
	if (s)
		s[at] = '\0';
	for (i = 0; q && i < tb->keys.n_cols; i++)
		free(q[i]);
	free(q);
	*out = s;
	return s ? 0 : CW_ENOMEM;
}

int dg_keys_add(dg_run *run, size_t t, sqlite3_stmt *st)
{
	dg_keys *k = &run->tabs[t].keys;
	size_t i, base;

	if (k->n_rows == k->cap) {
		size_t cap = k->cap ? k->cap * 2 : 64;
		sqlite3_value **v = realloc(k->vals, cap * (k->n_cols ?
					    k->n_cols : 1) * sizeof(*v));
		if (v == NULL)
			return nomem(run);
		k->vals = v;
		k->cap = cap;
	}
	base = k->n_rows * k->n_cols;
	for (i = 0; i < k->n_cols; i++) {
		k->vals[base + i] = sqlite3_value_dup(
			sqlite3_column_value(st, (int)i));
		if (k->vals[base + i] == NULL) {
			while (i-- > 0)
				sqlite3_value_free(k->vals[base + i]);
			return nomem(run);
		}
	}
	k->n_rows++;
	return 0;
}

int dg_keys_load(dg_run *run, size_t t)
{
	dg_tab *tb = &run->tabs[t];
	char *cols = NULL, *name = cw_db_quote_ident(tb->t->name), *sql;
	sqlite3_stmt *st = NULL;
	int rc;

	if (name == NULL || dg_keys_sql(&cols, run, t) != 0) {
		free(name);
		return nomem(run);
	}
	sql = sqlite3_mprintf("SELECT %s FROM %s", cols[0] ? cols : "1", name);
	free(cols);
	free(name);
	if (sql == NULL)
		return nomem(run);
	rc = sqlite3_prepare_v2(run->db, sql, -1, &st, NULL);
	if (rc == SQLITE_OK)
		while ((rc = sqlite3_step(st)) == SQLITE_ROW)
			if (dg_keys_add(run, t, st) != 0) {
				sqlite3_finalize(st);
				sqlite3_free(sql);
				return CW_ENOMEM;
			}
	if (rc != SQLITE_DONE)
		rc = cw_error_set(run->err, CW_ESQL, "", "", 0, "%s: %s", sql,
				  sqlite3_errmsg(run->db));
	else
		rc = 0;
	sqlite3_finalize(st);
	sqlite3_free(sql);
	return rc;
}

void dg_keys_free(dg_keys *k)
{
	size_t i;

	for (i = 0; i < k->n_rows * k->n_cols; i++)
		sqlite3_value_free(k->vals[i]);
	free(k->vals);
	free(k->cols);
	memset(k, 0, sizeof(*k));
}

/* ---- choosing parents ---- */

static uint64_t gcd(uint64_t a, uint64_t b)
{
	while (b) {
		uint64_t t = a % b;
		a = b;
		b = t;
	}
	return a;
}

/* perm(x) for n parent rows (the permutation is drawn once per n). */
static size_t perm(dg_run *run, dg_fk *f, size_t t, size_t x, size_t n)
{
	if (f->perm_n != n) {
		cw_prng rng;
		uint64_t labels[3] = {cw_prng_hash(run->tabs[t].t->name),
			cw_prng_hash(f->fk->parent), (uint64_t)f->ordinal};
		cw_prng_seed(&rng, run->o->seed, labels, 3);
		f->mult = 1 + cw_prng_below(&rng, n);
		while (gcd(f->mult, n) != 1)
			f->mult++;
		f->add = cw_prng_below(&rng, n);
		f->perm_n = n;
	}
	return (size_t)((f->mult * (x % n) + f->add) % n);
}

size_t dg_fk_planned(dg_run *run, size_t t, size_t k, size_t r, size_t n)
{
	dg_fk *f = &run->tabs[t].fks[k];
	size_t shift = (size_t)f->ordinal * (1 + r / n);

	return perm(run, f, t, r + shift, n);
}

int dg_fk_choose(dg_run *run, size_t t, size_t k, const dg_row *w,
		 size_t *row)
{
	dg_fk *f = &run->tabs[t].fks[k];
	size_t n;
	cw_prng rng;

	if (f->parent < 0)
		return f->nullable ? DG_FK_NULL : DG_FK_LATER;
	n = run->tabs[f->parent].keys.n_rows;
	dg_stream(&rng, w, cw_prng_hash(f->fk->parent) ^ k, 2);
	if (f->is_self) {
		if (n == 0 || (f->nullable && cw_prng_chance(&rng, 1, 4)))
			return f->nullable ? DG_FK_NULL : DG_FK_SELF;
		*row = (size_t)cw_prng_below(&rng, n);
		return DG_FK_ROW;
	}
	if (!run->tabs[f->parent].is_filled)
		return DG_FK_LATER;
	if (n == 0)
		return f->nullable ? DG_FK_NULL : DG_FK_NONE;
	if (w->attempt > 0) {
		if (f->nullable && cw_prng_chance(&rng, 1, 4))
			return DG_FK_NULL;
		*row = (size_t)cw_prng_below(&rng, n);
		return DG_FK_ROW;
	}
	if (f->nullable && (!f->covering || w->r >= n) &&
	    cw_prng_chance(&rng, 1, 5))
		return DG_FK_NULL;
	/* A top-up: the rows earlier fills wrote already cover the parent
	** rows that were there; new rows take the parent's new rows in
	** order, so a one-to-one key (a child whose key is its parent's)
	** finds a parent no row points at yet. */
	if (run->tabs[t].n_before > 0 && w->r < n) {
		*row = (w->r + (size_t)f->ordinal) % n;
		return DG_FK_ROW;
	}
	*row = dg_fk_planned(run, t, k, w->r, n);
	return DG_FK_ROW;
}
