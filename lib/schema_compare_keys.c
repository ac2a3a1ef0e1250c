/*
** schema_compare_keys.c - the comparison's sets: a table's foreign keys,
** indexes and checks, paired up regardless of their order and then
** compared member by member (schema_compare.c has the rules).
*/
#include "schema_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- foreign keys ---- */

/* Parent column i of f, the parent's key filled in when implied (NULL
** when that cannot be known). */
static const char *fk_to(const cw_schema *s, const cw_schema_fk *f,
			 size_t i)
{
	const cw_schema_table *p;
	size_t k;

	if (f->to[i])
		return f->to[i];
	if ((p = cw_schema_find(s, f->parent)) == NULL)
		return NULL;
	for (k = 0; k < p->n_columns; k++)
		if (p->columns[k].pk == (int)i + 1)
			return p->columns[k].name;
	return NULL;
}

static const char *action(const char *a)
{
	return a && a[0] ? a : "NO ACTION";
}

/* "(a, b) REFERENCES p(x, y)", and with what_all its actions too. */
static char *fk_text(const cw_schema *s, const cw_schema_fk *f,
		     int what_all)
{
	cw_strbuf b = {0};
	size_t i;

	cw_strbuf_str(&b, "(");
	for (i = 0; i < f->n; i++) {
		cw_strbuf_str(&b, i ? ", " : "");
		cw_strbuf_str(&b, f->from[i] ? f->from[i] : "");
	}
	cw_strbuf_str(&b, ") REFERENCES ");
	cw_strbuf_str(&b, f->parent ? f->parent : "");
	cw_strbuf_str(&b, "(");
	for (i = 0; i < f->n; i++) {
		const char *to = fk_to(s, f, i);
		cw_strbuf_str(&b, i ? ", " : "");
		cw_strbuf_str(&b, to ? to : "?");
	}
	cw_strbuf_str(&b, ")");
	if (what_all) {
		cw_strbuf_fmt(&b, " ON DELETE %s", action(f->on_delete));
		cw_strbuf_fmt(&b, " ON UPDATE %s", action(f->on_update));
		if (f->deferred)
			cw_strbuf_str(&b, " DEFERRABLE INITIALLY DEFERRED");
	}
	return cw_strbuf_take(&b);
}

/* Same child columns and parent: the same foreign key, maybe changed. */
static int same_fk_key(const cw_schema_fk *x, const cw_schema_fk *y)
{
	size_t i;

	if (x->n != y->n || !cw_sqlscan_name_eq(x->parent, y->parent))
		return 0;
	for (i = 0; i < x->n; i++)
		if (!cw_sqlscan_name_eq(x->from[i], y->from[i]))
			return 0;
	return 1;
}

static int same_fk_to(const cw_cmp *c, const cw_schema_fk *x,
		      const cw_schema_fk *y)
{
	size_t i;

	for (i = 0; i < x->n; i++) {
		const char *l = fk_to(c->a, x, i), *r = fk_to(c->b, y, i);
		if (!(l == NULL && r == NULL) &&
		    !(l && r && cw_sqlscan_name_eq(l, r)))
			return 0;
	}
	return 1;
}

static void compare_fk(cw_cmp *c, const char *table, const cw_schema_fk *x,
		       const cw_schema_fk *y)
{
	char *key = fk_text(c->a, x, 0), *l = fk_text(c->a, x, 1),
	     *r = fk_text(c->b, y, 1);

	if (key == NULL || l == NULL || r == NULL) {
		c->rc = cw_schema_oom(c->err, "a difference");
	} else {
		if (!same_fk_to(c, x, y))
			cw_cmp_add(c, table, key, "foreign key columns", l, r);
		if (!cw_sqlscan_name_eq(action(x->on_delete),
					action(y->on_delete)))
			cw_cmp_add(c, table, key, "on delete",
				   action(x->on_delete),
				   action(y->on_delete));
		if (!cw_sqlscan_name_eq(action(x->on_update),
					action(y->on_update)))
			cw_cmp_add(c, table, key, "on update",
				   action(x->on_update),
				   action(y->on_update));
		if (!c->snap && x->deferred != y->deferred)
			cw_cmp_add(c, table, key, "deferrable", x->deferred ?
			    "DEFERRABLE INITIALLY DEFERRED" : "",
			    y->deferred ? "DEFERRABLE INITIALLY DEFERRED" :
			    "");
	}
	free(key);
	free(l);
	free(r);
}

static void one_sided_fk(cw_cmp *c, const char *table, const cw_schema *s,
			 const cw_schema_fk *f, int in_a)
{
	char *key = fk_text(s, f, 0), *all = fk_text(s, f, 1);

	if (key && all)
		cw_cmp_add(c, table, key, in_a ? "extra foreign key" :
		    "missing foreign key", in_a ? all : "", in_a ? "" : all);
	else
		c->rc = cw_schema_oom(c->err, "a difference");
	free(key);
	free(all);
}

void cw_cmp_fks(cw_cmp *c, const cw_schema_table *ta,
			const cw_schema_table *tb)
{
	unsigned char *used = calloc(tb->n_fks + 1, 1);
	size_t i, k;

	if (used == NULL) {
		c->rc = cw_schema_oom(c->err, "comparing foreign keys");
		return;
	}
	for (i = 0; c->rc == 0 && i < ta->n_fks; i++) {
		for (k = 0; k < tb->n_fks; k++)
			if (!used[k] && same_fk_key(&ta->fks[i], &tb->fks[k]))
				break;
		if (k == tb->n_fks) {
			one_sided_fk(c, ta->name, c->a, &ta->fks[i], 1);
			continue;
		}
		used[k] = 1;
		compare_fk(c, ta->name, &ta->fks[i], &tb->fks[k]);
	}
	for (k = 0; c->rc == 0 && k < tb->n_fks; k++)
		if (!used[k])
			one_sided_fk(c, ta->name, c->b, &tb->fks[k], 0);
	free(used);
}

/* ---- indexes ---- */

/* An index's canonical key items and WHERE. */
typedef struct idx_norm {
	char *cols;
	char *where;
	int skip;              /* a primary key's index: not compared */
	int used;
} idx_norm;

static void norms_free(idx_norm *v, size_t n)
{
	size_t i;

	for (i = 0; v && i < n; i++) {
		free(v[i].cols);
		free(v[i].where);
	}
	free(v);
}

static idx_norm *norm_indexes(cw_cmp *c, const cw_schema_table *t)
{
	idx_norm *v = calloc(t->n_indexes + 1, sizeof(*v));
	size_t i, k;

	if (v == NULL) {
		c->rc = cw_schema_oom(c->err, "comparing indexes");
		return NULL;
	}
	for (i = 0; c->rc == 0 && i < t->n_indexes; i++) {
		const cw_schema_index *x = &t->indexes[i];
		cw_strbuf b = {0};
		v[i].skip = x->origin == 'p';
		for (k = 0; c->rc == 0 && k < x->n_columns; k++) {
			char *one = NULL;
			c->rc = cw_norm_expr(&one, x->columns[k] ?
					     x->columns[k] : "", t->name,
					     c->err);
			cw_strbuf_str(&b, k ? " , " : "");
			cw_strbuf_str(&b, one ? one : "");
			free(one);
		}
		if ((v[i].cols = cw_strbuf_take(&b)) == NULL && c->rc == 0)
			c->rc = cw_schema_oom(c->err, "comparing indexes");
		if (c->rc == 0)
			c->rc = cw_norm_expr(&v[i].where, x->where,
					     t->name, c->err);
	}
	if (c->rc != 0) {
		norms_free(v, t->n_indexes);
		return NULL;
	}
	return v;
}

static int str_same(const char *x, const char *y)
{
	return (x == NULL && y == NULL) || (x && y && strcmp(x, y) == 0);
}

/* "(a, lower(b))" */
static char *index_columns(const cw_schema_index *x)
{
	cw_strbuf b = {0};
	size_t k;

	cw_strbuf_str(&b, "(");
	for (k = 0; k < x->n_columns; k++) {
		cw_strbuf_str(&b, k ? ", " : "");
		cw_strbuf_str(&b, x->columns[k] ? x->columns[k] : "");
	}
	cw_strbuf_str(&b, ")");
	return cw_strbuf_take(&b);
}

/* "UNIQUE INDEX name (a, b) WHERE w" */
static char *index_text(const cw_schema_index *x)
{
	char *cols = index_columns(x);
	cw_strbuf b = {0};

	cw_strbuf_str(&b, x->unique ? "UNIQUE INDEX " : "INDEX ");
	cw_strbuf_str(&b, x->name ? x->name : "");
	cw_strbuf_str(&b, " ");
	cw_strbuf_str(&b, cols ? cols : "");
	b.is_oom |= cols == NULL;
	if (x->where) {
		cw_strbuf_str(&b, " WHERE ");
		cw_strbuf_str(&b, x->where);
	}
	free(cols);
	return cw_strbuf_take(&b);
}

/* Two indexes taken as one: what differs besides (maybe) the name. */
static void compare_index(cw_cmp *c, const char *table,
			  const cw_schema_index *x, const idx_norm *nx,
			  const cw_schema_index *y, const idx_norm *ny,
			  int check_name)
{
	if (check_name && !cw_sqlscan_name_eq(x->name, y->name))
		cw_cmp_add(c, table, x->name, "index name", x->name, y->name);
	if (x->unique != y->unique)
		cw_cmp_add(c, table, x->name, "unique index",
			   x->unique ? "UNIQUE" : "",
			   y->unique ? "UNIQUE" : "");
	if (strcmp(nx->cols, ny->cols) != 0) {
		char *l = index_columns(x), *r = index_columns(y);
		if (l && r)
			cw_cmp_add(c, table, x->name, "index columns", l, r);
		else
			c->rc = cw_schema_oom(c->err, "a difference");
		free(l);
		free(r);
	}
	if (!str_same(nx->where, ny->where))
		cw_cmp_add(c, table, x->name, "index where", x->where,
			   y->where);
}

/* How indexes pair up: 0 by name, 1 by all they are, 2 by columns. */
static int pairs(int pass, const cw_schema_index *x, const idx_norm *nx,
		 const cw_schema_index *y, const idx_norm *ny)
{
	if (pass == 0)
		return cw_sqlscan_name_eq(x->name, y->name);
	if (strcmp(nx->cols, ny->cols) != 0)
		return 0;
	return pass == 2 || (x->unique == y->unique &&
			     str_same(nx->where, ny->where));
}

static void one_sided_index(cw_cmp *c, const char *table,
			    const cw_schema_index *x, int in_a)
{
	char *t = index_text(x);

	if (t)
		cw_cmp_add(c, table, x->name, in_a ? "extra index" :
			   "missing index", in_a ? t : "", in_a ? "" : t);
	else
		c->rc = cw_schema_oom(c->err, "a difference");
	free(t);
}

void cw_cmp_indexes(cw_cmp *c, const cw_schema_table *ta,
			    const cw_schema_table *tb)
{
	idx_norm *na = norm_indexes(c, ta), *nb = norm_indexes(c, tb);
	int pass, by_name = !c->o.ignore_index_names;
	size_t i, k;

	for (pass = by_name ? 0 : 1; na && nb && pass < 3; pass++) {
		for (i = 0; c->rc == 0 && i < ta->n_indexes; i++) {
			if (na[i].skip || na[i].used)
				continue;
			for (k = 0; k < tb->n_indexes; k++)
				if (!nb[k].skip && !nb[k].used &&
				    pairs(pass, &ta->indexes[i], &na[i],
					  &tb->indexes[k], &nb[k]))
					break;
			if (k == tb->n_indexes)
				continue;
			na[i].used = nb[k].used = 1;
			compare_index(c, ta->name, &ta->indexes[i], &na[i],
				      &tb->indexes[k], &nb[k], by_name);
		}
	}
	for (i = 0; na && nb && c->rc == 0 && i < ta->n_indexes; i++)
		if (!na[i].skip && !na[i].used)
			one_sided_index(c, ta->name, &ta->indexes[i], 1);
	for (k = 0; na && nb && c->rc == 0 && k < tb->n_indexes; k++)
		if (!nb[k].skip && !nb[k].used)
			one_sided_index(c, ta->name, &tb->indexes[k], 0);
	norms_free(na, ta->n_indexes);
	norms_free(nb, tb->n_indexes);
}

/* ---- checks ---- */

static char *check_text(const cw_schema_check *k)
{
	cw_strbuf b = {0};

	if (k->name) {
		cw_strbuf_str(&b, "CONSTRAINT ");
		cw_strbuf_str(&b, k->name);
		cw_strbuf_str(&b, " ");
	}
	cw_strbuf_str(&b, "CHECK (");
	cw_strbuf_str(&b, k->expr ? k->expr : "");
	cw_strbuf_str(&b, ")");
	return cw_strbuf_take(&b);
}

static void one_sided_check(cw_cmp *c, const char *table,
			    const cw_schema_check *k, int in_a)
{
	char *t = check_text(k);

	if (t)
		cw_cmp_add(c, table, k->name, in_a ? "extra check" :
			   "missing check", in_a ? t : "", in_a ? "" : t);
	else
		c->rc = cw_schema_oom(c->err, "a difference");
	free(t);
}

void cw_cmp_checks(cw_cmp *c, const cw_schema_table *ta,
			   const cw_schema_table *tb)
{
	unsigned char *used = calloc(tb->n_checks + 1, 1);
	size_t i, k;

	if (used == NULL) {
		c->rc = cw_schema_oom(c->err, "comparing checks");
		return;
	}
	for (i = 0; c->rc == 0 && i < ta->n_checks; i++) {
		const cw_schema_check *x = &ta->checks[i];
		int same = 0;
		for (k = 0; c->rc == 0 && k < tb->n_checks; k++)
			if (!used[k] && (same = cw_cmp_same_expr(c, x->expr,
					 ta->name, tb->checks[k].expr,
					 tb->name)) == 1)
				break;
		if (c->rc != 0)
			break;
		if (same != 1) {
			one_sided_check(c, ta->name, x, 1);
			continue;
		}
		used[k] = 1;
		if (!cw_sqlscan_name_eq(x->name ? x->name : "",
					tb->checks[k].name ?
					tb->checks[k].name : ""))
			cw_cmp_add(c, ta->name, x->name ? x->name :
			    tb->checks[k].name, "check name", x->name,
			    tb->checks[k].name);
	}
	for (k = 0; c->rc == 0 && k < tb->n_checks; k++)
		if (!used[k])
			one_sided_check(c, ta->name, &tb->checks[k], 0);
	free(used);
}
