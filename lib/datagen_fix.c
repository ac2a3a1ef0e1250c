/*
** datagen_fix.c - closing what the fill leaves open: foreign keys into
** tables filled later (cycles) and self-references of a row to itself
** are set with UPDATE once the parent has rows; then, before COMMIT,
** whatever still points at nothing is removed and its table named.
**
** Foreign keys are deferred for the whole fill (PRAGMA defer_foreign_keys),
** so a NOT NULL key can hold a stand-in until its UPDATE; the final check
** is what keeps the promise that no key is left dangling.
*/
#include "datagen_fill.h"
#include "db.h"

#include <stdlib.h>
#include <string.h>

static int nomem(dg_run *run)
{
	return cw_error_set(run->err, CW_ENOMEM, "", "", 0,
			    "out of memory generating rows");
}

int dg_fixup_add(dg_run *run, size_t t, size_t row, size_t k,
		 int keep_null)
{
	dg_fixup *fx;

	if (run->n_fix == run->cap_fix) {
		size_t cap = run->cap_fix ? run->cap_fix * 2 : 64;
		fx = realloc(run->fix, cap * sizeof(*fx));
		if (fx == NULL)
			return nomem(run);
		run->fix = fx;
		run->cap_fix = cap;
	}
	fx = &run->fix[run->n_fix++];
	fx->tab = t;
	fx->row = row;
	fx->fk = k;
	fx->keep_null = keep_null;
	return 0;
}

/* Append `"name" = ?N` pieces joined by sep to sql (sqlite3_mprintf'd). */
static char *assign(char *sql, const char *sep, const char *name, int n,
		    int first)
{
	char *q = cw_db_quote_ident(name), *out;

	out = q ? sqlite3_mprintf("%z%s%s = ?%d", sql, first ? "" : sep, q, n) :
	      NULL;
	if (q == NULL)
		sqlite3_free(sql);
	free(q);
	return out;
}

/* UPDATE child SET <key columns> = ? WHERE <locator> = ? RETURNING keys;
** set_null writes NULLs instead of parameters. */
static char *update_sql(dg_run *run, size_t t, size_t k, int set_null)
{
	dg_tab *tb = &run->tabs[t];
	const cw_schema_fk *fk = tb->fks[k].fk;
	char *name = cw_db_quote_ident(tb->t->name), *cols = NULL, *sql;
	size_t j, n_set;

	if (name == NULL || dg_keys_sql(&cols, run, t) != 0) {
		free(name);
		return NULL;
	}
	sql = sqlite3_mprintf("UPDATE %s SET ", name);
	for (j = 0, n_set = 0; sql && j < fk->n; j++) {
		long c = tb->fks[k].col[j];
		if (set_null && (c < 0 || !tb->cols[c].nullable))
			continue;
		sql = set_null ? sqlite3_mprintf("%z%s\"%w\" = NULL", sql,
				 n_set ? ", " : "", fk->from[j]) :
		      assign(sql, ", ", fk->from[j], (int)j + 1, j == 0);
		n_set++;
	}
	if (sql)
		sql = sqlite3_mprintf("%z WHERE ", sql);
	for (j = 0; sql && j < tb->n_loc; j++) {
		size_t c = tb->keys.cols[tb->loc[j]];
		sql = c == DG_ROWID ?
		      sqlite3_mprintf("%z%s = ?%d", sql, tb->rowid_name,
				      (int)(fk->n + j + 1)) :
		      assign(sql, " AND ", tb->t->columns[c].name,
			     (int)(fk->n + j + 1), j == 0);
	}
	if (sql)
		sql = sqlite3_mprintf("%z RETURNING %s", sql, cols);
	free(name);
	free(cols);
	return sql;
}

/* Keep the child's stored row in step with what the UPDATE returned. */
static int restore_row(dg_run *run, size_t t, size_t row, sqlite3_stmt *st)
{
	dg_keys *k = &run->tabs[t].keys;
	size_t i;

	for (i = 0; i < k->n_cols; i++) {
		sqlite3_value *v = sqlite3_value_dup(
			sqlite3_column_value(st, (int)i));
		if (v == NULL)
			return nomem(run);
		sqlite3_value_free(k->vals[row * k->n_cols + i]);
		k->vals[row * k->n_cols + i] = v;
	}
	return 0;
}

/* Try parent row idx for fixup fx with st (NULL parent: idx ignored).
** Returns 1 when it took, 0 when a constraint refused it, or an error. */
static int try_parent(dg_run *run, const dg_fixup *fx, sqlite3_stmt *st,
		      size_t idx)
{
	dg_tab *tb = &run->tabs[fx->tab];
	dg_fk *f = &tb->fks[fx->fk];
	size_t j;
	int rc;

	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	for (j = 0; f->parent >= 0 && j < f->fk->n; j++) {
		dg_keys *p = &run->tabs[f->parent].keys;
		if (f->at[j] != (size_t)-1 && idx < p->n_rows)
			sqlite3_bind_value(st, (int)j + 1,
					   p->vals[idx * p->n_cols + f->at[j]]);
	}
	for (j = 0; j < tb->n_loc; j++)
		sqlite3_bind_value(st, (int)(f->fk->n + j + 1),
				   tb->keys.vals[fx->row * tb->keys.n_cols +
						 tb->loc[j]]);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		int r = restore_row(run, fx->tab, fx->row, st);
		sqlite3_reset(st);
		return r == 0 ? 1 : r;
	}
	if ((rc & 0xff) == SQLITE_CONSTRAINT) {
		sqlite3_reset(st);
		return 0;
	}
	return cw_error_set(run->err, CW_ESQL, "", "", 0,
			    "setting a foreign key of %s: %s", tb->t->name,
			    sqlite3_errmsg(run->db));
}

static int run_update(dg_run *run, const dg_fixup *fx, int set_null)
{
	dg_tab *tb = &run->tabs[fx->tab];
	dg_fk *f = &tb->fks[fx->fk];
	size_t n = f->parent >= 0 ? run->tabs[f->parent].keys.n_rows : 0;
	sqlite3_stmt *st = NULL;
	char *sql = update_sql(run, fx->tab, fx->fk, set_null);
	int rc, a;

	if (sql == NULL)
		return nomem(run);
	if (sqlite3_prepare_v2(run->db, sql, -1, &st, NULL) != SQLITE_OK) {
		rc = cw_error_set(run->err, CW_ESQL, "", "", 0, "%s: %s", sql,
				  sqlite3_errmsg(run->db));
		sqlite3_free(sql);
		return rc;
	}
	sqlite3_free(sql);
	rc = 0;
	for (a = 0; rc == 0 && a < run->o->max_attempts && (set_null || n);
	     a++) {
		size_t idx;
		if (f->is_self && a == 0)
			idx = fx->row;
		else if (a == 0)
			idx = dg_fk_planned(run, fx->tab, fx->fk, fx->row, n);
		else {
			cw_prng rng;
			dg_row w = {run->o->seed, cw_prng_hash(tb->t->name),
				    fx->row, a, run->o->rows};
			dg_stream(&rng, &w, fx->fk, 3);
			idx = (size_t)cw_prng_below(&rng, n);
		}
		rc = try_parent(run, fx, st, idx);
		if (set_null)
			break;
	}
	sqlite3_finalize(st);
	return rc;
}

static int apply(dg_run *run, const dg_fixup *fx)
{
	dg_fk *f = &run->tabs[fx->tab].fks[fx->fk];
	int rc;

	if (fx->keep_null)
		return 0;
	rc = run_update(run, fx, 0);
	if (rc == 0 && f->nullable)
		rc = run_update(run, fx, 1);
	/* A NOT NULL key no parent took is left to dg_keys_settle. */
	return rc < 0 ? rc : 0;
}

int dg_fixup_run(dg_run *run)
{
	size_t i, kept = 0;
	int rc = 0;

	for (i = 0; i < run->n_fix; i++) {
		dg_fixup *fx = &run->fix[i];
		dg_fk *f = &run->tabs[fx->tab].fks[fx->fk];
		int ready = f->is_self ? run->tabs[fx->tab].is_filled :
			    f->parent < 0 || run->tabs[f->parent].is_filled;
		if (rc == 0 && ready)
			rc = apply(run, fx);
		else
			run->fix[kept++] = *fx;
	}
	run->n_fix = kept;
	return rc;
}

/* ---- the last check ---- */

/* Does a row this run wrote point at nothing?  Only tables it wrote
** rows into are checked: rows that were there before are not the
** generator's to judge (nor to remove), and a top-up stays proportional
** to what it adds. */
static int has_dangling(dg_run *run, int *out)
{
	sqlite3_stmt *st = NULL;
	size_t t;
	int rc = sqlite3_prepare_v2(run->db, "SELECT count(*) FROM "
				    "pragma_foreign_key_check(?1)", -1, &st,
				    NULL);

	*out = 0;
	/* The fill runs with foreign keys enforced (deferred): nothing it
	** wrote dangles when nothing is outstanding. */
	if (rc == SQLITE_OK && cw_db_fk_all_resolved(run->db)) {
		sqlite3_finalize(st);
		return 0;
	}
	for (t = 0; rc == SQLITE_OK && !*out && t < run->s->n_tables; t++) {
		if (run->tabs[t].is_skipped || run->tabs[t].n_generated == 0 ||
		    run->tabs[t].t->n_fks == 0)
			continue;
		sqlite3_bind_text(st, 1, run->tabs[t].t->name, -1,
				  SQLITE_STATIC);
		if (sqlite3_step(st) == SQLITE_ROW)
			*out = sqlite3_column_int(st, 0) > 0;
		else
			rc = SQLITE_ERROR;
		sqlite3_reset(st);
	}
	if (rc != SQLITE_OK)
		rc = cw_error_set(run->err, CW_ESQL, "", "", 0,
				  "PRAGMA foreign_key_check: %s",
				  sqlite3_errmsg(run->db));
	sqlite3_finalize(st);
	return rc;
}

/* DELETE the rows of table t whose key k points at nothing; *out the
** count. */
static int remove_dangling(dg_run *run, size_t t, size_t k, int *out)
{
	dg_tab *tb = &run->tabs[t];
	dg_fk *f = &tb->fks[k];
	dg_tab *p = &run->tabs[f->parent];
	char *sql = sqlite3_mprintf("DELETE FROM \"%w\" WHERE 1", tb->t->name);
	size_t j;
	int rc;

	for (j = 0; sql && j < f->fk->n; j++)
		sql = sqlite3_mprintf("%z AND \"%w\" IS NOT NULL", sql,
				      f->fk->from[j]);
	if (sql)
		sql = sqlite3_mprintf("%z AND NOT EXISTS (SELECT 1 FROM "
				      "\"%w\" AS p WHERE 1", sql, p->t->name);
	for (j = 0; sql && j < f->fk->n; j++)
		sql = sqlite3_mprintf("%z AND p.\"%w\" = \"%w\".\"%w\"", sql,
			p->t->columns[p->keys.cols[f->at[j]]].name,
			tb->t->name, f->fk->from[j]);
	if (sql)
		sql = sqlite3_mprintf("%z)", sql);
	if (sql == NULL)
		return nomem(run);
	rc = cw_db_exec(run->db, sql, run->err);
	sqlite3_free(sql);
	*out = rc == 0 ? sqlite3_changes(run->db) : 0;
	return rc;
}

static int resolvable(const dg_run *run, const dg_fk *f)
{
	size_t j;

	if (f->parent < 0)
		return 0;
	for (j = 0; j < f->fk->n; j++)
		if (f->at[j] == (size_t)-1 ||
		    run->tabs[f->parent].keys.cols[f->at[j]] == DG_ROWID)
			return 0;
	return 1;
}

int dg_keys_settle(dg_run *run)
{
	int dangling = 0, pass, changed = 1, n = 0, rc;
	size_t t, k;

	if ((rc = has_dangling(run, &dangling)) != 0 || !dangling)
		return rc;
	for (pass = 0; pass < 10 && changed; pass++) {
		changed = 0;
		for (t = 0; t < run->s->n_tables; t++) {
			dg_tab *tb = &run->tabs[t];
			for (k = 0; !tb->is_skipped && k < tb->t->n_fks; k++) {
				if (!resolvable(run, &tb->fks[k]))
					continue;
				if ((rc = remove_dangling(run, t, k, &n)) != 0)
					return rc;
				if (n > 0 && (rc = dg_tab_why(run, t, "FOREIGN "
				    "KEY constraint failed: %d rows pointed at "
				    "nothing in %s and were removed", n,
				    run->tabs[run->tabs[t].fks[k].parent].t->
				    name)) != 0)
					return rc;
				changed |= n > 0;
			}
		}
	}
	return 0;
}
