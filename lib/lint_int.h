/*
** lint_int.h - what the L checks share between lint.c and lint_stmt.c
** (reading statements) and evidence.c, evidence_graph.c and
** evidence_count.c (the data-loss probe).  Not public.
**
** Reading.  lint_stmt.c tokenizes every piece (sqlscan.h) and keeps, per
** migration, the few statements later rules need (cw_lint_stmt):
** transaction control, PRAGMA foreign_keys, CREATE/DROP/RENAME TABLE,
** DELETE, UPDATE, INSERT ... SELECT.  Rules about one statement (L001,
** L002, L003, L005, L007, L011, and L010 for ADD COLUMN) are reported as
** it is read; rules that depend on the rest of the migration (L004, L006)
** once it is read whole:
**  - DROP TABLE t followed, in the same migration, by a RENAME of any table
**    to t is a rebuild (drizzle-kit's __new_t, or a hand-written t_new):
**    no L004, the probe judges it;
**  - DROP TABLE or DELETE of a table created earlier in the same
**    migration (a backup copy) is scratch work: no L004, no L006;
**  - DELETE without WHERE followed by INSERT INTO the same table ...
**    SELECT is a backup being restored: no L006.
**
** The probe (evidence.c).  A migration is a candidate when it drops a
** table that was not created in it and either holds PRAGMA foreign_keys
** or is a rebuild (L008, L009, L010 apply), or when such a table is one an
** earlier migration declared a foreign key to (L010 only: L004 already
** warns about a plain DROP).  The probe applies the folder once, in order,
** with the engine (migrate.h) on a scratch file database, as the app's
** migrator would (its profile: foreign keys ON unless the app turns them
** off), in the batch's one transaction, so PRAGMA foreign_keys=OFF is the
** same no-op it is under drizzle's BEGIN (spec/drizzle-semantics.md
** section 2).  A candidate is tried first (CW_HOOK_TRIAL): inside the
** engine's savepoint, if a dropped table is referenced by a table that
** existed before the migration, the probe
**  1. fills one row into every table with the data generator (datagen.h),
**     so the tables the drop can reach through foreign keys (children,
**     transitively, found by evidence_graph.c) hold rows;
**  2. counts each table's rows and NULL foreign-key values, and as the
**     engine runs the migration's pieces (transaction control followed,
**     not executed) counts again around each DROP and at the end, and
**     the rows left pointing at nothing (foreign keys off: R007);
**  3. lets the engine roll the savepoint back and apply the migration
**     without the rows.
** A table lost rows (or gained NULL keys) to a DROP when they vanished at
** that DROP and were not back by the end, and the migration has no DELETE
** (UPDATE, for keys) of its own aimed at that table: L009.  Counts that
** match again are a hand-made backup: L008.  A DROP that fails over the
** rows (a NO ACTION or RESTRICT child: "FOREIGN KEY constraint failed"),
** or after which deferred keys still dangle when the migration ends (the
** COMMIT fails), fails on a populated database: L010, whatever else was
** measured.  A failure elsewhere in the seeded run may be the synthetic
** rows' fault (a stricter CHECK in the new table): only L008 mentions it.
** Work per candidate is bounded by the part of the schema its drops
** reach, and no prefix is ever applied twice, so the probe stays linear in
** the folder.
** The probe keeps going past a file that cannot be read and a migration
** that fails (S005 says where; that migration's verdicts are dropped, and
** L008 falls back to the foreign keys the CREATE statements declared, "not
** measured"), and stops after the last candidate.
** Not seen: rows a trigger removes from a table no foreign key reaches,
** and deferred foreign keys a later migration of the same batch repairs
** (L010 then says the COMMIT fails when, in that batch, it would not).
*/
#ifndef CW_LINT_INT_H
#define CW_LINT_INT_H

#include <stddef.h>
#include "error.h"
#include "diag.h"
#include "folder.h"
#include "sqlscan.h"
#include "text.h"

typedef enum cw_lint_kind {
	CW_LK_TXN = 1,       /* BEGIN COMMIT END ROLLBACK SAVEPOINT ... */
	CW_LK_PRAGMA_FK,     /* PRAGMA foreign_keys ... */
	CW_LK_CREATE_TABLE,
	CW_LK_DROP_TABLE,
	CW_LK_RENAME_TABLE,  /* ALTER TABLE table RENAME TO to */
	CW_LK_DELETE,
	CW_LK_UPDATE,
	CW_LK_INSERT_SELECT  /* INSERT INTO table ... SELECT */
} cw_lint_kind;

/* What one child table lost in a migration, net of what was restored. */
typedef struct cw_lint_loss {
	char *table;
	long long rows_before, rows_lost;  /* rows: ON DELETE CASCADE */
	long long fks_before, fks_nulled;  /* keys: ON DELETE SET NULL */
} cw_lint_loss;

typedef enum cw_ev_state {
	CW_EV_NONE = 0,      /* not measured: the migration fails even
			     ** without rows, or its schema is unreadable */
	CW_EV_UNREFERENCED,  /* no table existing before the migration
			     ** references the dropped one */
	CW_EV_KEPT,          /* referenced; every child row survived */
	CW_EV_LOST,          /* referenced; child rows or keys were lost */
	CW_EV_FAILED         /* referenced; with rows the migration fails */
} cw_ev_state;

typedef struct cw_ev_verdict {
	cw_ev_state state;
	char *children;      /* referencing tables, "a, b" */
	cw_lint_loss *losses;
	size_t n_losses;
	char *failure;       /* FAILED: what SQLite said */
	int failure_line;
	int is_blocked;      /* FAILED at this DROP, or at the COMMIT after
			     ** it left deferred keys dangling: L010 */
	int at_commit;
	char *blockers;      /* is_blocked: the tables in the way, or NULL */
	char *unfilled;      /* tables the probe could not fill, or NULL */
} cw_ev_verdict;

typedef struct cw_lint_stmt {
	cw_lint_kind kind;
	size_t piece;        /* 0-based piece of the migration */
	int line, column;
	char *table;         /* target table, unquoted */
	char *to;            /* RENAME_TABLE: the new name */
	int ends_txn;        /* TXN: COMMIT, END or ROLLBACK (not TO) */
	int has_where;       /* DELETE */
	int is_rebuild;      /* DROP: a later rename gives its name back */
	int is_created_here; /* DROP/DELETE: created earlier in the file */
	char *insert_cols;   /* INSERT_SELECT: ",a,b," its column list names
			     ** (lower case), or NULL when it has none */
} cw_lint_stmt;

typedef struct cw_lint_mig {
	cw_lint_stmt *stmts;
	size_t n, cap;
	int has_pragma_fk;
	int has_l011;        /* its first COMMIT was reported */
	int data_fails;      /* evidence with rows: it fails on rows (L010
			     ** said so) */
	int pragma_effective;/* a PRAGMA foreign_keys of it runs outside any
			     ** transaction (after a COMMIT): it takes effect */
	int ends_txn;        /* a statement ends the migrator's transaction */
	int is_candidate;    /* the probe must look at it */
	int has_fk_pattern;  /* a rebuild or PRAGMA foreign_keys: L008/L009
			     ** apply, not only L010 */
} cw_lint_mig;

/* What the probe found: verdicts[k][i] is its verdict on statement i of
** migration k (parallel to migs[k].stmts; only DROP statements get one),
** all CW_EV_NONE where it did not look.  The probe's own type: lint reads
** it, the probe writes nothing of lint's. */
typedef struct cw_ev_result {
	cw_ev_verdict **verdicts;
	char **dangling;     /* per migration: "posts (1), tags (1)", rows
			     ** its trial left pointing at nothing (foreign
			     ** keys off), or NULL */
	size_t n_migs;
} cw_ev_result;

/* A foreign key an earlier CREATE TABLE or ADD COLUMN declared: the
** static fallback when the probe cannot reach a migration. */
typedef struct cw_lint_edge {
	char *child, *parent;
	size_t mig;          /* migration that declared it */
} cw_lint_edge;

/* The reading pass (lint_stmt.c) over one folder. */
typedef struct cw_lint_read {
	cw_diags *out;
	const cw_folder *f;
	const char *mtable;  /* the migrations table's name */
	cw_lint_mig *migs;   /* parallel to f->migrations */
	size_t k;            /* migration being read */
	cw_toks toks;        /* scratch, reused for every piece */
	cw_lint_edge *edges;
	size_t n_edges, cap_edges;
	int fk_off;          /* the profile migrates with foreign keys OFF */
	int out_of_txn;      /* a COMMIT ended the migrator's transaction and
			     ** no BEGIN has reopened it yet */
	cw_ev_result ev;     /* the probe's verdicts */
	size_t open_commit;  /* index in out of that COMMIT's finding, or
			     ** (size_t)-1 when it got none */
	int commit_line, commit_col;  /* where that COMMIT is */
	size_t commit_mig;   /* in which migration */
	cw_text_cursor cur;  /* lines of the migration being read */
} cw_lint_read;

/* 1 if migration g has a statement of `kind` aimed at table `name`. */
int cw_lint_targets(const cw_lint_mig *g, cw_lint_kind kind,
		    const char *name);

/* After the last migration: a COMMIT that nothing reopened makes the
** migrator's own final COMMIT fail; its L011 becomes an L001 error. */
void cw_lint_finish_txn(cw_lint_read *r);

/* Read every statement of migration r->k: report L001, L002, L003, L005,
** L007, L011 and L010 for ADD COLUMN, and record the statements later
** rules need in r->migs[r->k].  Returns 0 or CW_ENOMEM. */
int cw_lint_read_migration(cw_lint_read *r, cw_error *err);

/* Record that migration r->k declared a foreign key from child to parent
** (lint.c); takes both strings, even on failure.  Returns 0, or -1 when
** out of memory (or when either is NULL: a failed copy). */
int cw_lint_add_edge(cw_lint_read *r, char *child, char *parent);

/* Run the data-loss probe over f (migrations table `table`), reading the
** candidates in migs (parallel to f->migrations) and writing its verdicts
** on their DROP statements, and each candidate's dangling rows, into out
** (free with cw_ev_result_free, also after a failure).  Keeps going where
** the folder fails to apply (S005 reports that) and stops after the last
** candidate.  Returns 0, or the error that stopped it (CW_ENOMEM, or why
** the scratch database could not be opened or used). */
struct cw_profile;
int cw_evidence_probe(cw_ev_result *out, const cw_lint_mig *migs,
		      const cw_folder *f, const char *table,
		      const struct cw_profile *profile, cw_error *err);

/* The verdict on statement i of migration k, or a CW_EV_NONE one. */
const cw_ev_verdict *cw_ev_result_get(const cw_ev_result *r, size_t k,
				      size_t i);

void cw_ev_result_free(cw_ev_result *r, const cw_lint_mig *migs);

/* ---- evidence_graph.c: the foreign-key graph; evidence_count.c:
** counting (the rows come from the data generator, datagen.h) ---- */

typedef struct cw_ev_fk {
	size_t parent;       /* index in the graph, or (size_t)-1 */
	char *parent_name;
	char **from, **to;   /* to[i] NULL: the parent's primary key */
	size_t n;
	int is_blocking;     /* ON DELETE NO ACTION or RESTRICT */
	int is_cascade;      /* ON DELETE CASCADE */
} cw_ev_fk;

typedef struct cw_ev_table {
	char *name;
	char *quoted;        /* "name" ready for SQL */
	cw_ev_fk *fks;
	size_t n_fks;
	int is_relevant;
	int is_filled;
	int mark;            /* scratch for graph walks */
} cw_ev_table;

typedef struct cw_ev_graph {
	cw_ev_table *tables; /* sorted by name, case-insensitively */
	size_t n;
	size_t *order;       /* relevant tables, parents first */
	size_t n_order;
} cw_ev_graph;

typedef struct cw_ev_count {
	int exists;
	long long rows;
	long long fks;       /* non-NULL foreign-key values, -1 unknown */
	long long nulls;     /* NULL foreign-key values, -1 unknown */
} cw_ev_count;

struct sqlite3;

/* Load every ordinary table of main and its foreign keys (no virtual,
** shadow or sqlite_ tables, not the migrations table). */
int cw_ev_graph_load(cw_ev_graph *out, struct sqlite3 *db,
		     const char *skip_table, cw_error *err);
void cw_ev_graph_free(cw_ev_graph *g);

/* Index of table `name` in g, or (size_t)-1. */
size_t cw_ev_graph_find(const cw_ev_graph *g, const char *name);

/* Mark the tables whose rows a drop of the marked roots can reach (their
** children, transitively) and the parents those need; order them parents
** first into g->order. */
int cw_ev_graph_relevant(cw_ev_graph *g, const size_t *roots,
			 size_t n_roots, cw_error *err);

/* "a, b" of the tables whose NO ACTION / RESTRICT keys stop a delete of
** every row of table `root` (directly, or below an ON DELETE CASCADE);
** NULL when out of memory. */
char *cw_ev_graph_blockers(const cw_ev_graph *g, size_t root);

/* Count rows and NULL / non-NULL foreign-key values of every table in g->order
** (by name, as it exists now) into out[0..n_order). */
void cw_ev_count_all(struct sqlite3 *db, const cw_ev_graph *g,
		     cw_ev_count *out);


/* migfacts.c: the facts replay shares with lint. */
int cw_lint_says_so(const cw_lint_mig *g, const char *table,
		    const char *column);
const cw_lint_stmt *cw_lint_stmt_about(const cw_lint_mig *g, const char *t);
void cw_lint_free_migs(cw_lint_mig *migs, size_t n);
int cw_lint_is_readable(const cw_migration *m);

#endif
