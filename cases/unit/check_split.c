/*
** check_split.c - lib/split.c: drizzle's split on "--> statement-breakpoint"
** (marker at start, end, doubled, absent, inside a string literal, empty
** text, NUL bytes), with each piece's offset, length and line.
*/
#include "unit.h"
#include "../../lib/split.h"

#include <string.h>

#define BP CW_BREAKPOINT

static cw_pieces split_n(const char *text, size_t len)
{
	cw_pieces p = {0};
	cw_error err = {0};

	ck_assert_int_eq(cw_split(&p, text, len, &err), 0);
	ck_assert_int_eq(err.code, 0);
	return p;
}

static cw_pieces split_s(const char *text)
{
	return split_n(text, strlen(text));
}

static void piece_is(const cw_pieces *p, size_t k, const char *text,
		     const char *want, int line)
{
	size_t n = strlen(want);

	ck_assert_uint_lt(k, p->n);
	ck_assert_msg(p->items[k].len == n &&
		      memcmp(text + p->items[k].offset, want, n) == 0,
		      "piece %zu is \"%.*s\", want \"%s\"", k,
		      (int)p->items[k].len, text + p->items[k].offset, want);
	ck_assert_int_eq(p->items[k].line, line);
}

START_TEST(test_marker_length)
{
	ck_assert_uint_eq(CW_BREAKPOINT_LEN, 24);
	ck_assert_str_eq(CW_BREAKPOINT, "--> statement-breakpoint");
}
END_TEST

START_TEST(test_no_marker)
{
	static const char t[] = "CREATE TABLE a(x);\nCREATE TABLE b(y);\n";
	cw_pieces p = split_s(t);

	ck_assert_uint_eq(p.n, 1);
	ck_assert_uint_eq(p.items[0].offset, 0);
	ck_assert_uint_eq(p.items[0].len, sizeof(t) - 1);
	ck_assert_int_eq(p.items[0].line, 1);
	cw_pieces_free(&p);
	ck_assert_ptr_null(p.items);
	ck_assert_uint_eq(p.n, 0);
	cw_pieces_free(NULL);
}
END_TEST

START_TEST(test_empty_text)
{
	cw_pieces p = split_n("", 0);

	ck_assert_uint_eq(p.n, 1);
	ck_assert_uint_eq(p.items[0].offset, 0);
	ck_assert_uint_eq(p.items[0].len, 0);
	ck_assert_int_eq(p.items[0].line, 1);
	cw_pieces_free(&p);
}
END_TEST

/* drizzle-kit's own shape: marker then newline, so later pieces start
** with "\n" and their line is that of the first non-blank byte. */
START_TEST(test_drizzle_kit_shape)
{
	static const char t[] = "CREATE TABLE a(\n\tx\n);\n" BP "\n"
				"CREATE INDEX i ON a(x);" BP "\n"
				"CREATE TABLE b(y);";
	cw_pieces p = split_s(t);

	ck_assert_uint_eq(p.n, 3);
	piece_is(&p, 0, t, "CREATE TABLE a(\n\tx\n);\n", 1);
	piece_is(&p, 1, t, "\nCREATE INDEX i ON a(x);", 5);
	piece_is(&p, 2, t, "\nCREATE TABLE b(y);", 6);
	ck_assert_uint_eq(p.items[1].offset, 22 + CW_BREAKPOINT_LEN);
	ck_assert_uint_eq(p.items[2].offset,
			  p.items[1].offset + p.items[1].len +
			  CW_BREAKPOINT_LEN);
	cw_pieces_free(&p);
}
END_TEST

START_TEST(test_marker_at_start)
{
	static const char t[] = BP "\nX;";
	cw_pieces p = split_s(t);

	ck_assert_uint_eq(p.n, 2);
	piece_is(&p, 0, t, "", 1);
	ck_assert_uint_eq(p.items[0].offset, 0);
	piece_is(&p, 1, t, "\nX;", 2);
	ck_assert_uint_eq(p.items[1].offset, CW_BREAKPOINT_LEN);
	cw_pieces_free(&p);
}
END_TEST

/* A file ending with the marker (and a newline) leaves a last piece that
** has no statement: the classic trailing-breakpoint failure. */
START_TEST(test_marker_at_end)
{
	static const char t[] = "X;" BP;
	static const char t2[] = "X;\n" BP "\n";
	cw_pieces p = split_s(t);

	ck_assert_uint_eq(p.n, 2);
	piece_is(&p, 0, t, "X;", 1);
	piece_is(&p, 1, t, "", 1);
	ck_assert_uint_eq(p.items[1].offset, sizeof(t) - 1);
	cw_pieces_free(&p);
	p = split_s(t2);
	ck_assert_uint_eq(p.n, 2);
	piece_is(&p, 0, t2, "X;\n", 1);
	/* A blank piece reports the line it starts on. */
	piece_is(&p, 1, t2, "\n", 2);
	cw_pieces_free(&p);
}
END_TEST

START_TEST(test_marker_doubled)
{
	static const char t[] = "A" BP BP "B";
	cw_pieces p = split_s(t);

	ck_assert_uint_eq(p.n, 3);
	piece_is(&p, 0, t, "A", 1);
	piece_is(&p, 1, t, "", 1);
	ck_assert_uint_eq(p.items[1].offset, 1 + CW_BREAKPOINT_LEN);
	piece_is(&p, 2, t, "B", 1);
	ck_assert_uint_eq(p.items[2].offset, 1 + 2 * CW_BREAKPOINT_LEN);
	cw_pieces_free(&p);
}
END_TEST

/* The marker is found everywhere, even where SQL would not see it. */
START_TEST(test_marker_in_string_and_comment)
{
	static const char t[] = "INSERT INTO t VALUES('a" BP "b');\n"
				"-- note " BP "\nSELECT 1;";
	cw_pieces p = split_s(t);

	ck_assert_uint_eq(p.n, 3);
	piece_is(&p, 0, t, "INSERT INTO t VALUES('a", 1);
	piece_is(&p, 1, t, "b');\n-- note ", 1);
	piece_is(&p, 2, t, "\nSELECT 1;", 3);
	cw_pieces_free(&p);
}
END_TEST

/* Exact and case-sensitive: near misses do not split. */
START_TEST(test_near_misses)
{
	static const char *const t[] = {
		"A--> Statement-Breakpoint\nB",
		"A-->statement-breakpoint\nB",
		"A--> statement-breakpoin",
		"A-- > statement-breakpoint",
		"A—> statement-breakpoint",
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		cw_pieces p = split_s(t[i]);
		ck_assert_msg(p.n == 1, "\"%s\" split into %zu", t[i], p.n);
		ck_assert_uint_eq(p.items[0].len, strlen(t[i]));
		cw_pieces_free(&p);
	}
}
END_TEST

START_TEST(test_overlapping_prefix)
{
	/* An extra '-' before the marker stays in the first piece. */
	static const char t[] = "A---> statement-breakpointB";
	cw_pieces p = split_s(t);

	ck_assert_uint_eq(p.n, 2);
	piece_is(&p, 0, t, "A-", 1);
	piece_is(&p, 1, t, "B", 1);
	cw_pieces_free(&p);
}
END_TEST

/* Lines: blank pieces take their start line, others the line of their
** first non-blank byte; CRLF counts one line per LF. */
START_TEST(test_piece_lines)
{
	static const char t[] = "A\n" BP "\n\n\n" BP "\n\n  B\r\n" BP
				"\r\n\tC";
	cw_pieces p = split_s(t);

	ck_assert_uint_eq(p.n, 4);
	piece_is(&p, 0, t, "A\n", 1);
	piece_is(&p, 1, t, "\n\n\n", 2);
	piece_is(&p, 2, t, "\n\n  B\r\n", 7);
	piece_is(&p, 3, t, "\r\n\tC", 9);
	cw_pieces_free(&p);
}
END_TEST

START_TEST(test_nul_bytes)
{
	static const char t[] = "A\0" BP "\nB\0\0" BP "\0";
	cw_pieces p = split_n(t, sizeof(t) - 1);

	ck_assert_uint_eq(p.n, 3);
	ck_assert_uint_eq(p.items[0].offset, 0);
	ck_assert_uint_eq(p.items[0].len, 2);
	ck_assert_uint_eq(p.items[1].offset, 2 + CW_BREAKPOINT_LEN);
	ck_assert_uint_eq(p.items[1].len, 4);
	ck_assert_mem_eq(t + p.items[1].offset, "\nB\0\0", 4);
	ck_assert_int_eq(p.items[1].line, 2);
	ck_assert_uint_eq(p.items[2].len, 1);
	ck_assert_int_eq(t[p.items[2].offset], '\0');
	ck_assert_int_eq(p.items[2].line, 2);
	cw_pieces_free(&p);
}
END_TEST

/* Only len bytes are looked at, even when a marker follows. */
START_TEST(test_length_bounds)
{
	static const char t[] = "A;" BP "B";
	cw_pieces p = split_n(t, 2 + CW_BREAKPOINT_LEN - 1);

	ck_assert_uint_eq(p.n, 1);
	ck_assert_uint_eq(p.items[0].len, 2 + CW_BREAKPOINT_LEN - 1);
	cw_pieces_free(&p);
}
END_TEST

/* More pieces than the initial allocation; offsets stay consistent. */
START_TEST(test_many_pieces)
{
	char t[4096];
	size_t o = 0, k;
	cw_pieces p;

	for (k = 0; k < 100; k++)
		o += (size_t)snprintf(t + o, sizeof(t) - o, "S%zu;\n" BP "\n",
				      k);
	p = split_n(t, o);
	ck_assert_uint_eq(p.n, 101);
	for (k = 0; k < p.n; k++) {
		if (k > 0)
			ck_assert_uint_eq(p.items[k].offset,
					  p.items[k - 1].offset +
					  p.items[k - 1].len +
					  CW_BREAKPOINT_LEN);
		if (k > 0 && k < 100)
			ck_assert_int_eq(p.items[k].line, 2 * (int)k + 1);
	}
	ck_assert_uint_eq(p.items[100].offset + p.items[100].len, o);
	cw_pieces_free(&p);
}
END_TEST

static Suite *split_suite(void)
{
	Suite *s = suite_create("split");
	TCase *tc = tcase_create("split");

	tcase_add_test(tc, test_marker_length);
	tcase_add_test(tc, test_no_marker);
	tcase_add_test(tc, test_empty_text);
	tcase_add_test(tc, test_drizzle_kit_shape);
	tcase_add_test(tc, test_marker_at_start);
	tcase_add_test(tc, test_marker_at_end);
	tcase_add_test(tc, test_marker_doubled);
	tcase_add_test(tc, test_marker_in_string_and_comment);
	tcase_add_test(tc, test_near_misses);
	tcase_add_test(tc, test_overlapping_prefix);
	tcase_add_test(tc, test_piece_lines);
	tcase_add_test(tc, test_nul_bytes);
	tcase_add_test(tc, test_length_bounds);
	tcase_add_test(tc, test_many_pieces);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(split_suite());
}
