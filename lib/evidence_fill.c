/*
** evidence_fill.c - one synthetic row in each table the probe watches, and
** counting rows and foreign-key values.
**
** Values follow the column's declared type (SQLite's affinity rules,
** datatype3.html section 3.1); foreign-key columns take the referenced
** values of an existing parent row, so the row is valid with foreign keys
** ON.  NOT NULL, CHECK and UNIQUE constraints are met by retrying a few
** variations (defaults, NULLs, small values, another number).  A table none
** of them satisfies is left out and named in the finding.
*/
#include "lint_int.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NONE ((size_t)-1)
#define N_VARIANTS 7

typedef enum affinity {
	AFF_INT, AFF_TEXT, AFF_BLOB, AFF_REAL, AFF_NUM,
	AFF_NONE               /* no declared type: anything goes */
} affinity;

typedef struct column {
	char *name;
	affinity aff;
	int not_null, has_default, pk;
	sqlite3_value *fk_value;  /* set: a foreign-key column */
	int is_fk;
} column;

static int contains(const char *type, const char *word)
{
	size_t n = strlen(word), i, j;

	for (i = 0; type[i]; i++) {
		for (j = 0; j < n; j++) {
			char c = type[i + j];
			if (c >= 'a' && c <= 'z')
				c = (char)(c - 32);
			if (c != word[j])
				break;
		}
		if (j == n)
			return 1;
	}
	return 0;
}

static affinity affinity_of(const char *type)
{
	if (type == NULL || type[0] == '\0')
		return AFF_NONE;
	if (contains(type, "INT"))
		return AFF_INT;
	if (contains(type, "CHAR") || contains(type, "CLOB") ||
	    contains(type, "TEXT"))
		return AFF_TEXT;
	if (contains(type, "BLOB"))
		return AFF_BLOB;
	if (contains(type, "REAL") || contains(type, "FLOA") ||
	    contains(type, "DOUB"))
		return AFF_REAL;
	return AFF_NUM;
}

/* The columns of t that an INSERT can set (generated ones are hidden). */
static int load_columns(sqlite3 *db, const cw_ev_table *t, column **out,
			size_t *n)
{
	sqlite3_stmt *st = NULL;
	size_t cap = 0;
	int rc = sqlite3_prepare_v2(db, "SELECT name, type, \"notnull\", "
				    "dflt_value IS NOT NULL, pk FROM "
				    "pragma_table_xinfo(?) WHERE hidden = 0",
				    -1, &st, NULL);

	*out = NULL;
	*n = 0;
	if (rc == SQLITE_OK)
		sqlite3_bind_text(st, 1, t->name, -1, SQLITE_STATIC);
	while (rc == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW) {
		column *c;
		if (*n == cap) {
			cap = cap ? cap * 2 : 16;
			c = realloc(*out, cap * sizeof(*c));
			if (c == NULL) {
				rc = SQLITE_NOMEM;
				break;
			}
			*out = c;
		}
		c = &(*out)[(*n)++];
		memset(c, 0, sizeof(*c));
		c->name = strdup((const char *)sqlite3_column_text(st, 0));
		c->aff = affinity_of((const char *)sqlite3_column_text(st, 1));
		c->not_null = sqlite3_column_int(st, 2);
		c->has_default = sqlite3_column_int(st, 3);
		c->pk = sqlite3_column_int(st, 4);
		if (c->name == NULL)
			rc = SQLITE_NOMEM;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_OK ? 0 : -1;
}

static void free_columns(column *c, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(c[i].name);
		sqlite3_value_free(c[i].fk_value);
	}
	free(c);
}

static column *find_column(column *c, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (cw_sqlscan_name_eq(c[i].name, name))
			return &c[i];
	return NULL;
}

/* Append the parent's primary-key columns, in key order, to sql: what a
** foreign key without a column list references. */
static void append_pk(sqlite3 *db, const cw_ev_table *parent,
		      sqlite3_str *sql)
{
	sqlite3_stmt *st = NULL;
	int n = 0;

	if (sqlite3_prepare_v2(db, "SELECT name FROM pragma_table_info(?) "
			       "WHERE pk > 0 ORDER BY pk", -1, &st,
			       NULL) == SQLITE_OK) {
		sqlite3_bind_text(st, 1, parent->name, -1, SQLITE_STATIC);
		while (sqlite3_step(st) == SQLITE_ROW)
			sqlite3_str_appendf(sql, "%s\"%w\"", n++ ? ", " : "",
					    sqlite3_column_text(st, 0));
	}
	sqlite3_finalize(st);
	if (n == 0)
		sqlite3_str_appendall(sql, "rowid");
}

/* The values fk references in one existing row of its parent, into the
** matching columns of c; those stay NULL when the parent has no row (a
** cycle, a self-reference, an unfillable or missing parent). */
static int parent_values(sqlite3 *db, const cw_ev_graph *g,
			 const cw_ev_fk *fk, column *c, size_t nc)
{
	sqlite3_str *sql = sqlite3_str_new(db);
	sqlite3_stmt *st = NULL;
	char *text;
	size_t i;
	int rc = 0;

	for (i = 0; i < fk->n; i++) {
		column *col = find_column(c, nc, fk->from[i]);
		if (col != NULL)
			col->is_fk = 1;
	}
	if (fk->parent == NONE)
		return sqlite3_str_finish(sql), 0;
	sqlite3_str_appendall(sql, "SELECT ");
	for (i = 0; fk->to[0] != NULL && i < fk->n; i++)
		sqlite3_str_appendf(sql, "%s\"%w\"", i ? ", " : "",
				    fk->to[i] ? fk->to[i] : "rowid");
	if (fk->to[0] == NULL)
		append_pk(db, &g->tables[fk->parent], sql);
	sqlite3_str_appendf(sql, " FROM %s LIMIT 1",
			    g->tables[fk->parent].quoted);
	text = sqlite3_str_finish(sql);
	if (text == NULL)
		return -1;
	if (sqlite3_prepare_v2(db, text, -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		for (i = 0; i < fk->n && (int)i < sqlite3_column_count(st);
		     i++) {
			column *col = find_column(c, nc, fk->from[i]);
			if (col == NULL)
				continue;
			sqlite3_value_free(col->fk_value);
			col->fk_value = sqlite3_value_dup(
				sqlite3_column_value(st, (int)i));
			if (col->fk_value == NULL)
				rc = -1;
		}
	sqlite3_finalize(st);
	sqlite3_free(text);
	return rc;
}

/* Variant v of the synthetic row: 0 every column typed; 1 defaults left
** to the table; 2 also NULL where allowed; 3-5 small values (1, 'a'; 0,
** ''; '{}') for CHECK constraints; 6 another number for UNIQUE ones
** against rows the migrations inserted themselves. */
static int is_omitted(const column *c, int v)
{
	return v != 0 && v != 6 && c->has_default && !c->pk && !c->is_fk;
}

static void bind_column(sqlite3_stmt *st, int at, const column *c, int v)
{
	long long n = v == 6 ? 7000019 : 1000003;
	char text[32];

	if (c->is_fk) {
		if (c->fk_value != NULL)
			sqlite3_bind_value(st, at, c->fk_value);
		return;                        /* unbound: NULL */
	}
	if (v == 2 && !c->not_null && !c->pk)
		return;
	if (v == 3 || v == 5)
		n = 1;
	else if (v == 4)
		n = 0;
	switch (c->aff) {
	case AFF_INT:
	case AFF_NUM:
		sqlite3_bind_int64(st, at, n);
		break;
	case AFF_REAL:
		sqlite3_bind_double(st, at, (double)n + (n > 1 ? 0.5 : 0));
		break;
	case AFF_BLOB:  /* a STRICT blob column takes nothing else */
		sqlite3_bind_blob(st, at, &n, (int)sizeof(n),
				  SQLITE_TRANSIENT);
		break;
	default:
		if (v == 3 || v == 4 || v == 5)
			snprintf(text, sizeof(text), "%s",
				 v == 3 ? "a" : v == 4 ? "" : "{}");
		else
			snprintf(text, sizeof(text), "cw-%lld", n);
		sqlite3_bind_text(st, at, text, -1, SQLITE_TRANSIENT);
	}
}

/* 1 if variant v of the row went in, 0 if SQLite refused it. */
static int try_insert(sqlite3 *db, const cw_ev_table *t, const column *c,
		      size_t n, int v)
{
	sqlite3_str *sql = sqlite3_str_new(db);
	sqlite3_stmt *st = NULL;
	char *text;
	size_t i;
	int k = 0, rc;

	sqlite3_str_appendf(sql, "INSERT INTO %s (", t->quoted);
	for (i = 0; i < n; i++)
		if (!is_omitted(&c[i], v))
			sqlite3_str_appendf(sql, "%s\"%w\"", k++ ? ", " : "",
					    c[i].name);
	sqlite3_str_appendall(sql, ") VALUES (");
	for (i = 0; (int)i < k; i++)
		sqlite3_str_appendall(sql, i ? ", ?" : "?");
	sqlite3_str_appendall(sql, ")");
	text = sqlite3_str_finish(sql);
	if (k == 0) {
		sqlite3_free(text);
		text = sqlite3_mprintf("INSERT INTO %s DEFAULT VALUES",
				       t->quoted);
	}
	rc = text ? sqlite3_prepare_v2(db, text, -1, &st, NULL) : SQLITE_NOMEM;
	for (i = 0, k = 0; rc == SQLITE_OK && i < n; i++)
		if (!is_omitted(&c[i], v))
			bind_column(st, ++k, &c[i], v);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	sqlite3_finalize(st);
	sqlite3_free(text);
	return rc == SQLITE_DONE;
}

static int has_rows(sqlite3 *db, const cw_ev_table *t)
{
	char *sql = sqlite3_mprintf("SELECT 1 FROM %s LIMIT 1", t->quoted);
	sqlite3_stmt *st = NULL;
	int yes = 0;

	if (sql && sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK)
		yes = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	sqlite3_free(sql);
	return yes;
}

static int fill_table(sqlite3 *db, const cw_ev_graph *g, cw_ev_table *t)
{
	column *c = NULL;
	size_t n = 0, j;
	int v, rc = load_columns(db, t, &c, &n);

	for (j = 0; rc == 0 && j < t->n_fks; j++)
		rc = parent_values(db, g, &t->fks[j], c, n);
	for (v = 0; rc == 0 && v < N_VARIANTS && !t->is_filled; v++)
		t->is_filled = try_insert(db, t, c, n, v);
	/* Rows the migrations inserted count as filled too. */
	if (rc == 0 && !t->is_filled)
		t->is_filled = has_rows(db, t);
	free_columns(c, n);
	return rc;
}

int cw_ev_fill(sqlite3 *db, cw_ev_graph *g, cw_error *err)
{
	size_t i;

	for (i = 0; i < g->n_order; i++)
		if (fill_table(db, g, &g->tables[g->order[i]]) != 0)
			return cw_error_set(err, CW_ENOMEM, NULL, NULL, 0,
					    "out of memory filling %s",
					    g->tables[g->order[i]].name);
	return 0;
}

/* Count t's rows and its non-NULL and NULL foreign-key values (a key set
** to NULL moves from one to the other; a deleted row leaves both).  After
** a rebuild a key column may be gone: then only rows are counted. */
static void count_one(sqlite3 *db, const cw_ev_table *t, cw_ev_count *out)
{
	sqlite3_str *sql = sqlite3_str_new(db);
	sqlite3_stmt *st = NULL;
	char *text;
	size_t i, j, n = 0;

	sqlite3_str_appendall(sql, "SELECT count(*), 0");
	for (i = 0; i < t->n_fks; i++)
		for (j = 0; j < t->fks[i].n; j++, n++)
			sqlite3_str_appendf(sql, " + count(\"%w\")",
					    t->fks[i].from[j]);
	sqlite3_str_appendf(sql, " FROM %s", t->quoted);
	text = sqlite3_str_finish(sql);
	memset(out, 0, sizeof(*out));
	out->fks = out->nulls = -1;
	if (text && sqlite3_prepare_v2(db, text, -1, &st, NULL) != SQLITE_OK) {
		sqlite3_free(text);
		n = 0;
		text = sqlite3_mprintf("SELECT count(*), -1 FROM %s",
				       t->quoted);
		if (text == NULL ||
		    sqlite3_prepare_v2(db, text, -1, &st, NULL) != SQLITE_OK)
			st = NULL;
	}
	if (st != NULL && sqlite3_step(st) == SQLITE_ROW) {
		out->exists = 1;
		out->rows = sqlite3_column_int64(st, 0);
		out->fks = sqlite3_column_int64(st, 1);
		if (out->fks >= 0)
			out->nulls = out->rows * (long long)n - out->fks;
	}
	sqlite3_finalize(st);
	sqlite3_free(text);
}

void cw_ev_count_all(sqlite3 *db, const cw_ev_graph *g, cw_ev_count *out)
{
	size_t i;

	for (i = 0; i < g->n_order; i++)
		count_one(db, &g->tables[g->order[i]], &out[i]);
}
