/*
** evidence_data.c - every migration tried on rows, what they become
** measured.  Design in evidence_data.h.
*/
#include "evidence_data.h"
#include "datagen.h"
#include "db.h"
#include "schema.h"
#include "migrate.h"
#include "text.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* One table as it was before the tried migration. */
typedef struct saved {
	char *name;
	char **cols;         /* its columns (the key columns among them) */
	size_t n_cols;
	char **keys;         /* primary key columns, or none: rowid */
	size_t n_keys;
	long long rows;
} saved;

/* Rows each table is topped up to before each migration. */
#define CW_DATA_ROWS 3

typedef struct run {
	const cw_folder *f;
	const cw_data_options *o;
	const char *mtable;
	cw_data_evidence *out;
	cw_error *err;
	saved *tables;
	size_t n_tables;
	size_t fail_piece;   /* the trial's failure: 1-based piece, 0 none */
	int fail_line;
	char fail_msg[512];
	size_t tentative;    /* index of this migration's FAILS, or -1 */
	cw_datagen_names json; /* columns the folder uses as JSON */
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

/* A formatted statement; NULL when out of memory. */
static char *sqlf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *sqlf(const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || (s = malloc((size_t)n + 1)) == NULL)
		return NULL;
	va_start(ap, fmt);
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return s;
}

/* The single integer a query returns, or -1. */
static long long count_of(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st = NULL;
	long long n = -1;

	if (sql && sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

static int add_name(char ***v, size_t *n, const char *s)
{
	char **nv = realloc(*v, (*n + 1) * sizeof(**v));

	if (nv == NULL)
		return -1;
	*v = nv;
	if ((nv[*n] = strdup(s)) == NULL)
		return -1;
	(*n)++;
	return 0;
}

static void free_names(char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static void free_saved(run *x)
{
	size_t i;

	for (i = 0; i < x->n_tables; i++) {
		free(x->tables[i].name);
		free_names(x->tables[i].cols, x->tables[i].n_cols);
		free_names(x->tables[i].keys, x->tables[i].n_keys);
	}
	free(x->tables);
	x->tables = NULL;
	x->n_tables = 0;
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

/* t's column names and its primary key's, in key order. */
static int names_of(const cw_schema_table *t, char ***cols, size_t *nc,
		    char ***keys, size_t *nk)
{
	size_t i;
	int pos, rc = 0;

	*cols = *keys = NULL;
	*nc = *nk = 0;
	for (i = 0; rc == 0 && i < t->n_columns; i++)
		rc = add_name(cols, nc, t->columns[i].name);
	for (pos = 1; rc == 0 && (size_t)pos <= t->n_columns; pos++)
		for (i = 0; rc == 0 && i < t->n_columns; i++)
			if (t->columns[i].pk == pos)
				rc = add_name(keys, nk, t->columns[i].name);
	return rc;
}

/* Copy every table aside into temp.cw_b<i>, with its rowid when the
** key is the rowid. */
static int save_tables(run *x, sqlite3 *db)
{
	cw_schema m;
	size_t i;
	int rc = model_of(x, db, &m);

	free_saved(x);
	if (rc != 0)
		return nomem(x);
	x->tables = calloc(m.n_tables + 1, sizeof(*x->tables));
	for (i = 0; x->tables && i < m.n_tables; i++) {
		const cw_schema_table *t = &m.tables[i];
		saved *s = &x->tables[x->n_tables];
		char *q = cw_db_quote_ident(t->name), *sql;
		s->name = strdup(t->name);
		x->n_tables++;
		if (q == NULL || s->name == NULL ||
		    names_of(t, &s->cols, &s->n_cols, &s->keys,
			     &s->n_keys) != 0) {
			free(q);
			rc = -1;
			break;
		}
		if (s->n_keys == 0 && t->without_rowid) {
			s->rows = -1;   /* no key to follow rows by */
			free(q);
			continue;
		}
		sql = sqlf("CREATE TEMP TABLE \"cw_b%zu\" AS SELECT %s* FROM "
			   "main.%s", i, s->n_keys ? "" :
			   "rowid AS \"cw rowid\", ", q);
		if (sql == NULL || sqlite3_exec(db, sql, NULL, NULL, NULL) !=
		    SQLITE_OK) {
			s->rows = -1;
		} else {
			free(sql);
			sql = sqlf("SELECT count(*) FROM temp.\"cw_b%zu\"", i);
			s->rows = count_of(db, sql);
		}
		free(sql);
		free(q);
	}
	cw_schema_free(&m);
	return x->tables == NULL || rc != 0 ? nomem(x) : 0;
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

static int says_so(run *x, size_t k, const char *t, const char *column)
{
	return x->o->says_so && x->o->says_so(x->o->says_ctx, k, t, column);
}

/* The column of main.t named like c, or NULL. */
static const char *find_col(char **cols, size_t n, const char *c)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcasecmp(cols[i], c) == 0)
			return cols[i];
	return NULL;
}

/* "n.k1 IS b.k1 AND ..." (or the rowid) for table s saved as cw_b<i>;
** NULL when the key did not survive. */
static char *join_on(const saved *s, char **cols, size_t n_cols)
{
	char *on = strdup(""), *more;
	size_t i;

	if (s->n_keys == 0) {
		free(on);
		return strdup("n.rowid IS b.\"cw rowid\"");
	}
	for (i = 0; on && i < s->n_keys; i++) {
		char *q = cw_db_quote_ident(s->keys[i]);
		if (q == NULL || !find_col(cols, n_cols, s->keys[i])) {
			free(q);
			free(on);
			return NULL;
		}
		more = sqlf("%s%sn.%s IS b.%s", on, i ? " AND " : "", q, q);
		free(q);
		free(on);
		on = more;
	}
	return on;
}

/* Rows and values of saved table i against what main holds now. */
static int compare_one(run *x, sqlite3 *db, const cw_schema *now,
		       size_t k, size_t i)
{
	const saved *s = &x->tables[i];
	const cw_schema_table *t = cw_schema_find(now, s->name);
	char **cols = NULL, **keys = NULL, *q = NULL, *on = NULL, *sql;
	size_t nc = 0, nk = 0, c;
	long long lost, matched;
	int rc = 0;

	/* Gone (dropped: the migration said so), or nothing to follow. */
	if (s->rows <= 0 || t == NULL ||
	    (s->n_keys == 0 && t->without_rowid))
		goto done;
	if (names_of(t, &cols, &nc, &keys, &nk) != 0) {
		rc = nomem(x);
		goto done;
	}
	q = cw_db_quote_ident(s->name);
	on = q ? join_on(s, cols, nc) : NULL;
	if (on == NULL)
		goto done;
	sql = sqlf("SELECT count(*) FROM temp.\"cw_b%zu\" AS b WHERE NOT "
		   "EXISTS (SELECT 1 FROM main.%s AS n WHERE %s)", i, q, on);
	lost = count_of(db, sql);
	free(sql);
	if (lost > 0 && !says_so(x, k, s->name, NULL))
		rc = push(x, CW_DV_ROWS_LOST, k, s->name, NULL, s->rows,
			  lost);
	for (c = 0; rc == 0 && c < s->n_cols; c++) {
		char *qc;
		if (find_col(s->keys, s->n_keys, s->cols[c]) ||
		    !find_col(cols, nc, s->cols[c]) ||
		    says_so(x, k, s->name, s->cols[c]))
			continue;
		qc = cw_db_quote_ident(s->cols[c]);
		/* A value converted by a new affinity is the same value. */
		sql = qc ? sqlf("SELECT count(*), sum(b.%s IS NOT n.%s AND "
				"CAST(b.%s AS TEXT) IS NOT CAST(n.%s AS "
				"TEXT)) FROM temp.\"cw_b%zu\" AS b JOIN "
				"main.%s AS n ON %s", qc, qc, qc, qc, i, q,
				on) : NULL;
		free(qc);
		if (sql == NULL) {
			rc = nomem(x);
			break;
		}
		matched = count_of(db, sql);
		{
			sqlite3_stmt *st = NULL;
			long long changed = 0;
			if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) ==
			    SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
				changed = sqlite3_column_int64(st, 1);
			sqlite3_finalize(st);
			if (changed > 0)
				rc = push(x, CW_DV_VALUES_LOST, k, s->name,
					  s->cols[c], matched, changed);
		}
		free(sql);
	}
done:
	free(on);
	free(q);
	free_names(cols, nc);
	free_names(keys, nk);
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
		char *sql = q ? sqlf("DELETE FROM main.%s", q) : NULL;
		if (sql)
			sqlite3_exec(db, sql, NULL, NULL, NULL);
		free(sql);
		free(q);
	}
	sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_FKEY, fk, NULL);
	cw_schema_free(&m);
}

/* The default filler: the data generator tops every table up to a few
** rows (rows already there, of earlier vintages, stay).  Tables it
** cannot fill are remembered for the report. */
static int default_fill(run *x, sqlite3 *db)
{
	cw_schema_options so = CW_SCHEMA_OPTIONS_INIT;
	cw_datagen_options go = CW_DATAGEN_OPTIONS_INIT;
	cw_datagen_result gr;
	cw_schema s;
	size_t i;
	int rc;

	so.skip_table = x->mtable;
	rc = cw_schema_read_db(&s, db, &so, x->err);
	if (rc == CW_ESQL) {
		cw_error_clear(x->err);
		return 0;
	}
	if (rc != 0)
		return rc;
	go.rows = CW_DATA_ROWS;
	go.seed = 1;
	go.json_columns = &x->json;
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
	}
	cw_schema_free(&s);
	return rc;
}

static int on_migration(void *ctx, sqlite3 *db, size_t k, int is_trial,
			cw_error *err)
{
	run *x = ctx;
	int rc;

	(void)err;
	if (is_trial) {
		x->fail_piece = 0;
		return save_tables(x, db);
	}
	rc = x->o->fill ? x->o->fill(x->o->fill_ctx, db, k, x->err) :
			  default_fill(x, db);
	return rc < 0 ? rc : CW_HOOK_TRIAL;
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

static int after_migration(void *ctx, sqlite3 *db, size_t k, int is_trial,
			   int failed, cw_error *err)
{
	run *x = ctx;
	size_t i;
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
		}
		x->tentative = (size_t)-1;
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
	if (!failed && x->n_tables > 0) {
		cw_schema now;
		rc = model_of(x, db, &now);
		if (rc == 0) {
			for (i = 0; rc == 0 && i < x->n_tables; i++)
				rc = compare_one(x, db, &now, k, i);
			cw_schema_free(&now);
		}
	}
	free_saved(x);
	return rc;
}

static int after_trial(void *ctx, sqlite3 *db, size_t k, int failed,
		       cw_error *err)
{
	run *x = ctx;

	(void)k;
	(void)err;
	if (failed)
		clear_rows(x, db);
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
	run x;
	int rc;

	memset(out, 0, sizeof(*out));
	memset(&x, 0, sizeof(x));
	x.f = f;
	x.o = o ? o : &defaults;
	x.mtable = x.o->table ? x.o->table : CW_MIGRATIONS_TABLE;
	x.out = out;
	x.err = err;
	x.tentative = (size_t)-1;
	hooks.ctx = &x;
	mo.table = x.o->table;
	mo.profile = x.o->profile;
	mo.keep_going = 1;
	mo.hooks = &hooks;
	rc = cw_datagen_json_columns(&x.json, f, err);
	if (rc == 0)
		rc = cw_db_open_scratch(&db, &path, NULL, err);
	if (rc != 0) {
		cw_datagen_names_free(&x.json);
		return rc;
	}
	rc = cw_migrate_db(&r, db, f, &mo, err);
	if (rc == CW_ESQL) {
		cw_error_clear(err);
		rc = 0;
	}
	free_saved(&x);
	cw_datagen_names_free(&x.json);
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
	}
	free(e->items);
	free(e->unfilled);
	memset(e, 0, sizeof(*e));
}
