/*
** plan.c - the migrator's decision: which entries the next run applies,
** which it finds applied, and which it skips forever.
*/
#include "plan.h"
#include "codes.h"
#include "db.h"
#include "jsnumber.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *cw_plan_status_name(cw_mig_status s)
{
	switch (s) {
	case CW_MIG_APPLIED: return "applied";
	case CW_MIG_WOULD_APPLY: return "would-apply";
	case CW_MIG_ALREADY_APPLIED: return "already-applied";
	case CW_MIG_SKIPPED: return "skipped";
	case CW_MIG_PENDING: return "pending";
	case CW_MIG_PARTIAL: return "partial";
	case CW_MIG_NOT_RUN: return "not-run";
	}
	return "not-run";
}

const char *cw_plan_variant_name(cw_hash_variant v)
{
	switch (v) {
	case CW_HASH_DRIZZLE: return "drizzle";
	case CW_HASH_RAW: return "raw";
	case CW_HASH_LF: return "lf";
	case CW_HASH_EDITED: return "edited";
	case CW_HASH_NONE: return "none";
	}
	return "none";
}

static cw_hash_variant variant_of(const cw_hashes *h, const char *row)
{
	if (strcmp(row, h->drizzle) == 0)
		return CW_HASH_DRIZZLE;
	if (strcmp(row, h->raw) == 0)
		return CW_HASH_RAW;
	if (strcmp(row, h->lf) == 0)
		return CW_HASH_LF;
	return CW_HASH_NONE;
}

/* Does hash h belong to some entry of the folder (any variant)? */
static int hash_in_folder(const cw_folder *f, const char *h)
{
	size_t k;

	for (k = 0; k < f->n_migrations; k++)
		if (f->migrations[k].load_rc == 0 &&
		    variant_of(&f->migrations[k].hashes, h) != CW_HASH_NONE)
			return 1;
	return 0;
}

/* An entry at or below the high-water mark: applied before (by a hash,
** or by its exact `when` with a hash of no file), or skipped.  A row of
** another entry with the same `when` does not count: that is precisely
** the migration drizzle skips silently. */
static void decide_old(cw_plan *p, const cw_folder *f, size_t k)
{
	const cw_migration *m = &f->migrations[k];
	cw_plan_entry *e = &p->entries[k];
	size_t i;

	e->status = CW_MIG_SKIPPED;
	for (i = 0; m->load_rc == 0 && i < p->n_rows; i++) {
		cw_hash_variant v = variant_of(&m->hashes, p->rows[i].hash);
		if (v != CW_HASH_NONE) {
			e->status = CW_MIG_ALREADY_APPLIED;
			e->matched = v;
			e->row = i;
			return;
		}
	}
	for (i = 0; m->entry && i < p->n_rows; i++)
		if (p->rows[i].created_at == m->entry->when &&
		    !hash_in_folder(f, p->rows[i].hash)) {
			e->status = CW_MIG_ALREADY_APPLIED;
			e->matched = CW_HASH_EDITED;
			e->row = i;
			return;
		}
}

int cw_plan_decide(cw_plan *p, const cw_folder *f, cw_error *err)
{
	size_t k;

	free(p->entries);
	p->n_entries = f->n_migrations;
	p->n_pending = p->n_already = p->n_skipped = 0;
	p->entries = calloc(f->n_migrations ? f->n_migrations : 1,
			    sizeof(*p->entries));
	if (p->entries == NULL)
		return cw_error_set(err, CW_ENOMEM, NULL, NULL, 0,
				    "out of memory planning %s", f->dir);
	for (k = 0; k < f->n_migrations; k++) {
		const cw_migration *m = &f->migrations[k];
		cw_plan_entry *e = &p->entries[k];
		e->row = (size_t)-1;
		/* Number(last.created_at) < when; NaN compares false. */
		if (!p->has_high_water || (m->entry &&
		    p->high_water < m->entry->when)) {
			e->status = CW_MIG_PENDING;
			p->n_pending++;
			continue;
		}
		decide_old(p, f, k);
		if (e->status == CW_MIG_ALREADY_APPLIED)
			p->n_already++;
		else
			p->n_skipped++;
	}
	return 0;
}

static int table_exists(sqlite3 *db, const char *table, int *out,
			cw_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(db, "SELECT 1 FROM sqlite_master WHERE "
				    "type = 'table' AND name = ?", -1, &st,
				    NULL);

	if (rc == SQLITE_OK) {
		sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
		rc = sqlite3_step(st);
		*out = rc == SQLITE_ROW;
		rc = rc == SQLITE_ROW || rc == SQLITE_DONE ? SQLITE_OK : rc;
	}
	sqlite3_finalize(st);
	if (rc == SQLITE_OK)
		return 0;
	return cw_error_set(err, (rc & 0xff) == SQLITE_BUSY ? CW_EBUSY :
			    CW_ESQL, (rc & 0xff) == SQLITE_BUSY ? CW_R004 :
			    CW_R005, NULL, 0, "reading the schema: %s",
			    sqlite3_errmsg(db));
}

static int add_row(cw_plan *p, size_t *cap, sqlite3_stmt *st)
{
	const unsigned char *h = sqlite3_column_text(st, 1);
	sqlite3_value *ca = sqlite3_column_value(st, 2);
	cw_applied_row *r;

	if (p->n_rows == *cap) {
		size_t nc = *cap ? *cap * 2 : 64;
		r = realloc(p->rows, nc * sizeof(*r));
		if (r == NULL)
			return -1;
		p->rows = r;
		*cap = nc;
	}
	r = &p->rows[p->n_rows];
	r->hash = strdup(h ? (const char *)h : "");
	r->created_at = cw_jsnumber_of_value(ca);
	r->created_at_type = sqlite3_value_type(ca);
	if (r->hash == NULL)
		return -1;
	p->n_rows++;
	return 0;
}

int cw_plan_read(cw_plan *out, sqlite3 *db, const cw_folder *f,
		 const char *table, cw_error *err)
{
	char *ident, *sql;
	sqlite3_stmt *st = NULL;
	size_t cap = 0, n;
	int rc;

	memset(out, 0, sizeof(*out));
	if (table == NULL)
		table = CW_MIGRATIONS_TABLE;
	rc = table_exists(db, table, &out->table_exists, err);
	if (rc != 0 || !out->table_exists)
		return rc ? rc : cw_plan_decide(out, f, err);
	ident = cw_db_quote_ident(table);
	n = ident ? strlen(ident) + 64 : 0;
	sql = ident ? malloc(n) : NULL;
	if (sql == NULL) {
		free(ident);
		return cw_error_set(err, CW_ENOMEM, NULL, NULL, 0, "oom");
	}
	/* drizzle reads ... ORDER BY created_at DESC LIMIT 1: the first
	** row here is its high-water mark. */
	snprintf(sql, n, "SELECT id, hash, created_at FROM %s ORDER BY "
		 "created_at DESC", ident);
	free(ident);
	rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
	free(sql);
	while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (add_row(out, &cap, st) != 0) {
			sqlite3_finalize(st);
			return cw_error_set(err, CW_ENOMEM, NULL, NULL, 0,
					    "out of memory reading %s", table);
		}
		rc = SQLITE_OK;
	}
	sqlite3_finalize(st);
	/* A migrations table of another shape (no hash column, a view over
	** nothing) fails drizzle's own SELECT the same way: the migrator
	** fails before any migration, which is R002, as cw migrate says. */
	if (rc != SQLITE_DONE)
		return cw_error_set(err, (rc & 0xff) == SQLITE_BUSY ?
				    CW_EBUSY : CW_ESQL, (rc & 0xff) ==
				    SQLITE_BUSY ? CW_R004 : CW_R002, NULL, 0,
				    "reading %s: %s", table,
				    sqlite3_errmsg(db));
	if (out->n_rows > 0) {
		out->has_high_water = 1;
		out->high_water = out->rows[0].created_at;
	}
	return cw_plan_decide(out, f, err);
}

void cw_plan_free(cw_plan *p)
{
	size_t i;

	if (p == NULL)
		return;
	for (i = 0; i < p->n_rows; i++)
		free(p->rows[i].hash);
	free(p->rows);
	free(p->entries);
	memset(p, 0, sizeof(*p));
}
