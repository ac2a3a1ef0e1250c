/*
** schema.c - the schema model itself: lookups, SQLite's affinity rule,
** the foreign-key order of tables, and freeing.  Reading a model is in
** schema_db.c (a live database) and schema_snapshot.c (a drizzle-kit
** snapshot); comparing two is in schema_compare.c.
*/
#include "schema_int.h"

#include <stdlib.h>
#include <string.h>

void *cw_schema_grow(void *items, size_t n, size_t size)
{
	char *bigger = realloc(items, (n + 1) * size);

	if (bigger == NULL)
		return NULL;
	memset(bigger + n * size, 0, size);
	return bigger;
}

char *cw_schema_strndup(const char *s, size_t n)
{
	char *c = malloc(n + 1);

	if (c == NULL)
		return NULL;
	memcpy(c, s, n);
	c[n] = '\0';
	return c;
}

char *cw_schema_strdup(const char *s)
{
	return s ? cw_schema_strndup(s, strlen(s)) : NULL;
}

char *cw_schema_slice(const char *text, const cw_tok *toks, size_t a,
		      size_t b)
{
	size_t end = toks[b - 1].off + toks[b - 1].len;

	return cw_schema_strndup(text + toks[a].off, end - toks[a].off);
}

size_t cw_schema_match_paren(const char *text, const cw_tok *toks,
			     size_t n, size_t i)
{
	size_t depth = 0;

	if (i >= n || !cw_tok_punct(text, &toks[i], '('))
		return n;
	for (; i < n; i++) {
		if (cw_tok_punct(text, &toks[i], '('))
			depth++;
		else if (cw_tok_punct(text, &toks[i], ')') && --depth == 0)
			return i;
	}
	return n;
}

int cw_schema_oom(cw_error *err, const char *what)
{
	return cw_error_set(err, CW_ENOMEM, NULL, NULL, 0,
			    "out of memory reading the schema (%s)", what);
}

/* ---- freeing ---- */

void cw_schema_names_free(char **v, size_t n)
{
	size_t i;

	for (i = 0; v && i < n; i++)
		free(v[i]);
	free(v);
}

void cw_schema_column_free(cw_schema_column *c)
{
	free(c->name);
	free(c->type);
	free(c->default_sql);
	free(c->generated_sql);
	free(c->collate);
}

void cw_schema_fk_free(cw_schema_fk *f)
{
	free(f->parent);
	cw_schema_names_free(f->from, f->n);
	cw_schema_names_free(f->to, f->n);
	free(f->on_delete);
	free(f->on_update);
	free(f->name);
}

void cw_schema_index_free(cw_schema_index *x)
{
	free(x->name);
	cw_schema_names_free(x->columns, x->n_columns);
	free(x->where);
}

void cw_schema_check_free(cw_schema_check *c)
{
	free(c->name);
	free(c->expr);
	free(c->column);
}

void cw_schema_table_free(cw_schema_table *t)
{
	size_t i;

	free(t->name);
	free(t->sql);
	for (i = 0; i < t->n_columns; i++)
		cw_schema_column_free(&t->columns[i]);
	free(t->columns);
	for (i = 0; i < t->n_fks; i++)
		cw_schema_fk_free(&t->fks[i]);
	free(t->fks);
	for (i = 0; i < t->n_indexes; i++)
		cw_schema_index_free(&t->indexes[i]);
	free(t->indexes);
	for (i = 0; i < t->n_checks; i++)
		cw_schema_check_free(&t->checks[i]);
	free(t->checks);
}

void cw_schema_object_free(cw_schema_object *o)
{
	free(o->name);
	free(o->table);
	free(o->sql);
}

static void objects_free(cw_schema_object *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		cw_schema_object_free(&v[i]);
	free(v);
}

void cw_schema_free(cw_schema *s)
{
	size_t i;

	if (s == NULL)
		return;
	for (i = 0; i < s->n_tables; i++)
		cw_schema_table_free(&s->tables[i]);
	free(s->tables);
	objects_free(s->triggers, s->n_triggers);
	objects_free(s->views, s->n_views);
	objects_free(s->virtual_tables, s->n_virtual_tables);
	free(s->order);
	free(s->is_cyclic);
	memset(s, 0, sizeof(*s));
}

/* ---- lookups ---- */

const cw_schema_table *cw_schema_find(const cw_schema *s, const char *name)
{
	size_t i;

	for (i = 0; name && i < s->n_tables; i++)
		if (cw_sqlscan_name_eq(s->tables[i].name, name))
			return &s->tables[i];
	return NULL;
}

const cw_schema_column *cw_schema_column_find(const cw_schema_table *t,
					      const char *name)
{
	size_t i;

	for (i = 0; name && i < t->n_columns; i++)
		if (cw_sqlscan_name_eq(t->columns[i].name, name))
			return &t->columns[i];
	return NULL;
}

/* ---- affinity ---- */

#define FOUR(a, b, c, d) (((unsigned)(a) << 24) | ((unsigned)(b) << 16) | \
			  ((unsigned)(c) << 8) | (unsigned)(d))

/* sqlite3AffinityType (src/build.c): the last four letters seen, lower
** case, decide; "INT" anywhere wins at once. */
cw_affinity cw_schema_affinity(const char *declared_type)
{
	cw_affinity aff = CW_AFF_NUMERIC;
	unsigned h = 0;
	const char *p;

	if (declared_type == NULL || declared_type[0] == '\0')
		return CW_AFF_BLOB;
	for (p = declared_type; *p; p++) {
		unsigned char c = (unsigned char)*p;
		if (c >= 'A' && c <= 'Z')
			c = (unsigned char)(c + 32);
		h = (h << 8) + c;
		if (h == FOUR('c', 'h', 'a', 'r') ||
		    h == FOUR('c', 'l', 'o', 'b') ||
		    h == FOUR('t', 'e', 'x', 't'))
			aff = CW_AFF_TEXT;
		else if (h == FOUR('b', 'l', 'o', 'b') &&
			 (aff == CW_AFF_NUMERIC || aff == CW_AFF_REAL))
			aff = CW_AFF_BLOB;
		else if ((h == FOUR('r', 'e', 'a', 'l') ||
			  h == FOUR('f', 'l', 'o', 'a') ||
			  h == FOUR('d', 'o', 'u', 'b')) &&
			 aff == CW_AFF_NUMERIC)
			aff = CW_AFF_REAL;
		else if ((h & 0xFFFFFFu) == FOUR(0, 'i', 'n', 't'))
			return CW_AFF_INTEGER;
	}
	return aff;
}

/* ---- foreign-key order ---- */

#define UNSEEN ((size_t)-1)

/* The parent graph and Tarjan's bookkeeping for cw_schema_order. */
typedef struct ord {
	cw_schema *s;
	size_t n;
	size_t *start;     /* table i's parents: adj[start[i]..start[i+1]) */
	size_t *adj;
	size_t *index, *low, *stack, *comp;
	size_t *first, *fill, *members, *by_first;
	unsigned char *on_stack;
	size_t sp, counter, n_comp;
} ord;

static size_t table_index(const cw_schema *s, const char *name)
{
	const cw_schema_table *t = cw_schema_find(s, name);

	return t ? (size_t)(t - s->tables) : UNSEEN;
}

/* Each table's distinct parents, itself left out. */
static int build_graph(ord *o)
{
	size_t i, k, m, e = 0, total = 0;

	for (i = 0; i < o->n; i++)
		total += o->s->tables[i].n_fks;
	o->start = calloc(o->n + 1, sizeof(size_t));
	o->adj = calloc(total + 1, sizeof(size_t));
	if (o->start == NULL || o->adj == NULL)
		return -1;
	for (i = 0; i < o->n; i++) {
		const cw_schema_table *t = &o->s->tables[i];
		o->start[i] = e;
		for (k = 0; k < t->n_fks; k++) {
			size_t p = table_index(o->s, t->fks[k].parent);
			if (p == UNSEEN || p == i)
				continue;
			for (m = o->start[i]; m < e && o->adj[m] != p; m++)
				;
			if (m == e)
				o->adj[e++] = p;
		}
	}
	o->start[o->n] = e;
	return 0;
}

/* Tarjan's strongly connected components from table v. */
static void strong(ord *o, size_t v)
{
	size_t m;

	o->index[v] = o->low[v] = o->counter++;
	o->stack[o->sp++] = v;
	o->on_stack[v] = 1;
	for (m = o->start[v]; m < o->start[v + 1]; m++) {
		size_t w = o->adj[m];
		if (o->index[w] == UNSEEN) {
			strong(o, w);
			if (o->low[w] < o->low[v])
				o->low[v] = o->low[w];
		} else if (o->on_stack[w] && o->index[w] < o->low[v]) {
			o->low[v] = o->index[w];
		}
	}
	if (o->low[v] != o->index[v])
		return;
	for (;;) {
		size_t w = o->stack[--o->sp];
		o->on_stack[w] = 0;
		o->comp[w] = o->n_comp;
		if (w == v)
			break;
	}
	o->n_comp++;
}

/* Names in ASCII case-insensitive order, then bytewise, then position. */
static int name_cmp(const char *a, const char *b)
{
	size_t i;

	for (i = 0; a[i] || b[i]; i++) {
		unsigned char x = (unsigned char)a[i], y = (unsigned char)b[i];
		if (x >= 'A' && x <= 'Z')
			x = (unsigned char)(x + 32);
		if (y >= 'A' && y <= 'Z')
			y = (unsigned char)(y + 32);
		if (x != y)
			return x < y ? -1 : 1;
	}
	return strcmp(a, b);
}

/* Component c is ready when every parent component is emitted. */
static int comp_ready(const ord *o, size_t c, const unsigned char *done)
{
	size_t k, m;

	for (k = o->first[c]; k < o->first[c + 1]; k++) {
		size_t i = o->members[k];
		for (m = o->start[i]; m < o->start[i + 1]; m++) {
			size_t pc = o->comp[o->adj[m]];
			if (pc != c && !done[pc])
				return 0;
		}
	}
	return 1;
}

/* Emit component c: its members (name order when a cycle), at a level
** one past their deepest parent's. */
static void emit(ord *o, size_t c, int *level)
{
	cw_schema *s = o->s;
	size_t k, m, first = s->n_order, size = o->first[c + 1] - o->first[c];
	int lv = 0;

	for (k = o->first[c]; k < o->first[c + 1]; k++) {
		size_t i = o->members[k];
		for (m = o->start[i]; m < o->start[i + 1]; m++)
			if (o->comp[o->adj[m]] != c &&
			    level[o->comp[o->adj[m]]] + 1 > lv)
				lv = level[o->comp[o->adj[m]]] + 1;
		/* insertion by name */
		for (m = s->n_order; m > first &&
		     name_cmp(s->tables[s->order[m - 1]].name,
			      s->tables[i].name) > 0; m--)
			s->order[m] = s->order[m - 1];
		s->order[m] = i;
		s->n_order++;
	}
	level[c] = lv;
	for (m = first; m < s->n_order; m++) {
		s->is_cyclic[s->order[m]] = size > 1;
		s->tables[s->order[m]].fk_level = lv;
	}
}

/* Group the tables by component (members[first[c]..first[c+1]), in table
** order) and list the components by their earliest table (by_first). */
static void group(ord *o)
{
	size_t i, c, seen = 0;

	for (i = 0; i < o->n; i++)
		o->first[o->comp[i] + 1]++;
	for (c = 0; c < o->n_comp; c++)
		o->first[c + 1] += o->first[c];
	for (i = 0; i < o->n; i++) {
		c = o->comp[i];
		if (o->fill[c] == 0)
			o->by_first[seen++] = c;
		o->members[o->first[c] + o->fill[c]++] = i;
	}
}

static void ord_free(ord *o)
{
	free(o->start);
	free(o->adj);
	free(o->index);
	free(o->low);
	free(o->stack);
	free(o->comp);
	free(o->on_stack);
	free(o->first);
	free(o->fill);
	free(o->members);
	free(o->by_first);
}

int cw_schema_order(cw_schema *s, cw_error *err)
{
	ord o;
	unsigned char *done = NULL;
	int *level = NULL;
	size_t i, c = 0, n = s->n_tables + 1;

	memset(&o, 0, sizeof(o));
	o.s = s;
	o.n = s->n_tables;
	free(s->order);
	free(s->is_cyclic);
	s->n_order = 0;
	s->order = calloc(n, sizeof(size_t));
	s->is_cyclic = calloc(n, sizeof(int));
	o.index = malloc(n * sizeof(size_t));
	o.low = calloc(n, sizeof(size_t));
	o.stack = calloc(n, sizeof(size_t));
	o.comp = calloc(n, sizeof(size_t));
	o.on_stack = calloc(n, 1);
	o.first = calloc(n + 1, sizeof(size_t));
	o.fill = calloc(n, sizeof(size_t));
	o.members = calloc(n, sizeof(size_t));
	o.by_first = calloc(n, sizeof(size_t));
	done = calloc(n, 1);
	level = calloc(n, sizeof(int));
	if (!s->order || !s->is_cyclic || !o.index || !o.low || !o.stack ||
	    !o.comp || !o.on_stack || !o.first || !o.fill || !o.members ||
	    !o.by_first || !done || !level || build_graph(&o)) {
		ord_free(&o);
		free(done);
		free(level);
		free(s->order);
		free(s->is_cyclic);
		s->order = NULL;
		s->is_cyclic = NULL;
		return cw_schema_oom(err, "foreign-key order");
	}
	for (i = 0; i < o.n; i++)
		o.index[i] = UNSEEN;
	for (i = 0; i < o.n; i++)
		if (o.index[i] == UNSEEN)
			strong(&o, i);
	group(&o);
	/* Kahn over the components (their graph has no cycle, so one is
	** always ready): of the ready ones, the one holding the earliest
	** table goes first, so the order follows the model's. */
	while (s->n_order < o.n) {
		for (i = 0; i < o.n_comp; i++) {
			c = o.by_first[i];
			if (!done[c] && comp_ready(&o, c, done))
				break;
		}
		done[c] = 1;
		emit(&o, c, level);
	}
	ord_free(&o);
	free(done);
	free(level);
	return 0;
}
