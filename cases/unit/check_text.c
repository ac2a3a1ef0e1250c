/*
** check_text.c - lib/text.c: reading files, Node-compatible UTF-8 repair
** (WHATWG decoder, as Buffer#toString), cutting text at a character
** boundary, CRLF normalisation, line/column.
*/
#include "unit_fs.h"
#include "../../lib/text.h"

#include <stdint.h>

/*
** Byte sequences and what Node 20's Buffer.from([...]).toString() makes of
** them, re-encoded as UTF-8 (Buffer.from(s, 'utf8').toString('hex')), with
** the number of U+FFFD it inserted.  Produced by running Node v20.20.2 once.
*/
typedef struct utf8_case {
	const char *name;
	const char *in;
	size_t in_len;
	const char *out;
	size_t out_len;
	size_t n_bad;
} utf8_case;

#define B(s) s, sizeof(s) - 1
#define R "\xEF\xBF\xBD"

static const utf8_case utf8_cases[] = {
	{"ascii", B("a"), B("a"), 0},
	{"overlong C0 80", B("\xC0\x80"), B(R R), 2},
	{"overlong C1 BF", B("\xC1\xBF"), B(R R), 2},
	{"overlong E0 80 80", B("\xE0\x80\x80"), B(R R R), 3},
	{"overlong E0 9F BF", B("\xE0\x9F\xBF"), B(R R R), 3},
	{"surrogate ED A0 80", B("\xED\xA0\x80"), B(R R R), 3},
	{"surrogate ED BF BF", B("\xED\xBF\xBF"), B(R R R), 3},
	{"last before surrogates", B("\xED\x9F\xBF"), B("\xED\x9F\xBF"), 0},
	{"overlong F0 80 80 80", B("\xF0\x80\x80\x80"), B(R R R R), 4},
	{"overlong F0 8F BF BF", B("\xF0\x8F\xBF\xBF"), B(R R R R), 4},
	{"above U+10FFFF", B("\xF4\x90\x80\x80"), B(R R R R), 4},
	{"U+10FFFF", B("\xF4\x8F\xBF\xBF"), B("\xF4\x8F\xBF\xBF"), 0},
	{"F5 lead", B("\xF5\x80\x80\x80"), B(R R R R), 4},
	{"FF", B("\xFF"), B(R), 1},
	{"FE FF", B("\xFE\xFF"), B(R R), 2},
	{"lone continuation", B("\x80"), B(R), 1},
	{"two continuations", B("\x80\x80\x41"), B(R R "A"), 2},
	{"lone BF", B("\xBF"), B(R), 1},
	{"truncated 2-byte at end", B("\xC3"), B(R), 1},
	{"truncated 2-byte then ASCII", B("\xC3\x41"), B(R "A"), 1},
	{"truncated 3-byte at end", B("\xE2\x82"), B(R), 1},
	{"truncated 3-byte then ASCII", B("\xE2\x82\x41"), B(R "A"), 1},
	{"truncated 4-byte at end", B("\xF0\x9F\x98"), B(R), 1},
	{"truncated 4-byte then ASCII", B("\xF0\x9F\x98\x41"), B(R "A"), 1},
	{"valid 4-byte", B("\xF0\x9F\x98\x80"), B("\xF0\x9F\x98\x80"), 0},
	{"valid 2-byte", B("\xC3\xA9"), B("\xC3\xA9"), 0},
	{"valid 3-byte", B("\xE2\x82\xAC"), B("\xE2\x82\xAC"), 0},
	{"mixed",
	 B("a\xC3\xA9\xFF\xE2\x82\xAC\xED\xA0\x80\xF0\x9F\x98\x80" "b"),
	 B("a\xC3\xA9" R "\xE2\x82\xAC" R R R "\xF0\x9F\x98\x80" "b"), 4},
	{"BOM kept", B("\xEF\xBB\xBFx"), B("\xEF\xBB\xBFx"), 0},
	{"NUL around truncated", B("\x00\xC3\x00"), B("\x00" R "\x00"), 1},
	{"bad third byte", B("\xE0\xA0\xC0"), B(R R), 2},
	{"truncated 4-byte then 2-byte", B("\xF0\x90\x80\xC3\xA9"),
	 B(R "\xC3\xA9"), 1},
	{"lead then lead", B("\xC2\xC2\xA0"), B(R "\xC2\xA0"), 1},
	{"5-byte form", B("\xF8\x88\x80\x80\x80"), B(R R R R R), 5},
};

START_TEST(test_utf8_node_table)
{
	const utf8_case *c = &utf8_cases[_i];
	cw_bytes out = {0};
	cw_error err = {0};
	size_t n_bad = 99;

	ck_assert_int_eq(cw_text_utf8_sanitize(&out, c->in, c->in_len,
					       &n_bad, &err), 0);
	ck_assert_msg(out.len == c->out_len &&
		      memcmp(out.data, c->out, c->out_len) == 0,
		      "%s: decoded bytes differ from Node's", c->name);
	ck_assert_msg(n_bad == c->n_bad, "%s: %zu replacements, Node %zu",
		      c->name, n_bad, c->n_bad);
	ck_assert_int_eq(out.data[out.len], '\0');
	cw_bytes_free(&out);
	ck_assert_ptr_null(out.data);
	ck_assert_uint_eq(out.len, 0);
}
END_TEST

START_TEST(test_utf8_empty_and_null_count)
{
	cw_bytes out = {0};

	ck_assert_int_eq(cw_text_utf8_sanitize(&out, "", 0, NULL, NULL), 0);
	ck_assert_ptr_nonnull(out.data);
	ck_assert_uint_eq(out.len, 0);
	ck_assert_int_eq(out.data[0], '\0');
	cw_bytes_free(&out);
	cw_bytes_free(NULL);
}
END_TEST

/* Worst case growth: every byte becomes a three-byte U+FFFD. */
START_TEST(test_utf8_all_invalid_growth)
{
	char in[4096];
	cw_bytes out = {0};
	size_t n_bad = 0, i;

	memset(in, 0xFF, sizeof(in));
	ck_assert_int_eq(cw_text_utf8_sanitize(&out, in, sizeof(in), &n_bad,
					       NULL), 0);
	ck_assert_uint_eq(n_bad, sizeof(in));
	ck_assert_uint_eq(out.len, 3 * sizeof(in));
	for (i = 0; i < out.len; i += 3)
		ck_assert_mem_eq(out.data + i, R, 3);
	cw_bytes_free(&out);
}
END_TEST

/* The one-character decoder agrees with the table: -1 once per U+FFFD
** Node inserts, and valid means nothing to replace. */
START_TEST(test_utf8_next_table)
{
	const utf8_case *c = &utf8_cases[_i];
	size_t pos = 0, n_bad = 0, n_chars = 0;

	while (pos < c->in_len) {
		size_t before = pos;
		long cp = cw_text_utf8_next(c->in, c->in_len, &pos);
		ck_assert_msg(pos > before, "%s: no progress", c->name);
		ck_assert(cp >= -1 && cp <= 0x10FFFF);
		n_bad += cp < 0;
		n_chars++;
	}
	ck_assert_uint_eq(pos, c->in_len);
	ck_assert_msg(n_bad == c->n_bad, "%s: %zu invalid, Node %zu", c->name,
		      n_bad, c->n_bad);
	ck_assert_int_eq(cw_text_utf8_is_valid(c->in, c->in_len),
			 c->n_bad == 0);
	(void)n_chars;
}
END_TEST

START_TEST(test_utf8_next_code_points)
{
	static const char s[] = "A\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80";
	size_t pos = 0;

	ck_assert_int_eq(cw_text_utf8_next(s, sizeof(s) - 1, &pos), 'A');
	ck_assert_int_eq(cw_text_utf8_next(s, sizeof(s) - 1, &pos), 0xE9);
	ck_assert_int_eq(cw_text_utf8_next(s, sizeof(s) - 1, &pos), 0x20AC);
	ck_assert_int_eq(cw_text_utf8_next(s, sizeof(s) - 1, &pos), 0x1F600);
	ck_assert_uint_eq(pos, sizeof(s) - 1);
	/* A sequence cut by the length is invalid, not read past. */
	pos = 0;
	ck_assert_int_eq(cw_text_utf8_next(s + 3, 2, &pos), -1);
	ck_assert_uint_eq(pos, 2);
	ck_assert_int_eq(cw_text_utf8_is_valid("", 0), 1);
	ck_assert_int_eq(cw_text_utf8_is_valid(s, sizeof(s) - 2), 0);
}
END_TEST

/* Cutting at every byte of text with 1- to 4-byte characters lands on
** the last character boundary at or before the cut. */
START_TEST(test_utf8_cut_every_offset)
{
	static const char s[] = "a\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80" "b";
	static const size_t boundary[] = {0, 1, 1, 3, 3, 3, 6, 6, 6, 6, 10,
					  11};
	char buf[sizeof(s)];
	size_t n;

	for (n = 0; n < sizeof(s); n++) {
		ck_assert_msg(cw_text_utf8_cut(s, n) == boundary[n],
			      "cut at %zu gave %zu", n, cw_text_utf8_cut(s, n));
		memcpy(buf, s, sizeof(s));
		ck_assert_uint_eq(cw_text_utf8_truncate(buf, n), boundary[n]);
		ck_assert_uint_eq(strlen(buf), boundary[n]);
		ck_assert(cw_text_utf8_is_valid(buf, strlen(buf)));
	}
	/* Text shorter than max is left alone. */
	memcpy(buf, s, sizeof(s));
	ck_assert_uint_eq(cw_text_utf8_truncate(buf, 100), sizeof(s) - 1);
}
END_TEST

/* Bytes that were invalid before the cut are not the cut's business. */
START_TEST(test_utf8_cut_leaves_invalid)
{
	char buf[16];

	ck_assert_uint_eq(cw_text_utf8_cut("\x80\x80", 2), 2);
	ck_assert_uint_eq(cw_text_utf8_cut("a\x80\x80\x80\x80", 5), 5);
	ck_assert_uint_eq(cw_text_utf8_cut("\xFF", 1), 1);
	ck_assert_uint_eq(cw_text_utf8_cut("\xF8\x88", 2), 2);
	/* A complete 4-byte sequence after three continuations stays. */
	ck_assert_uint_eq(cw_text_utf8_cut("\xF0\x9F\x98\x80", 4), 4);
	/* A lone lead byte at the end is half a character. */
	ck_assert_uint_eq(cw_text_utf8_cut("a\xC3", 2), 1);
	snprintf(buf, sizeof(buf), "%s", "ab\xE2\x82");
	ck_assert_uint_eq(cw_text_utf8_truncate(buf, 15), 2);
	ck_assert_str_eq(buf, "ab");
}
END_TEST

/* A formatter into a fixed buffer never splits a character, at any size. */
START_TEST(test_text_format)
{
	static const char s[] = "x\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80yz";
	char buf[sizeof(s) + 4];
	size_t size;

	for (size = 1; size <= sizeof(buf); size++) {
		int rc = cw_text_format(buf, size, "%s", s);
		ck_assert_int_eq(rc, size < sizeof(s));
		ck_assert(strlen(buf) < size);
		ck_assert(rc == 0 || strlen(buf) + 4 >= size);
		ck_assert(strncmp(buf, s, strlen(buf)) == 0);
		ck_assert_msg(cw_text_utf8_is_valid(buf, strlen(buf)),
			      "size %zu split a character", size);
	}
	ck_assert_int_eq(cw_text_format(buf, 4, "%d", 12), 0);
	ck_assert_str_eq(buf, "12");
}
END_TEST

START_TEST(test_crlf_to_lf)
{
	static const char in[] = "a\r\nb\r\r\n\rc\r";
	cw_bytes out = {0};

	ck_assert_int_eq(cw_text_crlf_to_lf(&out, in, sizeof(in) - 1, NULL),
			 0);
	ck_assert_uint_eq(out.len, 8);
	ck_assert_mem_eq(out.data, "a\nb\r\n\rc\r", 8);
	ck_assert_int_eq(out.data[out.len], '\0');
	cw_bytes_free(&out);
	ck_assert_uint_eq(cw_text_count_crlf(in, sizeof(in) - 1), 2);
	/* A CR that is the last byte of the range is not half a pair. */
	ck_assert_uint_eq(cw_text_count_crlf("x\r\n", 2), 0);
	ck_assert_uint_eq(cw_text_count_crlf("", 0), 0);
	ck_assert_int_eq(cw_text_crlf_to_lf(&out, "\r\n\r\n", 4, NULL), 0);
	ck_assert_uint_eq(out.len, 2);
	ck_assert_mem_eq(out.data, "\n\n", 2);
	cw_bytes_free(&out);
	/* NUL bytes pass through untouched. */
	ck_assert_int_eq(cw_text_crlf_to_lf(&out, "a\0\r\nb", 5, NULL), 0);
	ck_assert_uint_eq(out.len, 4);
	ck_assert_mem_eq(out.data, "a\0\nb", 4);
	cw_bytes_free(&out);
}
END_TEST

START_TEST(test_line_col)
{
	static const char t[] = "ab\ncd\r\nef\n\nx";
	int line = 0, col = 0;

	cw_text_line_col(t, 0, &line, &col);
	ck_assert_int_eq(line, 1);
	ck_assert_int_eq(col, 1);
	cw_text_line_col(t, 2, &line, &col);    /* the first '\n' */
	ck_assert_int_eq(line, 1);
	ck_assert_int_eq(col, 3);
	cw_text_line_col(t, 4, &line, &col);    /* 'd' */
	ck_assert_int_eq(line, 2);
	ck_assert_int_eq(col, 2);
	cw_text_line_col(t, 5, &line, &col);    /* '\r' counts as a column */
	ck_assert_int_eq(line, 2);
	ck_assert_int_eq(col, 3);
	cw_text_line_col(t, 7, &line, &col);    /* 'e' after CRLF */
	ck_assert_int_eq(line, 3);
	ck_assert_int_eq(col, 1);
	cw_text_line_col(t, 11, &line, &col);   /* 'x' after a blank line */
	ck_assert_int_eq(line, 5);
	ck_assert_int_eq(col, 1);
	/* Either output may be omitted. */
	line = 0;
	cw_text_line_col(t, 4, &line, NULL);
	ck_assert_int_eq(line, 2);
	col = 0;
	cw_text_line_col(t, 4, NULL, &col);
	ck_assert_int_eq(col, 2);
	/* Columns count bytes, not characters. */
	cw_text_line_col("\xC3\xA9x", 2, &line, &col);
	ck_assert_int_eq(line, 1);
	ck_assert_int_eq(col, 3);
}
END_TEST

/* The cursor answers as the one-shot function does, for every offset, in
** increasing order, repeated, and going back (which starts again). */
START_TEST(test_line_cursor)
{
	static const char t[] = "ab\ncd\r\n\0f\n\nx\n";
	cw_text_cursor c = CW_TEXT_CURSOR_INIT(t);
	size_t n = sizeof(t) - 1, i;
	int line, col, want_line, want_col;

	for (i = 0; i <= n; i++) {
		cw_text_line_col(t, i, &want_line, &want_col);
		line = cw_text_line_at(&c, i, &col);
		ck_assert_int_eq(line, want_line);
		ck_assert_int_eq(col, want_col);
		ck_assert_int_eq(cw_text_line_at(&c, i, NULL), want_line);
	}
	ck_assert_int_eq(cw_text_line_at(&c, n, NULL), 6);
	line = cw_text_line_at(&c, 4, &col);     /* back to 'd' */
	ck_assert_int_eq(line, 2);
	ck_assert_int_eq(col, 2);
	line = cw_text_line_at(&c, 7, &col);     /* the NUL byte is a column */
	ck_assert_int_eq(line, 3);
	ck_assert_int_eq(col, 1);
	line = cw_text_line_at(&c, 8, &col);
	ck_assert_int_eq(line, 3);
	ck_assert_int_eq(col, 2);
}
END_TEST

/* Checked-fixture setup of the read tests. */
static void make_tmp(void)
{
	unit_tmp_make("text");
}

START_TEST(test_read_file)
{
	static const char bytes[] = "x\0y\r\n\xFF";
	char path[256];
	cw_bytes out = {0};
	cw_error err = {0};

	unit_put_bytes("a.sql", bytes, sizeof(bytes) - 1);
	unit_path(path, sizeof(path), "a.sql");
	ck_assert_int_eq(cw_text_read_file(&out, path, &err), 0);
	ck_assert_int_eq(err.code, 0);
	ck_assert_uint_eq(out.len, sizeof(bytes) - 1);
	ck_assert_mem_eq(out.data, bytes, sizeof(bytes) - 1);
	ck_assert_int_eq(out.data[out.len], '\0');
	cw_bytes_free(&out);
}
END_TEST

START_TEST(test_read_empty_and_large)
{
	char path[256];
	cw_bytes out = {0};
	cw_error err = {0};
	static char big[300000];
	size_t i;

	unit_put_bytes("empty.sql", "", 0);
	unit_path(path, sizeof(path), "empty.sql");
	ck_assert_int_eq(cw_text_read_file(&out, path, &err), 0);
	ck_assert_ptr_nonnull(out.data);
	ck_assert_uint_eq(out.len, 0);
	ck_assert_int_eq(out.data[0], '\0');
	cw_bytes_free(&out);
	for (i = 0; i < sizeof(big); i++)
		big[i] = (char)('a' + i % 26);
	unit_put_bytes("empty.sql", big, sizeof(big));
	ck_assert_int_eq(cw_text_read_file(&out, path, &err), 0);
	ck_assert_uint_eq(out.len, sizeof(big));
	ck_assert_mem_eq(out.data, big, sizeof(big));
	cw_bytes_free(&out);
}
END_TEST

START_TEST(test_read_missing)
{
	char path[256];
	cw_bytes out = {(char *)1, 7};
	cw_error err = {0};

	unit_path(path, sizeof(path), "nope.sql");
	ck_assert_int_eq(cw_text_read_file(&out, path, &err), CW_ENOTFOUND);
	ck_assert_int_eq(err.code, CW_ENOTFOUND);
	ck_assert_str_eq(err.path, path);
	ck_assert_ptr_nonnull(strstr(err.message, "no such file"));
	ck_assert_ptr_null(out.data);
	ck_assert_uint_eq(out.len, 0);
	/* A path running through a regular file (ENOTDIR) is missing too. */
	unit_put("f", "");
	unit_path(path, sizeof(path), "f/x.sql");
	cw_error_clear(&err);
	ck_assert_int_eq(cw_text_read_file(&out, path, &err), CW_ENOTFOUND);
}
END_TEST

START_TEST(test_read_directory)
{
	cw_bytes out = {0};
	cw_error err = {0};

	ck_assert_int_eq(cw_text_read_file(&out, unit_tmp, &err), CW_EIO);
	ck_assert_int_eq(err.code, CW_EIO);
	ck_assert_str_eq(err.path, unit_tmp);
	ck_assert_ptr_nonnull(strstr(err.message, "not a regular file"));
	ck_assert_ptr_null(out.data);
}
END_TEST

/* Other stat() failures (a symlink loop, a name too long) are I/O
** errors, with the OS's reason. */
START_TEST(test_read_stat_errors)
{
	char a[256], b[256], longp[400];
	cw_bytes out = {0};
	cw_error err = {0};

	unit_path(a, sizeof(a), "a");
	unit_path(b, sizeof(b), "b");
	ck_assert_int_eq(symlink(b, a), 0);
	ck_assert_int_eq(symlink(a, b), 0);
	ck_assert_int_eq(cw_text_read_file(&out, a, &err), CW_EIO);
	ck_assert_ptr_nonnull(strstr(err.message, "symbolic links"));
	/* One component longer than NAME_MAX. */
	memset(longp, 'x', sizeof(longp) - 1);
	longp[sizeof(longp) - 1] = '\0';
	memcpy(longp, "/tmp/", 5);
	cw_error_clear(&err);
	ck_assert_int_eq(cw_text_read_file(&out, longp, &err), CW_EIO);
	ck_assert_ptr_nonnull(strstr(err.message, "too long"));
	ck_assert_ptr_null(out.data);
}
END_TEST

static Suite *text_suite(void)
{
	Suite *s = suite_create("text");
	TCase *tc = tcase_create("utf8");

	tcase_add_loop_test(tc, test_utf8_node_table, 0,
			    sizeof(utf8_cases) / sizeof(utf8_cases[0]));
	tcase_add_test(tc, test_utf8_empty_and_null_count);
	tcase_add_test(tc, test_utf8_all_invalid_growth);
	tcase_add_loop_test(tc, test_utf8_next_table, 0,
			    sizeof(utf8_cases) / sizeof(utf8_cases[0]));
	tcase_add_test(tc, test_utf8_next_code_points);
	tcase_add_test(tc, test_utf8_cut_every_offset);
	tcase_add_test(tc, test_utf8_cut_leaves_invalid);
	tcase_add_test(tc, test_text_format);
	suite_add_tcase(s, tc);
	tc = tcase_create("lines");
	tcase_add_test(tc, test_crlf_to_lf);
	tcase_add_test(tc, test_line_col);
	tcase_add_test(tc, test_line_cursor);
	suite_add_tcase(s, tc);
	tc = tcase_create("read");
	tcase_add_checked_fixture(tc, make_tmp, unit_tmp_remove);
	tcase_add_test(tc, test_read_file);
	tcase_add_test(tc, test_read_empty_and_large);
	tcase_add_test(tc, test_read_missing);
	tcase_add_test(tc, test_read_directory);
	tcase_add_test(tc, test_read_stat_errors);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(text_suite());
}
