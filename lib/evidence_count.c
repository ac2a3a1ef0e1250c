/*
** evidence_count.c - the probe's measure: rows and foreign-key values of
** the tables a DROP can reach, counted around each piece (lint_int.h).
*/
#include "lint_int.h"

#include <sqlite3.h>
#include <string.h>

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
