/*
** evidence_data.h - check's evidence with rows: every migration of the
** folder is tried, with the engine, on a database that holds rows in
** every table, and what the rows become is measured.
**
** The folder is applied once, in order, on a scratch file database, as
** the migrator applies it (migrate.h, keep-going).  Before each migration
** the tables are topped up with rows (the filler; rows written then stay,
** so later migrations meet rows of earlier vintages, written before their
** columns existed).  Each migration is first tried inside a savepoint:
** every table's rows are copied aside, the pieces run (transaction
** control followed, not executed), and then
**  - a piece that fails is a migration that fails on a populated
**    database (the same migration on the empty database is S005's);
**  - a table that survives by name and lost rows (by primary key, or
**    rowid), or a column that survives by name whose values changed, is
**    a loss, unless the migration says so itself (a DELETE from the
**    table for rows; for values an UPDATE of it, or an INSERT ... SELECT
**    into its rebuild copy that names the column: says_so).
** The trial is rolled back; when it failed, the rows are removed so the
** migration and the rest of the folder still run, and filling starts
** again at the next one.  Verdicts are this module's own type; lint and
** replay read them.
**
** Only the tables a migration can touch are copied and compared
** (rowdiff.h): those its text names, closed over the tables whose
** foreign keys reference one of them (cascades) and the tables named by
** triggers on one of them.  SQLite changes rows only through statements
** naming a table, foreign-key actions and triggers, so no other table can
** lose a row, and work per migration follows what it touches, not the
** size of the database.
**
** Rows.  With rows = 0 (check), every table is topped up to three rows
** before each migration.  With rows = N (replay), before migration k of
** n every table is topped up to ceil(N (k+1) / n) rows: each prefix adds
** a vintage of fresh rows of its own schema, older rows stay (with NULL
** or defaults in columns added since), and at head every table holds N.
** With vintages on, each row is labelled with the prefix that wrote it
** (temp.cw_vintage), and losses say whose rows they were.
** After each trial, PRAGMA foreign_key_check on the touched tables: rows
** left pointing at nothing (a deferred key, or keys off after a COMMIT)
** are CW_DV_DANGLING; a single batch might still repair them before its
** COMMIT, which only a real per-prefix upgrade can tell (replay runs one).
*/
#ifndef CW_EVIDENCE_DATA_H
#define CW_EVIDENCE_DATA_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>
#include "error.h"
#include "folder.h"
#include "profile.h"

typedef enum cw_dv_kind {
	CW_DV_FAILS = 1,     /* the migration fails with rows */
	CW_DV_ROWS_LOST,     /* rows of a surviving table vanished */
	CW_DV_VALUES_LOST,   /* a surviving column's values changed */
	CW_DV_DANGLING       /* rows of table point at nothing after it */
} cw_dv_kind;

typedef struct cw_data_verdict {
	cw_dv_kind kind;
	size_t entry;        /* the migration */
	size_t piece;        /* FAILS: 1-based failing piece; else 0 */
	int line;            /* FAILS: the piece's first line */
	char *table;         /* ROWS/VALUES: the table */
	char *column;        /* VALUES: the column */
	long long rows;      /* rows before (VALUES: rows matched) */
	long long lost;      /* rows lost, or values changed */
	char *message;       /* FAILS: what SQLite said; DANGLING: the
			     ** parent tables */
	char *vintages;      /* ROWS/VALUES: "0002_x: 3, ...", whose rows,
			     ** or NULL */
} cw_data_verdict;

typedef struct cw_data_evidence {
	cw_data_verdict *items;
	size_t n;
	char *unfilled;      /* "a, b": tables the filler left empty, or
			     ** NULL */
} cw_data_evidence;

/* Top up the tables of db with rows before migration k (it must leave
** every table it can fill holding rows).  0 or a negative CW_E* code. */
typedef int (*cw_data_fill)(void *ctx, sqlite3 *db, size_t k,
			    cw_error *err);

/* Does migration k say itself that rows of table go (column NULL), or
** that the values of table.column change (column given)?  1 if so. */
typedef int (*cw_data_says_so)(void *ctx, size_t k, const char *table,
			       const char *column);

typedef struct cw_data_options {
	const char *table;          /* migrations table, NULL = drizzle's */
	const cw_profile *profile;  /* NULL: the stock migrator */
	cw_data_fill fill;          /* NULL: the data generator tops every
				    ** table up to three rows (datagen.h) */
	void *fill_ctx;
	cw_data_says_so says_so;    /* NULL: nothing is said */
	void *says_ctx;
	size_t rows;                /* 0: three per table; N: see above */
	uint64_t seed;              /* the generator's seed (0: 1) */
	int vintages;               /* label rows with their prefix */
	/* Optional: after each migration (progress), and at the end on
	** the database at head, before it is closed (checks there). */
	void (*progress)(void *ctx, size_t k, size_t n);
	int (*at_head)(void *ctx, sqlite3 *db, cw_error *err);
	void *cb_ctx;
} cw_data_options;

#define CW_DATA_OPTIONS_INIT {NULL, NULL, NULL, NULL, NULL, NULL, 0, 0, 0, \
			      NULL, NULL, NULL}

/* Run the folder with rows and fill out.  Returns 0 (whatever was found),
** CW_ENOMEM, or CW_EIO when no scratch database could be made. */
int cw_evidence_data_run(cw_data_evidence *out, const cw_folder *f,
			 const cw_data_options *o, cw_error *err);

void cw_data_evidence_free(cw_data_evidence *e);

#endif
