/*
** schema_cache.c - tables read from a live database, kept between reads
** of the same connection's schema (cw_schema_options.cache).
**
** Replay reads the whole schema after every migration of a long history,
** and most migrations touch one or two tables: re-reading every other
** table's columns, keys and indexes through PRAGMAs is most of its work.
** A table's model follows from its own CREATE TABLE text, the CREATE
** INDEX texts of its indexes (and the names of its automatic ones), its
** kind (WITHOUT ROWID, STRICT: also in its text) and, for a foreign key
** to a parent's implied primary key, the parent's CREATE TABLE text.  An
** entry is reused only when all of those are byte for byte what they
** were when it was read; otherwise the table is read again.
*/
#include "schema_int.h"

#include <stdlib.h>
#include <string.h>

typedef struct cache_entry {
	char *name;
	char *key;        /* its own text and its indexes' */
	char *deps;       /* its parents' CREATE TABLE texts */
	cw_schema_table t;
} cache_entry;

struct cw_schema_cache {
	cache_entry *items;
	size_t n, cap;
};

cw_schema_cache *cw_schema_cache_new(void)
{
	return calloc(1, sizeof(cw_schema_cache));
}

void cw_schema_cache_free(cw_schema_cache *c)
{
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < c->n; i++) {
		free(c->items[i].name);
		free(c->items[i].key);
		free(c->items[i].deps);
		cw_schema_table_free(&c->items[i].t);
	}
	free(c->items);
	free(c);
}

/* ---- copying a table ---- */

static int dup_to(char **dst, const char *src)
{
	*dst = NULL;
	return src && (*dst = strdup(src)) == NULL ? -1 : 0;
}

static int dup_names(char ***dst, char *const *src, size_t n)
{
	size_t i;

	*dst = NULL;
	if (src == NULL)
		return 0;
	if ((*dst = calloc(n + 1, sizeof(**dst))) == NULL)
		return -1;
	for (i = 0; i < n; i++)
		if (dup_to(&(*dst)[i], src[i]) != 0)
			return -1;
	return 0;
}

/* calloc'd copy of n elements of size sz (NULL for none). */
static void *dup_array(const void *src, size_t n, size_t sz, int *bad)
{
	void *p;

	if (src == NULL || n == 0)
		return NULL;
	p = calloc(n, sz);
	if (p == NULL)
		*bad = 1;
	return p;
}

int cw_schema_table_copy(cw_schema_table *d, const cw_schema_table *s)
{
	size_t i;
	int bad = 0;

	*d = *s;
	d->name = d->sql = NULL;
	d->columns = dup_array(s->columns, s->n_columns, sizeof(*s->columns),
			       &bad);
	d->fks = dup_array(s->fks, s->n_fks, sizeof(*s->fks), &bad);
	d->indexes = dup_array(s->indexes, s->n_indexes, sizeof(*s->indexes),
			       &bad);
	d->checks = dup_array(s->checks, s->n_checks, sizeof(*s->checks),
			      &bad);
	if (!d->columns) d->n_columns = 0;
	if (!d->fks) d->n_fks = 0;
	if (!d->indexes) d->n_indexes = 0;
	if (!d->checks) d->n_checks = 0;
	bad |= dup_to(&d->name, s->name) | dup_to(&d->sql, s->sql);
	for (i = 0; i < d->n_columns; i++) {
		const cw_schema_column *a = &s->columns[i];
		cw_schema_column *b = &d->columns[i];
		*b = *a;
		b->name = b->type = b->default_sql = NULL;
		b->generated_sql = b->collate = NULL;
		bad |= dup_to(&b->name, a->name) | dup_to(&b->type, a->type) |
		       dup_to(&b->default_sql, a->default_sql) |
		       dup_to(&b->generated_sql, a->generated_sql) |
		       dup_to(&b->collate, a->collate);
	}
	for (i = 0; i < d->n_fks; i++) {
		const cw_schema_fk *a = &s->fks[i];
		cw_schema_fk *b = &d->fks[i];
		*b = *a;
		b->parent = b->on_delete = b->on_update = b->name = NULL;
		b->from = b->to = NULL;
		bad |= dup_to(&b->parent, a->parent) |
		       dup_names(&b->from, a->from, a->n) |
		       dup_names(&b->to, a->to, a->n) |
		       dup_to(&b->on_delete, a->on_delete) |
		       dup_to(&b->on_update, a->on_update) |
		       dup_to(&b->name, a->name);
	}
	for (i = 0; i < d->n_indexes; i++) {
		const cw_schema_index *a = &s->indexes[i];
		cw_schema_index *b = &d->indexes[i];
		*b = *a;
		b->name = b->where = NULL;
		b->columns = NULL;
		bad |= dup_to(&b->name, a->name) | dup_to(&b->where, a->where) |
		       dup_names(&b->columns, a->columns, a->n_columns);
	}
	for (i = 0; i < d->n_checks; i++) {
		const cw_schema_check *a = &s->checks[i];
		cw_schema_check *b = &d->checks[i];
		b->name = b->expr = b->column = NULL;
		bad |= dup_to(&b->name, a->name) | dup_to(&b->expr, a->expr) |
		       dup_to(&b->column, a->column);
	}
	if (bad) {
		cw_schema_table_free(d);
		memset(d, 0, sizeof(*d));
		return -1;
	}
	return 0;
}

/* ---- lookups ---- */

static cache_entry *find(cw_schema_cache *c, const char *name)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		if (strcmp(c->items[i].name, name) == 0)
			return &c->items[i];
	return NULL;
}

int cw_schema_cache_get(cw_schema_cache *c, const char *name,
			const char *key, const char *(*deps)(void *ctx,
			const cw_schema_table *t), void *ctx,
			cw_schema_table *out)
{
	cache_entry *e = find(c, name);
	const char *d;

	if (e == NULL || strcmp(e->key, key) != 0)
		return 0;
	d = deps(ctx, &e->t);
	if (d == NULL || strcmp(d, e->deps) != 0)
		return 0;
	return cw_schema_table_copy(out, &e->t) == 0 ? 1 : -1;
}

int cw_schema_cache_put(cw_schema_cache *c, const char *key,
			const char *deps, const cw_schema_table *t)
{
	cache_entry *e = find(c, t->name), *v;
	cache_entry fresh;

	memset(&fresh, 0, sizeof(fresh));
	if (dup_to(&fresh.name, t->name) != 0 || dup_to(&fresh.key, key) ||
	    dup_to(&fresh.deps, deps) ||
	    cw_schema_table_copy(&fresh.t, t) != 0) {
		free(fresh.name);
		free(fresh.key);
		free(fresh.deps);
		return -1;
	}
	if (e != NULL) {
		free(e->name);
		free(e->key);
		free(e->deps);
		cw_schema_table_free(&e->t);
		*e = fresh;
		return 0;
	}
	if (c->n == c->cap) {
		size_t cap = c->cap ? 2 * c->cap : 16;
		v = realloc(c->items, cap * sizeof(*v));
		if (v == NULL) {
			free(fresh.name);
			free(fresh.key);
			free(fresh.deps);
			cw_schema_table_free(&fresh.t);
			return -1;
		}
		c->items = v;
		c->cap = cap;
	}
	c->items[c->n++] = fresh;
	return 0;
}
