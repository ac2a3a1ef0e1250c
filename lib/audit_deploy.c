/*
** audit_deploy.c - what the next deploy will do (audit.h): the pending
** entries run by the engine, as drizzle runs them (foreign keys ON, one
** batch), on a private scratch file copy of the database, so memory does
** not grow with it.  Rows and values are followed the way replay follows
** an upgrade (replay.c upgrade_real): digests of the tables the pending
** texts can reach before and after; only when they differ is the run
** repeated on a fresh copy with those tables copied aside (rowdiff.h) to
** say which rows went and which values changed.
*/
#include "audit_int.h"
#include "codes.h"
#include "db.h"
#include "rowdiff.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A scratch file holding a copy of what the read connection sees (the
** WAL frames included), made with the backup API page by page. */
static int scratch_copy(cw_audit_ctx *x, sqlite3 **db, char **path)
{
	sqlite3_backup *b;
	int rc = cw_db_open_scratch(db, path, NULL, x->err);

	if (rc != 0)
		return rc;
	cw_audit_step(x, "copying the database for the dry run");
	b = sqlite3_backup_init(*db, "main", x->rd.db, "main");
	rc = b ? sqlite3_backup_step(b, -1) : SQLITE_ERROR;
	if (b != NULL)
		sqlite3_backup_finish(b);
	if (rc == SQLITE_DONE)
		return 0;
	rc = cw_error_set(x->err, CW_EIO, NULL, x->path, 0, "%s: cannot copy "
			  "the database for the dry run: %s", x->path,
			  sqlite3_errmsg(*db));
	cw_db_close_scratch(*db, *path);
	*db = NULL;
	*path = NULL;
	return rc;
}

/* The schema model of db, the migrations table left out. */
static int read_schema(cw_audit_ctx *x, sqlite3 *db, cw_schema *out)
{
	cw_schema_options so = CW_SCHEMA_OPTIONS_INIT;

	so.skip_table = x->table;
	return cw_schema_read_db(out, db, &so, x->err);
}

/* The row count of table t, or -1 when it cannot be counted. */
static long long count_rows(sqlite3 *db, const char *t)
{
	char *q = cw_db_quote_ident(t);
	char *sql = q ? sqlite3_mprintf("SELECT count(*) FROM %s", q) : NULL;
	sqlite3_stmt *st = NULL;
	long long n = -1;

	if (sql != NULL && sqlite3_prepare_v2(db, sql, -1, &st, NULL) ==
	    SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_free(sql);
	free(q);
	return n;
}

/* The record of table t in the result, made if new (NULL: no memory). */
static cw_audit_table *table_of(cw_audit_result *r, const char *t)
{
	cw_audit_table *n;
	size_t i;

	for (i = 0; i < r->n_tables; i++)
		if (strcmp(r->tables[i].name, t) == 0)
			return &r->tables[i];
	n = realloc(r->tables, (r->n_tables + 1) * sizeof(*n));
	if (n == NULL)
		return NULL;
	r->tables = n;
	n = &r->tables[r->n_tables];
	memset(n, 0, sizeof(*n));
	n->after = -1;
	if ((n->name = strdup(t)) == NULL)
		return NULL;
	r->n_tables++;
	return n;
}

/* Row counts of the reachable tables, before (after = 0) or after. */
static int counts(cw_audit_ctx *x, sqlite3 *db, const cw_schema *s,
		  const unsigned char *hot, int after)
{
	size_t i;

	for (i = 0; i < s->n_tables; i++) {
		cw_audit_table *t;
		if (hot != NULL && !hot[i])
			continue;
		if ((t = table_of(x->res, s->tables[i].name)) == NULL)
			return cw_error_set(x->err, CW_ENOMEM, NULL, NULL, 0,
					    "oom");
		if (after)
			t->after = count_rows(db, t->name);
		else
			t->before = count_rows(db, t->name);
	}
	return 0;
}

static int on_loss(void *ctx, const cw_rowdiff_loss *l)
{
	cw_audit_ctx *x = ctx;
	cw_audit_table *t = table_of(x->res, l->table);

	if (t == NULL)
		return CW_ENOMEM;
	if (l->column == NULL) {
		t->lost += l->lost;
		cw_diags_add(x->d, CW_A007, x->path, 0, 0, "the next deploy "
			     "deletes %lld of %lld rows of %s", l->lost,
			     l->rows, l->table);
	} else {
		t->changed += l->lost;
		cw_diags_add(x->d, CW_A008, x->path, 0, 0, "the next deploy "
			     "changes %lld of %lld values of %s.%s", l->lost,
			     l->rows, l->table, l->column);
	}
	return x->d->oom ? CW_ENOMEM : 0;
}

/* The failing statement on one line, shortened, into buf. */
static const char *one_line(char *buf, size_t n, const cw_migrate_failure *fl)
{
	size_t i, o = 0;

	for (i = 0; fl->sql != NULL && i < fl->sql_len && o + 4 < n; i++) {
		char c = fl->sql[i];
		if (c == '\n' || c == '\r' || c == '\t')
			c = ' ';
		if (c != ' ' || (o > 0 && buf[o - 1] != ' '))
			buf[o++] = c;
	}
	if (fl->sql != NULL && i < fl->sql_len)
		buf[o++] = '.', buf[o++] = '.', buf[o++] = '.';
	while (o > 0 && (buf[o - 1] == ' ' || buf[o - 1] == ';'))
		o--;
	buf[o] = '\0';
	return buf;
}

/* A failure of the batch: where, and what SQLite said (A006). */
static void failed(cw_audit_ctx *x, const cw_migrate_result *r)
{
	const cw_migrate_failure *fl = &r->failure;
	const cw_migration *m = fl->entry < x->f->n_migrations ?
				&x->f->migrations[fl->entry] : NULL;
	char stmt[160];
	cw_diag *g;

	/* Stopped by cw (a file it would write, its time limit), not by the
	** data: the deploy runs it, so only this much is known. */
	if (*cw_migrate_refusal(fl) && m != NULL) {
		g = cw_diags_add(x->d, CW_A013, m->path, fl->line, 0, "the "
				 "dry run stopped at %s, statement %zu (%s)%s; "
				 "what the deploy does from there on is not "
				 "known", m->entry->tag, fl->piece,
				 one_line(stmt, sizeof(stmt), fl),
				 cw_migrate_refusal(fl));
		if (g != NULL)
			cw_diag_set_tag(g, m->entry->tag);
		return;
	}
	x->res->deploy_failed = 1;
	snprintf(x->res->deploy_failure, sizeof(x->res->deploy_failure),
		 "%s:%d: %s", m ? m->path : x->path, m ? fl->line : 0,
		 fl->message);
	if (m == NULL)
		g = cw_diags_add(x->d, CW_A006, x->path, 0, 0, "the next "
				 "deploy fails at the batch's COMMIT: \"%s\"; "
				 "drizzle rolls the whole batch back",
				 fl->message);
	else
		g = cw_diags_add(x->d, CW_A006, m->path, fl->line, 0, "the "
				 "next deploy fails at %s, statement %zu (%s): "
				 "\"%s\"; drizzle rolls the whole batch back",
				 m->entry->tag, fl->piece,
				 one_line(stmt, sizeof(stmt), fl),
				 fl->message);
	if (g != NULL && m != NULL)
		cw_diag_set_tag(g, m->entry->tag);
}

/* Run the pending entries on db; after it, *same says whether the
** digested tables kept their rows and values (when dg is given), or the
** losses are emitted (when rd is given). */
static int run_batch(cw_audit_ctx *x, sqlite3 *db, const cw_schema *before,
		     const unsigned char *hot, cw_rowdigests *dg,
		     cw_rowdiff *rd, int *same)
{
	cw_migrate_options mo;
	cw_migrate_result r;
	cw_schema after;
	int rc;

	cw_audit_engine_options(x, &mo);
	cw_audit_step(x, "running the pending migrations on a copy");
	rc = cw_migrate_db(&r, db, x->f, &mo, x->err);
	if (rc == CW_ESQL && r.failure.has_failure) {
		failed(x, &r);
		cw_error_clear(x->err);
		cw_migrate_result_free(&r);
		return 0;
	}
	cw_migrate_result_free(&r);
	if (rc != 0)
		return rc;
	rc = read_schema(x, db, &after);
	if (rc == 0 && dg != NULL)
		rc = cw_rowdiff_digest_same(dg, db, &after, NULL, NULL, same,
					    x->err);
	if (rc == 0 && rd != NULL)
		rc = cw_rowdiff_compare(rd, db, &after, NULL, NULL, on_loss, x,
					NULL, 0, x->err);
	if (rc == 0 && dg != NULL)
		rc = counts(x, db, before, hot, 1);
	cw_schema_free(&after);
	return rc;
}

/* The texts of the pending entries, for cw_rowdiff_reach. */
static const char **pending_texts(const cw_audit_ctx *x, size_t *n)
{
	const char **t = calloc(x->f->n_migrations + 1, sizeof(*t));
	size_t k;

	*n = 0;
	for (k = 0; t != NULL && k < x->f->n_migrations; k++)
		if (x->res->plan.entries[k].status == CW_MIG_PENDING)
			t[(*n)++] = x->f->migrations[k].text.data;
	return t;
}

/* The second run, rows copied aside: which rows and values went. */
static int measure(cw_audit_ctx *x, const unsigned char *hot)
{
	cw_rowdiff rd = CW_ROWDIFF_INIT;
	cw_schema before;
	sqlite3 *db = NULL;
	char *path = NULL;
	int same = 1;
	int rc = scratch_copy(x, &db, &path);

	memset(&before, 0, sizeof(before));
	if (rc == 0)
		rc = read_schema(x, db, &before);
	if (rc == 0) {
		cw_audit_step(x, "copying the rows the deploy changes");
		rc = cw_rowdiff_save(&rd, db, &before, hot, x->err);
	}
	if (rc == 0)
		rc = run_batch(x, db, &before, hot, NULL, &rd, &same);
	cw_rowdiff_drop(&rd, db);
	cw_schema_free(&before);
	cw_db_close_scratch(db, path);
	return rc;
}

int cw_audit_deploy(cw_audit_ctx *x)
{
	cw_rowdigests dg = CW_ROWDIGESTS_INIT;
	cw_schema before;
	unsigned char *hot = NULL;
	const char **texts = NULL;
	sqlite3 *db = NULL;
	char *path = NULL;
	size_t n = 0;
	int same = 1;
	int rc;

	if (x->res->n_pending == 0)
		return 0;
	memset(&before, 0, sizeof(before));
	x->res->deploy_ran = 1;
	rc = scratch_copy(x, &db, &path);
	if (rc == 0)
		rc = read_schema(x, db, &before);
	if (rc == 0) {
		texts = pending_texts(x, &n);
		hot = texts ? cw_rowdiff_reach(&before, texts, n) : NULL;
		if (hot == NULL)
			rc = cw_error_set(x->err, CW_ENOMEM, NULL, NULL, 0,
					  "oom");
	}
	if (rc == 0)
		rc = counts(x, db, &before, hot, 0);
	if (rc == 0) {
		cw_audit_step(x, "digesting the tables the deploy reaches");
		rc = cw_rowdiff_digest(&dg, db, &before, hot, x->err);
	}
	if (rc == 0)
		rc = run_batch(x, db, &before, hot, &dg, NULL, &same);
	cw_db_close_scratch(db, path);
	if (rc == 0 && !same && !x->res->deploy_failed)
		rc = measure(x, hot);
	cw_rowdigests_free(&dg);
	cw_schema_free(&before);
	free(hot);
	free(texts);
	return rc;
}
