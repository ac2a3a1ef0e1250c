/*
** schema_drift.h - schema.ts in sync: the schema the migrations build at
** head against the schema the TypeScript source declares, as
** `drizzle-kit export --sql` prints it (`cw check --schema-sql FILE`).
**
** The exported SQL is run in a private in-memory database (defensive
** settings: no ATTACH, no extensions, no triggers or views executed) and
** read with the one schema model (schema.h), like the database the
** migrations build with the engine; the one normalised comparison then
** names each difference, so quoting, whitespace and the order of
** table-level clauses are never differences.  Each difference is N007,
** and its hint says the likely cause, decided by the newest snapshot
** (what drizzle-kit generate diffs schema.ts against):
**  - the snapshot agrees with the migrations: schema.ts was edited but
**    no migration was generated;
**  - the snapshot agrees with schema.ts: a hand-written migration made a
**    change schema.ts does not have;
**  - no snapshot, or neither: both ways are named.
*/
#ifndef CW_SCHEMA_DRIFT_H
#define CW_SCHEMA_DRIFT_H

#include "check.h"
#include "schema.h"

/* The schema that the SQL in file path declares.  CW_ENOTFOUND/CW_EIO
** when it cannot be read, CW_EINVAL (naming the line and SQLite's
** message) when a statement is refused, CW_ENOMEM. */
int cw_schema_read_sql_file(cw_schema *out, const char *path, cw_error *err);

/* N007 for every difference between the migrations of f at head and the
** schema in sql_path.  0 when compared (whatever was found), or the
** error that kept it from running. */
int cw_schema_drift_check(cw_diags *out, const cw_folder *f,
			  const char *sql_path, const cw_check_options *o,
			  cw_error *err);

#endif
