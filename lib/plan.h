/*
** plan.h - what the migrator will do to a database, decided from its
** migrations table without changing anything.
**
** This is the migrator's own decision code (spec/drizzle-semantics.md
** section 2, step 4): the newest `created_at` is the high-water mark, and
** an entry is pending iff the table is empty or Number(high-water) < when.
** An entry at or below the mark is "already applied" when a row carries
** one of its hashes (saying which variant matched), or a row recorded with
** its exact `when` carries a hash no file of the folder has (the file was
** edited after it was applied); otherwise drizzle skips it silently and
** forever.  cw migrate runs on this plan; audit and replay read it.
**
** The plan owns its rows; free it with cw_plan_free.
*/
#ifndef CW_PLAN_H
#define CW_PLAN_H

#include <sqlite3.h>
#include <stddef.h>
#include "error.h"
#include "folder.h"

#define CW_MIGRATIONS_TABLE "__drizzle_migrations"

typedef enum cw_mig_status {
	CW_MIG_NOT_RUN = 0,     /* the batch failed before or at it */
	CW_MIG_APPLIED,         /* applied by this run */
	CW_MIG_WOULD_APPLY,     /* dry run: would be applied */
	CW_MIG_ALREADY_APPLIED, /* when <= high-water, found in the table */
	CW_MIG_SKIPPED,         /* when <= high-water, never applied: drizzle
				** will skip it forever */
	CW_MIG_PENDING,         /* plan only: the next run applies it */
	CW_MIG_PARTIAL          /* the batch failed after a COMMIT inside it
				** made some of this migration's pieces
				** permanent, but not its row */
} cw_mig_status;

/* Which of the file's hashes (hash.h) an applied row carries. */
typedef enum cw_hash_variant {
	CW_HASH_NONE = 0,  /* no row carries any of them */
	CW_HASH_DRIZZLE,   /* the decoded text: drizzle-orm 0.45 */
	CW_HASH_RAW,       /* the bytes on disk (differs for invalid UTF-8) */
	CW_HASH_LF,        /* CRLF turned into LF: a checkout with other line
			   ** endings, or drizzle-orm's unreleased main */
	CW_HASH_EDITED     /* no hash matches; a row has its exact `when`
			   ** and a hash no file has: edited after applying */
} cw_hash_variant;

typedef struct cw_applied_row {
	char *hash;          /* "" when NULL */
	double created_at;   /* Number(created_at) as drizzle reads it */
	int created_at_type; /* SQLITE_INTEGER, _FLOAT, _TEXT, _BLOB, _NULL */
} cw_applied_row;

typedef struct cw_plan_entry {
	cw_mig_status status;   /* PENDING, ALREADY_APPLIED or SKIPPED */
	cw_hash_variant matched;
	size_t row;             /* index in rows of the matching row, or
				** (size_t)-1 */
} cw_plan_entry;

typedef struct cw_plan {
	int table_exists;
	cw_applied_row *rows;   /* ORDER BY created_at DESC, as drizzle */
	size_t n_rows;
	int has_high_water;     /* the table has at least one row */
	double high_water;      /* Number(created_at) of the first row */
	cw_plan_entry *entries; /* parallel to the folder's migrations */
	size_t n_entries;
	size_t n_pending, n_already, n_skipped;
} cw_plan;

/* Read `table` (drizzle's name if NULL) of db and decide every entry of f.
** A missing table means every entry is pending.  Read-only.  Returns 0,
** CW_ESQL (the table cannot be read; err says why), CW_EBUSY or
** CW_ENOMEM. */
int cw_plan_read(cw_plan *out, sqlite3 *db, const cw_folder *f,
		 const char *table, cw_error *err);

/* Decide every entry of f from rows already in p (used by cw_plan_read;
** exposed so a caller holding rows from elsewhere can decide too). */
int cw_plan_decide(cw_plan *p, const cw_folder *f, cw_error *err);

void cw_plan_free(cw_plan *p);

/* "applied", "already-applied", "skipped", "would-apply", "pending",
** "partial" or "not-run". */
const char *cw_plan_status_name(cw_mig_status s);

/* "drizzle", "raw", "lf", "edited" or "none". */
const char *cw_plan_variant_name(cw_hash_variant v);

#endif
