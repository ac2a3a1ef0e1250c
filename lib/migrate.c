/*
** migrate.c - drizzle's migrate() for better-sqlite3, in C.
*/
#include "migrate.h"
#include "db.h"
#include "text.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *cw_mig_status_name(cw_mig_status s)
{
	switch (s) {
	case CW_MIG_APPLIED: return "applied";
	case CW_MIG_WOULD_APPLY: return "would-apply";
	case CW_MIG_ALREADY_APPLIED: return "already-applied";
	case CW_MIG_SKIPPED: return "skipped";
	case CW_MIG_NOT_RUN: return "not-run";
	}
	return "not-run";
}

/* ---- the migrator ---- */

typedef struct run {
	sqlite3 *db;
	const cw_folder *f;
	const cw_migrate_options *o;
	cw_migrate_result *r;
	char *ident;          /* the table name quoted as drizzle quotes it
			      ** (its escapeName: cw_db_quote_ident) */
	char **applied_hashes;/* every hash in the table, for reporting */
	double *applied_when; /* created_at of every row, for reporting */
	size_t n_applied_rows;
} run;

static char *fmt_sql(const char *fmt, const char *ident)
{
	size_t n = strlen(fmt) + strlen(ident) + 1;
	char *s = malloc(n);

	if (s != NULL)
		snprintf(s, n, fmt, ident);
	return s;
}

static int fail_stmt(run *x, size_t entry, size_t piece, int line,
		     const char *sql, size_t sql_len, const char *message)
{
	cw_migrate_failure *fl = &x->r->failure;

	if (fl->has_failure)
		return 0;
	fl->has_failure = 1;
	fl->entry = entry;
	fl->piece = piece;
	fl->line = line;
	snprintf(fl->message, sizeof(fl->message), "%s", message);
	fl->sql = malloc(sql_len + 1);
	if (fl->sql != NULL) {
		memcpy(fl->sql, sql, sql_len);
		fl->sql[sql_len] = '\0';
	}
	return 0;
}

/* Run one statement of the migrator's own; 1 if it failed (recorded). */
static int own_stmt(run *x, const char *sql, cw_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(x->db, sql, -1, &st, NULL);

	if (rc == SQLITE_OK) {
		sqlite3_step(st);
		rc = sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	if (rc == SQLITE_OK)
		return 0;
	if ((rc & 0xff) == SQLITE_BUSY) {
		cw_error_set(err, CW_EBUSY, "R004", NULL, 0,
			     "database is locked by another process (%s) "
			     "while running: %s", sqlite3_errmsg(x->db), sql);
		return -1;
	}
	fail_stmt(x, (size_t)-1, 0, 0, sql, strlen(sql),
		  sqlite3_errmsg(x->db));
	return 1;
}

/* Read the high-water mark (and, for reporting, all rows). */
static int read_table(run *x, cw_error *err)
{
	char *sql = fmt_sql("SELECT id, hash, created_at FROM %s ORDER BY "
			    "created_at DESC", x->ident);
	sqlite3_stmt *st = NULL;
	size_t cap = 0;
	int rc;

	if (sql == NULL)
		return cw_error_set(err, CW_ENOMEM, NULL, NULL, 0, "oom");
	rc = sqlite3_prepare_v2(x->db, sql, -1, &st, NULL);
	free(sql);
	while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		sqlite3_value *ca = sqlite3_column_value(st, 2);
		const unsigned char *h = sqlite3_column_text(st, 1);
		if (!x->r->has_high_water) {
			/* ORDER BY ... LIMIT 1 in drizzle: the first row. */
			x->r->has_high_water = 1;
			x->r->high_water = cw_migrate_js_number(ca);
		}
		if (x->n_applied_rows == cap) {
			size_t nc = cap ? cap * 2 : 64;
			char **hh = realloc(x->applied_hashes,
					    nc * sizeof(*hh));
			double *ww = hh ? realloc(x->applied_when,
						  nc * sizeof(*ww)) : NULL;
			if (hh)
				x->applied_hashes = hh;
			if (ww == NULL)
				goto nomem;
			x->applied_when = ww;
			cap = nc;
		}
		x->applied_hashes[x->n_applied_rows] =
			strdup(h ? (const char *)h : "");
		x->applied_when[x->n_applied_rows] =
			cw_migrate_js_number(ca);
		if (x->applied_hashes[x->n_applied_rows++] == NULL)
			goto nomem;
		rc = SQLITE_OK;
	}
	sqlite3_finalize(st);
	if (rc == SQLITE_DONE)
		return 0;
	if ((rc & 0xff) == SQLITE_BUSY)
		return cw_error_set(err, CW_EBUSY, "R004", NULL, 0,
				    "database is locked by another process "
				    "(%s)", sqlite3_errmsg(x->db));
	fail_stmt(x, (size_t)-1, 0, 0, "SELECT id, hash, created_at ...", 31,
		  sqlite3_errmsg(x->db));
	return CW_ESQL;
nomem:
	sqlite3_finalize(st);
	return cw_error_set(err, CW_ENOMEM, NULL, NULL, 0, "out of memory");
}

/* Does hash h belong to some entry of the folder (any variant)? */
static int hash_in_folder(const cw_folder *f, const char *h)
{
	size_t k;

	for (k = 0; k < f->n_migrations; k++) {
		const cw_hashes *x = &f->migrations[k].hashes;
		if (!strcmp(h, x->drizzle) || !strcmp(h, x->raw) ||
		    !strcmp(h, x->lf))
			return 1;
	}
	return 0;
}

/* Was a journal entry at or below the high-water mark applied before?
** By any of its hashes; or by a row recorded with its exact `when` whose
** hash is no entry's at all (the file was edited after it was applied).
** A row of another entry with the same `when` does not count: that is
** precisely the migration drizzle skips silently (R001). */
static int was_applied(const run *x, const cw_migration *m)
{
	size_t i;

	for (i = 0; i < x->n_applied_rows; i++) {
		const char *h = x->applied_hashes[i];
		if (strcmp(h, m->hashes.drizzle) == 0 ||
		    strcmp(h, m->hashes.raw) == 0 ||
		    strcmp(h, m->hashes.lf) == 0)
			return 1;
	}
	for (i = 0; i < x->n_applied_rows; i++)
		if (x->applied_when[i] == m->entry->when &&
		    !hash_in_folder(x->f, x->applied_hashes[i]))
			return 1;
	return 0;
}

/* Prepare and step each piece of m; 1 on a recorded failure. */
static int run_pieces(run *x, size_t k, cw_error *err)
{
	const cw_migration *m = &x->f->migrations[k];
	size_t p;

	for (p = 0; p < m->pieces.n; p++) {
		const cw_piece *pc = &m->pieces.items[p];
		const char *sql = m->text.data + pc->offset;
		sqlite3_stmt *st = NULL;
		cw_prepared res;
		int rc = cw_rule_prepare(&st, &res, x->db, sql, pc->len,
					 x->o->rule, err);
		if (rc != 0)
			return -1;
		if (res.verdict != CW_PIECE_OK) {
			if ((res.sqlite_rc & 0xff) == SQLITE_BUSY) {
				cw_error_set(err, CW_EBUSY, "R004", NULL, 0,
					     "database is locked (%s)",
					     res.message);
				return -1;
			}
			fail_stmt(x, k, p + 1, pc->line, sql, pc->len,
				  res.message);
			return 1;
		}
		/* better-sqlite3's run(): one step, then reset. */
		sqlite3_step(st);
		rc = sqlite3_reset(st);
		sqlite3_finalize(st);
		if ((rc & 0xff) == SQLITE_BUSY) {
			cw_error_set(err, CW_EBUSY, "R004", m->path,
				     pc->line, "database is locked by another "
				     "process (%s) while running %s",
				     sqlite3_errmsg(x->db), m->entry->tag);
			return -1;
		}
		if (rc != SQLITE_OK) {
			fail_stmt(x, k, p + 1, pc->line, sql, pc->len,
				  sqlite3_errmsg(x->db));
			return 1;
		}
	}
	return 0;
}

static int record(run *x, size_t k, cw_error *err)
{
	const cw_migration *m = &x->f->migrations[k];
	char *sql = fmt_sql("INSERT INTO %s (\"hash\", \"created_at\") "
			    "VALUES(?, ?)", x->ident);
	sqlite3_stmt *st = NULL;
	int rc;

	if (sql == NULL)
		return -1;
	rc = sqlite3_prepare_v2(x->db, sql, -1, &st, NULL);
	if (rc == SQLITE_OK) {
		sqlite3_bind_text(st, 1, m->hashes.drizzle, -1,
				  SQLITE_STATIC);
		/* better-sqlite3 binds every JS number as a double. */
		sqlite3_bind_double(st, 2, m->entry->when);
		sqlite3_step(st);
		rc = sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	if ((rc & 0xff) == SQLITE_BUSY) {
		cw_error_set(err, CW_EBUSY, "R004", NULL, 0, "database is "
			     "locked by another process (%s) while recording "
			     "%s", sqlite3_errmsg(x->db), m->entry->tag);
		free(sql);
		return -1;
	}
	if (rc != SQLITE_OK)
		fail_stmt(x, k, 0, 0, sql, strlen(sql),
			  sqlite3_errmsg(x->db));
	free(sql);
	return rc == SQLITE_OK ? 0 : 1;
}

static void note_skips(run *x)
{
	size_t k;

	for (k = 0; k < x->r->n_entries; k++) {
		const cw_migration *m = &x->f->migrations[k];
		cw_diag *g;
		if (x->r->entries[k].status != CW_MIG_SKIPPED)
			continue;
		g = cw_diags_add(&x->r->diags, "R001", m->path,
				 0, 0, "migration %s will never run: its when "
				 "(%.17g) is not above the newest applied "
				 "created_at (%.17g); drizzle skips it "
				 "silently", m->entry->tag, m->entry->when,
				 x->r->high_water);
		cw_diag_set_tag(g, m->entry->tag);
	}
}

/* The loop over journal entries inside the transaction. */
static int apply_all(run *x, cw_error *err)
{
	size_t k;
	int rc;

	for (k = 0; k < x->f->n_migrations; k++) {
		const cw_migration *m = &x->f->migrations[k];
		cw_migrate_entry *e = &x->r->entries[k];
		int in_tx = !sqlite3_get_autocommit(x->db);
		/* Number(last.created_at) < when; NaN compares false. */
		if (x->r->has_high_water &&
		    !(x->r->high_water < m->entry->when)) {
			e->status = was_applied(x, m) ?
				CW_MIG_ALREADY_APPLIED : CW_MIG_SKIPPED;
			continue;
		}
		rc = run_pieces(x, k, err);
		if (rc == 0)
			rc = record(x, k, err);
		if (rc != 0)
			return rc;
		e->status = x->o->dry_run ? CW_MIG_WOULD_APPLY :
					    CW_MIG_APPLIED;
		if (in_tx && sqlite3_get_autocommit(x->db) &&
		    !x->r->transaction_ended) {
			cw_diag *g;
			x->r->transaction_ended = 1;
			x->r->ended_by = k;
			g = cw_diags_add(&x->r->diags, "R003", m->path, 0, 0,
					 "migration %s ended the migrator's "
					 "transaction; what follows runs "
					 "without it and cannot be rolled "
					 "back", m->entry->tag);
			cw_diag_set_tag(g, m->entry->tag);
		}
	}
	return 0;
}

static void count(cw_migrate_result *r)
{
	size_t k;

	for (k = 0; k < r->n_entries; k++) {
		switch (r->entries[k].status) {
		case CW_MIG_APPLIED:
		case CW_MIG_WOULD_APPLY: r->n_applied++; break;
		case CW_MIG_ALREADY_APPLIED: r->n_already++; break;
		case CW_MIG_SKIPPED: r->n_skipped++; break;
		default: break;
		}
	}
}

static const char create_fmt[] =
	"\n\t\t\tCREATE TABLE IF NOT EXISTS %s (\n"
	"\t\t\t\tid SERIAL PRIMARY KEY,\n"
	"\t\t\t\thash text NOT NULL,\n"
	"\t\t\t\tcreated_at numeric\n"
	"\t\t\t)\n\t\t";

static int migrate_body(run *x, cw_error *err)
{
	int locked = x->o->sequence == CW_SEQ_LOCKED;
	char *create = fmt_sql(create_fmt, x->ident);
	int rc;

	if (create == NULL)
		return cw_error_set(err, CW_ENOMEM, NULL, NULL, 0, "oom");
	rc = own_stmt(x, create, err);
	free(create);
	if (rc != 0)
		return rc < 0 ? err->code : CW_ESQL;
	if (!locked && (rc = read_table(x, err)) != 0)
		return rc;
	rc = own_stmt(x, locked ? "BEGIN IMMEDIATE" : "BEGIN", err);
	if (rc != 0)
		return rc < 0 ? err->code : CW_ESQL;
	if (locked && (rc = read_table(x, err)) != 0) {
		own_stmt(x, "ROLLBACK", NULL);
		return rc;
	}
	rc = apply_all(x, err);
	if (rc == 0)
		rc = own_stmt(x, "COMMIT", err);
	if (rc == 0)
		return 0;
	if (rc < 0 && err != NULL && err->code == CW_ENOMEM) {
		own_stmt(x, "ROLLBACK", NULL);
		return CW_ENOMEM;
	}
	/* drizzle: catch -> ROLLBACK -> rethrow.  When a migration already
	** ended the transaction, the ROLLBACK itself fails. */
	if (sqlite3_get_autocommit(x->db))
		x->r->failure.rollback_failed = 1;
	else
		sqlite3_exec(x->db, "ROLLBACK", NULL, NULL, NULL);
	if (rc < 0)
		return err ? err->code : CW_EBUSY;
	return CW_ESQL;
}

int cw_migrate_db(cw_migrate_result *out, sqlite3 *db, const cw_folder *f,
		  const cw_migrate_options *opts, cw_error *err)
{
	cw_migrate_options defaults = CW_MIGRATE_OPTIONS_INIT;
	cw_error local = {0};
	run x;
	size_t k;
	int rc;

	if (opts == NULL)
		opts = &defaults;
	if (err == NULL)
		err = &local;
	memset(out, 0, sizeof(*out));
	memset(&x, 0, sizeof(x));
	x.db = db;
	x.f = f;
	x.o = opts;
	x.r = out;
	out->n_entries = f->n_migrations;
	out->entries = calloc(f->n_migrations ? f->n_migrations : 1,
			      sizeof(*out->entries));
	x.ident = cw_db_quote_ident(opts->table ? opts->table :
			      CW_MIGRATIONS_TABLE);
	if (out->entries == NULL || x.ident == NULL) {
		free(x.ident);
		return cw_error_set(err, CW_ENOMEM, NULL, NULL, 0,
				    "out of memory");
	}
	for (k = 0; k < f->n_migrations; k++)
		out->entries[k].migration = &f->migrations[k];
	rc = migrate_body(&x, err);
	if (rc == CW_ESQL) {
		const cw_migrate_failure *fl = &out->failure;
		const char *tag = fl->entry == (size_t)-1 ? NULL :
			f->migrations[fl->entry].entry->tag;
		if (tag)
			cw_error_set(err, CW_ESQL, "R002",
				     f->migrations[fl->entry].path, fl->line,
				     "migration %s failed at piece %zu: %s",
				     tag, fl->piece, fl->message);
		else
			cw_error_set(err, CW_ESQL, "R002", NULL, 0,
				     "the migrator's statement failed: %s",
				     fl->message);
		/* The ROLLBACK undid the batch, unless a migration had
		** already ended the transaction: then what was recorded
		** stayed, as it does with drizzle. */
		for (k = 0; k < out->n_entries; k++)
			if (!out->transaction_ended &&
			    !fl->rollback_failed &&
			    (out->entries[k].status == CW_MIG_APPLIED ||
			     out->entries[k].status == CW_MIG_WOULD_APPLY))
				out->entries[k].status = CW_MIG_NOT_RUN;
	}
	if (rc == 0 || rc == CW_ESQL) {
		note_skips(&x);
		count(out);
	}
	for (k = 0; k < x.n_applied_rows; k++)
		free(x.applied_hashes[k]);
	free(x.applied_hashes);
	free(x.applied_when);
	free(x.ident);
	return rc;
}

int cw_migrate_path(cw_migrate_result *out, const char *db_path,
		    const cw_folder *f, const cw_migrate_options *opts,
		    cw_error *err)
{
	cw_migrate_options defaults = CW_MIGRATE_OPTIONS_INIT;
	sqlite3 *db = NULL;
	int rc;

	if (opts == NULL)
		opts = &defaults;
	memset(out, 0, sizeof(*out));
	if (opts->dry_run)
		rc = cw_db_open_memory_copy(&db, db_path, err);
	else
		rc = cw_db_open(&db, db_path, opts->busy_timeout_ms, err);
	if (rc != 0)
		return rc;
	rc = cw_migrate_db(out, db, f, opts, err);
	sqlite3_close(db);
	return rc;
}

void cw_migrate_result_free(cw_migrate_result *r)
{
	if (r == NULL)
		return;
	free(r->entries);
	free(r->failure.sql);
	cw_diags_free(&r->diags);
	memset(r, 0, sizeof(*r));
}
