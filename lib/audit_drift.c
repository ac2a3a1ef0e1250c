/*
** audit_drift.c - cw audit's schema drift (audit.h): the live schema
** against the schema that replaying exactly the entries this database
** applied gives on an empty database.  Entries drizzle skipped or has not
** run yet are left out, so what remains is what someone did by hand (or
** an applied file that was edited since, A002).
*/
#include "audit_int.h"
#include "codes.h"
#include "db.h"

#include <stdlib.h>
#include <string.h>

/* f with only the entries this database ran (a row carries them), in
** journal order: the engine on an empty database then runs exactly
** those.  The migrations
** are shallow copies; free only the array. */
static int applied_only(cw_folder *out, const cw_audit_ctx *x)
{
	size_t k, n = 0;

	*out = *x->f;
	out->migrations = calloc(x->f->n_migrations + 1,
				 sizeof(*out->migrations));
	if (out->migrations == NULL)
		return cw_error_set(x->err, CW_ENOMEM, NULL, NULL, 0, "oom");
	for (k = 0; k < x->f->n_migrations; k++)
		if (x->ran[k])
			out->migrations[n++] = x->f->migrations[k];
	out->n_migrations = n;
	return 0;
}

/* Replay the applied entries into an in-memory database and read its
** schema into out. */
static int replayed(cw_schema *out, cw_audit_ctx *x)
{
	cw_schema_options so = CW_SCHEMA_OPTIONS_INIT;
	cw_migrate_options mo;
	cw_migrate_result r;
	cw_folder sub;
	sqlite3 *db = NULL;
	int rc = applied_only(&sub, x);

	memset(out, 0, sizeof(*out));
	if (rc != 0)
		return rc;
	rc = cw_db_open_memory(&db, x->err);
	if (rc == 0) {
		cw_audit_engine_options(x, &mo);
		/* A piece that fails on an empty database (it needed rows)
		** is passed over: the rest still says what the schema is. */
		mo.keep_going = 1;
		rc = cw_migrate_db(&r, db, &sub, &mo, x->err);
		if (rc == CW_ESQL) {
			cw_error_clear(x->err);
			rc = 0;
		}
		cw_migrate_result_free(&r);
	}
	so.skip_table = x->table;
	if (rc == 0)
		rc = cw_schema_read_db(out, db, &so, x->err);
	sqlite3_close(db);
	free(sub.migrations);
	return rc;
}

int cw_audit_drift(cw_audit_ctx *x)
{
	cw_schema_diff diff = {NULL, 0};
	cw_schema fresh;
	char line[1024];
	size_t i;
	int rc;

	cw_audit_step(x, "schema drift");
	rc = replayed(&fresh, x);
	if (rc == 0)
		rc = cw_schema_compare(&diff, &x->live, &fresh, NULL, x->err);
	for (i = 0; rc == 0 && i < diff.n; i++) {
		cw_schema_difference_text(line, sizeof(line), &diff.items[i]);
		cw_diags_add(x->d, CW_A009, x->path, 0, 0, "the live schema "
			     "differs from what the applied migrations make: "
			     "%s", line);
	}
	x->res->n_drift = diff.n;
	cw_schema_diff_free(&diff);
	cw_schema_free(&fresh);
	return rc != 0 ? rc : x->d->oom ? CW_ENOMEM : 0;
}
