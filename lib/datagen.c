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
** table at once: drawing again cannot help (datagen_row.c makes rows,
** datagen_chunk.c those of agent_log_chunks).
*/
#include "datagen_fill.h"
#include "db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

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
		sql = sqlite3_mprintf("%z%s%s%s", sql, n ? ")" :
				      " DEFAULT VALUES", cols[0] ?
				      " RETURNING " : "", cols);
	free(cols);
	return sql;
}

static int fill_table(dg_run *run, size_t t, size_t *out_before)
{
	dg_tab *tb = &run->tabs[t];
	sqlite3_stmt *st = NULL;
	dg_val *vals = NULL;
	int *choice = NULL, ok = 1, rc;
	size_t r, need, n_before = 0;
	char *sql = NULL;
	dg_chunk ck;

	memset(&ck, 0, sizeof(ck));
	if ((rc = count_rows(run, tb->t, &n_before)) != 0 ||
	    (rc = dg_keys_load(run, t)) != 0)
		return rc;
	*out_before = n_before;
	need = run->o->rows > n_before ? run->o->rows - n_before : 0;
	if (tb->is_contract) {
		ck.agent = dg_col_of(tb->t, "agent_id");
		ck.session = dg_col_of(tb->t, "session_number");
		ck.content = dg_col_of(tb->t, "content");
		ck.created = dg_col_of(tb->t, "created_at");
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
	tb->n_before = n_before;
	for (r = 0; r < need && ok; r++) {
		rc = dg_row_insert(run, t, st, n_before + r, vals, choice, &ck,
				   &ok);
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
	return 0;
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
	if ((rc = dg_keys_plan(run, order, n)) != 0) {
		free(order);
		return rc;
	}
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

/* The fill as a savepoint of a transaction already open on db. */
static int fill_nested(dg_run *run, sqlite3 *db)
{
	int fk = 1, rc;

	sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_FKEY, -1, &fk);
	sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_FKEY, 1, NULL);
	rc = cw_db_exec(db, "SAVEPOINT cw_datagen; PRAGMA defer_foreign_keys "
			"= ON", run->err);
	if (rc == 0)
		rc = fill_all(run);
	if (rc == 0)
		rc = cw_db_exec(db, "PRAGMA defer_foreign_keys = OFF; RELEASE "
				"cw_datagen", run->err);
	else
		sqlite3_exec(db, "ROLLBACK TO cw_datagen; RELEASE cw_datagen",
			     NULL, NULL, NULL);
	sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_FKEY, fk, NULL);
	free_run(run);
	if (rc != 0)
		cw_datagen_result_free(run->out);
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
	/* Inside a caller's transaction (check's evidence fills between
	** migrations of the migrator's batch) the run is a savepoint, and
	** foreign keys are forced through the connection's flag, since the
	** PRAGMAs do nothing there. */
	if (!sqlite3_get_autocommit(db))
		return fill_nested(&run, db);
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
