/*
** pieces.c - the S family of `cw check`: every piece obeys better-sqlite3's
** one-statement rule and SQLite accepts it in its real context.
**
** Markers are judged on the file text (S003 inside a literal or comment,
** S004 not followed by a newline); pieces are judged by applying the folder
** to an in-memory database configured like production, in one transaction
** as the migrator runs them (S001 two statements, S002 none, S005 refused).
*/
#include "check.h"
#include "db.h"
#include "stmtrule.h"
#include "text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Lines are counted by walking forward from a known (offset, line). */
typedef struct cursor {
	const char *text;
	size_t off;
	int line;
} cursor;

static int line_of(cursor *c, size_t off)
{
	if (off < c->off) {
		c->off = 0;
		c->line = 1;
	}
	for (; c->off < off; c->off++)
		if (c->text[c->off] == '\n')
			c->line++;
	return c->line;
}

/* S003/S004: walk the SQL lexically; the marker is itself a line comment,
** so only one seen where a token may start is a real breakpoint. */
static void check_markers(cw_diags *out, const cw_migration *m)
{
	const char *s = m->text.data;
	size_t n = m->text.len, i = 0, ml = CW_BREAKPOINT_LEN;
	cursor c = {s, 0, 1};
	char quote;

	while (i < n) {
		size_t start = i, end;
		const char *hit;
		if (s[i] == '-' && i + 1 < n && s[i + 1] == '-') {
			if (n - i >= ml && memcmp(s + i, CW_BREAKPOINT, ml) == 0) {
				i += ml;
				if (i < n && s[i] != '\n' && s[i] != '\r')
					cw_diag_set_tag(cw_diags_add(out,
						"S004", m->path,
						line_of(&c, i - ml), 0,
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
			cw_diag_set_tag(cw_diags_add(out, "S003", m->path,
				line_of(&c, (size_t)(hit - s)), 0,
				"breakpoint marker inside a %s; drizzle "
				"splits the statement there anyway",
				s[start] == '-' || s[start] == '/' ?
				"comment" : "quoted string or identifier"),
				m->entry->tag);
	}
}

/* Where the first statement of a piece ends: the last ';' before the
** second statement, for the hint. */
static int end_of_first(cursor *c, const cw_migration *m,
			const cw_piece *pc, size_t second)
{
	size_t i = second;

	while (i > 0 && m->text.data[pc->offset + i - 1] != ';')
		i--;
	return line_of(c, pc->offset + (i ? i - 1 : 0));
}

static void report_piece(cw_diags *out, const cw_migration *m, size_t p,
			 const cw_prepared *res, cursor *c)
{
	const cw_piece *pc = &m->pieces.items[p];
	cw_diag *g = NULL;

	if (res->verdict == CW_PIECE_MULTIPLE) {
		int second, col, first_end;
		cw_text_line_col(m->text.data, pc->offset +
				 res->second_offset, &second, &col);
		first_end = end_of_first(c, m, pc, res->second_offset);
		g = cw_diags_add(out, "S001", m->path, second, col,
				 "piece %zu of %s holds a second statement "
				 "starting here (better-sqlite3: %s)", p + 1,
				 m->entry->tag, CW_MSG_MULTIPLE);
		cw_diag_set_hint(g, "end line %d (after the first "
				 "statement's ';') with `--> "
				 "statement-breakpoint`", first_end);
	} else if (res->verdict == CW_PIECE_NO_STATEMENT) {
		g = cw_diags_add(out, "S002", m->path, pc->line, 0,
				 "piece %zu of %s contains no statement "
				 "(better-sqlite3: %s); drizzle fails the "
				 "whole run here", p + 1, m->entry->tag,
				 CW_MSG_NO_STATEMENTS);
	} else {
		g = cw_diags_add(out, "S005", m->path, pc->line, 0,
				 "piece %zu of %s: SQLite says: %s", p + 1,
				 m->entry->tag, res->message);
	}
	cw_diag_set_tag(g, m->entry->tag);
}

/* Apply one migration's pieces in db; 1 when SQLite refused one (the
** folder cannot be applied further in context). */
static int apply_pieces(cw_diags *out, sqlite3 *db, const cw_migration *m,
			int in_context, cw_error *err)
{
	cursor c = {m->text.data, 0, 1};
	size_t p;
	int failed = 0;

	for (p = 0; p < m->pieces.n; p++) {
		const cw_piece *pc = &m->pieces.items[p];
		sqlite3_stmt *st = NULL;
		cw_prepared res;
		int rc = cw_rule_prepare(&st, &res, db, m->text.data +
					 pc->offset, pc->len, CW_RULE_CURRENT,
					 err);
		if (rc != 0)
			return rc;
		if (res.verdict == CW_PIECE_OK) {
			if (in_context) {
				sqlite3_step(st);
				if (sqlite3_reset(st) != SQLITE_OK) {
					snprintf(res.message,
						 sizeof(res.message), "%s",
						 sqlite3_errmsg(db));
					res.verdict = CW_PIECE_SQL_ERROR;
				}
			}
			sqlite3_finalize(st);
		}
		if (res.verdict == CW_PIECE_SQL_ERROR && !in_context)
			continue;
		if (res.verdict != CW_PIECE_OK)
			report_piece(out, m, p, &res, &c);
		if (res.verdict == CW_PIECE_SQL_ERROR)
			return 1;
		if (res.verdict == CW_PIECE_MULTIPLE && in_context) {
			/* Keep the context right for later pieces. */
			char *copy = strndup(m->text.data + pc->offset,
					     pc->len);
			if (copy && sqlite3_exec(db, copy, NULL, NULL, NULL))
				failed = 1;
			free(copy);
			if (failed)
				return 1;
		}
	}
	return failed;
}

int cw_check_pieces(cw_diags *out, const cw_folder *f,
		    const cw_check_options *o, cw_error *err)
{
	sqlite3 *db = NULL;
	size_t k;
	int rc, in_context = 1;

	(void)o;
	rc = cw_db_open_memory(&db, err);
	if (rc != 0)
		return rc;
	sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
	for (k = 0; k < f->n_migrations && rc == 0; k++) {
		const cw_migration *m = &f->migrations[k];
		if (m->load_rc != 0 || m->text.data == NULL)
			continue;
		check_markers(out, m);
		/* A COMMIT inside a migration ends the transaction; the
		** migrator would go on without one, and so do we. */
		rc = apply_pieces(out, db, m, in_context, err);
		if (rc == 1) {
			/* Later pieces would fail for this one's sake;
			** keep judging them only on what needs no context. */
			in_context = 0;
			sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
			rc = 0;
		}
	}
	sqlite3_close(db);
	return rc;
}
