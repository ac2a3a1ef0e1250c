/*
** datagen_row.c - one row of the fill: its foreign keys (keys that share
** a column agree on the parent row, self-references come last), the rest
** of its values (one in five NULL where a column may be NULL), and the
** INSERT ... RETURNING, drawn again on a constraint failure.
*/
#include "datagen_fill.h"

#include "watchdog.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int sql_error(dg_run *run, const char *what)
{
	return cw_error_set(run->err, CW_ESQL, "", "", 0, "%s: %s", what,
			    sqlite3_errmsg(run->db));
}

static int is_null_row(const dg_col *c, const dg_row *w)
{
	cw_prng rng;

	if (w->attempt == 0)
		return cw_prng_mix(w->seed ^ w->table ^ c->label ^
				   (uint64_t)w->r) % 5 == 0;
	dg_stream(&rng, w, c->label, 5);
	return cw_prng_chance(&rng, 1, 3);
}

/* 1 if a and b are the same value, as a foreign key compares them. */
static int same_value(const sqlite3_value *ca, const sqlite3_value *cb)
{
	sqlite3_value *a = (sqlite3_value *)ca, *b = (sqlite3_value *)cb;
	int ta = sqlite3_value_type(a), tb = sqlite3_value_type(b);
	int n;

	if (ta == SQLITE_NULL || tb == SQLITE_NULL)
		return 0;
	if ((ta == SQLITE_INTEGER || ta == SQLITE_FLOAT) &&
	    (tb == SQLITE_INTEGER || tb == SQLITE_FLOAT))
		return ta == SQLITE_INTEGER && tb == SQLITE_INTEGER ?
		       sqlite3_value_int64(a) == sqlite3_value_int64(b) :
		       sqlite3_value_double(a) == sqlite3_value_double(b);
	if (ta != tb)
		return 0;
	n = sqlite3_value_bytes(a);
	return n == sqlite3_value_bytes(b) &&
	       memcmp(ta == SQLITE_TEXT ? (const void *)sqlite3_value_text(a) :
		      sqlite3_value_blob(a), ta == SQLITE_TEXT ?
		      (const void *)sqlite3_value_text(b) :
		      sqlite3_value_blob(b), (size_t)n) == 0;
}

/* Key k shares columns with a key chosen before it (userId in (userId)
** and in (userId, tagId)): the parent row, searched from *row on, that
** agrees with what those columns hold.  1 found, 2 a shared column is
** NULL (the key is not enforced), 0 none. */
static int matching_row(dg_run *run, size_t t, size_t k, const dg_val *vals,
			const char *set, size_t *row)
{
	dg_tab *tb = &run->tabs[t];
	dg_fk *f = &tb->fks[k];
	dg_keys *p = &run->tabs[f->parent].keys;
	size_t i, j;

	for (i = 0; i < p->n_rows; i++) {
		size_t cand = (*row + i) % p->n_rows;
		int ok = 1;
		for (j = 0; ok && j < f->fk->n; j++) {
			long c = f->col[j];
			if (c < 0 || !set[c])
				continue;
			if (vals[c].type == SQLITE_NULL)
				return 2;
			ok = vals[c].type == DG_VALUE &&
			     f->at[j] != (size_t)-1 &&
			     same_value(vals[c].v,
					p->vals[cand * p->n_cols + f->at[j]]);
		}
		if (ok) {
			*row = cand;
			return 1;
		}
	}
	return 0;
}

static int shares_set_column(const dg_fk *f, const char *set)
{
	size_t j;

	for (j = 0; j < f->fk->n; j++) {
		long c = f->col[j];
		if (c >= 0 && set[c])
			return 1;
	}
	return 0;
}

/* Key k's columns of the row.  1 when the row cannot be made, 2 when
** this attempt cannot (try another). */
static int key_value(dg_run *run, size_t t, size_t k, const dg_row *w,
		     dg_val *vals, int *choice, char *set)
{
	dg_tab *tb = &run->tabs[t];
	dg_fk *f = &tb->fks[k];
	dg_keys *p = f->parent >= 0 ? &run->tabs[f->parent].keys : NULL;
	size_t j, row = 0;

	choice[k] = tb->is_contract && f->fk->n == 1 &&
		    f->col[0] == dg_col_of(tb->t, "agent_id") ?
		    dg_chunk_parent(run, t, k, w, &row) :
		    dg_fk_choose(run, t, k, w, &row);
	if (choice[k] == DG_FK_NONE)
		return dg_tab_why(run, t, "FOREIGN KEY constraint failed: the "
				  "parent table %s has no rows",
				  f->fk->parent) ? -1 : 1;
	if (choice[k] == DG_FK_ROW && shares_set_column(f, set) &&
	    matching_row(run, t, k, vals, set, &row) == 0) {
		if (!f->nullable)
			return 2;
		choice[k] = DG_FK_NULL;
	}
	for (j = 0; j < f->fk->n; j++) {
		long c = f->col[j];
		if (c < 0 || set[c] || !tb->cols[c].in_insert)
			continue;
		if (choice[k] == DG_FK_ROW && f->at[j] != (size_t)-1) {
			vals[c].type = DG_VALUE;
			vals[c].v = p->vals[row * p->n_cols + f->at[j]];
		} else if (choice[k] == DG_FK_ROW || tb->cols[c].nullable) {
			/* one NULL column is enough: the key is not
			** enforced (MATCH SIMPLE) */
			vals[c].type = SQLITE_NULL;
		} else if (choice[k] == DG_FK_NULL) {
			continue;   /* its own value, or another key's */
		} else {
			/* a stand-in until the fixup */
			dg_value(&vals[c], &tb->cols[c], w);
		}
		set[c] = 1;
	}
	return 0;
}

/* The foreign-key columns of the row: composite keys to other tables
** first, so that a one-column key sharing a column follows them, and
** self-references last, agreeing with what the row already holds. */
static int key_values(dg_run *run, size_t t, const dg_row *w, dg_val *vals,
		      int *choice, char *set)
{
	const dg_tab *tb = &run->tabs[t];
	size_t k;
	int pass, rc;

	for (pass = 0; pass < 3; pass++)
		for (k = 0; k < tb->t->n_fks; k++) {
			int p = tb->fks[k].is_self ? 2 :
				tb->t->fks[k].n > 1 ? 0 : 1;
			if (p == pass && (rc = key_value(run, t, k, w, vals,
							 choice, set)))
				return rc;
		}
	return 0;
}

/* All values of row w into vals; 1 when the row cannot be made, 2 when
** this attempt cannot. */
static int make_row(dg_run *run, size_t t, const dg_row *w, dg_val *vals,
		    int *choice, dg_chunk *ck)
{
	dg_tab *tb = &run->tabs[t];
	char *set = (char *)(vals + tb->t->n_columns);
	size_t i;
	int rc;

	memset(set, 0, tb->t->n_columns);
	for (i = 0; i < tb->t->n_columns; i++)
		vals[i].type = SQLITE_NULL;
	if ((rc = key_values(run, t, w, vals, choice, set)) != 0)
		return rc;
	if (tb->is_contract) {
		set[ck->session] = set[ck->created] = set[ck->content] = 1;
		if ((rc = dg_chunk_values(run, ck, vals, w)) != 0)
			return rc;
		set[ck->agent] = 1;
	}
	for (i = 0; i < tb->t->n_columns; i++) {
		const dg_col *c = &tb->cols[i];
		if (!c->in_insert || set[i])
			continue;
		if (c->nullable && is_null_row(c, w))
			vals[i].type = SQLITE_NULL;
		else
			dg_value(&vals[i], c, w);
	}
	return 0;
}

static void bind_row(sqlite3_stmt *st, const dg_tab *tb, const dg_val *vals)
{
	size_t i;
	int p = 0;

	sqlite3_clear_bindings(st);
	for (i = 0; i < tb->t->n_columns; i++) {
		const dg_val *v = &vals[i];
		if (!tb->cols[i].in_insert)
			continue;
		p++;
		switch (v->type) {
		case SQLITE_INTEGER: sqlite3_bind_int64(st, p, v->i); break;
		case SQLITE_FLOAT: sqlite3_bind_double(st, p, v->d); break;
		case SQLITE_TEXT:
			sqlite3_bind_text(st, p, v->s, (int)v->len,
					  SQLITE_TRANSIENT);
			break;
		case SQLITE_BLOB:
			sqlite3_bind_blob(st, p, v->s, (int)v->len,
					  SQLITE_TRANSIENT);
			break;
		case DG_VALUE: sqlite3_bind_value(st, p, v->v); break;
		default: break;
		}
	}
}

/* What a stored row needs once it is in: fixups and the log's tally. */
static int after_row(dg_run *run, size_t t, const dg_row *w,
		     const int *choice, const dg_chunk *ck)
{
	dg_tab *tb = &run->tabs[t];
	size_t k, row = tb->keys.n_rows - 1;
	int rc = 0;

	for (k = 0; rc == 0 && k < tb->t->n_fks; k++) {
		dg_fk *f = &tb->fks[k];
		int keep_null = f->nullable && !f->covering && !f->is_self &&
			cw_prng_mix(w->seed ^ w->table ^ k ^ w->r) % 5 == 0;
		if ((choice[k] == DG_FK_LATER || choice[k] == DG_FK_SELF) &&
		    tb->n_loc > 0)
			rc = dg_fixup_add(run, t, row, k, keep_null);
	}
	if (rc == 0 && tb->is_contract)
		rc = cw_agentlog_tally_add(&run->out->tally, ck->agent_id,
					   &ck->counts, run->err);
	return rc;
}

int dg_row_insert(dg_run *run, size_t t, sqlite3_stmt *st, size_t r,
		  dg_val *vals, int *choice, dg_chunk *ck, int *ok)
{
	dg_tab *tb = &run->tabs[t];
	dg_row w = {run->o->seed, cw_prng_hash(tb->t->name), r, 0,
		    run->o->rows};
	char last[512] = "";
	int a, rc, xrc, watch;

	*ok = 0;
	for (a = 0; a < run->o->max_attempts; a++) {
		w.attempt = a;
		free(ck->text);
		ck->text = NULL;
		rc = make_row(run, t, &w, vals, choice, ck);
		if (rc == 2) {
			snprintf(last, sizeof(last), "FOREIGN KEY constraint "
				 "failed: no parent row agrees with the row's "
				 "other keys");
			continue;
		}
		if (rc != 0)
			return rc < 0 ? rc : 0;
		bind_row(st, tb, vals);
		/* The project's triggers run inside this INSERT: time it as
		** a migration statement is timed (watchdog.h). */
		watch = cw_watchdog_begin(run->db);
		rc = sqlite3_step(st);
		if (rc == SQLITE_ROW || (rc == SQLITE_DONE &&
					 tb->keys.n_cols == 0)) {
			int added = dg_keys_add(run, t, st);
			if (added != 0) {
				cw_watchdog_end(watch);
				return added;
			}
			while (rc == SQLITE_ROW &&
			       (rc = sqlite3_step(st)) == SQLITE_ROW)
				;
			cw_watchdog_end(watch);
			sqlite3_reset(st);
			if (rc != SQLITE_DONE)
				return sql_error(run, tb->t->name);
			*ok = 1;
			return after_row(run, t, &w, choice, ck);
		}
		cw_watchdog_end(watch);
		xrc = sqlite3_extended_errcode(run->db);
		snprintf(last, sizeof(last), "%s", sqlite3_errmsg(run->db));
		sqlite3_reset(st);
		/* An interrupt rolls the whole transaction back: stop, and
		** not as an INSERT SQLite refused (CW_ESQL), which callers
		** pass over: the project's schema cannot hold rows. */
		if ((xrc & 0xff) == SQLITE_INTERRUPT)
			return cw_error_set(run->err, CW_EINVAL, "", "", 0,
					    "filling %s: an INSERT ran past the "
					    "time cw allows one statement (a "
					    "trigger on %s that never ends?); "
					    "CW_STATEMENT_TIMEOUT=SECONDS sets "
					    "it, 0 for none", tb->t->name,
					    tb->t->name);
		if (sqlite3_get_autocommit(run->db))
			return cw_error_set(run->err, CW_ESQL, "", "", 0,
					    "filling %s: the transaction ended "
					    "(%s)", tb->t->name, last);
		if ((xrc & 0xff) != SQLITE_CONSTRAINT)
			break;
	}
	return dg_tab_why(run, t, "%s", last);
}
