/*
** check_stmtrule.c - lib/stmtrule.c: better-sqlite3's one-statement rule.
** Every example of spec/drizzle-semantics.md section 3 under the current
** and the legacy rule, the offset of the second statement, BOM handling,
** empty and comment-only pieces, SQLite errors and NUL bytes.  The
** expected verdicts were checked against better-sqlite3 12.11.1.
*/
#include "unit.h"
#include "../../lib/stmtrule.h"
#include "../../lib/db.h"

#include <string.h>

#define NONE ((size_t)-1)

static sqlite3 *db;

static void open_db(void)
{
	cw_error err = {0};

	ck_assert_int_eq(cw_db_open_memory(&db, &err), 0);
}

static void close_db(void)
{
	sqlite3_close(db);
	db = NULL;
}

/* Prepare (sql, len) and return the verdict; finalizes any statement. */
static cw_verdict judge_n(const char *sql, size_t len, cw_rule rule,
			  cw_prepared *res)
{
	sqlite3_stmt *st = (sqlite3_stmt *)1;
	cw_error err = {0};

	ck_assert_int_eq(cw_stmtrule_prepare(&st, res, db, sql, len, rule, &err),
			 0);
	ck_assert_int_eq(err.code, 0);
	if (res->verdict == CW_PIECE_OK)
		ck_assert_ptr_nonnull(st);
	else
		ck_assert_ptr_null(st);
	sqlite3_finalize(st);
	return res->verdict;
}

static cw_verdict judge(const char *sql, cw_rule rule, cw_prepared *res)
{
	return judge_n(sql, strlen(sql), rule, res);
}

typedef struct rule_case {
	const char *sql;
	cw_verdict current;
	cw_verdict legacy;
} rule_case;

static const rule_case spec_cases[] = {
	/* the classic missing breakpoint */
	{"CREATE TABLE a(x); CREATE TABLE b(y);",
	 CW_PIECE_MULTIPLE, CW_PIECE_MULTIPLE},
	{"CREATE TABLE c(x);;", CW_PIECE_OK, CW_PIECE_OK},
	/* older releases took a trailing comment for a second statement */
	{"CREATE TABLE d(x); -- note", CW_PIECE_OK, CW_PIECE_MULTIPLE},
	{"CREATE TABLE d2(x); /* note */", CW_PIECE_OK, CW_PIECE_MULTIPLE},
	{"-- lead\nCREATE TABLE e(x);", CW_PIECE_OK, CW_PIECE_OK},
	/* a file ending with the marker and a newline: last piece "\n" */
	{"\n", CW_PIECE_NO_STATEMENT, CW_PIECE_NO_STATEMENT},
	{"", CW_PIECE_NO_STATEMENT, CW_PIECE_NO_STATEMENT},
	/* the untouched `drizzle-kit generate --custom` placeholder */
	{"-- Custom SQL migration file, put your code below! --",
	 CW_PIECE_NO_STATEMENT, CW_PIECE_NO_STATEMENT},
	{";", CW_PIECE_NO_STATEMENT, CW_PIECE_NO_STATEMENT},
	{";;  ;\n", CW_PIECE_NO_STATEMENT, CW_PIECE_NO_STATEMENT},
	{"/* c */", CW_PIECE_NO_STATEMENT, CW_PIECE_NO_STATEMENT},
	{" \t\r\n\v\f", CW_PIECE_NO_STATEMENT, CW_PIECE_NO_STATEMENT},
	/* BOM at the very start is accepted, in the tail it is refused */
	{"\xEF\xBB\xBF" "CREATE TABLE f(x);", CW_PIECE_OK, CW_PIECE_OK},
	{"CREATE TABLE g(x);\xEF\xBB\xBF", CW_PIECE_MULTIPLE,
	 CW_PIECE_MULTIPLE},
	/* without ';' SQLite takes the trailing comment into the statement */
	{"CREATE TABLE j(x) /* unterminated", CW_PIECE_OK, CW_PIECE_OK},
	{"CREATE TABLE j2(x) -- note", CW_PIECE_OK, CW_PIECE_OK},
	{"CREATE TABLE k(x); /* a */ -- b\n ; \t\v\f\r", CW_PIECE_OK,
	 CW_PIECE_MULTIPLE},
	{"CREATE TABLE k2(x); \t\v\f\r\n;", CW_PIECE_OK, CW_PIECE_OK},
	{"CREATE TABLE l(x); /* a */ x", CW_PIECE_MULTIPLE,
	 CW_PIECE_MULTIPLE},
	/* "-->" opens a line comment */
	{"CREATE TABLE m(x);--> statement", CW_PIECE_OK, CW_PIECE_MULTIPLE},
};

START_TEST(test_spec_examples_current)
{
	const rule_case *c = &spec_cases[_i];
	cw_prepared res;

	ck_assert_msg(judge(c->sql, CW_RULE_CURRENT, &res) == c->current,
		      "current rule on \"%s\": verdict %d (%s), want %d",
		      c->sql, res.verdict, res.message, c->current);
}
END_TEST

START_TEST(test_spec_examples_legacy)
{
	const rule_case *c = &spec_cases[_i];
	cw_prepared res;

	ck_assert_msg(judge(c->sql, CW_RULE_LEGACY, &res) == c->legacy,
		      "legacy rule on \"%s\": verdict %d (%s), want %d",
		      c->sql, res.verdict, res.message, c->legacy);
}
END_TEST

START_TEST(test_messages)
{
	cw_prepared res;

	judge("CREATE TABLE a(x); CREATE TABLE b(y);", CW_RULE_CURRENT, &res);
	ck_assert_str_eq(res.message,
		"The supplied SQL string contains more than one statement");
	judge(";", CW_RULE_CURRENT, &res);
	ck_assert_str_eq(res.message,
		"The supplied SQL string contains no statements");
	judge("SELECT 1", CW_RULE_CURRENT, &res);
	ck_assert_str_eq(res.message, "");
	ck_assert_uint_eq(res.second_offset, 0);
}
END_TEST

/* second_offset: the first byte of the second statement in the piece. */
START_TEST(test_second_offset)
{
	static const char *const sqls[] = {
		"CREATE TABLE a(x); CREATE TABLE b(y);",
		"-- lead\nSELECT 1; SELECT 2",
		"SELECT 1; /* c */ -- d\n  \t;SELECT 2",
		"\xEF\xBB\xBFSELECT 1;\nSELECT 2",
	};
	static const char *const second[] = {
		"CREATE TABLE b", "SELECT 2", "SELECT 2", "SELECT 2",
	};
	cw_prepared res;
	size_t i;

	for (i = 0; i < sizeof(sqls) / sizeof(sqls[0]); i++) {
		size_t want = (size_t)(strstr(sqls[i], second[i]) - sqls[i]);
		ck_assert_int_eq(judge(sqls[i], CW_RULE_CURRENT, &res),
				 CW_PIECE_MULTIPLE);
		ck_assert_msg(res.second_offset == want,
			      "\"%s\": second_offset %zu, want %zu", sqls[i],
			      res.second_offset, want);
	}
	ck_assert_uint_eq(strlen("CREATE TABLE a(x); "), 19);
	judge("CREATE TABLE a(x); CREATE TABLE b(y);", CW_RULE_CURRENT, &res);
	ck_assert_uint_eq(res.second_offset, 19);
	/* Legacy: the comment itself is the violation. */
	judge("SELECT 1; -- c", CW_RULE_LEGACY, &res);
	ck_assert_uint_eq(res.second_offset, 10);
	/* A BOM in the tail: the offset is the BOM's first byte. */
	judge("CREATE TABLE g(x);\xEF\xBB\xBF", CW_RULE_CURRENT, &res);
	ck_assert_uint_eq(res.second_offset, 18);
}
END_TEST

START_TEST(test_tail_violation)
{
	ck_assert_uint_eq(cw_stmtrule_tail_violation("", CW_RULE_CURRENT), NONE);
	ck_assert_uint_eq(cw_stmtrule_tail_violation(" ;\t\n\v\f\r;",
						 CW_RULE_CURRENT), NONE);
	ck_assert_uint_eq(cw_stmtrule_tail_violation(" ;\t\n\v\f\r;",
						 CW_RULE_LEGACY), NONE);
	ck_assert_uint_eq(cw_stmtrule_tail_violation("-- x\n y",
						 CW_RULE_CURRENT), 6);
	ck_assert_uint_eq(cw_stmtrule_tail_violation("-- x", CW_RULE_CURRENT),
			  NONE);
	ck_assert_uint_eq(cw_stmtrule_tail_violation("-- x", CW_RULE_LEGACY), 0);
	ck_assert_uint_eq(cw_stmtrule_tail_violation("/* a */x",
						 CW_RULE_CURRENT), 7);
	ck_assert_uint_eq(cw_stmtrule_tail_violation("/* a ", CW_RULE_CURRENT),
			  NONE);
	ck_assert_uint_eq(cw_stmtrule_tail_violation("/*/ x", CW_RULE_CURRENT),
			  NONE);
	ck_assert_uint_eq(cw_stmtrule_tail_violation("/**/;/",
						 CW_RULE_CURRENT), 5);
	ck_assert_uint_eq(cw_stmtrule_tail_violation(" -", CW_RULE_CURRENT), 1);
	ck_assert_uint_eq(cw_stmtrule_tail_violation(" #", CW_RULE_CURRENT), 1);
	/* \t..\r are skipped; the bytes around them are not. */
	ck_assert_uint_eq(cw_stmtrule_tail_violation("\x08", CW_RULE_CURRENT), 0);
	ck_assert_uint_eq(cw_stmtrule_tail_violation("\x0e", CW_RULE_CURRENT), 0);
	ck_assert_uint_eq(cw_stmtrule_tail_violation("\xEF\xBB\xBF",
						 CW_RULE_CURRENT), 0);
	ck_assert_uint_eq(cw_stmtrule_tail_violation("\xC2\xA0",
						 CW_RULE_CURRENT), 0);
	/* Scanning stops at a NUL. */
	ck_assert_uint_eq(cw_stmtrule_tail_violation("; \0x", CW_RULE_CURRENT),
			  NONE);
}
END_TEST

START_TEST(test_sql_error)
{
	cw_prepared res;

	ck_assert_int_eq(judge("CREATE TABL m(x)", CW_RULE_CURRENT, &res),
			 CW_PIECE_SQL_ERROR);
	ck_assert_str_eq(res.message, "near \"TABL\": syntax error");
	ck_assert_int_eq(res.sqlite_rc, SQLITE_ERROR);
	ck_assert_int_eq(judge("INSERT INTO nope VALUES(1)", CW_RULE_CURRENT,
			       &res), CW_PIECE_SQL_ERROR);
	ck_assert_str_eq(res.message, "no such table: nope");
	/* The first statement is compiled before the tail is looked at. */
	ck_assert_int_eq(judge("SELECT 1 -- x\nSELECT 2", CW_RULE_CURRENT,
			       &res), CW_PIECE_SQL_ERROR);
	ck_assert_str_eq(res.message, "near \"SELECT\": syntax error");
	/* Double-quoted strings are identifiers on a configured connection. */
	ck_assert_int_eq(judge("SELECT \"nope\"", CW_RULE_CURRENT, &res),
			 CW_PIECE_SQL_ERROR);
	ck_assert_msg(strncmp(res.message, "no such column: ", 16) == 0,
		      "message: %s", res.message);
}
END_TEST

/* better-sqlite3 passes a NUL-terminated copy: a NUL ends the piece. */
START_TEST(test_nul_in_piece)
{
	static const char a[] = "CREATE TABLE h(x);\0CREATE TABLE i(y);";
	static const char b[] = "\0CREATE TABLE n(x)";
	static const char c[] = "SELECT 1\0 garbage";
	cw_prepared res;

	ck_assert_int_eq(judge_n(a, sizeof(a) - 1, CW_RULE_CURRENT, &res),
			 CW_PIECE_OK);
	ck_assert_int_eq(judge_n(b, sizeof(b) - 1, CW_RULE_CURRENT, &res),
			 CW_PIECE_NO_STATEMENT);
	ck_assert_int_eq(judge_n(c, sizeof(c) - 1, CW_RULE_LEGACY, &res),
			 CW_PIECE_OK);
}
END_TEST

/* Only len bytes of sql are used: pieces point into a larger text. */
START_TEST(test_piece_is_bounded)
{
	static const char t[] = "SELECT 1; SELECT 2";
	cw_prepared res;

	ck_assert_int_eq(judge_n(t, 9, CW_RULE_CURRENT, &res), CW_PIECE_OK);
	ck_assert_int_eq(judge_n(t, sizeof(t) - 1, CW_RULE_CURRENT, &res),
			 CW_PIECE_MULTIPLE);
	ck_assert_int_eq(judge_n(t, 0, CW_RULE_CURRENT, &res),
			 CW_PIECE_NO_STATEMENT);
}
END_TEST

/* An accepted statement runs: a BOM-prefixed CREATE creates its table. */
START_TEST(test_ok_statement_runs)
{
	static const char t[] = "\xEF\xBB\xBF" "CREATE TABLE f(x); -- done";
	sqlite3_stmt *st = NULL;
	cw_prepared res;
	cw_error err = {0};

	ck_assert_int_eq(cw_stmtrule_prepare(&st, &res, db, t, sizeof(t) - 1,
					 CW_RULE_CURRENT, &err), 0);
	ck_assert_int_eq(res.verdict, CW_PIECE_OK);
	ck_assert_int_eq(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
	ck_assert_int_eq(sqlite3_exec(db, "INSERT INTO f VALUES(1)", NULL,
				      NULL, NULL), SQLITE_OK);
}
END_TEST

/* A piece too long for SQLite is refused before it is copied or read
** (the pointer below has one byte behind it). */
START_TEST(test_too_long)
{
	sqlite3_stmt *st = (sqlite3_stmt *)1;
	cw_prepared res;
	cw_error err = {0};

	ck_assert_int_eq(cw_stmtrule_prepare(&st, &res, db, "x", 0x7ffffffe,
					 CW_RULE_CURRENT, &err), 0);
	ck_assert_ptr_null(st);
	ck_assert_int_eq(res.verdict, CW_PIECE_SQL_ERROR);
	ck_assert_int_eq(res.sqlite_rc, SQLITE_TOOBIG);
	ck_assert_str_eq(res.message, "statement too long (2147483646 bytes)");
}
END_TEST

/* The journal mode a PRAGMA piece asks for (R008 compares it with the
** mode the database is left in). */
START_TEST(test_journal_mode)
{
	char want[16];

	ck_assert_int_eq(cw_stmtrule_journal_mode("PRAGMA journal_mode=WAL;",
					      want, sizeof(want)), 1);
	ck_assert_str_eq(want, "wal");
	ck_assert_int_eq(cw_stmtrule_journal_mode("-- set it\n/* x */ pragma "
					      "main.journal_mode = 'Delete'"
					      ";", want, sizeof(want)), 1);
	ck_assert_str_eq(want, "delete");
	ck_assert_int_eq(cw_stmtrule_journal_mode("PRAGMA journal_mode(memory);",
					      want, sizeof(want)), 1);
	ck_assert_str_eq(want, "memory");
	/* Cut to the buffer. */
	ck_assert_int_eq(cw_stmtrule_journal_mode("PRAGMA journal_mode=WAL;",
					      want, 3), 1);
	ck_assert_str_eq(want, "wa");
	ck_assert_int_eq(cw_stmtrule_journal_mode("PRAGMA journal_mode;", want,
					      sizeof(want)), 0);
	ck_assert_int_eq(cw_stmtrule_journal_mode("SELECT 'journal_mode=wal';",
					      want, sizeof(want)), 0);
	ck_assert_int_eq(cw_stmtrule_journal_mode("PRAGMA user_version = 1; "
					      "SELECT journal_mode;", want,
					      sizeof(want)), 0);
	/* The last piece of a file often has no ';'. */
	ck_assert_int_eq(cw_stmtrule_journal_mode("PRAGMA journal_mode=WAL",
					      want, sizeof(want)), 1);
	ck_assert_str_eq(want, "wal");
}
END_TEST

static Suite *stmtrule_suite(void)
{
	Suite *s = suite_create("stmtrule");
	TCase *tc = tcase_create("rule");
	int n = (int)(sizeof(spec_cases) / sizeof(spec_cases[0]));

	tcase_add_checked_fixture(tc, open_db, close_db);
	tcase_add_loop_test(tc, test_spec_examples_current, 0, n);
	tcase_add_loop_test(tc, test_spec_examples_legacy, 0, n);
	tcase_add_test(tc, test_messages);
	tcase_add_test(tc, test_second_offset);
	tcase_add_test(tc, test_tail_violation);
	tcase_add_test(tc, test_sql_error);
	tcase_add_test(tc, test_nul_in_piece);
	tcase_add_test(tc, test_piece_is_bounded);
	tcase_add_test(tc, test_ok_statement_runs);
	tcase_add_test(tc, test_too_long);
	tcase_add_test(tc, test_journal_mode);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(stmtrule_suite());
}
