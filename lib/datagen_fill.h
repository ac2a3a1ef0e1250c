/*
** datagen_fill.h - the state of one cw_datagen_fill run, shared by
** datagen.c (tables and rows) and datagen_keys.c (stored keys, foreign
** key choices, cycles closed later, the final check).  Not a public
** interface.
*/
#ifndef CW_DATAGEN_FILL_H
#define CW_DATAGEN_FILL_H

#include "datagen_int.h"

#define DG_ROWID ((size_t)-1)   /* a keystore column that is the rowid */

/* Values of a table's rows that others need: the columns foreign keys
** reference, the row's locator (rowid, or the primary key WITHOUT ROWID)
** and what the agent log needs.  Filled from rows already there, then
** from each INSERT's RETURNING. */
typedef struct dg_keys {
	size_t *cols;            /* column indexes, or DG_ROWID */
	size_t n_cols;
	sqlite3_value **vals;    /* n_rows rows of n_cols values */
	size_t n_rows, cap;
} dg_keys;

/* How one foreign key of a table chooses its parent rows. */
typedef struct dg_fk {
	const cw_schema_fk *fk;
	long parent;             /* the parent table, or -1 when missing */
	size_t *at;              /* per column: its place in the parent's
				 ** keys */
	long *col;               /* per column: the child's column, or -1 */
	int nullable;            /* a child column may be NULL, which lifts
				 ** the key */
	int covering;            /* the key that gives each parent row a
				 ** child in this table */
	int ordinal;             /* among this table's keys to the parent */
	int is_self;
	uint64_t mult, add;      /* a permutation of the parent's rows ... */
	size_t perm_n;           /* ... of this many rows */
} dg_fk;

typedef struct dg_tab {
	const cw_schema_table *t;
	dg_col *cols;
	dg_fk *fks;
	dg_keys keys;
	const char *rowid_name;  /* how to name the rowid, or NULL WITHOUT
				 ** ROWID */
	size_t *loc;             /* the locator's places in keys */
	size_t n_loc;
	size_t result_at;        /* its entry in the result */
	int is_skipped;          /* a virtual table: not filled */
	int is_filled;           /* its turn has come and gone */
	int is_contract;         /* agent_log_chunks of the contract */
	size_t agent_key;        /* contract: agent_id's place in keys */
	size_t n_generated;
	size_t n_before;         /* rows it held before this fill: a top-up
				 ** numbers its rows from there */
	char *why;               /* first reason it fell short */
} dg_tab;

/* A foreign key to set once its parent has rows. */
typedef struct dg_fixup {
	size_t tab;              /* the child table */
	size_t row;              /* its row in the child's keys */
	size_t fk;
	int keep_null;           /* a nullable key that stays NULL */
} dg_fixup;

typedef struct dg_run {
	sqlite3 *db;
	const cw_schema *s;
	const cw_datagen_options *o;
	cw_datagen_result *out;
	cw_error *err;
	dg_tab *tabs;            /* parallel to s->tables */
	dg_fixup *fix;
	size_t n_fix, cap_fix;
	long agents;             /* the table agent ids come from, or -1 */
	size_t agents_key;       /* its id's place in its keys */
} dg_run;

/* Choices of one foreign key for one row. */
enum {
	DG_FK_ROW = 0,    /* a parent row */
	DG_FK_NULL,       /* NULL */
	DG_FK_LATER,      /* the parent is filled later: NULL or a stand-in
			  ** now, a fixup then */
	DG_FK_SELF,       /* the row itself, once it exists */
	DG_FK_NONE        /* a NOT NULL key whose parent has no rows */
};

/* Plan foreign keys, stored columns (what is referenced; the locator of
** a table that refers to itself or to one filled after it) and the agent
** source, for the fill order given.  Returns 0 or CW_ENOMEM. */
int dg_keys_plan(dg_run *run, const size_t *order, size_t n_order);

/* Read the stored columns of the rows t already holds. */
int dg_keys_load(dg_run *run, size_t t);

/* Store the RETURNING row of st as a new row of t's keys. */
int dg_keys_add(dg_run *run, size_t t, sqlite3_stmt *st);

/* The column list a SELECT or RETURNING of t's keys names. */
int dg_keys_sql(char **out, const dg_run *run, size_t t);

/* Decide foreign key k of table t for row w: returns DG_FK_* and, for
** DG_FK_ROW, the parent row in *row. */
int dg_fk_choose(dg_run *run, size_t t, size_t k, const dg_row *w,
		 size_t *row);

/* The parent row (of n) the first choice of key k of t gives row r. */
size_t dg_fk_planned(dg_run *run, size_t t, size_t k, size_t r, size_t n);

/* Remember that row `row` of t needs key k set later. */
int dg_fixup_add(dg_run *run, size_t t, size_t row, size_t k,
		 int keep_null);

/* Set every pending key whose parent has been filled. */
int dg_fixup_run(dg_run *run);

/* Remove rows that still point at nothing (never expected) and name their
** tables.  Returns 0, CW_ESQL or CW_ENOMEM. */
int dg_keys_settle(dg_run *run);

void dg_keys_free(dg_keys *k);

/* The values of one agent_log_chunks row (datagen_chunk.c). */
typedef struct dg_chunk {
	long agent, session, content, created;   /* column indexes */
	char agent_id[256];
	cw_agentlog_counts counts;
	char *text;              /* the content, owned */
} dg_chunk;

/* Column name of t (case-insensitive), or -1. */
long dg_col_of(const cw_schema_table *t, const char *name);

/* Session, time and content of chunk row w, its agent unless a foreign
** key chose it; ck->counts says what the content holds.  Returns 0 or
** CW_ENOMEM. */
int dg_chunk_values(dg_run *run, dg_chunk *ck, dg_val *vals,
		    const dg_row *w);

/* agent_id's foreign key k of the chunk table t: the parent row of w
** (DG_FK_*, as dg_fk_choose). */
int dg_chunk_parent(dg_run *run, size_t t, size_t k, const dg_row *w,
		    size_t *row);

/* Insert row r of t with st; *ok is 1 when it went in.  A row no
** attempt gets in leaves its reason with dg_tab_why.  Returns 0 or an
** error. */
int dg_row_insert(dg_run *run, size_t t, sqlite3_stmt *st, size_t r,
		  dg_val *vals, int *choice, dg_chunk *ck, int *ok);

/* Note why table t fell short, unless a reason is known already. */
int dg_tab_why(dg_run *run, size_t t, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
