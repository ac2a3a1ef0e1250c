/*
** datagen.c - cw_datagen_fill: every table of a schema filled with rows
** that satisfy its constraints (datagen.h says what and how).
**
** Tables are filled one after the other in foreign-key order, all in one
** transaction with foreign keys deferred to COMMIT.  A row is one INSERT
** ... RETURNING of the values other rows will need (datagen_keys.c); when
** SQLite refuses it for a constraint, the row is drawn again with the next
** attempt number, and after max_attempts the table is reported with
** SQLite's message and left with the rows it has.  Other errors end the
** table at once: drawing again cannot help.
*/
#include "datagen_fill.h"
#include "db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Chunks of agent_log_chunks start here, 1.5 s apart. */
#define CHUNK_T0_MS 1735689600000LL

static int sql_error(dg_run *run, const char *what)
{
	return cw_error_set(run->err, CW_ESQL, "", "", 0, "%s: %s", what,
			    sqlite3_errmsg(run->db));
}

static int count_rows(dg_run *run, const cw_schema_table *t, size_t *out)
{
	char *sql = sqlite3_mprintf("SELECT count(*) FROM \"%w\"", t->name);
	sqlite3_stmt *st = NULL;
	int rc;

	if (sql == NULL)
		return cw_error_set(run->err, CW_ENOMEM, "", "", 0,
				    "out of memory");
	rc = sqlite3_prepare_v2(run->db, sql, -1, &st, NULL);
	if (rc == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW) {
		*out = (size_t)sqlite3_column_int64(st, 0);
		rc = 0;
	} else {
		rc = sql_error(run, sql);
	}
	sqlite3_finalize(st);
	sqlite3_free(sql);
	return rc;
}

static char *insert_sql(dg_run *run, size_t t)
{
	dg_tab *tb = &run->tabs[t];
	char *sql, *cols = NULL;
	size_t i, n = 0;

	if (dg_keys_sql(&cols, run, t) != 0)
		return NULL;
	sql = sqlite3_mprintf("INSERT INTO \"%w\"", tb->t->name);
	for (i = 0; sql && i < tb->t->n_columns; i++)
		if (tb->cols[i].in_insert)
			sql = sqlite3_mprintf("%z%s\"%w\"", sql, n++ ? ", " :
					      " (", tb->t->columns[i].name);
	for (i = 0; sql && i < n; i++)
		sql = sqlite3_mprintf("%z%s", sql, i ? ", ?" : ") VALUES (?");
	if (sql)
		sql = sqlite3_mprintf(n ? "%z) RETURNING %s" :
				      "%z DEFAULT VALUES RETURNING %s", sql,
				      cols);
	free(cols);
	return sql;
}

/* ---- agent_log_chunks ---- */

typedef struct chunk {
	long agent, session, content, created;   /* column indexes */
	char agent_id[256];
	cw_agentlog_counts counts;
	char *text;
} chunk;

static long col_of(const cw_schema_table *t, const char *name)
{
	size_t i;

	for (i = 0; i < t->n_columns; i++)
		if (strcasecmp(t->columns[i].name, name) == 0)
			return (long)i;
	return -1;
}

/* created_at of the r-th chunk: ascending, with a tie now and then
** (keyset readers order ties by id). */
static int64_t chunk_time(uint64_t seed, size_t r)
{
	if (r % 7 == 4)
		r--;
	return CHUNK_T0_MS + 1500LL * (int64_t)r +
	       (int64_t)(cw_prng_mix(seed ^ (uint64_t)r) % 1000);
}

/* The agent of row w when agent_id has no foreign key: one of the agents
** table's ids, else a made-up one; about eight chunks per agent. */
static void chunk_agent(dg_run *run, chunk *ck, dg_val *v, const dg_row *w)
{
	size_t n_agents = run->o->rows / 8 ? run->o->rows / 8 : 1, a;

	if (run->agents >= 0 && run->tabs[run->agents].keys.n_rows > 0) {
		dg_keys *k = &run->tabs[run->agents].keys;
		if (n_agents > k->n_rows)
			n_agents = k->n_rows;
		a = w->r % n_agents;
		v->type = DG_VALUE;
		v->v = k->vals[a * k->n_cols + run->agents_key];
		return;
	}
	a = w->r % n_agents;
	snprintf(ck->agent_id, sizeof(ck->agent_id), "agt_%012llx",
		 (unsigned long long)(cw_prng_mix(w->seed ^ (a + 1)) &
				      0xffffffffffffULL));
	v->type = SQLITE_TEXT;
	v->s = ck->agent_id;
	v->len = strlen(ck->agent_id);
}

static int chunk_values(dg_run *run, chunk *ck, dg_val *vals,
			const dg_row *w)
{
	const cw_agentlog_agent *seen;
	cw_agentlog_spec spec;
	char sid[40], cwd[300];
	cw_prng rng;
	uint64_t h;
	size_t j, len;
	const unsigned char *txt;

	if (vals[ck->agent].type != DG_VALUE)
		chunk_agent(run, ck, &vals[ck->agent], w);
	if (vals[ck->agent].type == DG_VALUE) {
		txt = sqlite3_value_text((sqlite3_value *)vals[ck->agent].v);
		snprintf(ck->agent_id, sizeof(ck->agent_id), "%s",
			 txt ? (const char *)txt : "");
	}
	seen = cw_agentlog_tally_find(&run->out->tally, ck->agent_id);
	j = seen ? seen->chunks : 0;
	h = cw_prng_mix(w->seed ^ cw_prng_hash(ck->agent_id) ^ (j / 4 + 1));
	snprintf(sid, sizeof(sid), "%08llx-%04llx-4%03llx-a%03llx-%012llx",
		 (unsigned long long)(h >> 32),
		 (unsigned long long)(h >> 16 & 0xffff),
		 (unsigned long long)(h & 0xfff),
		 (unsigned long long)(h >> 20 & 0xfff),
		 (unsigned long long)(cw_prng_mix(h) & 0xffffffffffffULL));
	snprintf(cwd, sizeof(cwd), "/srv/worktrees/%s", ck->agent_id);
	spec.form = (cw_agentlog_form)((w->r + w->seed) % CW_AGENTLOG_N_FORMS);
	spec.session_id = sid;
	spec.cwd = cwd;
	spec.is_session_start = j % 4 == 0;
	spec.is_session_end = j % 4 == 3;
	dg_stream(&rng, w, cw_prng_hash("content"), 4);
	if (cw_agentlog_chunk(&ck->text, &len, &ck->counts, &spec, &rng,
			      run->err) != 0)
		return CW_ENOMEM;
	vals[ck->session].type = SQLITE_INTEGER;
	vals[ck->session].i = (int64_t)(1 + j / 4);
	vals[ck->created].type = SQLITE_INTEGER;
	vals[ck->created].i = chunk_time(w->seed, w->r);
	vals[ck->content].type = SQLITE_TEXT;
	vals[ck->content].s = ck->text;
	vals[ck->content].len = len;
	return 0;
}

/* ---- one row ---- */

static int is_null_row(const dg_col *c, const dg_row *w)
{
	cw_prng rng;

	if (w->attempt == 0)
		return cw_prng_mix(w->seed ^ w->table ^ c->label ^
				   (uint64_t)w->r) % 5 == 0;
	dg_stream(&rng, w, c->label, 5);
	return cw_prng_chance(&rng, 1, 3);
}

/* agent_log_chunks.agent_id with a foreign key: about eight chunks per
** agent over several sessions, as real logs have them, rather than one
** chunk for every agent (some agents have no chunk, as in real data). */
static int chunk_parent(dg_run *run, size_t t, size_t k, const dg_row *w,
			size_t *row)
{
	dg_fk *f = &run->tabs[t].fks[k];
	size_t n, n_agents = run->o->rows / 8 ? run->o->rows / 8 : 1;
	cw_prng rng;

	if (f->parent < 0 || f->is_self || !run->tabs[f->parent].is_filled)
		return dg_fk_choose(run, t, k, w, row);
	n = run->tabs[f->parent].keys.n_rows;
	if (n == 0)
		return DG_FK_NONE;
	if (n_agents > n)
		n_agents = n;
	dg_stream(&rng, w, k, 6);
	*row = w->attempt == 0 ? w->r % n_agents :
	       (size_t)cw_prng_below(&rng, n_agents);
	return DG_FK_ROW;
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
			ok = vals[c].type == DG_VALUE && f->at[j] != (size_t)-1 &&
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
		    f->col[0] == col_of(tb->t, "agent_id") ?
		    chunk_parent(run, t, k, w, &row) :
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
			continue;   /* the column's own value, or another key's */
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
		    int *choice, chunk *ck)
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
		if ((rc = chunk_values(run, ck, vals, w)) != 0)
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
		     const int *choice, const chunk *ck)
{
	dg_tab *tb = &run->tabs[t];
	size_t k, row = tb->keys.n_rows - 1;
	int rc = 0;

	for (k = 0; rc == 0 && k < tb->t->n_fks; k++) {
		dg_fk *f = &tb->fks[k];
		int keep_null = f->nullable && !f->covering && !f->is_self &&
			cw_prng_mix(w->seed ^ w->table ^ k ^ w->r) % 5 == 0;
		if (choice[k] == DG_FK_LATER || choice[k] == DG_FK_SELF)
			rc = dg_fixup_add(run, t, row, k, keep_null);
	}
	if (rc == 0 && tb->is_contract)
		rc = cw_agentlog_tally_add(&run->out->tally, ck->agent_id,
					   &ck->counts, run->err);
	return rc;
}

/* Insert row r; *ok is 1 when it went in. */
static int insert_row(dg_run *run, size_t t, sqlite3_stmt *st, size_t r,
		      dg_val *vals, int *choice, chunk *ck, int *ok)
{
	dg_tab *tb = &run->tabs[t];
	dg_row w = {run->o->seed, cw_prng_hash(tb->t->name), r, 0,
		    run->o->rows};
	char last[512] = "";
	int a, rc, xrc;

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
		rc = sqlite3_step(st);
		if (rc == SQLITE_ROW) {
			if ((rc = dg_keys_add(run, t, st)) != 0)
				return rc;
			while ((rc = sqlite3_step(st)) == SQLITE_ROW)
				;
			sqlite3_reset(st);
			if (rc != SQLITE_DONE)
				return sql_error(run, tb->t->name);
			*ok = 1;
			return after_row(run, t, &w, choice, ck);
		}
		xrc = sqlite3_extended_errcode(run->db);
		snprintf(last, sizeof(last), "%s", sqlite3_errmsg(run->db));
		sqlite3_reset(st);
		if (sqlite3_get_autocommit(run->db))
			return cw_error_set(run->err, CW_ESQL, "", "", 0,
					    "filling %s: the transaction ended "
					    "(%s)", tb->t->name, last);
		if ((xrc & 0xff) != SQLITE_CONSTRAINT)
			break;
	}
	return dg_tab_why(run, t, "%s", last);
}

static int fill_table(dg_run *run, size_t t, size_t *out_before)
{
	dg_tab *tb = &run->tabs[t];
	sqlite3_stmt *st = NULL;
	dg_val *vals = NULL;
	int *choice = NULL, ok = 1, rc;
	size_t r, need, n_before = 0;
	char *sql = NULL;
	chunk ck;

	memset(&ck, 0, sizeof(ck));
	if ((rc = count_rows(run, tb->t, &n_before)) != 0 ||
	    (rc = dg_keys_load(run, t)) != 0)
		return rc;
	*out_before = n_before;
	need = run->o->rows > n_before ? run->o->rows - n_before : 0;
	if (tb->is_contract) {
		ck.agent = col_of(tb->t, "agent_id");
		ck.session = col_of(tb->t, "session_number");
		ck.content = col_of(tb->t, "content");
		ck.created = col_of(tb->t, "created_at");
	}
	/* the values, then one byte per column: set by a key */
	vals = calloc(2 * tb->t->n_columns + 1, sizeof(*vals));
	choice = calloc(tb->t->n_fks + 1, sizeof(*choice));
	sql = need ? insert_sql(run, t) : NULL;
	if (vals == NULL || choice == NULL || (need && sql == NULL)) {
		rc = cw_error_set(run->err, CW_ENOMEM, "", "", 0,
				  "out of memory");
		goto done;
	}
	if (need && sqlite3_prepare_v2(run->db, sql, -1, &st, NULL)) {
		/* The table refuses any INSERT (a view-like shadow, a
		** missing parent table): report it, go on. */
		rc = dg_tab_why(run, t, "%s", sqlite3_errmsg(run->db));
		goto done;
	}
	for (r = 0; r < need && ok; r++) {
		rc = insert_row(run, t, st, r, vals, choice, &ck, &ok);
		if (rc != 0)
			break;
		tb->n_generated += (size_t)ok;
	}
done:
	tb->is_filled = 1;
	free(ck.text);
	sqlite3_finalize(st);
	sqlite3_free(sql);
	free(vals);
	free(choice);
	return rc ? rc : dg_fixup_run(run);
}

/* ---- the run ---- */

static int is_virtual(const cw_schema_table *t)
{
	const char *s = t->sql;

	while (s && (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r'))
		s++;
	return s && strncasecmp(s, "CREATE VIRTUAL", 14) == 0;
}

static int is_referenced(const cw_schema *s, const char *name)
{
	size_t k, j;

	for (k = 0; k < s->n_tables; k++)
		for (j = 0; j < s->tables[k].n_fks; j++)
			if (strcasecmp(s->tables[k].fks[j].parent, name) == 0)
				return 1;
	return 0;
}

/* The fill order: cw_schema's, then any table it left out, each once;
** the contract's log table last when nothing references it (its agents
** are there by then). */
static int fill_order(size_t **out, size_t *n_out, dg_run *run)
{
	const cw_schema *s = run->s;
	size_t *order = calloc(s->n_tables + 1, sizeof(*order));
	char *seen = calloc(s->n_tables + 1, 1);
	size_t i, n = 0, last = (size_t)-1, t;

	if (order == NULL || seen == NULL) {
		free(order);
		free(seen);
		return cw_error_set(run->err, CW_ENOMEM, "", "", 0,
				    "out of memory");
	}
	for (i = 0; i < s->n_order + s->n_tables; i++) {
		t = i < s->n_order ? s->order[i] : i - s->n_order;
		if (t >= s->n_tables || seen[t])
			continue;
		seen[t] = 1;
		if (run->tabs[t].is_skipped)
			continue;
		if (run->tabs[t].is_contract && last == (size_t)-1 &&
		    !is_referenced(s, s->tables[t].name))
			last = t;
		else
			order[n++] = t;
	}
	if (last != (size_t)-1)
		order[n++] = last;
	free(seen);
	*out = order;
	*n_out = n;
	return 0;
}

static int plan_tables(dg_run *run)
{
	size_t t;
	int rc;

	run->tabs = calloc(run->s->n_tables + 1, sizeof(*run->tabs));
	if (run->tabs == NULL)
		return cw_error_set(run->err, CW_ENOMEM, "", "", 0,
				    "out of memory");
	for (t = 0; t < run->s->n_tables; t++) {
		dg_tab *tb = &run->tabs[t];
		tb->t = &run->s->tables[t];
		tb->is_skipped = is_virtual(tb->t);
		if (tb->is_skipped)
			continue;
		tb->cols = calloc(tb->t->n_columns + 1, sizeof(*tb->cols));
		if (tb->cols == NULL)
			return cw_error_set(run->err, CW_ENOMEM, "", "", 0,
					    "out of memory");
		rc = dg_plan_columns(tb->cols, tb->t, run->o->json_columns,
				     run->err);
		if (rc != 0)
			return rc;
		tb->is_contract = cw_agentlog_is_contract_table(tb->t);
	}
	return dg_keys_plan(run);
}

static void free_run(dg_run *run)
{
	size_t t, k, i;

	for (t = 0; run->tabs && t < run->s->n_tables; t++) {
		dg_tab *tb = &run->tabs[t];
		for (i = 0; tb->cols && i < tb->t->n_columns; i++)
			dg_col_free(&tb->cols[i]);
		for (k = 0; tb->fks && k < tb->t->n_fks; k++) {
			free(tb->fks[k].at);
			free(tb->fks[k].col);
		}
		free(tb->cols);
		free(tb->fks);
		free(tb->loc);
		free(tb->why);
		dg_keys_free(&tb->keys);
	}
	free(run->tabs);
	free(run->fix);
}

/* The result's entry for each table, in fill order, with final counts. */
static int report(dg_run *run, const size_t *order, size_t n,
		  const size_t *before)
{
	cw_datagen_result *out = run->out;
	size_t i;
	int rc;

	out->tables = calloc(n + 1, sizeof(*out->tables));
	if (out->tables == NULL)
		return cw_error_set(run->err, CW_ENOMEM, "", "", 0,
				    "out of memory");
	for (i = 0; i < n; i++) {
		dg_tab *tb = &run->tabs[order[i]];
		cw_datagen_table *r = &out->tables[out->n_tables++];
		r->name = strdup(tb->t->name);
		if (r->name == NULL)
			return cw_error_set(run->err, CW_ENOMEM, "", "", 0,
					    "out of memory");
		if ((rc = count_rows(run, tb->t, &r->n_rows)) != 0)
			return rc;
		r->n_before = before[i];
		r->n_generated = tb->n_generated;
		r->is_filled = r->n_rows >= run->o->rows;
		if (!r->is_filled && tb->why == NULL &&
		    dg_tab_why(run, order[i], "only %zu of %zu rows",
			       r->n_rows, run->o->rows) != 0)
			return CW_ENOMEM;
		if (!r->is_filled) {
			r->why = tb->why;
			tb->why = NULL;
			out->n_unfilled++;
		}
		out->n_generated += r->n_generated;
		out->n_rows += r->n_rows;
		if (tb->is_contract) {
			out->has_agentlog = 1;
			out->n_agentlog_before += before[i];
		}
	}
	return 0;
}

static int fill_all(dg_run *run)
{
	size_t *order = NULL, *before = NULL, n = 0, i;
	int rc;

	if ((rc = plan_tables(run)) != 0 ||
	    (rc = fill_order(&order, &n, run)) != 0)
		return rc;
	before = calloc(n + 1, sizeof(*before));
	if (before == NULL)
		rc = cw_error_set(run->err, CW_ENOMEM, "", "", 0,
				  "out of memory");
	for (i = 0; rc == 0 && i < n; i++) {
		rc = fill_table(run, order[i], &before[i]);
		if (rc == 0 && run->o->progress)
			run->o->progress(run->o->progress_ctx,
					 run->tabs[order[i]].t->name,
					 run->tabs[order[i]].keys.n_rows, i + 1,
					 n);
	}
	if (rc == 0)
		rc = dg_fixup_run(run);
	if (rc == 0)
		rc = dg_keys_settle(run);
	if (rc == 0)
		rc = report(run, order, n, before);
	free(order);
	free(before);
	return rc;
}

static int pragma_int(sqlite3 *db, const char *sql, int *out)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);

	if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		*out = sqlite3_column_int(st, 0);
		rc = SQLITE_OK;
	}
	sqlite3_finalize(st);
	return rc;
}

int cw_datagen_fill(cw_datagen_result *out, sqlite3 *db, const cw_schema *s,
		    const cw_datagen_options *o, cw_error *err)
{
	dg_run run;
	int rc, fk_was = 1, temp_was = 0;

	memset(out, 0, sizeof(*out));
	memset(&run, 0, sizeof(run));
	run.db = db;
	run.s = s;
	run.o = o;
	run.out = out;
	run.err = err;
	if (!sqlite3_get_autocommit(db))
		return cw_error_set(err, CW_EINVAL, "", "", 0, "filling "
				    "tables needs a connection outside any "
				    "transaction");
	/* foreign_keys only changes outside a transaction.  Statement
	** journals in memory: each INSERT of the one long transaction keeps
	** one, and on disk they would be most of the run's writes (the
	** database's bytes are the same either way). */
	if (pragma_int(db, "PRAGMA foreign_keys", &fk_was) != SQLITE_OK ||
	    pragma_int(db, "PRAGMA temp_store", &temp_was) != SQLITE_OK ||
	    (rc = cw_db_exec(db, "PRAGMA foreign_keys = ON; PRAGMA temp_store "
			     "= MEMORY; BEGIN; PRAGMA defer_foreign_keys = ON",
			     err)) != 0) {
		return cw_error_set(err, CW_ESQL, "", "", 0, "starting the "
				    "fill: %s", sqlite3_errmsg(db));
	}
	rc = fill_all(&run);
	if (rc == 0)
		rc = cw_db_exec(db, "COMMIT", err);
	if (rc != 0 && !sqlite3_get_autocommit(db))
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	if (!fk_was)
		sqlite3_exec(db, "PRAGMA foreign_keys = OFF", NULL, NULL, NULL);
	if (temp_was != 2) {
		char *sql = sqlite3_mprintf("PRAGMA temp_store = %d", temp_was);
		sqlite3_exec(db, sql, NULL, NULL, NULL);
		sqlite3_free(sql);
	}
	free_run(&run);
	if (rc != 0)
		cw_datagen_result_free(out);
	return rc;
}

void cw_datagen_result_free(cw_datagen_result *r)
{
	size_t i;

	for (i = 0; i < r->n_tables; i++) {
		free(r->tables[i].name);
		free(r->tables[i].why);
	}
	free(r->tables);
	cw_agentlog_tally_free(&r->tally);
	memset(r, 0, sizeof(*r));
}
