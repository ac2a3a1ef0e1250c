/*
** stmtrule.c - prepare one piece and judge its tail like better-sqlite3.
*/
#include "stmtrule.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int is_skipped(char c)
{
	return c == ' ' || c == ';' || (c >= '\t' && c <= '\r');
}

size_t cw_rule_tail_violation(const char *tail, cw_rule rule)
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

int cw_rule_prepare(sqlite3_stmt **out_stmt, cw_prepared *res, sqlite3 *db,
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
	bad = cw_rule_tail_violation(tail, rule);
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
