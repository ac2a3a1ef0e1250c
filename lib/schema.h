/*
** schema.h - one model of a SQLite schema, read from a live database or
** from a drizzle-kit snapshot, and one normalised comparison of two.
**
** Replay's snapshot check, audit's drift, schema.ts drift and the data
** generator all work from this model; nothing else reads sqlite_master or
** snapshot tables for its own purposes.
**
** A model owns every string in it; cw_schema_free releases them all.
** Names keep the case they were written in; lookups and the comparison
** are ASCII case-insensitive, as SQLite's are.
*/
#ifndef CW_SCHEMA_H
#define CW_SCHEMA_H

#include <sqlite3.h>
#include <stddef.h>
#include "error.h"

/* Column affinity, by SQLite's rules on the declared type (3.1). */
typedef enum cw_affinity {
	CW_AFF_BLOB = 0,     /* no type, or BLOB */
	CW_AFF_TEXT,
	CW_AFF_NUMERIC,
	CW_AFF_INTEGER,
	CW_AFF_REAL
} cw_affinity;

typedef enum cw_generated {
	CW_GEN_NONE = 0,
	CW_GEN_VIRTUAL,
	CW_GEN_STORED
} cw_generated;

typedef struct cw_schema_column {
	char *name;
	char *type;            /* declared type as written, "" when none */
	cw_affinity affinity;
	int not_null;
	char *default_sql;     /* the DEFAULT expression's text, or NULL */
	int pk;                /* 1-based position in the primary key, 0 */
	int autoincrement;     /* INTEGER PRIMARY KEY AUTOINCREMENT */
	cw_generated generated;
	char *generated_sql;   /* GENERATED ALWAYS AS (expr): expr, or NULL */
	char *collate;         /* COLLATE name, or NULL */
} cw_schema_column;

/* ON DELETE / ON UPDATE actions, upper case as SQLite reports them. */
typedef struct cw_schema_fk {
	char *parent;          /* the referenced table */
	char **from;           /* child columns */
	char **to;             /* parent columns; to[i] NULL: the parent's
			       ** primary key, implied */
	size_t n;
	char *on_delete;       /* "NO ACTION", "CASCADE", "SET NULL",
			       ** "SET DEFAULT" or "RESTRICT" */
	char *on_update;
	int deferred;          /* DEFERRABLE INITIALLY DEFERRED */
	char *name;            /* CONSTRAINT name (a snapshot: its key), or
			       ** NULL; not compared */
} cw_schema_fk;

/* A live table's indexes come in sqlite_master order, the automatic
** index of a WITHOUT ROWID table's primary key (origin 'p', not in
** sqlite_master) last.  A snapshot's: its indexes, then its
** uniqueConstraints (origin 'u'). */
typedef struct cw_schema_index {
	char *name;            /* sqlite_autoindex_... for constraints */
	char **columns;        /* names; an expression's text for an
			       ** expression index */
	size_t n_columns;
	int unique;
	char *where;           /* a partial index's condition, or NULL */
	char origin;           /* 'c' CREATE INDEX, 'u' UNIQUE constraint,
			       ** 'p' PRIMARY KEY (a non-INTEGER or WITHOUT
			       ** ROWID key: compared through the columns'
			       ** pk, not as an index) */
} cw_schema_index;

typedef struct cw_schema_check {
	char *name;            /* CONSTRAINT name, or NULL */
	char *expr;            /* the expression inside CHECK ( ... ) */
	char *column;          /* a column constraint's column, or NULL */
} cw_schema_check;

typedef struct cw_schema_table {
	char *name;
	char *sql;             /* CREATE TABLE text (NULL from a snapshot) */
	cw_schema_column *columns;
	size_t n_columns;
	cw_schema_fk *fks;
	size_t n_fks;
	cw_schema_index *indexes;  /* CREATE INDEX, UNIQUE constraints and
				   ** primary-key indexes (origin) */
	size_t n_indexes;
	cw_schema_check *checks;
	size_t n_checks;
	int without_rowid;
	int strict;
	int fk_level;          /* set by cw_schema_order: 0 without parents,
			       ** else one past its deepest parent's (the
			       ** tables of a cycle share one) */
} cw_schema_table;

/* A trigger, a view or a virtual table. */
typedef struct cw_schema_object {
	char *name;
	char *table;           /* a trigger's table; otherwise NULL */
	char *sql;             /* CREATE text; a snapshot's view: its
			       ** definition (the SELECT), or NULL */
} cw_schema_object;

typedef struct cw_schema {
	cw_schema_table *tables;   /* sqlite_master order (snapshot: its
				   ** order) */
	size_t n_tables;
	cw_schema_object *triggers;
	size_t n_triggers;
	cw_schema_object *views;
	size_t n_views;
	/* Foreign-key order (cw_schema_order): parents before children;
	** self-references ignored; tables in a cycle come in name order
	** after what they depend on outside it, and is_cyclic says so. */
	size_t *order;
	size_t n_order;
	int *is_cyclic;            /* parallel to tables */
	/* Virtual tables (CREATE VIRTUAL TABLE) are not in tables: nothing
	** about them is a column, key or index cw could model, and their
	** shadow tables are left out altogether. */
	cw_schema_object *virtual_tables;
	size_t n_virtual_tables;
	int is_snapshot;           /* read from a snapshot: it cannot know
				   ** triggers, virtual tables, COLLATE,
				   ** DEFERRABLE, WITHOUT ROWID or STRICT */
} cw_schema;

/* Tables kept between reads of one connection's schema
** (schema_cache.c): a table whose CREATE text, indexes and parents are
** unchanged is copied from the cache instead of read again. */
typedef struct cw_schema_cache cw_schema_cache;

cw_schema_cache *cw_schema_cache_new(void);
void cw_schema_cache_free(cw_schema_cache *c);

typedef struct cw_schema_options {
	const char *skip_table;    /* not modelled (the migrations table) */
	cw_schema_cache *cache;    /* NULL: read every table */
} cw_schema_options;

#define CW_SCHEMA_OPTIONS_INIT {NULL, NULL}

/* Introspect the main database of db: every ordinary table (no sqlite_
** internals, no virtual tables' shadow tables, not skip_table), its
** columns, keys, indexes, checks; triggers, views and virtual tables.
** Read-only: only PRAGMA table functions and sqlite_master are read, no
** SQL the database owns (views, triggers, defaults) is run.  A STRICT
** table's ANY column has BLOB affinity (no conversion).  Fills
** out->order.  Returns 0, CW_ESQL or CW_ENOMEM; out is then empty. */
int cw_schema_read_db(cw_schema *out, sqlite3 *db,
		      const cw_schema_options *o, cw_error *err);

/* Read a drizzle-kit sqlite snapshot (meta/NNNN_snapshot.json; version
** 5 and 6, and the older shapes 3 and 4; drizzle-kit 1.0's version 7 is
** refused) from text[0..len).
** path names it in errors.  Returns 0, CW_EINVAL (with err naming the
** path, line and what is wrong) or CW_ENOMEM.
**
** Mapping: a column's type as written, primaryKey (or its place in
** compositePrimaryKeys) as pk, notNull, autoincrement, default as SQL
** text (a string as it is, a number as the JSON text, a boolean as
** true/false: what drizzle-kit writes after DEFAULT), generated.  Indexes
** (where; an expression column as its text) and uniqueConstraints
** (origin 'u') as indexes; foreignKeys with their actions upper-cased;
** checkConstraints as table checks; views with their definition
** (isExisting views, which no migration creates, left out).  Members cw
** does not use (_meta, internal, enums, id, prevId) are not checked.
** Fills out->order; is_snapshot is set. */
int cw_schema_read_snapshot(cw_schema *out, const char *path,
			    const char *text, size_t len, cw_error *err);

/* The same for the file at path (CW_ENOTFOUND/CW_EIO when unreadable). */
int cw_schema_read_snapshot_file(cw_schema *out, const char *path,
				 cw_error *err);

/* The table called name (case-insensitive), or NULL. */
const cw_schema_table *cw_schema_find(const cw_schema *s, const char *name);

/* The column called name of t, or NULL. */
const cw_schema_column *cw_schema_column_find(const cw_schema_table *t,
					      const char *name);

/* Compute s->order, s->is_cyclic and each table's fk_level from the
** foreign keys (to tables of s; others are ignored).  Ready tables come
** in model order.  Returns 0 or CW_ENOMEM (order then empty). */
int cw_schema_order(cw_schema *s, cw_error *err);

/* SQLite's affinity rule for a declared type (no type: BLOB). */
cw_affinity cw_schema_affinity(const char *declared_type);

void cw_schema_free(cw_schema *s);

/* ---- the comparison ---- */

/* What differs, and both values ("" when a side has none).  `what` is
** one of: "extra table" / "missing table" (only in a / only in b), and
** per table "extra column", "missing column", "type", "not null",
** "default", "primary key", "autoincrement", "generated", "collate",
** "without rowid", "strict", "extra foreign key", "missing foreign key",
** "foreign key columns", "on delete", "on update", "deferrable", "extra
** index", "missing index", "index name", "unique index", "index
** columns", "index where", "extra check", "missing check", "check name";
** then "extra view", "missing view", "view" (table NULL, column the
** view), "extra trigger", "missing trigger", "trigger" (table the
** trigger's, column the trigger), "extra virtual table", "missing
** virtual table", "virtual table".  column names the column, the foreign
** key ("(a, b) REFERENCES p(x, y)"), the index or the check (its name,
** or NULL). */
typedef struct cw_schema_difference {
	char *table;           /* NULL for a difference of the whole schema */
	char *column;          /* or the index/foreign key/check it is
			       ** about, or NULL */
	char *what;
	char *left;            /* the value in a ("" when absent) */
	char *right;           /* the value in b */
} cw_schema_difference;

typedef struct cw_schema_diff {
	cw_schema_difference *items;
	size_t n;
} cw_schema_diff;

typedef struct cw_schema_diff_options {
	int ignore_index_names;    /* compare indexes by table, columns,
				   ** uniqueness and WHERE only */
	int ignore_checks;         /* a side that cannot know them */
	int ignore_triggers_views;
} cw_schema_diff_options;

#define CW_SCHEMA_DIFF_OPTIONS_INIT {0, 0, 0}

/* Every difference between a and b, normalised: identifiers compared
** without quotes and case, types by their upper-case words, defaults and
** expressions by their tokens (whitespace, outer parentheses, quoting of
** identifiers, a table's own qualifier and letter case of keywords
** ignored; defaults by the value SQLite stores under the column's
** affinity), indexes and foreign keys and checks as sets (clause order
** ignored), NO ACTION as no action, an implied parent key as the
** parent's primary key.  Column order is not compared; against a
** snapshot neither is what a snapshot cannot hold (see is_snapshot).
** lib/schema_compare.c lists every rule.  In table, then column order
** of a; then tables only in b; then views, triggers, virtual tables.
** o may be NULL.  Returns 0 or CW_ENOMEM (out is then empty). */
int cw_schema_compare(cw_schema_diff *out, const cw_schema *a,
		      const cw_schema *b, const cw_schema_diff_options *o,
		      cw_error *err);

void cw_schema_diff_free(cw_schema_diff *d);

/* One difference as one line into buf ("table.column: what: 'left' vs
** 'right'"); returns buf. */
const char *cw_schema_difference_text(char *buf, size_t n,
				      const cw_schema_difference *d);

#endif
