/*
** evidence_graph.c - the foreign-key graph of the probe's database, and
** the part of it one DROP can reach.
*/
#include "lint_int.h"
#include "db.h"

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

static char *dup_col(sqlite3_stmt *st, int i)
{
	const unsigned char *s = sqlite3_column_text(st, i);

	return s ? strdup((const char *)s) : NULL;
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

/* Append column pair (from, to) to the foreign key `id` of t. */
static int add_fk_col(cw_ev_table *t, int id, int *last_id,
		      sqlite3_stmt *st)
{
	cw_ev_fk *fk;
	char **from, **to;

	if (t->n_fks == 0 || id != *last_id) {
		fk = realloc(t->fks, (t->n_fks + 1) * sizeof(*fk));
		if (fk == NULL)
			return -1;
		t->fks = fk;
		fk = &fk[t->n_fks++];
		memset(fk, 0, sizeof(*fk));
		fk->parent = NONE;
		fk->parent_name = dup_col(st, 1);
		if (fk->parent_name == NULL)
			return -1;
		set_action(fk, (const char *)sqlite3_column_text(st, 4));
		*last_id = id;
	}
	fk = &t->fks[t->n_fks - 1];
	from = realloc(fk->from, (fk->n + 1) * sizeof(*from));
	if (from != NULL)
		fk->from = from;
	to = from ? realloc(fk->to, (fk->n + 1) * sizeof(*to)) : NULL;
	if (to == NULL)
		return -1;
	fk->to = to;
	fk->from[fk->n] = dup_col(st, 2);
	fk->to[fk->n] = dup_col(st, 3);  /* NULL: the parent's key */
	fk->n++;
	return fk->from[fk->n - 1] ? 0 : -1;
}

static int load_fks(cw_ev_table *t, sqlite3_stmt *st)
{
	int rc, last_id = -1;

	sqlite3_reset(st);
	sqlite3_bind_text(st, 1, t->name, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if (add_fk_col(t, sqlite3_column_int(st, 0), &last_id,
			       st) != 0)
			return -1;
	return 0;
}

/* Ordinary tables of main: not views or virtual tables, not sqlite_
** tables, not the migrator's own table.  (Shadow tables of FTS and the
** like are listed but never take part in a foreign key, so no walk from a
** dropped table reaches them.) */
static int load_tables(cw_ev_graph *g, sqlite3 *db, const char *skip)
{
	sqlite3_stmt *st = NULL;
	size_t cap = 0;
	int rc = sqlite3_prepare_v2(db, "SELECT name FROM sqlite_master "
				    "WHERE type = 'table' AND name NOT LIKE "
				    "'sqlite^_%' ESCAPE '^' AND sql NOT LIKE "
				    "'CREATE VIRTUAL%'", -1, &st, NULL);

	while (rc == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(st, 0);
		cw_ev_table *t;
		if (name == NULL || cw_sqlscan_name_eq(name, skip))
			continue;
		if (g->n == cap) {
			cap = cap ? cap * 2 : 32;
			t = realloc(g->tables, cap * sizeof(*t));
			if (t == NULL)
				rc = SQLITE_NOMEM;
			else
				g->tables = t;
		}
		if (rc != SQLITE_OK)
			break;
		t = &g->tables[g->n];
		memset(t, 0, sizeof(*t));
		t->name = strdup(name);
		t->quoted = cw_db_quote_ident(name);
		g->n++;
		if (t->name == NULL || t->quoted == NULL)
			rc = SQLITE_NOMEM;
	}
	sqlite3_finalize(st);
	return rc;
}

int cw_ev_graph_load(cw_ev_graph *out, sqlite3 *db, const char *skip_table,
		     cw_error *err)
{
	sqlite3_stmt *st = NULL;
	size_t i, j;
	int rc;

	memset(out, 0, sizeof(*out));
	rc = load_tables(out, db, skip_table);
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(db, "SELECT id, \"table\", \"from\","
					" \"to\", on_delete FROM "
					"pragma_foreign_key_list(?) ORDER BY "
					"id, seq", -1, &st, NULL);
	for (i = 0; rc == SQLITE_OK && i < out->n; i++)
		if (load_fks(&out->tables[i], st) != 0)
			rc = SQLITE_NOMEM;
	sqlite3_finalize(st);
	if (rc != SQLITE_OK)
		return cw_error_set(err, rc == SQLITE_NOMEM ? CW_ENOMEM :
				    CW_ESQL, NULL, NULL, 0, "reading the "
				    "probe's foreign keys: %s",
				    sqlite3_errmsg(db));
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
