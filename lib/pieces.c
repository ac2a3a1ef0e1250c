/*
** pieces.c - the S family of `cw check`: every piece obeys better-sqlite3's
** one-statement rule and SQLite accepts it in its real context.
**
** Markers are judged on the file text (S003 inside a literal or comment,
** S004 not followed by a newline); pieces are judged by applying the folder
** with the engine (migrate.h) to a fresh scratch file database, exactly as
** the migrator runs them (S001 two statements, S002 none, S005 refused,
** S008 a parameter).  Like a compiler it keeps going after a failure, and
** marks later failures as possibly following from the first.  Failures of
** transaction control (BEGIN inside the batch, COMMIT with none open, the
** final COMMIT after a COMMIT nothing reopened) are L001's to explain.
*/
#include "check.h"
#include "codes.h"
#include "db.h"
#include "migrate.h"
#include "stmtrule.h"
#include "text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* S003/S004: walk the SQL lexically; the marker is itself a line comment,
** so only one seen where a token may start is a real breakpoint. */
static void check_markers(cw_diags *out, const cw_migration *m)
{
	const char *s = m->text.data;
	size_t n = m->text.len, i = 0, ml = CW_BREAKPOINT_LEN;
	cw_text_cursor c = CW_TEXT_CURSOR_INIT(s);
	char quote;

	while (i < n) {
		size_t start = i, end;
		const char *hit;
		if (s[i] == '-' && i + 1 < n && s[i + 1] == '-') {
			if (n - i >= ml && memcmp(s + i, CW_BREAKPOINT, ml) == 0) {
				i += ml;
				if (i < n && s[i] != '\n' && s[i] != '\r')
					cw_diag_set_tag(cw_diags_add(out,
						CW_S004, m->path,
						cw_text_line_at(&c, i - ml,
								NULL), 0,
						"breakpoint marker is followed"
						" by '%c' instead of a newline",
						s[i]), m->entry->tag);
				continue;
			}
			while (i < n && s[i] != '\n')
				i++;
		} else if (s[i] == '/' && i + 1 < n && s[i + 1] == '*') {
			hit = memmem(s + i + 2, n - i - 2, "*/", 2);
			i = hit ? (size_t)(hit - s) + 2 : n;
		} else if (s[i] == '\'' || s[i] == '"' || s[i] == '`' ||
			   s[i] == '[') {
			quote = s[i] == '[' ? ']' : s[i];
			for (i++; i < n; i++) {
				if (s[i] != quote)
					continue;
				if (quote != ']' && i + 1 < n &&
				    s[i + 1] == quote) {
					i++;
					continue;
				}
				break;
			}
			i = i < n ? i + 1 : n;
		} else {
			i++;
			continue;
		}
		end = i;
		hit = memmem(s + start, end - start, CW_BREAKPOINT, ml);
		if (hit != NULL)
			cw_diag_set_tag(cw_diags_add(out, CW_S003, m->path,
				cw_text_line_at(&c, (size_t)(hit - s), NULL), 0,
				"breakpoint marker inside a %s; drizzle "
				"splits the statement there anyway",
				s[start] == '-' || s[start] == '/' ?
				"comment" : "quoted string or identifier"),
				m->entry->tag);
	}
}

/* Where the first statement of a piece ends: the last ';' before the
** second statement, for the hint. */
static int end_of_first(cw_text_cursor *c, const cw_migration *m,
			const cw_piece *pc, size_t second)
{
	size_t i = second;

	while (i > 0 && m->text.data[pc->offset + i - 1] != ';')
		i--;
	return cw_text_line_at(c, pc->offset + (i ? i - 1 : 0), NULL);
}

/* A hint for the usual cause of a refusal, or NULL. */
static const char *hint_for(const char *msg, char *buf, size_t n)
{
	const char *fn = strstr(msg, "no such function: ");

	if (fn != NULL) {
		snprintf(buf, n, "if the app registers %s() on its "
			 "connection before migrate(), declare it in "
			 "cw.config.json: {\"migrator\": {\"functions\": "
			 "[\"%s/N\"]}} (or --functions %s/N)", fn + 18,
			 fn + 18, fn + 18);
		return buf;
	}
	return NULL;
}

/* One failure of the engine's run as an S finding on its piece. */
static void report_failure(cw_diags *out, const cw_folder *f,
			   const cw_migrate_failure *fl,
			   const cw_migrate_failure *first)
{
	const cw_migration *m = &f->migrations[fl->entry];
	const cw_piece *pc = &m->pieces.items[fl->piece - 1];
	char after[256], hint[512];
	cw_diag *g = NULL;
	cw_text_cursor c = CW_TEXT_CURSOR_INIT(m->text.data);

	after[0] = '\0';
	if (fl->after_failure && first->entry != CW_MIGRATE_OWN)
		snprintf(after, sizeof(after), " (may follow from the "
			 "failure in %s piece %zu)",
			 f->migrations[first->entry].entry->tag, first->piece);
	if (fl->verdict == CW_PIECE_MULTIPLE) {
		/* The first statement's end comes before the second. */
		int col, first_end = end_of_first(&c, m, pc,
						  fl->second_offset);
		int second = cw_text_line_at(&c, pc->offset +
					     fl->second_offset, &col);
		g = cw_diags_add(out, CW_S001, m->path, second, col,
				 "piece %zu of %s holds a second statement "
				 "starting here (better-sqlite3: %s)%s",
				 fl->piece, m->entry->tag, CW_MSG_MULTIPLE,
				 after);
		cw_diag_set_hint(g, "end line %d (after the first "
				 "statement's ';') with `--> "
				 "statement-breakpoint`", first_end);
	} else if (fl->verdict == CW_PIECE_NO_STATEMENT) {
		g = cw_diags_add(out, CW_S002, m->path, pc->line, 0,
				 "piece %zu of %s contains no statement "
				 "(better-sqlite3: %s); drizzle fails the "
				 "whole run here", fl->piece, m->entry->tag,
				 CW_MSG_NO_STATEMENTS);
	} else if (fl->verdict == CW_PIECE_PARAMETERS) {
		g = cw_diags_add(out, CW_S008, m->path, pc->line, 0,
				 "piece %zu of %s has a bound parameter "
				 "(?, ?1, :name, @name or $name); drizzle runs "
				 "it with no values and better-sqlite3 says: "
				 "%s%s", fl->piece, m->entry->tag, fl->message,
				 after);
	} else {
		g = cw_diags_add(out, CW_S005, m->path, pc->line, 0,
				 "piece %zu of %s: SQLite says: %s%s%s",
				 fl->piece, m->entry->tag, fl->message,
				 cw_migrate_refusal(fl), after);
		if (g && hint_for(fl->message, hint, sizeof(hint)))
			cw_diag_set_hint(g, "%s", hint);
	}
	cw_diag_set_tag(g, m->entry->tag);
}

/* Is the failure one of transaction control, which L001 explains, or a
** file write cw refused (cw_db_confine), which L013 explains? */
static int is_txn_failure(const cw_migrate_failure *fl)
{
	cw_txn_kind k = fl->sql ? cw_stmtrule_txn_kind(fl->sql) : CW_TXN_NONE;

	return fl->verdict == CW_PIECE_SQL_ERROR &&
	       (k == CW_TXN_BEGIN || k == CW_TXN_COMMIT ||
		k == CW_TXN_ROLLBACK || (fl->sqlite_rc & 0xff) == SQLITE_AUTH);
}

/* The migrator's own statement failed: its final COMMIT, normally
** (deferred foreign keys, or no transaction left open). */
static void report_own(cw_diags *out, const cw_folder *f,
		       const cw_migrate_failure *fl)
{
	cw_diag *g = cw_diags_add(out, CW_S005, f->journal.path, 0, 0,
				  "the migrator's own `%.40s` fails after "
				  "the last migration: %s", fl->sql ?
				  fl->sql : "?", fl->message);

	if (g && strstr(fl->message, "FOREIGN KEY"))
		cw_diag_set_hint(g, "a DEFERRABLE INITIALLY DEFERRED foreign "
				 "key is still violated when the batch "
				 "commits; see " CW_L010 " for the "
				 "migration");
}

/* Apply the folder with the engine, as the migrator would on a fresh
** file database, keeping going after a failure like a compiler. */
static int apply_folder(cw_diags *out, const cw_folder *f,
			const cw_check_options *o, cw_error *err)
{
	cw_migrate_options mo = CW_MIGRATE_OPTIONS_INIT;
	cw_migrate_result r;
	sqlite3 *db = NULL;
	char *path = NULL;
	size_t i;
	int rc = cw_db_open_scratch(&db, &path, NULL, err);

	if (rc != 0)
		return rc;
	mo.table = o->table;
	mo.keep_going = 1;
	mo.profile = o->profile;
	rc = cw_migrate_db(&r, db, f, &mo, err);
	if (rc == CW_ESQL || rc == 0) {
		cw_error_clear(err);
		rc = 0;
	}
	for (i = 0; rc == 0 && r.failure.has_failure && i <= r.n_more;
	     i++) {
		const cw_migrate_failure *fl = i ? &r.more[i - 1] :
					      &r.failure;
		if (fl->entry == CW_MIGRATE_OWN && !strstr(fl->message,
						"no transaction is active"))
			report_own(out, f, fl);
		else if (fl->piece > 0 && !is_txn_failure(fl))
			report_failure(out, f, fl, &r.failure);
	}
	for (i = 0; rc == 0 && i < r.diags.n; i++)
		if (strcmp(r.diags.items[i].code, CW_R001) != 0) {
			const cw_diag *d = &r.diags.items[i];
			cw_diag *g = cw_diags_add(out, d->code, d->file,
						  d->line, d->column, "%s",
						  d->message);
			cw_diag_set_tag(g, d->tag);
		}
	cw_migrate_result_free(&r);
	cw_db_close_scratch(db, path);
	return rc;
}

int cw_check_pieces(cw_diags *out, const cw_folder *f,
		    const cw_check_options *o, cw_error *err)
{
	cw_check_options defaults = CW_CHECK_OPTIONS_INIT;
	size_t k;

	if (o == NULL)
		o = &defaults;
	for (k = 0; k < f->n_migrations; k++) {
		const cw_migration *m = &f->migrations[k];
		if (m->load_rc == 0 && m->text.data != NULL)
			check_markers(out, m);
	}
	return apply_folder(out, f, o, err);
}
