/*
** evidence_graph.c - the foreign-key graph of the probe's database (from
** the one schema model, schema.h), and the part of it one DROP can reach.
*/
#include "lint_int.h"
#include "db.h"
#include "schema.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NONE ((size_t)-1)

static int name_cmp(const char *a, const char *b)
{
	for (;; a++, b++) {
		int x = (unsigned char)*a, y = (unsigned char)*b;
		x = x >= 'A' && x <= 'Z' ? x + 32 : x;
		y = y >= 'A' && y <= 'Z' ? y + 32 : y;
		if (x != y || x == 0)
			return x - y;
	}
}

static int table_cmp(const void *a, const void *b)
{
	return name_cmp(((const cw_ev_table *)a)->name,
			((const cw_ev_table *)b)->name);
}

size_t cw_ev_graph_find(const cw_ev_graph *g, const char *name)
{
	size_t lo = 0, hi = g->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = name_cmp(name, g->tables[mid].name);
		if (c == 0)
			return mid;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NONE;
}

/* What deleting a parent row does to fk's child rows: NO ACTION and
** RESTRICT stop the DELETE (or, deferred, the COMMIT) with "FOREIGN KEY
** constraint failed" while a child row still points at it; CASCADE
** deletes the child rows in turn. */
static void set_action(cw_ev_fk *fk, const char *on_delete)
{
	if (on_delete == NULL)
		return;
	fk->is_blocking = cw_sqlscan_name_eq(on_delete, "NO ACTION") ||
			  cw_sqlscan_name_eq(on_delete, "RESTRICT");
	fk->is_cascade = cw_sqlscan_name_eq(on_delete, "CASCADE");
}

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

/* fk of the schema model as one of the graph's. */
static int copy_fk(cw_ev_fk *out, const cw_schema_fk *fk)
{
	size_t c;

	memset(out, 0, sizeof(*out));
	out->parent = NONE;
	out->parent_name = strdup(fk->parent);
	out->from = calloc(fk->n + 1, sizeof(*out->from));
	out->to = calloc(fk->n + 1, sizeof(*out->to));
	if (out->parent_name == NULL || out->from == NULL || out->to == NULL)
		return -1;
	for (c = 0; c < fk->n; c++, out->n++) {
		out->from[c] = strdup(fk->from[c]);
		out->to[c] = dup_or_null(fk->to[c]);  /* NULL: parent's key */
		if (out->from[c] == NULL || (fk->to[c] && !out->to[c])) {
			out->n++;
			return -1;
		}
	}
	set_action(out, fk->on_delete);
	return 0;
}

/* The ordinary tables of the schema model (no views, virtual or shadow
** tables, no sqlite_ tables, not the migrator's own) and their keys. */
static int from_schema(cw_ev_graph *g, const cw_schema *s)
{
	size_t i, j;

	g->tables = calloc(s->n_tables + 1, sizeof(*g->tables));
	if (g->tables == NULL)
		return -1;
	for (i = 0; i < s->n_tables; i++) {
		const cw_schema_table *st = &s->tables[i];
		cw_ev_table *t = &g->tables[g->n++];
		t->name = strdup(st->name);
		t->quoted = cw_db_quote_ident(st->name);
		t->fks = calloc(st->n_fks + 1, sizeof(*t->fks));
		if (t->name == NULL || t->quoted == NULL || t->fks == NULL)
			return -1;
		for (j = 0; j < st->n_fks; j++, t->n_fks++)
			if (copy_fk(&t->fks[j], &st->fks[j]) != 0) {
				t->n_fks++;
				return -1;
			}
	}
	return 0;
}

int cw_ev_graph_load(cw_ev_graph *out, sqlite3 *db, const char *skip_table,
		     cw_error *err)
{
	cw_schema_options so = CW_SCHEMA_OPTIONS_INIT;
	cw_schema s;
	size_t i, j;
	int rc;

	memset(out, 0, sizeof(*out));
	so.skip_table = skip_table;
	rc = cw_schema_read_db(&s, db, &so, err);
	if (rc != 0)
		return rc;
	if (from_schema(out, &s) != 0) {
		cw_schema_free(&s);
		cw_ev_graph_free(out);
		return cw_error_set(err, CW_ENOMEM, NULL, NULL, 0, "out of "
				    "memory reading the probe's foreign keys");
	}
	cw_schema_free(&s);
	qsort(out->tables, out->n, sizeof(*out->tables), table_cmp);
	for (i = 0; i < out->n; i++)
		for (j = 0; j < out->tables[i].n_fks; j++) {
			cw_ev_fk *fk = &out->tables[i].fks[j];
			fk->parent = cw_ev_graph_find(out, fk->parent_name);
		}
	return 0;
}

void cw_ev_graph_free(cw_ev_graph *g)
{
	size_t i, j, c;

	for (i = 0; g->tables && i < g->n; i++) {
		cw_ev_table *t = &g->tables[i];
		for (j = 0; j < t->n_fks; j++) {
			for (c = 0; c < t->fks[j].n; c++) {
				free(t->fks[j].from[c]);
				free(t->fks[j].to[c]);
			}
			free(t->fks[j].from);
			free(t->fks[j].to);
			free(t->fks[j].parent_name);
		}
		free(t->fks);
		free(t->name);
		free(t->quoted);
	}
	free(g->tables);
	free(g->order);
	memset(g, 0, sizeof(*g));
}

/* Depth-first, parents before children; a cycle is cut where it closes
** (its table is filled with NULL in that key, if the column allows). */
static void order_from(cw_ev_graph *g, size_t i)
{
	cw_ev_table *t = &g->tables[i];
	size_t j;

	if (t->mark != 1)
		return;
	t->mark = 2;
	for (j = 0; j < t->n_fks; j++)
		if (t->fks[j].parent != NONE)
			order_from(g, t->fks[j].parent);
	g->order[g->n_order++] = i;
}

/* Mark every table whose rows deleting the marked ones can reach: their
** children, transitively (queue[0..n) holds the marked ones).  Uses a
** child list built once, so the walk is linear in the graph. */
static int spread_down(cw_ev_graph *g, size_t *queue, size_t n)
{
	size_t *start = calloc(g->n + 2, sizeof(*start)), *kids, i, j;
	size_t head = 0, total = 0;

	if (start == NULL)
		return -1;
	for (i = 0; i < g->n; i++)
		for (j = 0; j < g->tables[i].n_fks; j++)
			if (g->tables[i].fks[j].parent != NONE) {
				start[g->tables[i].fks[j].parent + 2]++;
				total++;
			}
	for (i = 2; i < g->n + 2; i++)
		start[i] += start[i - 1];
	kids = malloc((total + 1) * sizeof(*kids));
	if (kids == NULL) {
		free(start);
		return -1;
	}
	for (i = 0; i < g->n; i++)
		for (j = 0; j < g->tables[i].n_fks; j++)
			if (g->tables[i].fks[j].parent != NONE)
				kids[start[g->tables[i].fks[j].parent + 1]++] =
					i;
	while (head < n) {
		size_t at = queue[head++];
		for (j = start[at]; j < start[at + 1]; j++)
			if (!g->tables[kids[j]].is_relevant) {
				g->tables[kids[j]].is_relevant = 1;
				queue[n++] = kids[j];
			}
	}
	free(kids);
	free(start);
	return (int)n;
}

/* Then every parent those rows need, transitively. */
static void spread_up(cw_ev_graph *g, size_t *queue, size_t n)
{
	size_t head = 0, j;

	while (head < n) {
		cw_ev_table *t = &g->tables[queue[head++]];
		for (j = 0; j < t->n_fks; j++) {
			size_t p = t->fks[j].parent;
			if (p != NONE && !g->tables[p].is_relevant) {
				g->tables[p].is_relevant = 1;
				queue[n++] = p;
			}
		}
	}
}

int cw_ev_graph_relevant(cw_ev_graph *g, const size_t *roots,
			 size_t n_roots, cw_error *err)
{
	size_t *queue = malloc((g->n + 1) * sizeof(*queue)), i, n = 0;
	int m;

	free(g->order);
	g->order = malloc((g->n + 1) * sizeof(*g->order));
	g->n_order = 0;
	if (queue == NULL || g->order == NULL)
		goto nomem;
	for (i = 0; i < g->n; i++)
		g->tables[i].is_relevant = g->tables[i].mark = 0;
	for (i = 0; i < n_roots; i++)
		if (!g->tables[roots[i]].is_relevant) {
			g->tables[roots[i]].is_relevant = 1;
			queue[n++] = roots[i];
		}
	m = spread_down(g, queue, n);
	if (m < 0)
		goto nomem;
	spread_up(g, queue, (size_t)m);
	for (i = 0; i < g->n; i++)
		g->tables[i].mark = g->tables[i].is_relevant ? 1 : 0;
	for (i = 0; i < g->n; i++)
		order_from(g, i);
	free(queue);
	return 0;
nomem:
	free(queue);
	return cw_error_set(err, CW_ENOMEM, NULL, NULL, 0,
			    "out of memory walking foreign keys");
}

/* 1 if table t has a NO ACTION or RESTRICT key into a table marked in
** hit. */
static int blocks_any(const cw_ev_table *t, const char *hit)
{
	size_t j;

	for (j = 0; j < t->n_fks; j++)
		if (t->fks[j].parent != NONE && hit[t->fks[j].parent] &&
		    t->fks[j].is_blocking)
			return 1;
	return 0;
}

/* The tables whose rows stop a DELETE of every row of `root`: those with
** a NO ACTION or RESTRICT key into root or into a table the delete
** reaches through ON DELETE CASCADE.  Only asked once a DROP has failed,
** so a plain fixed-point walk is cheap enough. */
char *cw_ev_graph_blockers(const cw_ev_graph *g, size_t root)
{
	char *hit = calloc(g->n + 1, 1), *s = NULL;
	size_t i, j, cap = 1, o = 0;
	int grew = 1;

	if (hit == NULL)
		return NULL;
	hit[root] = 1;
	while (grew)
		for (grew = 0, i = 0; i < g->n; i++)
			for (j = 0; !hit[i] && j < g->tables[i].n_fks; j++) {
				const cw_ev_fk *fk = &g->tables[i].fks[j];
				if (fk->is_cascade && fk->parent != NONE &&
				    hit[fk->parent])
					hit[i] = grew = 1;
			}
	for (i = 0; i < g->n; i++)
		cap += strlen(g->tables[i].name) + 2;
	s = malloc(cap);
	for (i = 0; s != NULL && i < g->n; i++)
		if (i != root && blocks_any(&g->tables[i], hit))
			o += (size_t)snprintf(s + o, cap - o, "%s%s",
					      o ? ", " : "",
					      g->tables[i].name);
	if (s != NULL)
		s[o] = '\0';
	free(hit);
	return s;
}
