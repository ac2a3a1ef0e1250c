/*
** schema_drift.c - schema.ts in sync with the migrations.  Design in
** schema_drift.h.
*/
#include "schema_drift.h"
#include "codes.h"
#include "db.h"
#include "migrate.h"
#include "snapshot.h"
#include "stmtrule.h"
#include "text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* A private database the exported SQL may do nothing harmful in. */
static int open_private(sqlite3 **db, cw_error *err)
{
	int rc = cw_db_open_memory(db, err);

	if (rc != 0)
		return rc;
	sqlite3_db_config(*db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
	sqlite3_db_config(*db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL);
	sqlite3_db_config(*db, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0, NULL);
	sqlite3_limit(*db, SQLITE_LIMIT_ATTACHED, 0);
	return 0;
}

int cw_schema_read_sql_file(cw_schema *out, const char *path, cw_error *err)
{
	cw_schema_options so = CW_SCHEMA_OPTIONS_INIT;
	cw_bytes t = {0};
	sqlite3 *db = NULL;
	const char *p, *tail = NULL;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = cw_text_read_file(&t, path, err)) != 0)
		return rc;
	if ((rc = open_private(&db, err)) != 0) {
		cw_bytes_free(&t);
		return rc;
	}
	/* Statement by statement, so a refused one is named by its line.
	** A schema is CREATE statements: anything else (ATTACH, VACUUM
	** INTO, PRAGMA, INSERT ...) is refused before it runs. */
	for (p = t.data; rc == 0 && p && *p; p = tail) {
		sqlite3_stmt *st = NULL;
		const char *w = cw_stmtrule_skip_blank(p);
		int src;
		if (*w == '\0')
			break;
		if (strncasecmp(w, "CREATE", 6) != 0) {
			int line, col;
			cw_text_line_col(t.data, (size_t)(w - t.data), &line,
					 &col);
			rc = cw_error_set(err, CW_EINVAL, NULL, path, line,
					  "%s:%d: only CREATE statements "
					  "belong in an exported schema",
					  path, line);
			break;
		}
		src = sqlite3_prepare_v2(db, p, -1, &st, &tail);
		if (src == SQLITE_OK && st != NULL) {
			src = sqlite3_step(st);
			if (src == SQLITE_DONE || src == SQLITE_ROW)
				src = SQLITE_OK;
		}
		if (src != SQLITE_OK) {
			int line, col;
			cw_text_line_col(t.data, (size_t)(p - t.data), &line,
					 &col);
			while (*p == '\n' || *p == ' ' || *p == '\t' ||
			       *p == '\r')
				cw_text_line_col(t.data, (size_t)(++p - t.data),
						 &line, &col);
			rc = cw_error_set(err, CW_EINVAL, NULL, path, line,
					  "%s:%d: SQLite refuses this "
					  "statement of the exported schema: %s",
					  path, line, sqlite3_errmsg(db));
		}
		sqlite3_finalize(st);
		if (tail == p)
			break;
	}
	if (rc == 0) {
		so.skip_table = CW_MIGRATIONS_TABLE;
		rc = cw_schema_read_db(out, db, &so, err);
	}
	sqlite3_close(db);
	cw_bytes_free(&t);
	return rc;
}

/* The schema the migrations build at head, by the engine on a private
** database (a migration that fails leaves what came before it). */
static int head_schema(cw_schema *out, const cw_folder *f,
		       const cw_check_options *o, cw_error *err)
{
	cw_migrate_options mo = CW_MIGRATE_OPTIONS_INIT;
	cw_schema_options so = CW_SCHEMA_OPTIONS_INIT;
	cw_migrate_result r;
	sqlite3 *db = NULL;
	int rc = cw_db_open_memory(&db, err);

	memset(out, 0, sizeof(*out));
	if (rc != 0)
		return rc;
	mo.table = o ? o->table : NULL;
	mo.profile = o ? o->profile : NULL;
	mo.keep_going = 1;
	rc = cw_migrate_db(&r, db, f, &mo, err);
	cw_migrate_result_free(&r);
	if (rc == CW_ESQL) {
		cw_error_clear(err);
		rc = 0;
	}
	so.skip_table = o && o->table ? o->table : CW_MIGRATIONS_TABLE;
	if (rc == 0)
		rc = cw_schema_read_db(out, db, &so, err);
	sqlite3_close(db);
	return rc;
}

/* The newest snapshot's schema into *out; 0 when there is none or it
** cannot be read (then out is empty and *have is 0). */
static void newest_snapshot(cw_schema *out, int *have, const cw_folder *f)
{
	size_t k;

	memset(out, 0, sizeof(*out));
	*have = 0;
	for (k = f->n_migrations; k-- > 0 && !*have;) {
		char *path = cw_snapshot_path(f, k);
		cw_error e = {0};
		if (path && cw_schema_read_snapshot_file(out, path, &e) == 0)
			*have = 1;
		cw_error_clear(&e);
		free(path);
	}
}

/* Is the statement at p a CREATE TABLE of t (any quoting, any case)? */
static int creates(const char *p, const char *t)
{
	size_t n = strlen(t);

	if (strncasecmp(p, "CREATE TABLE", 12) != 0)
		return 0;
	p += 12;
	while (*p == ' ' || *p == '\t')
		p++;
	if (strncasecmp(p, "IF NOT EXISTS", 13) == 0)
		for (p += 13; *p == ' ' || *p == '\t'; p++)
			;
	if (*p == '`' || *p == '"' || *p == '[')
		p++;
	return strncasecmp(p, t, n) == 0 &&
	       strchr("`\"] \t(", p[n]) != NULL && p[n] != '\0';
}

/* The line of the export where table t is created, or 0. */
static int line_of(const char *text, const char *t)
{
	const char *p = text;
	int line = 1;

	for (; t && *p; p++) {
		if (*p == '\n')
			line++;
		else if ((p == text || p[-1] == '\n') && creates(p, t))
			return line;
	}
	return 0;
}

static int same_name(const char *a, const char *b)
{
	return (a == NULL && b == NULL) ||
	       (a != NULL && b != NULL && strcasecmp(a, b) == 0);
}

/* Does d (the snapshot against schema.ts) hold the difference x (the
** migrations against schema.ts): the same place, the same kind, the
** same schema.ts side?  Then the snapshot agrees with the migrations
** there.  Compared by parts, not text: a snapshot spells types and
** defaults its own way. */
static int in_diff(const cw_schema_diff *d, const cw_schema_difference *x)
{
	size_t i;

	for (i = 0; i < d->n; i++) {
		const cw_schema_difference *y = &d->items[i];
		if (same_name(y->table, x->table) &&
		    same_name(y->column, x->column) &&
		    strcmp(y->what, x->what) == 0 &&
		    same_name(y->right, x->right))
			return 1;
	}
	return 0;
}

int cw_schema_drift_check(cw_diags *out, const cw_folder *f,
			  const char *sql_path, const cw_check_options *o,
			  cw_error *err)
{
	cw_schema_diff_options dopt = CW_SCHEMA_DIFF_OPTIONS_INIT;
	cw_schema head, ts, snap;
	cw_schema_diff d, ds;
	cw_bytes text = {0};
	char line[2048];
	size_t i;
	int rc, have_snap = 0, have_ds = 0;

	memset(&head, 0, sizeof(head));
	rc = cw_schema_read_sql_file(&ts, sql_path, err);
	if (rc != 0)
		return rc;
	rc = head_schema(&head, f, o, err);
	if (rc == 0)
		rc = cw_schema_compare(&d, &head, &ts, &dopt, err);
	if (rc != 0) {
		cw_schema_free(&ts);
		cw_schema_free(&head);
		return rc;
	}
	newest_snapshot(&snap, &have_snap, f);
	if (have_snap && cw_schema_compare(&ds, &snap, &ts, &dopt, err) == 0)
		have_ds = 1;
	cw_error_clear(err);
	(void)cw_text_read_file(&text, sql_path, err);
	cw_error_clear(err);
	for (i = 0; i < d.n; i++) {
		const cw_schema_difference *x = &d.items[i];
		cw_diag *g;
		cw_schema_difference_text(line, sizeof(line), x);
		g = cw_diags_add(out, CW_N007, sql_path, text.data ?
				 line_of(text.data, x->table) : 0, 0,
				 "schema.ts and the migrations disagree: %s "
				 "(the migrations at head vs schema.ts)",
				 line);
		if (have_ds && in_diff(&ds, x))
			cw_diag_set_hint(g, "schema.ts was changed but no "
					 "migration was generated (the newest "
					 "snapshot agrees with the migrations): "
					 "run drizzle-kit generate");
		else if (have_ds)
			cw_diag_set_hint(g, "a hand-written migration made "
					 "this change and schema.ts does not "
					 "have it (the newest snapshot agrees "
					 "with schema.ts): make the same change "
					 "in schema.ts, then regenerate the "
					 "snapshot");
	}
	cw_bytes_free(&text);
	if (have_ds)
		cw_schema_diff_free(&ds);
	if (have_snap)
		cw_schema_free(&snap);
	cw_schema_diff_free(&d);
	cw_schema_free(&ts);
	cw_schema_free(&head);
	return 0;
}
