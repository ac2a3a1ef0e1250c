/*
** check_sqlscan.c - lib/sqlscan.c: the SQL tokenizer the checks read
** migrations with.  Keywords (any case, never inside a literal, a quoted
** name or a comment), the four quotings of a name with their doubled
** quotes, comments, numbers, blobs and parameters, unterminated input,
** token offsets and the lines they fall on, a byte-order mark, sub-ranges
** and where a statement ends (CREATE TRIGGER bodies included).
*/
#include "unit.h"
#include "../../lib/sqlscan.h"
#include "../../lib/text.h"

#include <string.h>

/* One expected token: its type and its exact text. */
typedef struct want_tok {
	cw_tok_type type;
	const char *text;
} want_tok;

#define W(s) {CW_TOK_WORD, s}
#define Q(s) {CW_TOK_QID, s}
#define STR(s) {CW_TOK_STRING, s}
#define P(s) {CW_TOK_PUNCT, s}
#define NUM(s) {CW_TOK_NUMBER, s}
#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

/* Tokenize all of text into a fresh list (the caller frees it). */
static cw_toks scan(const char *text)
{
	cw_toks t = CW_TOKS_INIT;
	cw_error err = {0};

	ck_assert_int_eq(cw_sqlscan(&t, text, 0, strlen(text), &err), 0);
	ck_assert_int_eq(err.code, 0);
	return t;
}

/* The tokens of text are exactly want[0..n), in order. */
static void scans_as(const char *text, const want_tok *want, size_t n)
{
	cw_toks t = scan(text);
	size_t i;

	ck_assert_msg(t.n == n, "%zu tokens in \"%s\", want %zu", t.n, text,
		      n);
	for (i = 0; i < n; i++) {
		const cw_tok *k = &t.items[i];
		ck_assert_msg(k->type == want[i].type &&
			      k->len == strlen(want[i].text) &&
			      memcmp(text + k->off, want[i].text, k->len) == 0,
			      "token %zu of \"%s\" is %d \"%.*s\", want %d "
			      "\"%s\"", i, text, (int)k->type, (int)k->len,
			      text + k->off, (int)want[i].type, want[i].text);
	}
	cw_toks_free(&t);
}

/* The name token i of text spells. */
static void name_is(const char *text, size_t i, const char *want)
{
	cw_toks t = scan(text);
	char *name;

	ck_assert_uint_gt(t.n, i);
	name = cw_tok_name(text, &t.items[i]);
	ck_assert_ptr_nonnull(name);
	ck_assert_str_eq(name, want);
	free(name);
	cw_toks_free(&t);
}

START_TEST(test_keywords)
{
	static const char t[] = "create Table IF not exists t (x int);";
	static const want_tok w[] = {
		W("create"), W("Table"), W("IF"), W("not"), W("exists"),
		W("t"), P("("), W("x"), W("int"), P(")"), P(";"),
	};
	cw_toks k = scan(t);

	scans_as(t, w, N_OF(w));
	ck_assert(cw_tok_is(t, &k.items[0], "CREATE"));
	ck_assert(cw_tok_is(t, &k.items[1], "table"));
	ck_assert(!cw_tok_is(t, &k.items[0], "CREATED"));
	ck_assert(!cw_tok_is(t, &k.items[0], "CREAT"));
	ck_assert(!cw_tok_is(t, &k.items[6], "("));
	ck_assert(cw_tok_punct(t, &k.items[6], '('));
	ck_assert(!cw_tok_punct(t, &k.items[6], ')'));
	ck_assert(!cw_tok_punct(t, &k.items[5], 't'));
	cw_toks_free(&k);
}
END_TEST

/* A keyword spelled inside a quoted name or a string is not a word. */
START_TEST(test_keyword_in_quotes)
{
	static const char t[] = "\"DROP\" `TABLE` [DELETE] 'BEGIN'";
	static const want_tok w[] = {
		Q("\"DROP\""), Q("`TABLE`"), Q("[DELETE]"), STR("'BEGIN'"),
	};
	cw_toks k = scan(t);
	size_t i;

	scans_as(t, w, N_OF(w));
	for (i = 0; i < k.n; i++) {
		ck_assert(!cw_tok_is(t, &k.items[i], "DROP"));
		ck_assert(cw_tok_is_name(&k.items[i]));
	}
	cw_toks_free(&k);
}
END_TEST

/* The four quotings, each with what it unquotes to: "" and `` and ''
** double to escape, [...] has no escape and ends at the first ']'. */
START_TEST(test_quoted_names)
{
	name_is("\"my \"\"col\"\"\"", 0, "my \"col\"");
	name_is("`a``b`", 0, "a`b");
	name_is("'it''s'", 0, "it's");
	name_is("[a b]", 0, "a b");
	name_is("[a\"b`c']", 0, "a\"b`c'");
	name_is("plain_Name9", 0, "plain_Name9");
	name_is("\"\"", 0, "");
	{
		static const want_tok w[] = { Q("[a]"), P("]"), W("b"),
					      P("]") };
		scans_as("[a]]b]", w, N_OF(w));
	}
	{
		/* Doubled quotes stay inside one token. */
		static const want_tok w[] = { Q("\"a\"\"b\""), P(".") ,
					      Q("`c``d`") };
		scans_as("\"a\"\"b\".`c``d`", w, N_OF(w));
	}
}
END_TEST

START_TEST(test_strings)
{
	static const want_tok w[] = {
		W("INSERT"), W("INTO"), W("t"), W("VALUES"), P("("),
		STR("'it''s; DROP TABLE t; --'"), P(","), STR("''"), P(")"),
		P(";"),
	};

	scans_as("INSERT INTO t VALUES ('it''s; DROP TABLE t; --', '');",
		 w, N_OF(w));
}
END_TEST

/* Comments are skipped whole; what looks like SQL inside them is not
** tokenized, and a lone '-' or '/' is punctuation. */
START_TEST(test_comments)
{
	static const char t[] = "-- DROP TABLE x;\n"
				"SELECT /* ; DELETE FROM t; */ 1 - 2 / 3;"
				"-- trailing, no newline";
	static const want_tok w[] = {
		W("SELECT"), NUM("1"), P("-"), NUM("2"), P("/"), NUM("3"),
		P(";"),
	};

	scans_as(t, w, N_OF(w));
	scans_as("--> statement-breakpoint", NULL, 0);
	scans_as("/**/", NULL, 0);
	{
		static const want_tok w2[] = { W("a"), W("b") };
		scans_as("a/* x */b", w2, N_OF(w2));
	}
}
END_TEST

/* Unterminated literals and comments run to the end of the input, as
** SQLite reads them; nothing past the end is touched. */
START_TEST(test_unterminated)
{
	{
		static const want_tok w[] = { W("SELECT"), STR("'abc;\nx") };
		scans_as("SELECT 'abc;\nx", w, N_OF(w));
	}
	{
		static const want_tok w[] = { Q("\"abc") };
		scans_as("\"abc", w, N_OF(w));
	}
	{
		static const want_tok w[] = { Q("`a``") };
		scans_as("`a``", w, N_OF(w));
	}
	{
		static const want_tok w[] = { Q("[abc ;") };
		scans_as("[abc ;", w, N_OF(w));
	}
	{
		static const want_tok w[] = { W("x") };
		scans_as("x /* never closed ; SELECT 1;", w, N_OF(w));
	}
	{
		static const want_tok w[] = { STR("'") };
		scans_as("'", w, N_OF(w));
	}
	name_is("'abc", 0, "abc");
	name_is("\"", 0, "");
}
END_TEST

START_TEST(test_numbers_blobs_vars)
{
	static const want_tok w[] = {
		NUM("1"), NUM("2.5"), NUM(".5"), NUM("1e10"), NUM("3E-2"),
		NUM("0x1F"), {CW_TOK_BLOB, "X'00ff'"}, {CW_TOK_BLOB, "x''"},
		{CW_TOK_VAR, "?"}, {CW_TOK_VAR, "?12"}, {CW_TOK_VAR, ":a"},
		{CW_TOK_VAR, "@b_1"}, {CW_TOK_VAR, "$c"}, W("X"), W("_y$"),
	};

	scans_as("1 2.5 .5 1e10 3E-2 0x1F X'00ff' x'' ? ?12 :a @b_1 $c X "
		 "_y$", w, N_OF(w));
}
END_TEST

/* Offsets are byte offsets in the text; lines come from them. */
START_TEST(test_positions)
{
	static const char t[] = "CREATE TABLE `t` (\n\t`id` integer\n);\n"
				"-- note\nDROP TABLE t;";
	cw_toks k = scan(t);
	int line, col;

	ck_assert_uint_eq(k.n, 12);
	ck_assert_uint_eq(k.items[0].off, 0);
	ck_assert_uint_eq(k.items[0].len, 6);
	ck_assert_uint_eq(k.items[2].off, 13);
	ck_assert_uint_eq(k.items[2].len, 3);
	ck_assert_uint_eq(k.items[4].off, 20);
	cw_text_line_col(t, k.items[4].off, &line, &col);
	ck_assert_int_eq(line, 2);
	ck_assert_int_eq(col, 2);
	ck_assert(cw_tok_is(t, &k.items[8], "DROP"));
	cw_text_line_col(t, k.items[8].off, &line, &col);
	ck_assert_int_eq(line, 5);
	ck_assert_int_eq(col, 1);
	ck_assert(cw_tok_punct(t, &k.items[11], ';'));
	ck_assert_uint_eq(k.items[11].off, sizeof(t) - 2);
	cw_toks_free(&k);
}
END_TEST

/* A sub-range: offsets stay offsets in the whole text, nothing outside
** the range is read, and the list is emptied and reused. */
START_TEST(test_range_and_reuse)
{
	static const char t[] = "SELECT 1; 'open";
	cw_toks k = CW_TOKS_INIT;
	cw_error err = {0};

	ck_assert_int_eq(cw_sqlscan(&k, t, 0, strlen(t), &err), 0);
	ck_assert_uint_eq(k.n, 4);
	ck_assert_int_eq(cw_sqlscan(&k, t, 7, 9, &err), 0);
	ck_assert_uint_eq(k.n, 2);
	ck_assert_uint_eq(k.items[0].off, 7);
	ck_assert_int_eq(k.items[0].type, CW_TOK_NUMBER);
	ck_assert(cw_tok_punct(t, &k.items[1], ';'));
	ck_assert_int_eq(cw_sqlscan(&k, t, 3, 3, &err), 0);
	ck_assert_uint_eq(k.n, 0);
	cw_toks_free(&k);
	ck_assert_ptr_null(k.items);
	ck_assert_uint_eq(k.cap, 0);
	cw_toks_free(NULL);
}
END_TEST

/* A byte-order mark at the start is space, not an identifier; anywhere
** else its bytes are identifier bytes, as in SQLite. */
START_TEST(test_bom)
{
	static const char t[] = "\xEF\xBB\xBFSELECT 1;";
	cw_toks k = scan(t);

	ck_assert_uint_eq(k.n, 3);
	ck_assert_uint_eq(k.items[0].off, 3);
	ck_assert(cw_tok_is(t, &k.items[0], "SELECT"));
	cw_toks_free(&k);
	k = scan("a\xEF\xBB\xBF");
	ck_assert_uint_eq(k.n, 1);
	ck_assert_uint_eq(k.items[0].len, 4);
	cw_toks_free(&k);
}
END_TEST

/* Statements end at ';', except inside CREATE TRIGGER ... END. */
START_TEST(test_stmt_end)
{
	static const char t[] =
		"CREATE TEMP TRIGGER tr AFTER INSERT ON t BEGIN "
		"UPDATE t SET x = 1; DELETE FROM u; END; SELECT 'a;b'; "
		"SELECT 2";
	cw_toks k = scan(t);
	size_t end1, end2, end3;

	end1 = cw_sqlscan_stmt_end(t, k.items, k.n, 0);
	ck_assert_uint_lt(end1, k.n);
	ck_assert(cw_tok_punct(t, &k.items[end1], ';'));
	ck_assert(cw_tok_is(t, &k.items[end1 - 1], "END"));
	end2 = cw_sqlscan_stmt_end(t, k.items, k.n, end1 + 1);
	ck_assert_uint_eq(end2, end1 + 3);
	ck_assert(cw_tok_punct(t, &k.items[end2], ';'));
	end3 = cw_sqlscan_stmt_end(t, k.items, k.n, end2 + 1);
	ck_assert_uint_eq(end3, k.n);
	cw_toks_free(&k);
}
END_TEST

START_TEST(test_names_compare)
{
	ck_assert(cw_sqlscan_name_eq("Users", "uSERS"));
	ck_assert(!cw_sqlscan_name_eq("users", "user"));
	ck_assert(!cw_sqlscan_name_eq("user", "users"));
	ck_assert(cw_sqlscan_name_eq("", ""));
	/* Only ASCII folds, as in SQLite. */
	ck_assert(!cw_sqlscan_name_eq("\xC3\x89", "\xC3\xA9"));
}
END_TEST

static Suite *sqlscan_suite(void)
{
	Suite *s = suite_create("sqlscan");
	TCase *tc = tcase_create("tokens");

	tcase_add_test(tc, test_keywords);
	tcase_add_test(tc, test_keyword_in_quotes);
	tcase_add_test(tc, test_quoted_names);
	tcase_add_test(tc, test_strings);
	tcase_add_test(tc, test_comments);
	tcase_add_test(tc, test_unterminated);
	tcase_add_test(tc, test_numbers_blobs_vars);
	tcase_add_test(tc, test_positions);
	tcase_add_test(tc, test_range_and_reuse);
	tcase_add_test(tc, test_bom);
	tcase_add_test(tc, test_stmt_end);
	tcase_add_test(tc, test_names_compare);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(sqlscan_suite());
}
