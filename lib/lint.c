/*
** lint.c - the L checks: statements that pass review and then fail, or lose
** data, in production.  This file runs the passes and writes the
** migration-wide findings (L004, L006, L008, L009, L010 for a DROP, and
** R007 for rows the probe saw left pointing at nothing);
** statements are read in lint_stmt.c and the data-loss probe lives in
** evidence.c.  The design is described in lint_int.h.
*/
#include "lint.h"
#include "codes.h"
#include "lint_int.h"
#include "text.h"
#include "evidence_data.h"
#include "migrate.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Report a finding about statement s of migration r->k. */
static cw_diag *add(cw_lint_read *r, const cw_lint_stmt *s,
		    const char *code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static cw_diag *add(cw_lint_read *r, const cw_lint_stmt *s,
		    const char *code, const char *fmt, ...)
{
	const cw_migration *m = &r->f->migrations[r->k];
	char msg[2048];
	cw_diag *g;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	g = cw_diags_add(r->out, code, m->path, s->line, s->column, "%s",
			 msg);
	cw_diag_set_tag(g, m->entry->tag);
	return g;
}

/* Kept here, not in lint_stmt.c, which only reads statements: the edge
** list is the static fallback lint.c consults. */
int cw_lint_add_edge(cw_lint_read *r, char *child, char *parent)
{
	cw_lint_edge *e;

	if (r->n_edges == r->cap_edges && child && parent) {
		size_t cap = r->cap_edges ? r->cap_edges * 2 : 32;
		e = realloc(r->edges, cap * sizeof(*e));
		if (e != NULL) {
			r->edges = e;
			r->cap_edges = cap;
		}
	}
	if (child == NULL || parent == NULL || r->n_edges == r->cap_edges) {
		free(child);
		free(parent);
		return -1;
	}
	e = &r->edges[r->n_edges++];
	e->mig = r->k;
	e->child = child;
	e->parent = parent;
	return 0;
}

/* Set the rebuild / created-here marks of statement i of migration g. */
static void mark_stmt(cw_lint_mig *g, size_t i)
{
	cw_lint_stmt *s = &g->stmts[i];
	size_t j;

	for (j = 0; j < g->n; j++) {
		const cw_lint_stmt *t = &g->stmts[j];
		if (j < i && t->kind == CW_LK_CREATE_TABLE &&
		    cw_sqlscan_name_eq(t->table, s->table))
			s->is_created_here = 1;
		if (j > i && t->kind == CW_LK_RENAME_TABLE &&
		    cw_sqlscan_name_eq(t->to, s->table))
			s->is_rebuild = 1;
	}
}

/* 1 if a later INSERT ... SELECT refills the table statement i empties:
** the backup-and-restore pattern of hand-written rebuilds (karakeep's
** 0084 empties ruleEngineActions and restores it from a backup). */
static int is_refilled(const cw_lint_mig *g, size_t i)
{
	size_t j;

	for (j = i + 1; j < g->n; j++)
		if (g->stmts[j].kind == CW_LK_INSERT_SELECT &&
		    cw_sqlscan_name_eq(g->stmts[j].table, g->stmts[i].table))
			return 1;
	return 0;
}

/* Tables an earlier migration declared as referencing `parent`: the
** static fallback when the probe never reached this migration.  The
** rebuild's own __new_<parent> does not count. */
static int is_statically_referenced(const cw_lint_read *r,
				    const char *parent)
{
	size_t i;

	for (i = 0; i < r->n_edges; i++) {
		const cw_lint_edge *e = &r->edges[i];
		if (e->mig >= r->k || !cw_sqlscan_name_eq(e->parent, parent) ||
		    cw_sqlscan_name_eq(e->child, parent))
			continue;
		if (strncmp(e->child, "__new_", 6) == 0 &&
		    cw_sqlscan_name_eq(e->child + 6, parent))
			continue;
		return 1;
	}
	return 0;
}

/* L004 and L006 need the whole migration: a DROP TABLE that a later
** RENAME undoes is a rebuild (judged by L008/L009 instead), and a table
** created earlier in the same file (a backup copy) holds no old data.
** Also decides whether the probe must look at the migration: a plain
** DROP of a referenced table may fail over its children (L010). */
static void finish_migration(cw_lint_read *r)
{
	cw_lint_mig *g = &r->migs[r->k];
	size_t i;

	for (i = 0; i < g->n; i++) {
		cw_lint_stmt *s = &g->stmts[i];
		if (s->kind != CW_LK_DROP_TABLE && s->kind != CW_LK_DELETE)
			continue;
		mark_stmt(g, i);
		if (s->is_created_here)
			continue;
		if (s->kind == CW_LK_DELETE) {
			if (!s->has_where && !is_refilled(g, i))
				add(r, s, CW_L006, "DELETE FROM %s without "
				    "WHERE deletes every row", s->table);
			continue;
		}
		if (!s->is_rebuild)
			add(r, s, CW_L004, "DROP TABLE %s deletes the table "
			    "and every row in it", s->table);
		if (g->has_pragma_fk || s->is_rebuild)
			g->is_candidate = g->has_fk_pattern = 1;
		else if (is_statically_referenced(r, s->table))
			g->is_candidate = 1;  /* may fail: L010 */
	}
}

/* ---- L008 / L009 from the probe's verdicts ---- */

/* "1 of 1 rows of posts, tags" when every table lost the same share,
** else "1 of 2 rows of posts, 1 of 1 rows of tags" (or keys), into buf;
** past eight tables the rest are counted, not named. */
static void list_losses(const cw_ev_verdict *v, int keys, char *buf,
			size_t n)
{
	size_t i, o = 0, shown = 0, more = 0;
	long long lost0 = -1, of0 = -1;
	int same = 1;

	for (i = 0; i < v->n_losses; i++) {
		const cw_lint_loss *x = &v->losses[i];
		long long lost = keys ? x->fks_nulled : x->rows_lost;
		long long of = keys ? x->fks_before : x->rows_before;
		if (lost <= 0)
			continue;
		if (lost0 >= 0 && (lost != lost0 || of != of0))
			same = 0;
		lost0 = lost;
		of0 = of;
	}
	buf[0] = '\0';
	for (i = 0; i < v->n_losses && o < n; i++) {
		const cw_lint_loss *x = &v->losses[i];
		long long lost = keys ? x->fks_nulled : x->rows_lost;
		long long of = keys ? x->fks_before : x->rows_before;
		const char *what = keys ? "foreign-key values" : "rows";
		int w;
		if (lost <= 0)
			continue;
		if (shown == 8) {
			more++;
			continue;
		}
		if (same && shown > 0)
			w = snprintf(buf + o, n - o, ", %s", x->table);
		else
			w = snprintf(buf + o, n - o, "%s%lld of %lld %s of %s",
				     shown ? ", " : "", lost, of, what,
				     x->table);
		o += w > 0 ? (size_t)w : 0;
		shown++;
	}
	if (more > 0 && o < n)
		snprintf(buf + o, n - o, " and %zu more tables", more);
}

static void report_loss(cw_lint_read *r, const cw_lint_stmt *s,
			const cw_ev_verdict *v)
{
	const cw_migration *m = &r->f->migrations[r->k];
	char rows[600], keys[600], del[700], nul[700];

	list_losses(v, 0, rows, sizeof(rows));
	list_losses(v, 1, keys, sizeof(keys));
	snprintf(del, sizeof(del), "deletes %s via ON DELETE CASCADE", rows);
	snprintf(nul, sizeof(nul), "sets %s to NULL via ON DELETE SET NULL",
		 keys);
	add(r, s, CW_L009, "%s %s in %s %s%s%s (measured with one synthetic "
	    "row per table: PRAGMA foreign_keys is a no-op inside the "
	    "migrator's transaction)",
	    s->is_rebuild ? "rebuilding" : "dropping", s->table,
	    m->entry->tag, rows[0] ? del : "", rows[0] && keys[0] ? " and " :
	    "", keys[0] ? nul : "");
}

/* L008: the pattern is there, but no loss was measured (or could be). */
static void report_pattern(cw_lint_read *r, const cw_lint_stmt *s,
			   const cw_ev_verdict *v)
{
	char why[800];

	if (v->state == CW_EV_NONE)
		snprintf(why, sizeof(why), "not measured: this migration or "
			 "an earlier one fails even on an empty database");
	else if (v->state == CW_EV_FAILED)
		snprintf(why, sizeof(why), "with one synthetic row per table "
			 "the migration fails at line %d (%s): it fails on a "
			 "populated database", v->failure_line,
			 v->failure ? v->failure : "");
	else if (v->unfilled)
		snprintf(why, sizeof(why), "no child row lost with one "
			 "synthetic row per table, but %s could not be filled",
			 v->unfilled);
	else
		snprintf(why, sizeof(why), "child rows survived with one "
			 "synthetic row per table");
	add(r, s, CW_L008, "%s %s, referenced by %s, with PRAGMA "
	    "foreign_keys: the PRAGMA is a no-op inside the migrator's "
	    "transaction, so the DROP fires ON DELETE actions (%s)",
	    s->is_rebuild ? "rebuilding" : "dropping", s->table,
	    v->children ? v->children : "earlier tables", why);
}

/* L010: with rows in its children the DROP, or the COMMIT after it,
** fails (spec/drizzle-semantics.md section 2: the PRAGMA cannot help). */
static void report_block(cw_lint_read *r, const cw_lint_stmt *s,
			 const cw_ev_verdict *v)
{
	const cw_migration *m = &r->f->migrations[r->k];
	char why[900];
	cw_diag *g;
	int fk = v->failure && strstr(v->failure, "FOREIGN KEY") != NULL;

	if (fk && v->blockers && v->blockers[0] && v->at_commit)
		snprintf(why, sizeof(why), "rows in %s still point at the "
			 "dropped %s rows through a deferred foreign key, so ",
			 v->blockers, s->table);
	else if (fk && v->blockers && v->blockers[0])
		snprintf(why, sizeof(why), "rows in %s block the delete of "
			 "every %s row (ON DELETE NO ACTION or RESTRICT), so ",
			 v->blockers, s->table);
	else
		snprintf(why, sizeof(why), "with rows in %s, ", v->children ?
			 v->children : "its child tables");
	g = add(r, s, CW_L010, "%s %s in %s fails on a populated database: "
		"%s%s fails with \"%s\" and the whole batch is rolled back "
		"(measured with one synthetic row per table%s)",
		s->is_rebuild ? "rebuilding" : "dropping", s->table,
		m->entry->tag, why, v->at_commit ? "the DROP goes through "
		"but the COMMIT" : "the DROP", v->failure ? v->failure : "",
		r->migs[r->k].has_pragma_fk ? "; PRAGMA foreign_keys is a "
		"no-op inside the migrator's transaction" : "");
	if (!s->is_rebuild)
		cw_diag_set_hint(g, "delete the child rows, or drop or "
				 "rebuild the child tables without the "
				 "foreign key, before the DROP");
}

static int has_block(const cw_lint_read *r, size_t k)
{
	size_t i;

	for (i = 0; i < r->migs[k].n; i++)
		if (cw_ev_result_get(&r->ev, k, i)->is_blocked)
			return 1;
	return 0;
}

/* L010, L009 or L008 for every DROP of a candidate migration.  A DROP
** that fails with rows is L010 whatever was measured: production stops
** there.  The DROPs after it never ran, so no L008 repeats the failure. */
static void report_drops(cw_lint_read *r)
{
	const cw_lint_mig *g = &r->migs[r->k];
	const char *dangling = r->ev.dangling && r->k < r->ev.n_migs ?
			       r->ev.dangling[r->k] : NULL;
	int blocked = g->is_candidate && has_block(r, r->k);
	size_t i;

	for (i = 0; dangling && i < g->n; i++)
		if (g->stmts[i].kind == CW_LK_DROP_TABLE) {
			add(r, &g->stmts[i], CW_R007, "%s leaves rows pointing "
			    "at nothing: %s (measured with one synthetic row "
			    "per table; foreign keys were OFF at the DROP, so "
			    "nothing cascaded and nothing stopped it)",
			    r->f->migrations[r->k].entry->tag, dangling);
			break;
		}
	for (i = 0; g->is_candidate && i < g->n; i++) {
		const cw_lint_stmt *s = &g->stmts[i];
		const cw_ev_verdict *v = cw_ev_result_get(&r->ev, r->k, i);
		if (s->kind != CW_LK_DROP_TABLE || s->is_created_here)
			continue;
		if (v->is_blocked)
			report_block(r, s, v);
		else if (!g->has_fk_pattern)
			continue;  /* a plain DROP: L004 said it */
		else if (v->state == CW_EV_LOST)
			report_loss(r, s, v);
		else if (!g->has_pragma_fk || g->pragma_effective ||
			 r->fk_off)
			continue;  /* a rebuild that lost nothing, or one
				   ** whose PRAGMA ran outside the
				   ** transaction and took effect */
		else if (v->state == CW_EV_KEPT ||
			 (v->state == CW_EV_FAILED && !blocked &&
			  !g->data_fails) ||
			 (v->state == CW_EV_NONE &&
			  is_statically_referenced(r, s->table)))
			report_pattern(r, s, v);
	}
}

int cw_lint_targets(const cw_lint_mig *g, cw_lint_kind kind,
		    const char *name)
{
	size_t i;

	for (i = 0; i < g->n; i++)
		if (g->stmts[i].kind == kind &&
		    cw_sqlscan_name_eq(g->stmts[i].table, name))
			return 1;
	return 0;
}

/* ---- evidence with rows (evidence_data.c) ---- */

/* check's evidence with rows asks migfacts whether migration k says so. */
static int says_so(void *ctx, size_t k, const char *table,
		   const char *column)
{
	const cw_lint_read *r = ctx;

	return cw_lint_says_so(&r->migs[k], table, column);
}

/* Did the probe already say it (a DROP's verdict in migration k)? */
static int probe_said(const cw_lint_read *r, size_t k, const char *table,
		      int fails)
{
	size_t i, j;

	for (i = 0; i < r->migs[k].n; i++) {
		const cw_ev_verdict *v = cw_ev_result_get(&r->ev, k, i);
		if (fails && v->is_blocked)
			return 1;
		for (j = 0; !fails && j < v->n_losses; j++)
			if (cw_sqlscan_name_eq(v->losses[j].table, table))
				return 1;
	}
	return 0;
}

/* A failure with rows is reported when it comes from the structure, not
** from the values the generator happened to write: a piece that changes
** the schema (ALTER, CREATE, DROP), or the INSERT ... SELECT filling a
** table created earlier in the same migration (a rebuild's copy).  A
** data migration's UPDATE or INSERT into a live table can fail on rows
** no real database holds, so it is not judged. */
static int fails_by_structure(const cw_lint_read *r, const cw_data_verdict *v)
{
	const cw_migration *m = &r->f->migrations[v->entry];
	const cw_lint_mig *g = &r->migs[v->entry];
	const char *sql;
	size_t i, j;

	if (v->piece == 0 || v->piece > m->pieces.n)
		return 0;
	sql = m->text.data + m->pieces.items[v->piece - 1].offset;
	while (*sql == ' ' || (*sql >= '\t' && *sql <= '\r'))
		sql++;
	if (strncasecmp(sql, "ALTER", 5) == 0 ||
	    strncasecmp(sql, "CREATE", 6) == 0 ||
	    strncasecmp(sql, "DROP", 4) == 0)
		return 1;
	for (i = 0; i < g->n; i++) {
		if (g->stmts[i].kind != CW_LK_INSERT_SELECT ||
		    g->stmts[i].piece != v->piece - 1)
			continue;
		for (j = 0; j < i; j++)
			if (g->stmts[j].kind == CW_LK_CREATE_TABLE &&
			    cw_sqlscan_name_eq(g->stmts[j].table,
					       g->stmts[i].table))
				return 1;
	}
	return 0;
}

/* Did a statement rule (L002, L003, L010 for ADD COLUMN) already say
** that this piece fails once its table has rows? */
static int said_statically(const cw_lint_read *r, const cw_data_verdict *v)
{
	const cw_migration *m = &r->f->migrations[v->entry];
	const cw_piece *pc = &m->pieces.items[v->piece - 1];
	int first = pc->line, last, col;
	size_t i;

	cw_text_line_col(m->text.data, pc->offset + pc->len, &last, &col);
	for (i = 0; i < r->out->n; i++) {
		const cw_diag *d = &r->out->items[i];
		if ((strcmp(d->code, CW_L002) == 0 ||
		     strcmp(d->code, CW_L003) == 0 ||
		     strcmp(d->code, CW_L010) == 0) &&
		    strcmp(d->file, m->path) == 0 &&
		    d->line >= first && d->line <= last)
			return 1;
	}
	return 0;
}

static void report_verdict(cw_lint_read *r, const cw_data_verdict *v)
{
	const cw_migration *m = &r->f->migrations[v->entry];
	cw_lint_mig *g = &r->migs[v->entry];
	const cw_lint_stmt *s = v->table ? cw_lint_stmt_about(g, v->table) : NULL;
	int line = s ? s->line : 0, col = s ? s->column : 0;
	cw_diag *d = NULL;

	if (v->kind == CW_DV_FAILS && !probe_said(r, v->entry, NULL, 1) &&
	    fails_by_structure(r, v) && !said_statically(r, v))
		g->data_fails = 1;
	if (v->kind == CW_DV_FAILS && g->data_fails)
		d = cw_diags_add(r->out, CW_L010, m->path, v->line, 0,
			"%s fails on a populated database: piece %zu fails "
			"with \"%s\" once its tables hold rows, and the "
			"whole batch is rolled back (measured with rows in "
			"every table; on an empty database it passes)",
			m->entry->tag, v->piece, v->message);
	else if (v->kind == CW_DV_ROWS_LOST && !probe_said(r, v->entry, v->table, 0))
		d = cw_diags_add(r->out, CW_L009, m->path, line, col,
			"%s loses %lld of %lld rows of %s, though it deletes "
			"none itself (measured with rows in every table)",
			m->entry->tag, v->lost, v->rows, v->table);
	else if (v->kind == CW_DV_VALUES_LOST && !probe_said(r, v->entry, v->table, 0))
		d = cw_diags_add(r->out, CW_L012, m->path, line, col,
			"%s changes %s.%s in %lld of %lld rows, though it "
			"updates none itself: the column survives but its "
			"values are not carried over (measured with rows in "
			"every table)", m->entry->tag, v->table, v->column,
			v->lost, v->rows);
	if (d && v->kind == CW_DV_ROWS_LOST)
		cw_diag_set_hint(d, "rows that existed before the migration "
				 "are gone after it: check the rebuild's "
				 "INSERT ... SELECT (a WHERE or JOIN that "
				 "drops rows) and what the DROPs cascade to; "
				 "if the loss is intended, DELETE the rows "
				 "explicitly so the migration says so");
	if (d && v->kind == CW_DV_FAILS)
		cw_diag_set_hint(d, "the statement passes only while the table "
				 "is empty: make it valid for existing rows "
				 "(a DEFAULT that NOT NULL and CHECK accept, "
				 "or the value filled in the INSERT ... "
				 "SELECT)");
	if (d)
		cw_diag_set_tag(d, m->entry->tag);
}

/* Run the folder with rows and report what the probe did not. */
static int report_data(cw_lint_read *r, const cw_check_options *o,
		       cw_error *err)
{
	cw_data_options dopt = CW_DATA_OPTIONS_INIT;
	cw_data_evidence ev;
	size_t i;
	int rc;

	dopt.table = r->mtable;
	dopt.profile = o ? o->profile : NULL;
	dopt.says_so = says_so;
	dopt.says_ctx = r;
	rc = cw_evidence_data_run(&ev, r->f, &dopt, err);
	for (i = 0; rc == 0 && i < ev.n; i++)
		if (ev.items[i].entry < r->f->n_migrations &&
		    r->f->migrations[ev.items[i].entry].entry)
			report_verdict(r, &ev.items[i]);
	cw_data_evidence_free(&ev);
	return rc;
}

int cw_lint_check(cw_diags *out, const cw_folder *f,
		  const cw_check_options *o, cw_error *err)
{
	cw_lint_read r;
	size_t i;
	int rc = 0, any = 0;

	memset(&r, 0, sizeof(r));
	r.out = out;
	r.f = f;
	r.mtable = o && o->table ? o->table : CW_MIGRATIONS_TABLE;
	r.open_commit = (size_t)-1;
	r.fk_off = o && o->profile && !o->profile->foreign_keys;
	r.migs = calloc(f->n_migrations ? f->n_migrations : 1,
			sizeof(*r.migs));
	if (r.migs == NULL)
		return cw_error_set(err, CW_ENOMEM, NULL, f->dir, 0,
				    "out of memory linting %s", f->dir);
	for (r.k = 0; rc == 0 && r.k < f->n_migrations; r.k++) {
		if (!cw_lint_is_readable(&f->migrations[r.k]))
			continue;
		rc = cw_lint_read_migration(&r, err);
		if (rc == 0)
			finish_migration(&r);
		any |= r.migs[r.k].is_candidate;
	}
	cw_lint_finish_txn(&r);
	if (rc == 0 && any)
		rc = cw_evidence_probe(&r.ev, r.migs, f, r.mtable,
				       o ? o->profile : NULL, err);
	if (rc == 0)
		rc = report_data(&r, o, err);
	for (r.k = 0; rc == 0 && r.k < f->n_migrations; r.k++)
		report_drops(&r);
	cw_ev_result_free(&r.ev, r.migs);
	cw_lint_free_migs(r.migs, f->n_migrations);
	for (i = 0; i < r.n_edges; i++) {
		free(r.edges[i].child);
		free(r.edges[i].parent);
	}
	free(r.edges);
	cw_toks_free(&r.toks);
	return rc;
}
