/*
** db.h - SQLite connections configured the way better-sqlite3 configures
** them, so that what cw runs behaves as production does.
**
** better-sqlite3 12 (src/objects/database.cpp, deps/defines.gypi): extended
** result codes, a busy timeout, defensive mode, foreign keys ON, and
** double-quoted string literals OFF.  The amalgamation is built with the
** same defaults (SQLITE_DQS=0, SQLITE_DEFAULT_FOREIGN_KEYS=1); setting them
** per connection keeps a connection right whatever SQLite it runs on.
** Stock SQLite defaults to the opposite for the last two
** (spec/drizzle-semantics.md section 3b).
*/
#ifndef CW_DB_H
#define CW_DB_H

#include <sqlite3.h>
#include "error.h"

#define CW_DB_DEFAULT_BUSY_MS 60000

/* Where the linked SQLite came from: the better-sqlite3 release whose
** amalgamation and compile options were built in (set by the Makefile). */
const char *cw_db_sqlite_origin(void);

/* Apply better-sqlite3's connection settings to db. */
int cw_db_configure(sqlite3 *db, int busy_timeout_ms, cw_error *err);

/* Open (creating it if missing) a database file read-write and configure
** it.  A file that is not a SQLite database is refused with CW_EINVAL. */
int cw_db_open(sqlite3 **out, const char *path, int busy_timeout_ms,
	       cw_error *err);

/* Open path (a file name, or a URI with SQLITE_OPEN_URI) with flags,
** configure it and probe that it is a database: CW_EIO or CW_EINVAL
** (R005), CW_EBUSY (R004). */
int cw_db_open_flags(sqlite3 **out, const char *path, int flags,
		     int busy_ms, cw_error *err);

/* Open an existing database file, read-only or read-write, and configure
** it; never create one.  A missing file is CW_ENOTFOUND, a file that is
** not a database CW_EINVAL (both R005), a database locked past busy_ms
** CW_EBUSY (R004); the file is left as it was. */
int cw_db_open_existing(sqlite3 **out, const char *path, int readonly,
			int busy_ms, cw_error *err);

/* Open an existing database read-only (CW_ENOTFOUND if it is missing). */
int cw_db_open_readonly(sqlite3 **out, const char *path, cw_error *err);

/* An in-memory database holding a copy of path (empty if path does not
** exist), configured like cw_db_open.  The file is opened read-only and
** never created or modified. */
int cw_db_open_memory_copy(sqlite3 **out, const char *path, cw_error *err);

/* An empty configured in-memory database, confined (cw_db_confine). */
int cw_db_open_memory(sqlite3 **out, cw_error *err);

/* Keep the SQL run on db from writing files of its choosing: ATTACH of a
** file and VACUUM INTO fail with "not authorized" (SQLITE_AUTH).  Every database cw
** runs migrations on for itself (in memory, scratch, fixtures) is
** confined; `cw migrate` on the user's database is not, as drizzle's is
** not (L013 names such a statement). */
void cw_db_confine(sqlite3 *db);

/* 1 when db was confined (its migration SQL is also timed: watchdog.h). */
int cw_db_is_confined(sqlite3 *db);

/* 1 when foreign keys are enforced on db and no constraint violation is
** outstanding in its transaction (SQLITE_DBSTATUS_DEFERRED_FKS): then no
** row written while they were enforced points at nothing, and
** foreign_key_check need not scan.  The caller knows that enforcement
** was on for all the writes it asks about; 0 means "do not know". */
int cw_db_fk_all_resolved(sqlite3 *db);

/* sqlite3_deserialize of image (sqlite3_malloc'ed, taken over, freed on
** close, resizeable) into db's main, which is left confined. */
int cw_db_deserialize(sqlite3 *db, unsigned char *image, sqlite3_int64 size);

/* A new, empty database in a private temporary file in dir (NULL: the
** system's temporary folder), configured like cw_db_open: statements then
** behave as on the file database production runs (journal modes,
** locking), not as on an in-memory one.  *out_path is the file's name;
** cw_db_close_scratch removes the file and frees the name. */
int cw_db_open_scratch(sqlite3 **out, char **out_path, const char *dir,
		       cw_error *err);

/* A scratch database (as cw_db_open_scratch) holding a copy of the
** database at path (empty if path does not exist).  path is opened
** read-only and never created or modified: a dry run on this copy behaves
** as the real file would, journal modes included. */
int cw_db_open_scratch_copy(sqlite3 **out, char **out_path,
			    const char *path, cw_error *err);

/* Close a scratch database, remove its file and journals, and free path. */
void cw_db_close_scratch(sqlite3 *db, char *path);

/* Rows PRAGMA foreign_key_check reports in main, per table, in name
** order: the table names and counts (the caller frees both with
** cw_db_fk_violations_free).  Returns 0, CW_ESQL or CW_ENOMEM. */
typedef struct cw_fk_violations {
	char **tables;
	long long *counts;
	size_t n;
	long long total;
} cw_fk_violations;

int cw_db_fk_violations(cw_fk_violations *out, sqlite3 *db, cw_error *err);

/* The count of table t in v (case-sensitive, as SQLite reports it). */
long long cw_db_fk_violations_of(const cw_fk_violations *v, const char *t);

void cw_db_fk_violations_free(cw_fk_violations *v);

/* Run one or more statements; on failure err names what SQLite said. */
int cw_db_exec(sqlite3 *db, const char *sql, cw_error *err);

/* name as a quoted SQL identifier: wrapped in double quotes, inner double
** quotes doubled (drizzle's escapeName).  The caller frees it; NULL if out
** of memory. */
char *cw_db_quote_ident(const char *name);

#endif
