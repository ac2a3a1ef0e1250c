/*
** evidence_data.c - every migration tried on rows, what they become
** measured.  Design in evidence_data.h.
*/
#include "evidence_data.h"
#include "datagen.h"
#include "db.h"
#include "schema.h"
#include "migrate.h"
#include "rowdiff.h"
#include "strbuf.h"
#include "text.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Rows each table is topped up to before each migration (check). */
#define CW_DATA_ROWS 3

typedef struct run {
	const cw_folder *f;
	const cw_data_options *o;
	const char *mtable;
	cw_data_evidence *out;
	cw_error *err;
	cw_rowdiff rd;
	size_t fail_piece;   /* the trial's failure: 1-based piece, 0 none */
	int fail_line;
	char fail_msg[512];
	size_t tentative;    /* index of this migration's FAILS, or -1 */
	size_t k;            /* the migration being tried */
	cw_datagen_names json; /* columns the folder uses as JSON */
	const char **tags;   /* vintage names: tags[v] wrote vintage v */
	int dangled;         /* the trial left rows pointing at nothing */
} run;

static int nomem(run *x);

/* Remember a table the generator could not fill, once. */
static int note_unfilled(run *x, const char *t)
{
	cw_data_evidence *e = x->out;
	size_t n = e->unfilled ? strlen(e->unfilled) : 0;
	char *s;

	if (e->unfilled && strstr(e->unfilled, t))
		return 0;
	s = realloc(e->unfilled, n + strlen(t) + 3);
	if (s == NULL)
		return -1;
	snprintf(s + n, strlen(t) + 3, "%s%s", n ? ", " : "", t);
	e->unfilled = s;
	return 0;
}

static int nomem(run *x)
{
	return cw_error_set(x->err, CW_ENOMEM, NULL, NULL, 0,
			    "out of memory measuring rows");
}

/* The tables of db, as the one schema model reads them (no internal,
** virtual or shadow tables, not the migrations table).  An unreadable
** schema is an empty one: nothing to measure. */
static int model_of(run *x, sqlite3 *db, cw_schema *out)
{
	cw_schema_options so = CW_SCHEMA_OPTIONS_INIT;
	int rc;

	so.skip_table = x->mtable;
	rc = cw_schema_read_db(out, db, &so, x->err);
	if (rc == CW_ENOMEM)
		return rc;
	if (rc != 0) {
		cw_error_clear(x->err);
		memset(out, 0, sizeof(*out));
	}
	return 0;
}

static int push(run *x, cw_dv_kind kind, size_t k, const char *table,
		const char *column, long long rows, long long lost)
{
	cw_data_evidence *e = x->out;
	cw_data_verdict *v = realloc(e->items, (e->n + 1) * sizeof(*v));

	if (v == NULL)
		return nomem(x);
	e->items = v;
	v = &v[e->n];
	memset(v, 0, sizeof(*v));
	v->kind = kind;
	v->entry = k;
	v->rows = rows;
	v->lost = lost;
	if ((table && (v->table = strdup(table)) == NULL) ||
	    (column && (v->column = strdup(column)) == NULL)) {
		free(v->table);
		return nomem(x);
	}
	e->n++;
	return 0;
}

static int says_so(void *ctx, const char *t, const char *column)
{
	run *x = ctx;

	return x->o->says_so && x->o->says_so(x->o->says_ctx, x->k, t,
					      column);
}

static int on_loss(void *ctx, const cw_rowdiff_loss *l)
{
	run *x = ctx;
	int rc = push(x, l->column ? CW_DV_VALUES_LOST : CW_DV_ROWS_LOST,
		      x->k, l->table, l->column, l->rows, l->lost);
	cw_data_verdict *v;

	if (rc != 0 || l->vintages == NULL)
		return rc;
	v = &x->out->items[x->out->n - 1];
	v->vintages = strdup(l->vintages);
	return v->vintages ? 0 : nomem(x);
}

/* Does text hold word, in any case, NUL bytes included (the pieces after
** one still run)? */
static int mentions(const cw_bytes *text, const char *word)
{
	const char *p = text->data, *end = p ? p + text->len : NULL;

	for (; p != NULL && p < end; p += strlen(p) + 1)
		if (strcasestr(p, word) != NULL)
			return 1;
	return 0;
}

/* Rows of the touched tables left pointing at nothing. */
static int check_dangling(run *x, sqlite3 *db, const cw_schema *now,
			  const unsigned char *hot)
{
	size_t i;
	int rc = 0;

	/* Keys enforced and nothing outstanding: nothing written dangles,
	** unless the migration could have switched enforcement off for a
	** while (COMMIT; PRAGMA foreign_keys = OFF; ...). */
	if (cw_db_fk_all_resolved(db) &&
	    !mentions(&x->f->migrations[x->k].text, "foreign_keys"))
		return 0;
	for (i = 0; rc == 0 && i < now->n_tables; i++) {
		sqlite3_stmt *st = NULL;
		long long n = 0;
		if (!hot[i])
			continue;
		if (sqlite3_prepare_v2(db, "SELECT count(*), group_concat("
				       "DISTINCT \"parent\") FROM "
				       "pragma_foreign_key_check(?1)", -1,
				       &st, NULL) == SQLITE_OK) {
			sqlite3_bind_text(st, 1, now->tables[i].name, -1,
					  SQLITE_STATIC);
			if (sqlite3_step(st) == SQLITE_ROW)
				n = sqlite3_column_int64(st, 0);
		}
		if (n > 0) {
			const unsigned char *p = sqlite3_column_text(st, 1);
			x->dangled = 1;
			rc = push(x, CW_DV_DANGLING, x->k, now->tables[i].name,
				  NULL, 0, n);
			if (rc == 0 && p != NULL &&
			    (x->out->items[x->out->n - 1].message =
			     strdup((const char *)p)) == NULL)
				rc = nomem(x);
		}
		sqlite3_finalize(st);
	}
	return rc;
}

/* Remove every row (foreign keys off for the while) so that a migration
** that fails on rows still runs, on none. */
static void clear_rows(run *x, sqlite3 *db)
{
	cw_schema m;
	size_t i;
	int fk = 1;

	if (model_of(x, db, &m) != 0)
		return;
	sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_FKEY, -1, &fk);
	sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_FKEY, 0, NULL);
	for (i = 0; i < m.n_tables; i++) {
		char *q = cw_db_quote_ident(m.tables[i].name);
		cw_strbuf b = CW_STRBUF_INIT;
		char *sql;
		cw_strbuf_fmt(&b, "DELETE FROM main.%s", q ? q : "\"\"");
		sql = cw_strbuf_take(&b);
		if (q && sql)
			sqlite3_exec(db, sql, NULL, NULL, NULL);
		free(sql);
		free(q);
	}
	sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_FKEY, fk, NULL);
	cw_schema_free(&m);
}

/* Rows every table holds before migration k. */
static size_t rows_before(const run *x, size_t k)
{
	size_t n = x->f->n_migrations ? x->f->n_migrations : 1;
	size_t want;

	if (x->o->rows == 0)
		return CW_DATA_ROWS;
	want = (x->o->rows * (k + 1) + n - 1) / n;
	return want ? want : 1;
}

/* The default filler: the data generator tops every table up (rows
** already there, of earlier vintages, stay) and labels what it added.
** Tables it cannot fill are remembered for the report. */
static int default_fill(run *x, sqlite3 *db, size_t k)
{
	cw_datagen_options go = CW_DATAGEN_OPTIONS_INIT;
	cw_datagen_result gr;
	cw_schema s;
	long long *marks = NULL;
	size_t i;
	int rc = model_of(x, db, &s);

	if (rc != 0)
		return rc;
	if (s.n_tables == 0) {
		cw_schema_free(&s);
		return 0;
	}
	go.rows = rows_before(x, k);
	go.seed = x->o->seed ? x->o->seed : 1;
	go.json_columns = &x->json;
	if (x->o->vintages && k > 0)
		rc = cw_rowdiff_marks(db, &s, &marks, x->err);
	if (rc == 0)
		rc = cw_datagen_fill(&gr, db, &s, &go, x->err);
	if (rc == CW_ESQL) {
		/* Not fillable here; the trial runs on what there is. */
		cw_error_clear(x->err);
		rc = 0;
	} else if (rc == 0) {
		for (i = 0; i < gr.n_tables; i++)
			if (!gr.tables[i].is_filled &&
			    note_unfilled(x, gr.tables[i].name) != 0)
				rc = nomem(x);
		cw_datagen_result_free(&gr);
		if (rc == 0 && marks)
			rc = cw_rowdiff_mark_vintage(db, &s, marks, k - 1,
						     x->err);
	}
	free(marks);
	cw_schema_free(&s);
	return rc;
}

static int on_migration(void *ctx, sqlite3 *db, size_t k, int is_trial,
			cw_error *err)
{
	run *x = ctx;
	const cw_migration *m = &x->f->migrations[k];
	unsigned char *hot;
	cw_schema s;
	int rc;

	(void)err;
	x->k = k;
	if (is_trial) {
		x->fail_piece = 0;
		rc = model_of(x, db, &s);
		if (rc != 0)
			return rc;
		hot = cw_rowdiff_reach(&s, (const char *const *)&m->text.data, 1);
		rc = hot ? cw_rowdiff_save(&x->rd, db, &s, hot, x->err) :
			   nomem(x);
		free(hot);
		cw_schema_free(&s);
		return rc;
	}
	rc = x->o->fill ? x->o->fill(x->o->fill_ctx, db, k, x->err) :
			  default_fill(x, db, k);
	/* A trial that passed is kept when running it again would do the
	** same (the engine decides): each migration then runs once. */
	return rc < 0 ? rc : CW_HOOK_TRIAL_KEEP;
}

static int after_piece(void *ctx, sqlite3 *db, size_t k, size_t p,
		       int is_trial, const cw_piece_outcome *o,
		       cw_error *err)
{
	run *x = ctx;

	(void)db;
	(void)err;

	if (!is_trial || o->verdict == CW_PIECE_OK || x->fail_piece)
		return 0;
	x->fail_piece = p + 1;
	x->fail_line = x->f->migrations[k].pieces.items[p].line;
	snprintf(x->fail_msg, sizeof(x->fail_msg), "%s", o->message);
	return 0;
}

/* The trial of migration k ended without failing: measure. */
static int measure(run *x, sqlite3 *db, size_t k)
{
	size_t n_tags = x->tags ? x->f->n_migrations : 0;
	unsigned char *hot;
	cw_schema now;
	int rc = model_of(x, db, &now);

	if (rc != 0)
		return rc;
	rc = cw_rowdiff_compare(&x->rd, db, &now, says_so, x, on_loss, x,
				x->tags, n_tags, x->err);
	hot = rc == 0 ? cw_rowdiff_reach(&now, (const char *const *)&x->f->migrations[k].text.data, 1) :
		NULL;
	if (rc == 0 && hot == NULL)
		rc = nomem(x);
	if (rc == 0)
		rc = check_dangling(x, db, &now, hot);
	free(hot);
	cw_schema_free(&now);
	return rc;
}

static int after_migration(void *ctx, sqlite3 *db, size_t k, int is_trial,
			   int failed, cw_error *err)
{
	run *x = ctx;
	int rc = 0;

	(void)err;
	if (!is_trial) {
		/* It fails without rows too: S005's, not a data verdict. */
		if (failed && x->tentative != (size_t)-1 &&
		    x->tentative == x->out->n - 1) {
			cw_data_verdict *v = &x->out->items[--x->out->n];
			free(v->message);
			free(v->table);
			free(v->column);
			free(v->vintages);
		}
		x->tentative = (size_t)-1;
		if (x->o->progress)
			x->o->progress(x->o->cb_ctx, k + 1,
				       x->f->n_migrations);
		return 0;
	}
	if (failed && x->fail_piece) {
		rc = push(x, CW_DV_FAILS, k, NULL, NULL, 0, 0);
		if (rc == 0) {
			cw_data_verdict *v = &x->out->items[x->out->n - 1];
			v->piece = x->fail_piece;
			v->line = x->fail_line;
			v->message = strdup(x->fail_msg);
			x->tentative = x->out->n - 1;
			if (v->message == NULL)
				rc = nomem(x);
		}
	}
	if (!failed && x->rd.n_tables > 0)
		rc = measure(x, db, k);
	/* Dropped here: a kept trial has no rollback to take them. */
	cw_rowdiff_drop(&x->rd, db);
	return rc;
}

static int after_trial(void *ctx, sqlite3 *db, size_t k, int failed,
		       cw_error *err)
{
	run *x = ctx;

	(void)k;
	(void)err;
	/* Rows the migration would leave dangling go too: the batch's
	** COMMIT would fail over them (deferred keys), hiding the rest. */
	if (failed || x->dangled)
		clear_rows(x, db);
	x->dangled = 0;
	return 0;
}

int cw_evidence_data_run(cw_data_evidence *out, const cw_folder *f,
			 const cw_data_options *o, cw_error *err)
{
	cw_migrate_hooks hooks = {NULL, on_migration, NULL, after_piece,
				  after_migration, after_trial};
	cw_migrate_options mo = CW_MIGRATE_OPTIONS_INIT;
	cw_data_options defaults = CW_DATA_OPTIONS_INIT;
	cw_migrate_result r;
	sqlite3 *db = NULL;
	char *path = NULL;
	size_t k;
	run x;
	int rc;

	memset(out, 0, sizeof(*out));
	memset(&x, 0, sizeof(x));
	x.f = f;
	x.o = o ? o : &defaults;
	x.mtable = cw_migrate_table_name(x.o->table, x.o->profile);
	x.out = out;
	x.err = err;
	x.tentative = (size_t)-1;
	hooks.ctx = &x;
	mo.table = x.o->table;
	mo.profile = x.o->profile;
	mo.keep_going = 1;
	mo.hooks = &hooks;
	if (x.o->vintages) {
		x.tags = calloc(f->n_migrations + 1, sizeof(*x.tags));
		if (x.tags == NULL)
			return nomem(&x);
		for (k = 0; k < f->n_migrations; k++)
			x.tags[k] = f->migrations[k].entry &&
				    f->migrations[k].entry->tag ?
				    f->migrations[k].entry->tag : "?";
	}
	rc = cw_datagen_json_columns(&x.json, f, err);
	if (rc == 0)
		rc = cw_db_open_scratch(&db, &path, NULL, err);
	if (rc != 0) {
		cw_datagen_names_free(&x.json);
		free(x.tags);
		return rc;
	}
	rc = cw_migrate_db(&r, db, f, &mo, err);
	if (rc == CW_ESQL) {
		cw_error_clear(err);
		rc = 0;
	}
	if (rc == 0 && x.o->at_head)
		rc = x.o->at_head(x.o->cb_ctx, db, err);
	cw_rowdiff_drop(&x.rd, NULL);
	cw_datagen_names_free(&x.json);
	free(x.tags);
	cw_migrate_result_free(&r);
	cw_db_close_scratch(db, path);
	return rc;
}

void cw_data_evidence_free(cw_data_evidence *e)
{
	size_t i;

	if (e == NULL)
		return;
	for (i = 0; i < e->n; i++) {
		free(e->items[i].table);
		free(e->items[i].column);
		free(e->items[i].message);
		free(e->items[i].vintages);
	}
	free(e->items);
	free(e->unfilled);
	memset(e, 0, sizeof(*e));
}
