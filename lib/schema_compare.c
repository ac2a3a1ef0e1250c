/*
** schema_compare.c - one normalised comparison of two schema models.
**
** Two models that differ only in how the same schema was written compare
** equal; everything else is a difference naming the table, the column,
** index, foreign key or check, what differs and both values.
**
** What is written differently but provably the same is the same:
**  - texts (identifiers, expressions, defaults, types) by their canonical
**    spellings (schema_norm.c);
**  - an INTEGER PRIMARY KEY (a rowid alias) and a WITHOUT ROWID table's
**    key columns are NOT NULL whether written or not;
**  - COLLATE BINARY is no COLLATE;
**  - foreign-key actions: NO ACTION is an unspecified action; a parent
**    key left implied is the parent's primary key written out;
**  - indexes, foreign keys and checks are sets: their order is not
**    compared; a check's column (column or table constraint) is not;
**  - a UNIQUE constraint is a unique index; its sqlite_autoindex_ name
**    and drizzle-kit's index name differ ("index name") unless
**    ignore_index_names.
** Not compared: column order (ALTER TABLE ADD COLUMN appends while a
** snapshot keeps the schema's order), a foreign key's name, the index
** that backs a primary key (origin 'p': the columns' pk says it), and
** against a snapshot (is_snapshot) what a snapshot cannot hold: COLLATE,
** DEFERRABLE, WITHOUT ROWID, STRICT, triggers and virtual tables.
*/
#include "schema_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the comparison ---- */

void cw_cmp_add(cw_cmp *c, const char *table, const char *column,
		const char *what, const char *left, const char *right)
{
	cw_schema_difference *d;

	if (c->rc != 0)
		return;
	CW_SCHEMA_PUSH(c->out->items, c->out->n, d);
	if (d == NULL) {
		c->rc = cw_schema_oom(c->err, "a difference");
		return;
	}
	d->table = cw_schema_strdup(table);
	d->column = cw_schema_strdup(column);
	d->what = cw_schema_strdup(what);
	d->left = cw_schema_strdup(left ? left : "");
	d->right = cw_schema_strdup(right ? right : "");
	if ((table && !d->table) || (column && !d->column) || !d->what ||
	    !d->left || !d->right)
		c->rc = cw_schema_oom(c->err, "a difference");
}

/* 1 if the two canonical spellings are the same; both NULL is the same.
** Frees both. */
static int same_norm(char *x, char *y)
{
	int same = (x == NULL && y == NULL) ||
		   (x && y && strcmp(x, y) == 0);

	free(x);
	free(y);
	return same;
}

/* Compare two expressions of the tables ta and tb (names for their own
** qualifiers): 1 same, 0 different, -1 out of memory (c->rc set). */
int cw_cmp_same_expr(cw_cmp *c, const char *x, const char *ta,
		     const char *y, const char *tb)
{
	char *nx = NULL, *ny = NULL;

	if (c->rc != 0)
		return -1;
	if ((c->rc = cw_norm_expr(&nx, x, ta, c->err)) != 0 ||
	    (c->rc = cw_norm_expr(&ny, y, tb, c->err)) != 0) {
		free(nx);
		return -1;
	}
	return same_norm(nx, ny);
}

/* ---- columns ---- */

/* 1 if c is NOT NULL whatever its text says: the one column of an
** INTEGER PRIMARY KEY (a rowid alias, never NULL) or a key column of a
** WITHOUT ROWID table. */
static int implied_not_null(const cw_schema_table *t,
			    const cw_schema_column *c)
{
	size_t i, n_pk = 0;

	if (c->pk == 0)
		return 0;
	if (t->without_rowid)
		return 1;
	for (i = 0; i < t->n_columns; i++)
		n_pk += t->columns[i].pk > 0;
	return n_pk == 1 && cw_sqlscan_name_eq(c->type, "INTEGER");
}

static void pk_text(char *buf, size_t n, const cw_schema_table *t,
		    const cw_schema_column *c)
{
	size_t i, n_pk = 0;

	for (i = 0; i < t->n_columns; i++)
		n_pk += t->columns[i].pk > 0;
	if (c->pk == 0)
		buf[0] = '\0';
	else if (n_pk == 1)
		snprintf(buf, n, "PRIMARY KEY");
	else
		snprintf(buf, n, "PRIMARY KEY column %d of %zu", c->pk, n_pk);
}

/* A column as a short definition: name type [constraints]. */
static char *column_text(const cw_schema_table *t, const cw_schema_column *c)
{
	cw_strbuf b = {0};
	char pk[64];

	pk_text(pk, sizeof(pk), t, c);
	cw_strbuf_str(&b, c->name);
	if (c->type && c->type[0]) {
		cw_strbuf_str(&b, " ");
		cw_strbuf_str(&b, c->type);
	}
	if (pk[0])
		cw_strbuf_fmt(&b, " %s", pk);
	if (c->not_null)
		cw_strbuf_str(&b, " NOT NULL");
	if (c->default_sql) {
		cw_strbuf_str(&b, " DEFAULT ");
		cw_strbuf_str(&b, c->default_sql);
	}
	return cw_strbuf_take(&b);
}

static char *generated_text(const cw_schema_column *c)
{
	cw_strbuf b = {0};

	if (c->generated == CW_GEN_NONE)
		return cw_strbuf_take(&b);
	cw_strbuf_str(&b, "AS (");
	cw_strbuf_str(&b, c->generated_sql ? c->generated_sql : "");
	cw_strbuf_str(&b, c->generated == CW_GEN_STORED ? ") STORED" : ") VIRTUAL");
	return cw_strbuf_take(&b);
}

static void compare_generated(cw_cmp *c, const cw_schema_table *ta,
			      const cw_schema_column *x,
			      const cw_schema_table *tb,
			      const cw_schema_column *y)
{
	char *l, *r;
	int same = x->generated == y->generated;

	if (same && x->generated != CW_GEN_NONE)
		same = cw_cmp_same_expr(c, x->generated_sql, ta->name,
					y->generated_sql, tb->name);
	if (same != 0)
		return;
	l = generated_text(x);
	r = generated_text(y);
	if (l && r)
		cw_cmp_add(c, ta->name, x->name, "generated", l, r);
	else
		c->rc = cw_schema_oom(c->err, "a difference");
	free(l);
	free(r);
}

static const char *binary_if_none(const char *collate)
{
	return collate ? collate : "BINARY";
}

static void compare_column(cw_cmp *c, const cw_schema_table *ta,
			   const cw_schema_column *x,
			   const cw_schema_table *tb,
			   const cw_schema_column *y)
{
	char *nx = NULL, *ny = NULL, pl[64], pr[64];

	if ((c->rc = cw_norm_type(&nx, x->type, c->err)) != 0 ||
	    (c->rc = cw_norm_type(&ny, y->type, c->err)) != 0) {
		free(nx);
		return;
	}
	if (!same_norm(nx, ny))
		cw_cmp_add(c, ta->name, x->name, "type", x->type, y->type);
	if (x->not_null != y->not_null &&
	    !(implied_not_null(ta, x) && implied_not_null(tb, y)))
		cw_cmp_add(c, ta->name, x->name, "not null",
		    x->not_null ? "NOT NULL" : "", y->not_null ? "NOT NULL" :
		    "");
	if (c->rc == 0 &&
	    ((c->rc = cw_norm_default(&nx, x->default_sql, x->affinity,
				      c->err)) != 0 ||
	     (c->rc = cw_norm_default(&ny, y->default_sql, y->affinity,
				      c->err)) != 0)) {
		free(nx);
		return;
	}
	if (c->rc == 0 && !same_norm(nx, ny))
		cw_cmp_add(c, ta->name, x->name, "default", x->default_sql,
		    y->default_sql);
	pk_text(pl, sizeof(pl), ta, x);
	pk_text(pr, sizeof(pr), tb, y);
	if (x->pk != y->pk)
		cw_cmp_add(c, ta->name, x->name, "primary key", pl, pr);
	if (x->autoincrement != y->autoincrement)
		cw_cmp_add(c, ta->name, x->name, "autoincrement",
		    x->autoincrement ? "AUTOINCREMENT" : "",
		    y->autoincrement ? "AUTOINCREMENT" : "");
	compare_generated(c, ta, x, tb, y);
	if (!c->snap && !cw_sqlscan_name_eq(binary_if_none(x->collate),
					    binary_if_none(y->collate)))
		cw_cmp_add(c, ta->name, x->name, "collate", x->collate,
			   y->collate);
}

/* "extra column" or "missing column": the one side's definition. */
static void one_sided_column(cw_cmp *c, const char *table,
			     const cw_schema_table *t,
			     const cw_schema_column *col, int in_a)
{
	char *def = column_text(t, col);

	if (def == NULL) {
		c->rc = cw_schema_oom(c->err, "a difference");
		return;
	}
	cw_cmp_add(c, table, col->name, in_a ? "extra column" :
		   "missing column", in_a ? def : "", in_a ? "" : def);
	free(def);
}

static void compare_columns(cw_cmp *c, const cw_schema_table *ta,
			    const cw_schema_table *tb)
{
	size_t i;

	for (i = 0; c->rc == 0 && i < ta->n_columns; i++) {
		const cw_schema_column *y =
			cw_schema_column_find(tb, ta->columns[i].name);
		if (y == NULL)
			one_sided_column(c, ta->name, ta, &ta->columns[i], 1);
		else
			compare_column(c, ta, &ta->columns[i], tb, y);
	}
	for (i = 0; c->rc == 0 && i < tb->n_columns; i++)
		if (!cw_schema_column_find(ta, tb->columns[i].name))
			one_sided_column(c, ta->name, tb, &tb->columns[i], 0);
}

/* ---- tables and the rest ---- */

static void compare_table(cw_cmp *c, const cw_schema_table *ta,
			  const cw_schema_table *tb)
{
	compare_columns(c, ta, tb);
	if (!c->snap && ta->without_rowid != tb->without_rowid)
		cw_cmp_add(c, ta->name, NULL, "without rowid",
			   ta->without_rowid ? "WITHOUT ROWID" : "",
			   tb->without_rowid ? "WITHOUT ROWID" : "");
	if (!c->snap && ta->strict != tb->strict)
		cw_cmp_add(c, ta->name, NULL, "strict",
			   ta->strict ? "STRICT" : "",
			   tb->strict ? "STRICT" : "");
	if (c->rc == 0)
		cw_cmp_fks(c, ta, tb);
	if (c->rc == 0)
		cw_cmp_indexes(c, ta, tb);
	if (c->rc == 0 && !c->o.ignore_checks)
		cw_cmp_checks(c, ta, tb);
}

static const cw_schema_object *object_find(const cw_schema_object *v,
					   size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (cw_sqlscan_name_eq(v[i].name, name))
			return &v[i];
	return NULL;
}

/* What of an object is compared: a view's SELECT, else its text. */
static int object_body(char **out, const cw_schema *s,
		       const cw_schema_object *o, int is_view, cw_error *err)
{
	*out = NULL;
	if (is_view && !s->is_snapshot && o->sql)
		return cw_sql_view_select(out, o->sql, err);
	if (o->sql && (*out = cw_schema_strdup(o->sql)) == NULL)
		return cw_schema_oom(err, "comparing views");
	return 0;
}

/* Triggers (kind "trigger"), views or virtual tables of a and b. */
static void compare_objects(cw_cmp *c, const char *kind, int is_view,
			    const cw_schema_object *va, size_t na,
			    const cw_schema_object *vb, size_t nb)
{
	char what[64];
	size_t i;

	for (i = 0; c->rc == 0 && i < na; i++) {
		const cw_schema_object *x = &va[i], *y =
			object_find(vb, nb, x->name);
		const char *table = is_view ? NULL : x->table ? x->table :
				    x->name;
		const char *col = is_view || x->table ? x->name : NULL;
		char *bx = NULL, *by = NULL;
		if (y == NULL) {
			snprintf(what, sizeof(what), "extra %s", kind);
			cw_cmp_add(c, table, col, what, x->sql, "");
			continue;
		}
		if ((c->rc = object_body(&bx, c->a, x, is_view, c->err)) ||
		    (c->rc = object_body(&by, c->b, y, is_view, c->err))) {
			free(bx);
			break;
		}
		/* A snapshot's view without a definition says nothing. */
		if (bx && by && cw_cmp_same_expr(c, bx, NULL, by, NULL) == 0)
			cw_cmp_add(c, table, col, kind, x->sql, y->sql);
		free(bx);
		free(by);
	}
	for (i = 0; c->rc == 0 && i < nb; i++) {
		const cw_schema_object *y = &vb[i];
		if (object_find(va, na, y->name))
			continue;
		snprintf(what, sizeof(what), "missing %s", kind);
		cw_cmp_add(c, is_view ? NULL : y->table ? y->table : y->name,
		    is_view || y->table ? y->name : NULL, what, "", y->sql);
	}
}

int cw_schema_compare(cw_schema_diff *out, const cw_schema *a,
		      const cw_schema *b, const cw_schema_diff_options *o,
		      cw_error *err)
{
	cw_schema_diff_options none = CW_SCHEMA_DIFF_OPTIONS_INIT;
	cw_cmp c;
	size_t i;

	memset(out, 0, sizeof(*out));
	memset(&c, 0, sizeof(c));
	c.out = out;
	c.a = a;
	c.b = b;
	c.o = o ? *o : none;
	c.snap = a->is_snapshot || b->is_snapshot;
	c.err = err;
	for (i = 0; c.rc == 0 && i < a->n_tables; i++) {
		const cw_schema_table *ta = &a->tables[i];
		const cw_schema_table *tb = cw_schema_find(b, ta->name);
		if (tb == NULL)
			cw_cmp_add(&c, ta->name, NULL, "extra table",
				   ta->name, "");
		else
			compare_table(&c, ta, tb);
	}
	for (i = 0; c.rc == 0 && i < b->n_tables; i++)
		if (!cw_schema_find(a, b->tables[i].name))
			cw_cmp_add(&c, b->tables[i].name, NULL,
				   "missing table", "", b->tables[i].name);
	if (!c.o.ignore_triggers_views) {
		compare_objects(&c, "view", 1, a->views, a->n_views,
				b->views, b->n_views);
		if (!c.snap)
			compare_objects(&c, "trigger", 0, a->triggers,
					a->n_triggers, b->triggers,
					b->n_triggers);
	}
	if (!c.snap)
		compare_objects(&c, "virtual table", 0, a->virtual_tables,
				a->n_virtual_tables, b->virtual_tables,
				b->n_virtual_tables);
	if (c.rc != 0)
		cw_schema_diff_free(out);
	return c.rc;
}

void cw_schema_diff_free(cw_schema_diff *d)
{
	size_t i;

	if (d == NULL)
		return;
	for (i = 0; i < d->n; i++) {
		free(d->items[i].table);
		free(d->items[i].column);
		free(d->items[i].what);
		free(d->items[i].left);
		free(d->items[i].right);
	}
	free(d->items);
	d->items = NULL;
	d->n = 0;
}

const char *cw_schema_difference_text(char *buf, size_t n,
				      const cw_schema_difference *d)
{
	snprintf(buf, n, "%s%s%s: %s: '%s' vs '%s'",
		 d->table ? d->table : "", d->column ? "." : "",
		 d->column ? d->column : "", d->what, d->left, d->right);
	return buf;
}
