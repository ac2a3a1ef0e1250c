/*
** migfacts.c - what each migration's statements say about tables, read
** once with lint's statement reader (lint_stmt.c).  Design in migfacts.h.
*/
#include "migfacts.h"
#include "lint_int.h"
#include "migrate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The name of the copy a rebuild of table t in migration g renames to
** t, or NULL. */
static const char *rebuild_copy(const cw_lint_mig *g, const char *t)
{
	const char *copy = NULL;
	size_t i;

	for (i = 0; i < g->n; i++)
		if (g->stmts[i].kind == CW_LK_RENAME_TABLE && g->stmts[i].to &&
		    cw_sqlscan_name_eq(g->stmts[i].to, t))
			copy = g->stmts[i].table;
	return copy;
}

/* Rows: a DELETE of the table.  Values: an UPDATE of it, or the
** INSERT ... SELECT filling its rebuild copy assigns the column (by name,
** or all columns by position when it lists none): a coalesce() or CASE
** there is the migration saying so. */
int cw_lint_says_so(const cw_lint_mig *g, const char *table,
		    const char *column)
{
	const char *copy;
	char key[300];
	size_t i, j;

	if (column == NULL)
		return cw_lint_targets(g, CW_LK_DELETE, table);
	if (cw_lint_targets(g, CW_LK_UPDATE, table))
		return 1;
	copy = rebuild_copy(g, table);
	snprintf(key, sizeof(key), ",%s,", column);
	for (j = 0; key[j]; j++)
		if (key[j] >= 'A' && key[j] <= 'Z')
			key[j] = (char)(key[j] | 0x20);
	for (i = 0; copy && i < g->n; i++)
		if (g->stmts[i].kind == CW_LK_INSERT_SELECT &&
		    cw_sqlscan_name_eq(g->stmts[i].table, copy) &&
		    (g->stmts[i].insert_cols == NULL ||
		     strstr(g->stmts[i].insert_cols, key)))
			return 1;
	return 0;
}

/* The statement of migration g that a finding about table t points at:
** the INSERT ... SELECT filling a rebuild's new table (the copy that
** drops rows or values), else the first statement about t, else its
** first DROP TABLE (a cascade), else NULL. */
const cw_lint_stmt *cw_lint_stmt_about(const cw_lint_mig *g, const char *t)
{
	const char *copy = rebuild_copy(g, t);
	size_t i;

	for (i = 0; copy && i < g->n; i++)
		if (g->stmts[i].kind == CW_LK_INSERT_SELECT &&
		    cw_sqlscan_name_eq(g->stmts[i].table, copy))
			return &g->stmts[i];
	for (i = 0; i < g->n; i++)
		if (g->stmts[i].table && cw_sqlscan_name_eq(g->stmts[i].table,
							    t))
			return &g->stmts[i];
	/* Not named at all: rows of a child go with a DROP of its parent. */
	for (i = 0; i < g->n; i++)
		if (g->stmts[i].kind == CW_LK_DROP_TABLE)
			return &g->stmts[i];
	return NULL;
}


void cw_lint_free_migs(cw_lint_mig *migs, size_t n)
{
	size_t k, i;

	for (k = 0; migs && k < n; k++) {
		for (i = 0; i < migs[k].n; i++) {
			cw_lint_stmt *s = &migs[k].stmts[i];
			free(s->table);
			free(s->to);
			free(s->insert_cols);
		}
		free(migs[k].stmts);
	}
	free(migs);
}


int cw_lint_is_readable(const cw_migration *m)
{
	return m->load_rc == 0 && m->path != NULL && m->text.data != NULL &&
	       m->entry != NULL && m->entry->tag != NULL;
}

int cw_migfacts_read(cw_migfacts *out, const cw_folder *f,
		     const char *mtable, cw_error *err)
{
	cw_diags scratch = CW_DIAGS_INIT;
	cw_lint_read r;
	size_t i;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	memset(&r, 0, sizeof(r));
	r.out = &scratch;
	r.f = f;
	r.mtable = mtable ? mtable : CW_MIGRATIONS_TABLE;
	r.open_commit = (size_t)-1;
	r.migs = calloc(f->n_migrations + 1, sizeof(*r.migs));
	if (r.migs == NULL)
		return cw_error_set(err, CW_ENOMEM, NULL, f->dir, 0,
				    "out of memory reading %s", f->dir);
	for (r.k = 0; rc == 0 && r.k < f->n_migrations; r.k++)
		if (cw_lint_is_readable(&f->migrations[r.k]))
			rc = cw_lint_read_migration(&r, err);
	for (i = 0; i < r.n_edges; i++) {
		free(r.edges[i].child);
		free(r.edges[i].parent);
	}
	free(r.edges);
	cw_toks_free(&r.toks);
	cw_diags_free(&scratch);
	if (rc != 0) {
		cw_lint_free_migs(r.migs, f->n_migrations);
		return rc;
	}
	out->migs = r.migs;
	out->n = f->n_migrations;
	return 0;
}

int cw_migfacts_says_so(const cw_migfacts *mf, size_t k, const char *table,
			const char *column)
{
	return k < mf->n && cw_lint_says_so(&mf->migs[k], table, column);
}

int cw_migfacts_where(const cw_migfacts *mf, size_t k, const char *table,
		      int *line, int *column, const char **dropped)
{
	const cw_lint_stmt *s = k < mf->n ?
				cw_lint_stmt_about(&mf->migs[k], table) : NULL;

	*line = s ? s->line : 0;
	*column = s ? s->column : 0;
	*dropped = s && s->kind == CW_LK_DROP_TABLE &&
		   !cw_sqlscan_name_eq(s->table, table) ? s->table : NULL;
	return s != NULL;
}

void cw_migfacts_free(cw_migfacts *mf)
{
	cw_lint_free_migs(mf->migs, mf->n);
	memset(mf, 0, sizeof(*mf));
}
