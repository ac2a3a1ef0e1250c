/*
** rowdiff.h - what a change did to the rows of a database: the tables it
** can touch are copied aside before it, and compared after it by primary
** key (or rowid): rows gone, and values changed in columns that survive
** by name.  Rows can carry a vintage (the prefix that wrote them), so a
** loss says whose rows went.  The one implementation of "rows kept"
** shared by check's evidence with rows (evidence_data.h: one migration,
** inside the engine's trial) and replay (one migration of the data pass,
** or a whole per-prefix upgrade).
**
** Copies live in TEMP tables (temp.cw_b<serial>_<i>); inside a trial the
** engine's rollback removes them, elsewhere cw_rowdiff_drop does.  A
** value converted by a new column affinity (1 -> '1') is the same value.
** A table that is gone afterwards was dropped, which the change said
** itself; a WITHOUT ROWID table without a key cannot be followed.
*/
#ifndef CW_ROWDIFF_H
#define CW_ROWDIFF_H

#include <sqlite3.h>
#include <stddef.h>
#include "error.h"
#include "schema.h"

typedef struct rd_saved rd_saved;

typedef struct cw_rowdiff {
	rd_saved *tables;
	size_t n_tables;
	unsigned serial;            /* names this save's copies */
} cw_rowdiff;

#define CW_ROWDIFF_INIT {NULL, 0, 0}

/* One loss: rows of a table (column NULL), or the values of a column. */
typedef struct cw_rowdiff_loss {
	const char *table;
	const char *column;
	long long rows;             /* rows before (values: rows matched) */
	long long lost;             /* rows gone, or values changed */
	const char *vintages;       /* "0002_x: 3, 0005_y: 1", whose rows
				    ** they were, or NULL when unknown */
} cw_rowdiff_loss;

/* Does the change say itself that rows of table go (column NULL), or
** that table.column's values change?  1 if so: no loss is reported. */
typedef int (*cw_rowdiff_says_so)(void *ctx, const char *table,
				  const char *column);
/* Called for each loss; 0, or a negative CW_E* code to stop. */
typedef int (*cw_rowdiff_emit)(void *ctx, const cw_rowdiff_loss *loss);

/* Which tables of s the statements in texts can change (a calloc'd
** array parallel to s->tables, NULL when out of memory): the tables and
** views they name (case-insensitively, anywhere: a superset) and those
** named by triggers on one of them, wholly; the tables whose foreign
** keys reach one of them, closed, in their keys.  SQLite changes rows
** only through statements naming a table, foreign-key actions and
** triggers, so no other table can lose a row. */
unsigned char *cw_rowdiff_reach(const cw_schema *s, const char *const *texts,
				size_t n_texts);

/* How much of a table to copy (hot[i]). */
#define CW_ROWDIFF_SKIP 0
#define CW_ROWDIFF_KEYS 1   /* its key and foreign-key columns: a table
			    ** only foreign-key actions can reach */
#define CW_ROWDIFF_ALL  2

/* The tables of `before` (the schema model of db now) are copied aside
** as hot[i] says (hot NULL: all of every table).  0 or CW_ENOMEM; a
** table that cannot be copied is not followed. */
int cw_rowdiff_save(cw_rowdiff *rd, sqlite3 *db, const cw_schema *before,
		    const unsigned char *hot, cw_error *err);

/* Compare the saved tables with db as `after` describes it, emitting each
** loss.  vintage_names[v] names vintage v (NULL: vintages not shown). */
int cw_rowdiff_compare(cw_rowdiff *rd, sqlite3 *db, const cw_schema *after,
		       cw_rowdiff_says_so says, void *says_ctx,
		       cw_rowdiff_emit emit, void *emit_ctx,
		       const char *const *vintage_names, size_t n_vintages,
		       cw_error *err);

/* Drop the copies (when no rollback removes them) and forget them. */
void cw_rowdiff_drop(cw_rowdiff *rd, sqlite3 *db);

/* Vintages.  cw_rowdiff_marks records each table's largest rowid (marks
** parallel to s->tables); after rows were added, cw_rowdiff_mark_vintage
** labels the rows above the marks with vintage v, by their primary key
** (or rowid) in temp.cw_vintage.  Tables without a rowid are skipped. */
int cw_rowdiff_marks(sqlite3 *db, const cw_schema *s, long long **marks,
		     cw_error *err);
int cw_rowdiff_mark_vintage(sqlite3 *db, const cw_schema *s,
			    const long long *marks, size_t v, cw_error *err);

/* Digests: a quick "did anything change" without copying rows.  For
** each table, its row count, an order-independent sum of its rows' key
** hashes, and per column a sum of hashes of (key, value as text).  Equal
** digests before and after mean, barring a 64-bit collision, the same
** keys with the same values; a difference is then measured in detail
** (cw_rowdiff_save/compare) by whoever kept the state before. */
typedef struct rd_digest rd_digest;

typedef struct cw_rowdigests {
	rd_digest *tables;
	size_t n_tables;
} cw_rowdigests;

#define CW_ROWDIGESTS_INIT {NULL, 0}

/* Digest the tables of `before` (the schema model of db now) whose
** hot[i] is nonzero (hot NULL: all); the others are not followed. */
int cw_rowdiff_digest(cw_rowdigests *d, sqlite3 *db, const cw_schema *before,
		      const unsigned char *hot, cw_error *err);

/* *same = 1 when every table of d that survives by name (and whose rows
** says() does not give up) kept its keys, and every surviving column
** (not given up either) its values.  0 or CW_ENOMEM. */
int cw_rowdiff_digest_same(const cw_rowdigests *d, sqlite3 *db,
			   const cw_schema *after, cw_rowdiff_says_so says,
			   void *says_ctx, int *same, cw_error *err);

void cw_rowdigests_free(cw_rowdigests *d);

#endif
