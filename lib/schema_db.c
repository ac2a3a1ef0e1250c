/*
** schema_db.c - the schema model of a live database.
**
** What SQLite reports is read through its PRAGMA table functions, each
** prepared once with the table or index name bound (table_list for kinds,
** WITHOUT ROWID and STRICT; table_xinfo for columns; foreign_key_list;
** index_list and index_xinfo), and sqlite_master for the order of things
** and their CREATE text.  What only that text says is read from its
** tokens (schema_sql.c).  Nothing the database owns is run: no view is
** selected from, no default evaluated, nothing written.
*/
#include "schema_int.h"
#include "strbuf.h"

#include <stdlib.h>
#include <string.h>

/* One row of sqlite_master, and what PRAGMA table_list says of it. */
typedef struct master_row {
	char *type, *name, *tbl, *sql;
} master_row;

typedef struct kind_row {
	char *name, *type;   /* "table", "view", "virtual", "shadow" */
	int wr, strict;
} kind_row;

typedef struct reader {
	sqlite3 *db;
	cw_error *err;
	master_row *rows;
	size_t n_rows;
	kind_row *kinds;
	size_t n_kinds;
	sqlite3_stmt *xinfo, *fkl, *ilist, *ixinfo;
	cw_schema_cache *cache;  /* or NULL */
	char *deps;              /* the last deps_of text */
} reader;

static int sql_fail(reader *r, const char *what)
{
	return cw_error_set(r->err, CW_ESQL, NULL, NULL, 0,
			    "reading the schema (%s): %s", what,
			    sqlite3_errmsg(r->db));
}

static int prepare(reader *r, sqlite3_stmt **st, const char *sql)
{
	if (sqlite3_prepare_v2(r->db, sql, -1, st, NULL) != SQLITE_OK)
		return sql_fail(r, sql);
	return 0;
}

/* Column i of the row as a new string into *out (NULL for SQL NULL). */
static int text_of(reader *r, sqlite3_stmt *st, int i, char **out)
{
	const unsigned char *v = sqlite3_column_text(st, i);

	*out = NULL;
	if (v == NULL)
		return 0;
	if ((*out = cw_schema_strdup((const char *)v)) == NULL)
		return cw_schema_oom(r->err, "a name");
	return 0;
}

/* Bind name to st (reset) as its first parameter. */
static void bind_name(sqlite3_stmt *st, const char *name)
{
	sqlite3_reset(st);
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
}

/* Step st: 1 for a row, 0 when done, CW_ESQL on failure. */
static int step(reader *r, sqlite3_stmt *st, const char *what)
{
	int rc = sqlite3_step(st);

	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE)
		return 0;
	return sql_fail(r, what);
}

static int load_master(reader *r)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if ((rc = prepare(r, &st, "SELECT type, name, tbl_name, sql FROM "
			  "main.sqlite_master")) != 0)
		return rc;
	while ((rc = step(r, st, "sqlite_master")) == 1) {
		master_row *m;
		CW_SCHEMA_PUSH(r->rows, r->n_rows, m);
		if (m == NULL) {
			rc = cw_schema_oom(r->err, "sqlite_master");
			break;
		}
		if ((rc = text_of(r, st, 0, &m->type)) != 0 ||
		    (rc = text_of(r, st, 1, &m->name)) != 0 ||
		    (rc = text_of(r, st, 2, &m->tbl)) != 0 ||
		    (rc = text_of(r, st, 3, &m->sql)) != 0)
			break;
	}
	sqlite3_finalize(st);
	return rc;
}

static int load_kinds(reader *r)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if ((rc = prepare(r, &st, "SELECT name, type, wr, strict FROM "
			  "pragma_table_list WHERE schema = 'main'")) != 0)
		return rc;
	while ((rc = step(r, st, "table_list")) == 1) {
		kind_row *k;
		CW_SCHEMA_PUSH(r->kinds, r->n_kinds, k);
		if (k == NULL) {
			rc = cw_schema_oom(r->err, "table_list");
			break;
		}
		k->wr = sqlite3_column_int(st, 2);
		k->strict = sqlite3_column_int(st, 3);
		if ((rc = text_of(r, st, 0, &k->name)) != 0 ||
		    (rc = text_of(r, st, 1, &k->type)) != 0)
			break;
	}
	sqlite3_finalize(st);
	return rc;
}

static const kind_row *kind_of(const reader *r, const char *name)
{
	size_t i;

	for (i = 0; i < r->n_kinds; i++)
		if (r->kinds[i].name && strcmp(r->kinds[i].name, name) == 0)
			return &r->kinds[i];
	return NULL;
}

/* Position of the sqlite_master row of the index called name, or n. */
static size_t master_pos(const reader *r, const char *name)
{
	size_t i;

	for (i = 0; i < r->n_rows; i++)
		if (r->rows[i].name && strcmp(r->rows[i].name, name) == 0 &&
		    r->rows[i].type && strcmp(r->rows[i].type, "index") == 0)
			return i;
	return r->n_rows;
}

/* Columns from table_xinfo, with what the CREATE text adds. */
static int read_columns(reader *r, cw_schema_table *t,
			const cw_sql_table *p)
{
	int rc;

	bind_name(r->xinfo, t->name);
	while ((rc = step(r, r->xinfo, "table_xinfo")) == 1) {
		cw_schema_column *c;
		int hidden = sqlite3_column_int(r->xinfo, 5);
		size_t k;
		CW_SCHEMA_PUSH(t->columns, t->n_columns, c);
		if (c == NULL)
			return cw_schema_oom(r->err, "a column");
		if ((rc = text_of(r, r->xinfo, 0, &c->name)) != 0 ||
		    (rc = text_of(r, r->xinfo, 1, &c->type)) != 0 ||
		    (rc = text_of(r, r->xinfo, 3, &c->default_sql)) != 0)
			return rc;
		if (c->type == NULL && (c->type = cw_schema_strdup("")) == NULL)
			return cw_schema_oom(r->err, "a column");
		c->affinity = cw_schema_affinity(c->type);
		/* STRICT: ANY keeps every value as given. */
		if (t->strict && cw_sqlscan_name_eq(c->type, "ANY"))
			c->affinity = CW_AFF_BLOB;
		c->not_null = sqlite3_column_int(r->xinfo, 2);
		c->pk = sqlite3_column_int(r->xinfo, 4);
		c->generated = hidden == 2 ? CW_GEN_VIRTUAL :
			       hidden == 3 ? CW_GEN_STORED : CW_GEN_NONE;
		for (k = 0; k < p->n_columns; k++) {
			const cw_sql_column *d = &p->columns[k];
			if (!cw_sqlscan_name_eq(d->name, c->name))
				continue;
			c->autoincrement = d->autoincrement;
			if ((d->collate && !(c->collate =
			     cw_schema_strdup(d->collate))) ||
			    (c->generated && d->generated_sql &&
			     !(c->generated_sql =
			       cw_schema_strdup(d->generated_sql))))
				return cw_schema_oom(r->err, "a column");
			break;
		}
	}
	return rc;
}

static int same_names(char **a, char **b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!a[i] || !b[i] || !cw_sqlscan_name_eq(a[i], b[i]))
			return 0;
	return 1;
}

/* The clause as written that says the same as PRAGMA's fk f. */
static cw_sql_fk *written(cw_sql_table *p, const cw_schema_fk *f)
{
	size_t k, i;

	for (k = 0; k < p->n_fks; k++) {
		cw_sql_fk *w = &p->fks[k];
		if (w->used || w->n_from != f->n ||
		    !cw_sqlscan_name_eq(w->parent, f->parent) ||
		    !same_names(w->from, f->from, f->n))
			continue;
		for (i = 0; i < f->n && w->n_to == f->n; i++)
			if (!f->to[i] || !cw_sqlscan_name_eq(f->to[i],
							     w->to[i]))
				break;
		if ((w->n_to == 0 && f->to[0] == NULL) || i == f->n)
			return w;
	}
	return NULL;
}

/* Add one column pair to fk f. */
static int fk_pair(reader *r, cw_schema_fk *f)
{
	char **from = realloc(f->from, (f->n + 1) * sizeof(char *));
	char **to;

	if (from == NULL)
		return cw_schema_oom(r->err, "a foreign key");
	f->from = from;
	to = realloc(f->to, (f->n + 1) * sizeof(char *));
	if (to == NULL)
		return cw_schema_oom(r->err, "a foreign key");
	f->to = to;
	from[f->n] = to[f->n] = NULL;
	f->n++;
	if (text_of(r, r->fkl, 2, &from[f->n - 1]) != 0 ||
	    text_of(r, r->fkl, 3, &to[f->n - 1]) != 0)
		return CW_ENOMEM;
	return 0;
}

/* Foreign keys from foreign_key_list, grouped by id, declaration order. */
static int read_fks(reader *r, cw_schema_table *t, cw_sql_table *p)
{
	int rc, id = -1;
	size_t k;

	bind_name(r->fkl, t->name);
	while ((rc = step(r, r->fkl, "foreign_key_list")) == 1) {
		cw_schema_fk *f = t->n_fks ? &t->fks[t->n_fks - 1] : NULL;
		if (sqlite3_column_int(r->fkl, 0) != id) {
			id = sqlite3_column_int(r->fkl, 0);
			CW_SCHEMA_PUSH(t->fks, t->n_fks, f);
			if (f == NULL)
				return cw_schema_oom(r->err, "a foreign key");
			if ((rc = text_of(r, r->fkl, 1, &f->parent)) != 0 ||
			    (rc = text_of(r, r->fkl, 4, &f->on_update)) != 0 ||
			    (rc = text_of(r, r->fkl, 5, &f->on_delete)) != 0)
				return rc;
		}
		if ((rc = fk_pair(r, f)) != 0)
			return rc;
	}
	if (rc != 0)
		return rc;
	/* SQLite lists the last declared first. */
	for (k = 0; k < t->n_fks / 2; k++) {
		cw_schema_fk tmp = t->fks[k];
		t->fks[k] = t->fks[t->n_fks - 1 - k];
		t->fks[t->n_fks - 1 - k] = tmp;
	}
	for (k = 0; k < t->n_fks; k++) {
		cw_sql_fk *w = written(p, &t->fks[k]);
		if (w == NULL)
			continue;
		w->used = 1;
		t->fks[k].deferred = w->deferred;
		t->fks[k].name = w->name;
		w->name = NULL;
	}
	return 0;
}

/* The key columns of index x (index_xinfo), expressions as written. */
static int read_index_columns(reader *r, cw_schema_index *x,
			      const char *sql)
{
	char **items = NULL;
	int rc;
	size_t k;

	bind_name(r->ixinfo, x->name);
	while ((rc = step(r, r->ixinfo, "index_xinfo")) == 1) {
		char **slot;
		CW_SCHEMA_PUSH(x->columns, x->n_columns, slot);
		if (slot == NULL)
			return cw_schema_oom(r->err, "an index");
		if ((rc = text_of(r, r->ixinfo, 1, slot)) != 0)
			return rc;
	}
	if (rc != 0 || sql == NULL)
		return rc;
	items = calloc(x->n_columns + 1, sizeof(char *));
	if (items == NULL)
		return cw_schema_oom(r->err, "an index");
	rc = cw_sql_parse_index(items, x->n_columns, &x->where, sql, r->err);
	for (k = 0; rc == 0 && k < x->n_columns; k++)
		if (x->columns[k] == NULL) {
			x->columns[k] = items[k];
			items[k] = NULL;
		}
	cw_schema_names_free(items, x->n_columns);
	return rc;
}

/* An index_list row, placed by its sqlite_master row. */
typedef struct index_row {
	char *name;
	int unique, partial;
	char origin;
	size_t pos;
} index_row;

static int by_pos(const void *a, const void *b)
{
	const index_row *x = a, *y = b;

	if (x->pos != y->pos)
		return x->pos < y->pos ? -1 : 1;
	return strcmp(x->name, y->name);
}

static int list_indexes(reader *r, const cw_schema_table *t,
			index_row **out, size_t *out_n)
{
	int rc;

	bind_name(r->ilist, t->name);
	while ((rc = step(r, r->ilist, "index_list")) == 1) {
		index_row *x;
		const unsigned char *o = sqlite3_column_text(r->ilist, 2);
		CW_SCHEMA_PUSH(*out, *out_n, x);
		if (x == NULL)
			return cw_schema_oom(r->err, "an index");
		if ((rc = text_of(r, r->ilist, 0, &x->name)) != 0)
			return rc;
		if (x->name == NULL)
			return sql_fail(r, "index_list gave no name");
		x->unique = sqlite3_column_int(r->ilist, 1);
		x->partial = sqlite3_column_int(r->ilist, 3);
		x->origin = o && o[0] == 'u' ? 'u' : o && o[0] == 'p' ? 'p' :
			    'c';
		x->pos = master_pos(r, x->name);
	}
	return rc;
}

/* Indexes from index_list, in sqlite_master order. */
static int read_indexes(reader *r, cw_schema_table *t)
{
	index_row *rows = NULL;
	size_t n = 0, k;
	int rc = list_indexes(r, t, &rows, &n);

	if (rc == 0 && n > 1)
		qsort(rows, n, sizeof(*rows), by_pos);
	for (k = 0; rc == 0 && k < n; k++) {
		cw_schema_index *x;
		const char *sql = rows[k].pos < r->n_rows ?
				  r->rows[rows[k].pos].sql : NULL;
		CW_SCHEMA_PUSH(t->indexes, t->n_indexes, x);
		if (x == NULL) {
			rc = cw_schema_oom(r->err, "an index");
			break;
		}
		x->name = rows[k].name;
		rows[k].name = NULL;
		x->unique = rows[k].unique;
		x->origin = rows[k].origin;
		rc = read_index_columns(r, x, sql);
	}
	for (k = 0; k < n; k++)
		free(rows[k].name);
	free(rows);
	return rc;
}

/* What a cached model of table m depends on besides its parents: its
** kind, its text, and its indexes' names and texts. */
static char *key_of(const reader *r, const master_row *m,
		    const kind_row *kind)
{
	cw_strbuf b = CW_STRBUF_INIT;
	size_t i;

	cw_strbuf_fmt(&b, "%d%d\x1e%s\x1e", kind ? kind->wr : 0,
		      kind ? kind->strict : 0, m->sql ? m->sql : "");
	for (i = 0; i < r->n_rows; i++) {
		const master_row *x = &r->rows[i];
		if (x->type && strcmp(x->type, "index") == 0 && x->tbl &&
		    strcmp(x->tbl, m->name) == 0)
			cw_strbuf_fmt(&b, "%s\x1f%s\x1e", x->name ? x->name :
				      "", x->sql ? x->sql : "");
	}
	return cw_strbuf_take(&b);
}

/* The CREATE TABLE texts of t's parents, as sqlite_master holds them
** now (kept in r->deps); NULL when out of memory. */
static const char *deps_of(void *ctx, const cw_schema_table *t)
{
	reader *r = ctx;
	cw_strbuf b = CW_STRBUF_INIT;
	size_t i, j;

	for (i = 0; i < t->n_fks; i++) {
		cw_strbuf_fmt(&b, "%s\x1f", t->fks[i].parent);
		for (j = 0; j < r->n_rows; j++)
			if (r->rows[j].type && r->rows[j].name &&
			    strcmp(r->rows[j].type, "table") == 0 &&
			    cw_sqlscan_name_eq(r->rows[j].name,
					       t->fks[i].parent))
				cw_strbuf_str(&b, r->rows[j].sql ?
					      r->rows[j].sql : "");
		cw_strbuf_str(&b, "\x1e");
	}
	free(r->deps);
	r->deps = cw_strbuf_take(&b);
	return r->deps;
}

static int read_table_pragmas(reader *r, cw_schema_table *t,
			      const master_row *m, const kind_row *kind);

/* One ordinary table: m is its sqlite_master row.  From the cache when
** nothing it depends on changed. */
static int read_table(reader *r, cw_schema *out, const master_row *m,
		      const kind_row *kind)
{
	cw_schema_table *t;
	char *key = NULL;
	int rc;

	CW_SCHEMA_PUSH(out->tables, out->n_tables, t);
	if (t == NULL)
		return cw_schema_oom(r->err, "a table");
	if (r->cache == NULL)
		return read_table_pragmas(r, t, m, kind);
	if ((key = key_of(r, m, kind)) == NULL)
		return cw_schema_oom(r->err, "a table");
	rc = cw_schema_cache_get(r->cache, m->name, key, deps_of, r, t);
	if (rc == 0) {
		rc = read_table_pragmas(r, t, m, kind);
		if (rc == 0 && (deps_of(r, t) == NULL ||
				cw_schema_cache_put(r->cache, key, r->deps,
						    t) != 0))
			rc = -1;
	} else if (rc == 1) {
		rc = 0;
	}
	free(key);
	return rc < 0 ? cw_schema_oom(r->err, "a table") : rc;
}

static int read_table_pragmas(reader *r, cw_schema_table *t,
			      const master_row *m, const kind_row *kind)
{
	cw_sql_table p;
	int rc;

	if ((t->name = cw_schema_strdup(m->name)) == NULL ||
	    (m->sql && (t->sql = cw_schema_strdup(m->sql)) == NULL))
		return cw_schema_oom(r->err, "a table");
	t->without_rowid = kind ? kind->wr : 0;
	t->strict = kind ? kind->strict : 0;
	if ((rc = cw_sql_parse_table(&p, m->sql ? m->sql : "", r->err)) != 0)
		return rc;
	rc = read_columns(r, t, &p);
	if (rc == 0)
		rc = read_fks(r, t, &p);
	if (rc == 0)
		rc = read_indexes(r, t);
	if (rc == 0) {
		/* The checks move to the table as they are. */
		t->checks = p.checks;
		t->n_checks = p.n_checks;
		p.checks = NULL;
		p.n_checks = 0;
	}
	cw_sql_table_free(&p);
	return rc;
}

/* A trigger, view or virtual table into *v. */
static int add_object(reader *r, cw_schema_object **v, size_t *n,
		      const master_row *m, int with_table)
{
	cw_schema_object *o;

	CW_SCHEMA_PUSH(*v, *n, o);
	if (o == NULL || (o->name = cw_schema_strdup(m->name)) == NULL ||
	    (m->sql && (o->sql = cw_schema_strdup(m->sql)) == NULL) ||
	    (with_table && m->tbl &&
	     (o->table = cw_schema_strdup(m->tbl)) == NULL))
		return cw_schema_oom(r->err, "a trigger or view");
	return 0;
}

static int is_internal(const char *name)
{
	static const char prefix[] = "sqlite_";
	size_t i;

	for (i = 0; i < sizeof(prefix) - 1; i++) {
		char c = name[i];
		if (c >= 'A' && c <= 'Z')
			c = (char)(c + 32);
		if (c != prefix[i])
			return 0;
	}
	return 1;
}

/* Every object of sqlite_master into out, in its order. */
static int read_all(reader *r, cw_schema *out, const char *skip)
{
	size_t i;
	int rc = 0;

	for (i = 0; rc == 0 && i < r->n_rows; i++) {
		const master_row *m = &r->rows[i];
		const kind_row *k;
		if (m->type == NULL || m->name == NULL)
			continue;
		if (strcmp(m->type, "trigger") == 0) {
			rc = add_object(r, &out->triggers, &out->n_triggers,
					m, 1);
		} else if (strcmp(m->type, "view") == 0) {
			rc = add_object(r, &out->views, &out->n_views, m, 0);
		} else if (strcmp(m->type, "table") == 0 &&
			   !is_internal(m->name) &&
			   !(skip && cw_sqlscan_name_eq(m->name, skip))) {
			k = kind_of(r, m->name);
			if (k && k->type && strcmp(k->type, "shadow") == 0)
				continue;
			if (k && k->type && strcmp(k->type, "virtual") == 0)
				rc = add_object(r, &out->virtual_tables,
						&out->n_virtual_tables, m, 0);
			else
				rc = read_table(r, out, m, k);
		}
	}
	return rc;
}

static void reader_free(reader *r)
{
	size_t i;

	for (i = 0; i < r->n_rows; i++) {
		free(r->rows[i].type);
		free(r->rows[i].name);
		free(r->rows[i].tbl);
		free(r->rows[i].sql);
	}
	free(r->rows);
	for (i = 0; i < r->n_kinds; i++) {
		free(r->kinds[i].name);
		free(r->kinds[i].type);
	}
	free(r->kinds);
	sqlite3_finalize(r->xinfo);
	sqlite3_finalize(r->fkl);
	sqlite3_finalize(r->ilist);
	sqlite3_finalize(r->ixinfo);
	free(r->deps);
}

int cw_schema_read_db(cw_schema *out, sqlite3 *db,
		      const cw_schema_options *o, cw_error *err)
{
	reader r;
	int rc;

	memset(out, 0, sizeof(*out));
	memset(&r, 0, sizeof(r));
	r.db = db;
	r.err = err;
	r.cache = o ? o->cache : NULL;
	if ((rc = load_master(&r)) == 0 && (rc = load_kinds(&r)) == 0 &&
	    (rc = prepare(&r, &r.xinfo, "SELECT name, type, \"notnull\", "
			  "dflt_value, pk, hidden FROM "
			  "pragma_table_xinfo(?1, 'main')")) == 0 &&
	    (rc = prepare(&r, &r.fkl, "SELECT id, \"table\", \"from\", "
			  "\"to\", on_update, on_delete FROM "
			  "pragma_foreign_key_list(?1, 'main') "
			  "ORDER BY id, seq")) == 0 &&
	    (rc = prepare(&r, &r.ilist, "SELECT name, \"unique\", origin, "
			  "partial FROM pragma_index_list(?1, 'main')")) == 0 &&
	    (rc = prepare(&r, &r.ixinfo, "SELECT cid, name FROM "
			  "pragma_index_xinfo(?1, 'main') WHERE key "
			  "ORDER BY seqno")) == 0)
		rc = read_all(&r, out, o ? o->skip_table : NULL);
	if (rc == 0)
		rc = cw_schema_order(out, err);
	reader_free(&r);
	if (rc != 0)
		cw_schema_free(out);
	return rc;
}
