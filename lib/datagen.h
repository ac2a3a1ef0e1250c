/*
** datagen.h - the one data generator: rows for every table of a schema,
** satisfying every constraint, the same bytes for the same seed; and the
** fixture build that applies a journal prefix with the engine and fills
** the result (`cw fixtures build`).
**
** cw_datagen_fill works on the schema model (schema.h) of an open
** database and fills its tables in foreign-key order (cw_schema's) until
** each holds `rows` rows (rows already there from migrations or seed SQL
** count).  What the rows satisfy:
**   - NOT NULL, declared types by affinity, STRICT types;
**   - primary keys (composite, WITHOUT ROWID; AUTOINCREMENT and other
**     rowid aliases are left to SQLite), UNIQUE constraints and unique
**     indexes, composite and partial: columns that must be distinct carry
**     the row number;
**   - foreign keys: values are read back from the parent's rows (INSERT
**     ... RETURNING), and for each child table one foreign key per parent
**     maps the first rows onto a permutation of the parent's rows, so
**     every parent row has a child.  Keys that share a column (userId in
**     (userId) and in (userId, tagId)) take parent rows that agree.  A
**     self-reference points at an earlier row of the table (or is NULL
**     now and then when nullable).  A reference into a table filled later
**     (a cycle) is written NULL, or a stand-in while foreign keys are
**     deferred, and set once that table has rows.  A key with a nullable
**     column is "NULL" when that column is (MATCH SIMPLE).  Before
**     COMMIT, anything still pointing at nothing is removed and its table
**     reported (never expected to happen);
**   - CHECK constraints: simple ones (x > 0, x IN (...), x BETWEEN a AND
**     b, length(x) <= n, x IS NOT NULL, json_valid(x), joined by AND, or
**     "x IS NULL OR ...") are read with sqlscan and met by construction;
**     any other is tested by the INSERT itself, and a row that fails a
**     constraint is drawn again, up to max_attempts times, before its
**     table is reported with SQLite's message for the last failure;
**   - generated columns are never written.
** Values look like what they are: timestamps by column name (integer
** milliseconds, or seconds when the default says unixepoch(); text
** ISO-8601), JSON in JSON columns (by name, a '{}' or '[]' default, a
** json_valid CHECK, or use with json_*(), -> or ->> anywhere in the
** folder: cw_datagen_json_columns), emails, URLs, UUIDs, names, paths.
** Columns with a default get other values, so a lost copy shows; one row
** in five is NULL in a nullable column.  A table with the contract's
** agent_log_chunks columns gets Claude Code stream-json (agentlog.h) and
** its true counts in the result's tally; its agents are those of the
** agents table (through agent_id's foreign key, or without one), about
** eight chunks each over several sessions, so that table is the one
** exception to "every parent row has a child".
**
** The run sets PRAGMA temp_store = MEMORY while it fills (each INSERT's
** statement journal would otherwise be written to disk) and restores it,
** and foreign_keys, afterwards.
**
** Determinism: each value is drawn from its own stream (prng.h), named by
** the seed, the table, the column, the row number and the attempt; there
** is no clock and no rand().  The same schema and seed give the same
** statements, so the same database bytes.
**
** The result owns every string in it; cw_datagen_result_free releases
** them.  Nothing here prints.
*/
#ifndef CW_DATAGEN_H
#define CW_DATAGEN_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>
#include "agentlog.h"
#include "error.h"
#include "folder.h"
#include "migrate.h"
#include "profile.h"
#include "schema.h"

/* Names of columns known to hold JSON (cw_datagen_json_columns). */
typedef struct cw_datagen_names {
	char **items;
	size_t n;
} cw_datagen_names;

typedef struct cw_datagen_options {
	size_t rows;                /* rows each table holds afterwards */
	uint64_t seed;
	int max_attempts;           /* draws per row before giving up */
	const cw_datagen_names *json_columns;  /* NULL: none known */
	/* Optional: called after each table with its rows so far. */
	void (*progress)(void *ctx, const char *table, size_t n_rows,
			 size_t n_tables_done, size_t n_tables);
	void *progress_ctx;
} cw_datagen_options;

#define CW_DATAGEN_OPTIONS_INIT {100, 1, 40, NULL, NULL, NULL}

typedef struct cw_datagen_table {
	char *name;
	size_t n_before;       /* rows it held before the generator */
	size_t n_generated;    /* rows the generator inserted and kept */
	size_t n_rows;         /* rows at the end */
	int is_filled;         /* n_rows >= the rows asked for */
	char *why;             /* why not: SQLite's message for the last
			       ** failing INSERT (or what stood in the
			       ** way), NULL when filled */
} cw_datagen_table;

typedef struct cw_datagen_result {
	cw_datagen_table *tables;  /* in the order they were filled */
	size_t n_tables;
	size_t n_unfilled;
	size_t n_generated;        /* rows inserted, all tables */
	size_t n_rows;             /* rows at the end, all tables */
	int has_agentlog;          /* agent_log_chunks got stream-json */
	cw_agentlog_tally tally;   /* ... and these are its true counts */
	size_t n_agentlog_before;  /* chunks that were there before (their
				   ** counts are not known) */
} cw_datagen_result;

/* Fill the tables of s (a model of db's main schema) as above, in one
** transaction on db, with foreign keys enforced (turned on for the run;
** deferred to COMMIT so cycles can be closed).  Tables that cannot be
** filled are in out with why; that is not an error.  Returns 0, CW_ESQL
** when the database refused something outside an INSERT (err says what),
** or CW_ENOMEM; on an error nothing of the run stays. */
int cw_datagen_fill(cw_datagen_result *out, sqlite3 *db, const cw_schema *s,
		    const cw_datagen_options *o, cw_error *err);

void cw_datagen_result_free(cw_datagen_result *r);

/* Column names the folder's SQL uses as JSON: the first argument of a
** json_*() or jsonb_*() function and the left side of -> and ->>, in any
** migration (qualifiers dropped, duplicates removed).  Returns 0 or
** CW_ENOMEM. */
int cw_datagen_json_columns(cw_datagen_names *out, const cw_folder *f,
			    cw_error *err);

void cw_datagen_names_free(cw_datagen_names *n);

/* ---- the fixture build ---- */

#define CW_DATAGEN_ALL ((size_t)-1)

typedef struct cw_datagen_build_options {
	size_t prefix;              /* journal entries to apply, or
				    ** CW_DATAGEN_ALL */
	const char *seed_dir;       /* seed SQL; NULL: the project's seed/
				    ** when the folder is
				    ** fixtures/<project>/apps/server/drizzle */
	int force;                  /* replace an existing file */
	const cw_profile *profile;  /* how the app runs the migrator */
	cw_datagen_options gen;
} cw_datagen_build_options;

#define CW_DATAGEN_BUILD_OPTIONS_INIT \
	{CW_DATAGEN_ALL, NULL, 0, NULL, CW_DATAGEN_OPTIONS_INIT}

typedef struct cw_datagen_build_result {
	size_t n_entries;          /* journal entries in the folder */
	size_t prefix;             /* entries applied */
	char *seed_dir;            /* the seed folder used, or NULL */
	size_t n_seeds;            /* seed files run */
	int migrated;              /* the engine ran (migrate is filled) */
	cw_migrate_result migrate;
	cw_datagen_result fill;
	char *expected_path;       /* FILE.expected.json, when written */
} cw_datagen_build_result;

/*
** Build the database file `path` for folder f: apply the first `prefix`
** entries with the engine to a fresh file written beside it
** (path.tmp-XXXXXX), run seed_dir/NNNN.sql right after entry NNNN (its
** idx) inside the migrator's transaction, introspect the result (the
** migrations table left out), fill it, and rename the file into place.
** When agent_log_chunks was filled, its true counts are written to
** path.expected.json first (atomically); a stale one is removed
** otherwise.  A failure leaves no half-built file: path is untouched.
**
** Returns 0 (unfilled tables are in out->fill, not an error); CW_EINVAL
** for a prefix beyond the journal, an existing path without force, or a
** seed file that fails; CW_ESQL when a migration fails (out->migrate
** holds the failure); CW_EIO, CW_ENOMEM.  Free out with
** cw_datagen_build_result_free.
*/
int cw_datagen_build(cw_datagen_build_result *out, const char *path,
		     const cw_folder *f, const cw_datagen_build_options *o,
		     cw_error *err);

void cw_datagen_build_result_free(cw_datagen_build_result *r);

#endif
