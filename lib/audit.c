/*
** audit.c - cw audit (audit.h): opening the copy, the applied rows
** against the journal, and the verdict.  The dry run of the next deploy
** is audit_deploy.c, the schema drift audit_drift.c, the health checks
** audit_health.c.
*/
#include "audit_int.h"
#include "codes.h"
#include "db.h"
#include "hash.h"

#include <stdlib.h>
#include <string.h>

void cw_audit_step(const cw_audit_ctx *x, const char *step)
{
	if (x->o->progress != NULL)
		x->o->progress(x->o->progress_ctx, step);
}

void cw_audit_engine_options(const cw_audit_ctx *x, cw_migrate_options *mo)
{
	cw_migrate_options init = CW_MIGRATE_OPTIONS_INIT;

	*mo = init;
	mo->table = x->o->table;
	mo->profile = x->o->profile;
	/* Exactly what drizzle runs: read the mark, then a deferred BEGIN. */
	mo->sequence = CW_SEQ_DRIZZLE;
}

/* The hash of m's text with every lone LF turned into CRLF: what a
** checkout with CRLF line endings stored, when the folder has LF. */
static int crlf_hash(char out[CW_HASH_HEX_LEN + 1], const cw_migration *m,
		     cw_error *err)
{
	const cw_bytes *t = &m->text;
	char *s = malloc(2 * t->len + 1);
	size_t i, o = 0;
	int rc;

	if (s == NULL)
		return CW_ENOMEM;
	for (i = 0; i < t->len; i++) {
		if (t->data[i] == '\n' && (i == 0 || t->data[i - 1] != '\r'))
			s[o++] = '\r';
		s[o++] = t->data[i];
	}
	rc = cw_hash_sha256_hex(out, s, o, err);
	free(s);
	return rc;
}

/* An entry the table has a row for: say which hash matched when it is
** not drizzle's own. */
static int applied(cw_audit_ctx *x, size_t k, const cw_plan_entry *pe)
{
	const cw_migration *m = &x->f->migrations[k];
	const cw_applied_row *row = &x->res->plan.rows[pe->row];
	const char *tag = m->entry->tag;
	char crlf[CW_HASH_HEX_LEN + 1];
	cw_diag *g = NULL;

	x->res->n_applied++;
	if (pe->matched == CW_HASH_RAW)
		g = cw_diags_add(x->d, CW_A001, m->path, 0, 0, "%s was "
			"applied from its bytes as they are on disk (the row "
			"has the raw hash, not drizzle's hash of the decoded "
			"text): it holds invalid UTF-8", tag);
	else if (pe->matched == CW_HASH_LF)
		g = cw_diags_add(x->d, CW_A001, m->path, 0, 0, "%s was "
			"applied from a checkout with LF line endings; this "
			"folder's copy has CRLF", tag);
	if (pe->matched != CW_HASH_EDITED)
		goto done;
	if (crlf_hash(crlf, m, x->err) != 0)
		return CW_ENOMEM;
	if (strcmp(crlf, row->hash) == 0)
		g = cw_diags_add(x->d, CW_A001, m->path, 0, 0, "%s was "
			"applied from a checkout with CRLF line endings (its "
			"row has the hash of the file with CRLF)", tag);
	else
		g = cw_diags_add(x->d, CW_A002, m->path, 0, 0, "%s was "
			"edited after it was applied: the row with its "
			"`when` %.0f has hash %s, the file now hashes to %s",
			tag, m->entry->when, row->hash, m->hashes.drizzle);
done:
	if (g != NULL)
		cw_diag_set_tag(g, tag);
	return x->d->oom ? CW_ENOMEM : 0;
}

/* The newest row's entry, to name the mark in A004. */
static const char *mark_tag(const cw_audit_ctx *x)
{
	size_t k;

	for (k = 0; k < x->f->n_migrations; k++)
		if (x->res->plan.entries[k].row == 0 &&
		    x->res->plan.entries[k].status == CW_MIG_ALREADY_APPLIED)
			return x->f->migrations[k].entry->tag;
	return "a row no entry matches";
}

/* A pending entry whose hash a row already carries: its `when` was
** raised after it was applied, and drizzle, which decides by `when`
** alone, will run it a second time (A012).  The row is then known. */
static int again(cw_audit_ctx *x, size_t k, unsigned char *used)
{
	const cw_migration *m = &x->f->migrations[k];
	const cw_plan *p = &x->res->plan;
	size_t i;

	for (i = 0; i < p->n_rows; i++) {
		const char *h = p->rows[i].hash;
		cw_diag *g;
		if (strcmp(h, m->hashes.drizzle) != 0 &&
		    strcmp(h, m->hashes.raw) != 0 &&
		    strcmp(h, m->hashes.lf) != 0)
			continue;
		used[i] = 1;
		x->ran[k] = 1;
		g = cw_diags_add(x->d, CW_A012, m->path, 0, 0, "%s will run "
			"a second time: a row (created_at %.0f) already "
			"carries its hash, but its `when` is now %.0f, above "
			"the newest created_at %.0f", m->entry->tag,
			p->rows[i].created_at, m->entry->when, p->high_water);
		if (g != NULL)
			cw_diag_set_tag(g, m->entry->tag);
		break;
	}
	return x->d->oom ? CW_ENOMEM : 0;
}

/* Each entry (A001, A002, A004, A005, A012), then each row no entry claimed
** (A003). */
static int applied_rows(cw_audit_ctx *x)
{
	cw_plan *p = &x->res->plan;
	unsigned char *used;
	size_t k, i;
	int rc = cw_plan_read(p, x->rd.db, x->f, x->o->table, x->err);

	if (rc != 0)
		return rc;
	used = calloc(p->n_rows + 1, 1);
	x->ran = calloc(x->f->n_migrations + 1, 1);
	if (used == NULL || x->ran == NULL) {
		free(used);
		return cw_error_set(x->err, CW_ENOMEM, NULL, NULL, 0, "oom");
	}
	for (k = 0; rc == 0 && k < x->f->n_migrations; k++) {
		const cw_plan_entry *pe = &p->entries[k];
		const cw_migration *m = &x->f->migrations[k];
		cw_diag *g = NULL;

		if (pe->row < p->n_rows)
			used[pe->row] = 1;
		if (pe->status == CW_MIG_ALREADY_APPLIED) {
			x->ran[k] = 1;
			rc = applied(x, k, pe);
		} else if (pe->status == CW_MIG_SKIPPED) {
			x->res->n_skipped++;
			g = cw_diags_add(x->d, CW_A004, m->path, 0, 0, "drizzle "
				"will never apply %s: its `when` %.0f is not "
				"above the database's newest created_at %.0f "
				"(%s)", m->entry->tag, m->entry->when,
				p->high_water, mark_tag(x));
		} else {
			x->res->n_pending++;
			g = cw_diags_add(x->d, CW_A005, m->path, 0, 0, "%s is "
				"pending: the next deploy applies it",
				m->entry->tag);
			rc = again(x, k, used);
		}
		if (g != NULL)
			cw_diag_set_tag(g, m->entry->tag);
	}
	for (i = 0; rc == 0 && i < p->n_rows; i++) {
		if (used[i])
			continue;
		x->res->n_unknown++;
		cw_diags_add(x->d, CW_A003, x->path, 0, 0, "a row of %s "
			"(created_at %.0f, hash %s) matches no journal entry "
			"by hash or `when`: a migration deleted from the "
			"folder, or applied from another branch", x->table,
			p->rows[i].created_at, p->rows[i].hash);
	}
	free(used);
	return rc != 0 ? rc : x->d->oom ? CW_ENOMEM : 0;
}

static cw_audit_verdict verdict(const cw_audit_ctx *x)
{
	if (x->res->deploy_failed)
		return CW_AUDIT_WILL_FAIL;
	if (cw_diags_count(x->d, CW_SEV_ERROR) > 0 ||
	    cw_diags_count(x->d, CW_SEV_WARNING) > 0)
		return CW_AUDIT_ATTENTION;
	return CW_AUDIT_SAFE;
}

int cw_audit_run(cw_audit_result *out, cw_diags *d, const char *path,
		 const cw_folder *f, const cw_audit_options *o,
		 cw_error *err)
{
	cw_schema_options so = CW_SCHEMA_OPTIONS_INIT;
	cw_audit_ctx x;
	int rc;

	memset(out, 0, sizeof(*out));
	memset(&x, 0, sizeof(x));
	x.res = out;
	x.d = d;
	x.path = path;
	x.f = f;
	x.o = o;
	x.table = cw_migrate_table_name(o->table, o->profile);
	x.err = err;
	cw_audit_step(&x, "opening");
	rc = cw_dbread_open(&x.rd, path, o->busy_timeout_ms, err);
	if (rc != 0)
		return rc;
	out->read_copy = x.rd.is_copy;
	out->is_wal = x.rd.is_wal;
	out->wal_bytes = x.rd.wal_bytes;
	so.skip_table = x.table;
	rc = applied_rows(&x);
	if (rc == 0)
		rc = cw_schema_read_db(&x.live, x.rd.db, &so, err);
	if (rc == 0)
		rc = cw_audit_drift(&x);
	if (rc == 0)
		rc = cw_audit_health(&x);
	if (rc == 0)
		rc = cw_audit_deploy(&x);
	out->verdict = verdict(&x);
	cw_schema_free(&x.live);
	free(x.ran);
	cw_dbread_close(&x.rd);
	return rc;
}

void cw_audit_result_free(cw_audit_result *r)
{
	size_t i;

	for (i = 0; i < r->n_tables; i++)
		free(r->tables[i].name);
	free(r->tables);
	cw_plan_free(&r->plan);
	memset(r, 0, sizeof(*r));
}

const char *cw_audit_verdict_name(cw_audit_verdict v)
{
	switch (v) {
	case CW_AUDIT_SAFE: return "SAFE TO DEPLOY";
	case CW_AUDIT_ATTENTION: return "NEEDS ATTENTION";
	case CW_AUDIT_WILL_FAIL: return "WILL FAIL";
	}
	return "NEEDS ATTENTION";
}
