/*
** stmtrule.c - prepare one piece and judge its tail like better-sqlite3.
*/
#include "stmtrule.h"

#include <ctype.h>
#include <strings.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int is_skipped(char c)
{
	return c == ' ' || c == ';' || (c >= '\t' && c <= '\r');
}

size_t cw_stmtrule_tail_violation(const char *tail, cw_rule rule)
{
	const char *p = tail;

	while (*p) {
		if (is_skipped(*p)) {
			p++;
		} else if (rule == CW_RULE_CURRENT && p[0] == '/' &&
			   p[1] == '*') {
			p += 2;
			while (*p && !(p[0] == '*' && p[1] == '/'))
				p++;
			if (*p)
				p += 2;
		} else if (rule == CW_RULE_CURRENT && p[0] == '-' &&
			   p[1] == '-') {
			p += 2;
			while (*p && *p != '\n')
				p++;
			if (*p)
				p++;
		} else {
			return (size_t)(p - tail);
		}
	}
	return (size_t)-1;
}

int cw_stmtrule_prepare(sqlite3_stmt **out_stmt, cw_prepared *res, sqlite3 *db,
		    const char *sql, size_t len, cw_rule rule, cw_error *err)
{
	/* better-sqlite3 hands SQLite a NUL-terminated copy and a length
	** that includes the NUL, so a NUL byte inside the piece ends it. */
	char *copy;
	sqlite3_stmt *stmt = NULL;
	const char *tail = NULL;
	size_t bad;
	int rc;

	*out_stmt = NULL;
	memset(res, 0, sizeof(*res));
	if (len >= 0x7ffffffe) {
		res->verdict = CW_PIECE_SQL_ERROR;
		res->sqlite_rc = SQLITE_TOOBIG;
		snprintf(res->message, sizeof(res->message),
			 "statement too long (%zu bytes)", len);
		return 0;
	}
	copy = malloc(len + 1);
	if (copy == NULL)
		return cw_error_set(err, CW_ENOMEM, NULL, NULL, 0,
				    "out of memory preparing a statement");
	memcpy(copy, sql, len);
	copy[len] = '\0';
	rc = sqlite3_prepare_v3(db, copy, (int)len + 1,
				SQLITE_PREPARE_PERSISTENT, &stmt, &tail);
	if (rc != SQLITE_OK) {
		res->verdict = CW_PIECE_SQL_ERROR;
		res->sqlite_rc = sqlite3_extended_errcode(db);
		snprintf(res->message, sizeof(res->message), "%s",
			 sqlite3_errmsg(db));
		goto done;
	}
	if (stmt == NULL) {
		res->verdict = CW_PIECE_NO_STATEMENT;
		snprintf(res->message, sizeof(res->message), "%s",
			 CW_MSG_NO_STATEMENTS);
		goto done;
	}
	bad = cw_stmtrule_tail_violation(tail, rule);
	if (bad != (size_t)-1) {
		sqlite3_finalize(stmt);
		stmt = NULL;
		res->verdict = CW_PIECE_MULTIPLE;
		res->second_offset = (size_t)(tail - copy) + bad;
		snprintf(res->message, sizeof(res->message), "%s",
			 CW_MSG_MULTIPLE);
		goto done;
	}
	if (sqlite3_bind_parameter_count(stmt) > 0) {
		int i, n = sqlite3_bind_parameter_count(stmt), named = 0;
		for (i = 1; i <= n; i++)
			if (sqlite3_bind_parameter_name(stmt, i) != NULL)
				named = 1;
		sqlite3_finalize(stmt);
		stmt = NULL;
		res->verdict = CW_PIECE_PARAMETERS;
		snprintf(res->message, sizeof(res->message), "%s", named ?
			 CW_MSG_NAMED_PARAMS : CW_MSG_TOO_FEW_PARAMS);
		goto done;
	}
	res->verdict = CW_PIECE_OK;
	*out_stmt = stmt;
done:
	free(copy);
	return 0;
}

const char *cw_stmtrule_skip_blank(const char *p)
{
	const char *q;

	for (;;) {
		while (*p == ' ' || (*p >= '\t' && *p <= '\r'))
			p++;
		if (p[0] == '-' && p[1] == '-') {
			while (*p && *p != '\n')
				p++;
		} else if (p[0] == '/' && p[1] == '*') {
			q = strstr(p + 2, "*/");
			p = q ? q + 2 : p + strlen(p);
		} else {
			return p;
		}
	}
}

int cw_stmtrule_journal_mode(const char *sql, char *want, size_t n)
{
	const char *p = cw_stmtrule_skip_blank(sql), *q, *semi;
	size_t i = 0;

	if (strncasecmp(p, "pragma", 6) != 0)
		return 0;
	q = strcasestr(p, "journal_mode");
	semi = strchr(p, ';');
	/* The name must belong to this statement, which may end without a
	** ';' (the last piece of a file often does). */
	if (q == NULL || (semi != NULL && semi < q))
		return 0;
	for (q += 12; *q == ' ' || *q == '=' || *q == '(' || *q == '\'' ||
	     *q == '"'; q++)
		;
	while (i + 1 < n && ((*q >= 'a' && *q <= 'z') ||
	       (*q >= 'A' && *q <= 'Z')))
		want[i++] = (char)(*q++ | 0x20);
	want[i] = '\0';
	return i > 0;
}

/* Does p start with keyword w (case-insensitive, whole word)? */
static int word_at(const char *p, const char *w)
{
	size_t n = strlen(w);

	return strncasecmp(p, w, n) == 0 && !(isalnum((unsigned char)p[n]) ||
					     p[n] == '_');
}

/* PRAGMA foreign_keys = value, read as SQLite's sqlite3GetBoolean(z, 0)
** reads it (pragma.c getSafetyLevel): a number is its integer value;
** on/yes/true are ON; anything else, off/no/false included, is OFF. */
static cw_txn_kind fk_value(const char *p)
{
	char word[16];
	size_t n = 0;
	char q = 0;

	if (*p == '\'' || *p == '"') {
		q = *p++;
	}
	if (isdigit((unsigned char)*p))
		return atoi(p) ? CW_TXN_PRAGMA_FK_ON : CW_TXN_PRAGMA_FK_OFF;
	if (*p == '-' || *p == '+')
		return isdigit((unsigned char)p[1]) && atoi(p) ?
		       CW_TXN_PRAGMA_FK_ON : CW_TXN_PRAGMA_FK_OFF;
	while (n + 1 < sizeof(word) && (isalnum((unsigned char)p[n]) ||
					p[n] == '_'))
		n++;
	memcpy(word, p, n);
	word[n] = '\0';
	if (q && p[n] != q)
		return CW_TXN_PRAGMA_FK_OFF;
	if (strcasecmp(word, "on") == 0 || strcasecmp(word, "yes") == 0 ||
	    strcasecmp(word, "true") == 0)
		return CW_TXN_PRAGMA_FK_ON;
	return CW_TXN_PRAGMA_FK_OFF;
}

/* Past an optional "schema." and the pragma's name, quoted or not;
** NULL unless the name is foreign_keys. */
static const char *fk_pragma_name(const char *p)
{
	const char *dot;
	char q;

	/* schema.name: foreign_keys is the connection's, any schema. */
	dot = strchr(p, '.');
	if (dot && (size_t)(dot - p) < 64 && !memchr(p, '=', (size_t)(dot - p))
	    && !memchr(p, '(', (size_t)(dot - p)) &&
	    !memchr(p, ';', (size_t)(dot - p)))
		p = cw_stmtrule_skip_blank(dot + 1);
	if (*p == '"' || *p == '`' || *p == '[' || *p == '\'') {
		q = *p == '[' ? ']' : *p;
		if (strncasecmp(p + 1, "foreign_keys", 12) != 0 ||
		    p[13] != q)
			return NULL;
		return p + 14;
	}
	return word_at(p, "foreign_keys") ? p + 12 : NULL;
}

cw_txn_kind cw_stmtrule_txn_kind(const char *sql)
{
	const char *p = cw_stmtrule_skip_blank(sql);

	/* SQLite skips empty statements: ";COMMIT" is a COMMIT. */
	while (*p == ';')
		p = cw_stmtrule_skip_blank(p + 1);
	if (word_at(p, "BEGIN"))
		return CW_TXN_BEGIN;
	if (word_at(p, "COMMIT") || word_at(p, "END"))
		return CW_TXN_COMMIT;
	if (word_at(p, "ROLLBACK")) {
		p = cw_stmtrule_skip_blank(p + 8);
		if (word_at(p, "TRANSACTION"))
			p = cw_stmtrule_skip_blank(p + 11);
		return word_at(p, "TO") ? CW_TXN_NONE : CW_TXN_ROLLBACK;
	}
	if (!word_at(p, "PRAGMA"))
		return CW_TXN_NONE;
	p = fk_pragma_name(cw_stmtrule_skip_blank(p + 6));
	if (p == NULL)
		return CW_TXN_NONE;
	p = cw_stmtrule_skip_blank(p);
	if (*p != '=' && *p != '(')
		return CW_TXN_NONE;
	return fk_value(cw_stmtrule_skip_blank(p + 1));
}
