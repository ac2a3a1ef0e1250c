/*
** migrate_diag.c - the findings of a migrator run, decided once here so
** that every command reports a failure, a skip or a partial commit the
** same way (migrate.h, cw_migrate_diags).
*/
#include "migrate.h"
#include "codes.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* "a, b and 2 more" of the entries in state s, at most 6 named. */
static void list_entries(char *buf, size_t n, const cw_migrate_result *r,
			 cw_mig_status s)
{
	size_t k, shown = 0, total = 0, o = 0;

	buf[0] = '\0';
	for (k = 0; k < r->n_entries; k++) {
		if (r->entries[k].status != s)
			continue;
		total++;
		if (shown < 6 && o < n) {
			o += (size_t)snprintf(buf + o, n - o, "%s%s",
				shown ? ", " : "",
				r->entries[k].migration->entry->tag);
			shown++;
		}
	}
	if (total > shown && o < n)
		snprintf(buf + o, n - o, " and %zu more", total - shown);
}

const char *cw_migrate_refusal(const cw_migrate_failure *fl)
{
	if ((fl->sqlite_rc & 0xff) == SQLITE_AUTH)
		return " (the statement writes a file of its own choosing; cw "
		       "runs it only in cw migrate: L013)";
	if ((fl->sqlite_rc & 0xff) == SQLITE_INTERRUPT)
		return " (it ran past the time cw allows one statement on a "
		       "database of its own; CW_STATEMENT_TIMEOUT=SECONDS "
		       "sets it, 0 for none)";
	return "";
}

static const char *why(const cw_migrate_failure *fl)
{
	if (*cw_migrate_refusal(fl))
		return cw_migrate_refusal(fl);
	switch (fl->verdict) {
	case CW_PIECE_MULTIPLE:
		return " (the piece holds a second statement: a missing "
		       "`--> statement-breakpoint`)";
	case CW_PIECE_NO_STATEMENT:
		return " (an empty piece: a doubled or trailing breakpoint, "
		       "or an empty file)";
	case CW_PIECE_PARAMETERS:
		return " (the piece has a parameter such as ?, ?1, :name, "
		       "@name or $name; drizzle binds no values)";
	default:
		return "";
	}
}

static void failure_diag(cw_diags *out, const cw_migrate_result *r,
			 const cw_folder *f, const char *db)
{
	const cw_migrate_failure *fl = &r->failure;
	cw_diag *g;

	if (fl->entry == CW_MIGRATE_OWN) {
		g = cw_diags_add(out, CW_R002, db ? db : "", 0, 0,
				 "the migrator's own statement `%.60s` "
				 "failed: %s", fl->sql ? fl->sql : "?",
				 fl->message);
		if (g && fl->sql && strcmp(fl->sql, "COMMIT") == 0 &&
		    strstr(fl->message, "FOREIGN KEY"))
			cw_diag_set_hint(g, "a deferred foreign key is still "
				"violated when the batch commits: some "
				"migration left child rows whose parent is "
				"gone (cw check reports which)");
		else if (g && fl->sql && strcmp(fl->sql, "COMMIT") == 0)
			cw_diag_set_hint(g, "a migration ended the batch's "
				"transaction (COMMIT) without opening a new "
				"one: end it with BEGIN as well, or drop the "
				"COMMIT");
		return;
	}
	if (fl->piece == 0)
		g = cw_diags_add(out, CW_R002, f->migrations[fl->entry].path,
				 0, 0, "migration %s ran, but recording it in "
				 "the migrations table failed: %s",
				 f->migrations[fl->entry].entry->tag,
				 fl->message);
	else
		g = cw_diags_add(out, CW_R002, f->migrations[fl->entry].path,
				 fl->line, 0, "migration %s failed at piece "
				 "%zu: %s%s",
				 f->migrations[fl->entry].entry->tag,
				 fl->piece, fl->message, why(fl));
	if (g)
		cw_diag_set_tag(g, f->migrations[fl->entry].entry->tag);
	if (g && strstr(fl->message, "no such function: ") &&
	    !r->transaction_ended)
		cw_diag_set_hint(g, "the whole batch was rolled back; if the "
				 "app registers %s() on its connection before "
				 "migrate(), declare it: --functions %s/N or "
				 "cw.config.json {\"migrator\": {\"functions\":"
				 " [\"%s/N\"]}}",
				 strstr(fl->message, ": ") + 2,
				 strstr(fl->message, ": ") + 2,
				 strstr(fl->message, ": ") + 2);
	else if (g && !r->transaction_ended)
		cw_diag_set_hint(g, "the whole batch was rolled back: the "
				 "database is as it was before the run");
	else if (g)
		cw_diag_set_hint(g, "fix the statement; the batch was NOT "
				 "wholly rolled back (see " CW_R003 " for what "
				 "stayed)");
}

/* A COMMIT inside the batch made work permanent before the failure. */
static void partial_diag(cw_diags *out, const cw_migrate_result *r,
			 const cw_folder *f)
{
	const cw_migration *m = &f->migrations[r->ended_by];
	char stayed[512], partial[512];
	const cw_txn_event *ev = NULL;
	size_t i;
	cw_diag *g;

	for (i = 0; i < r->n_txn && ev == NULL; i++)
		if (!r->txn[i].began)
			ev = &r->txn[i];
	list_entries(stayed, sizeof(stayed), r, CW_MIG_APPLIED);
	list_entries(partial, sizeof(partial), r, CW_MIG_PARTIAL);
	g = cw_diags_add(out, CW_R003, m->path, ev ? ev->line : 0, 0,
			 "%s ended the migrator's transaction at piece %zu, "
			 "so the failure did not undo the whole batch: %s%s"
			 "%s%s%s", m->entry->tag, ev ? ev->piece + 1 : 0,
			 stayed[0] ? "stayed applied: " : "nothing stayed "
			 "applied", stayed, partial[0] ? "; stayed in part "
			 "(pieces committed, row in the migrations table "
			 "not): " : "", partial, r->rollback_failed ?
			 "; the ROLLBACK found no transaction" : "");
	if (g == NULL)
		return;
	cw_diag_set_tag(g, m->entry->tag);
	if (partial[0])
		cw_diag_set_hint(g, "the next run applies %s again from its "
				 "first piece, over what stayed: repair the "
				 "database by hand or make those pieces "
				 "idempotent", partial);
}

int cw_migrate_diags(cw_diags *out, const cw_migrate_result *r,
		     const cw_folder *f, int rc, const cw_error *err,
		     const char *db)
{
	size_t i;

	for (i = 0; r && i < r->diags.n; i++) {
		const cw_diag *s = &r->diags.items[i];
		cw_diag *g = cw_diags_add(out, s->code, s->file, s->line,
					  s->column, "%s", s->message);
		if (g && s->hint)
			cw_diag_set_hint(g, "%s", s->hint);
		if (g && s->tag)
			cw_diag_set_tag(g, s->tag);
	}
	if (rc == CW_ESQL && r && r->failure.has_failure) {
		failure_diag(out, r, f, db);
		if (r->transaction_ended && r->ended_by < f->n_migrations)
			partial_diag(out, r, f);
	} else if (rc != 0 && err != NULL && err->diag[0]) {
		/* Not twice when the folder loader listed it already. */
		cw_diags_add_error(out, err, db);
	}
	return out->oom ? CW_ENOMEM : 0;
}
