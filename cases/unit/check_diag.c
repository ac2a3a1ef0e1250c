/*
** check_diag.c - lib/diag.c, lib/codes.c and lib/error.c: the list of
** findings (severity and hint from the code table, sorting, moving,
** growth), the stable code table, and the fill-once error convention
** (whose fixed buffers are cut at a character boundary).
*/
#include "unit.h"
#include "../../lib/diag.h"
#include "../../lib/codes.h"
#include "../../lib/error.h"
#include "../../lib/text.h"

#include <ctype.h>
#include <string.h>

/* ---- codes ---- */

START_TEST(test_code_table_shape)
{
	size_t n = 0, i, j;
	const cw_code_info *t = cw_codes_table(&n);

	ck_assert_ptr_nonnull(t);
	ck_assert_uint_ge(n, 40);
	for (i = 0; i < n; i++) {
		const char *c = t[i].code;
		ck_assert_msg(strlen(c) == 4 && strchr("JSHLNRAB", c[0]) &&
			      isdigit((unsigned char)c[1]) &&
			      isdigit((unsigned char)c[2]) &&
			      isdigit((unsigned char)c[3]),
			      "bad code \"%s\"", c);
		ck_assert_msg(t[i].title && t[i].title[0] && t[i].hint &&
			      t[i].hint[0] && t[i].example &&
			      t[i].example[0], "%s lacks text", c);
		ck_assert(t[i].severity == CW_SEV_NOTE ||
			  t[i].severity == CW_SEV_WARNING ||
			  t[i].severity == CW_SEV_ERROR);
		for (j = 0; j < i; j++)
			ck_assert_msg(strcmp(t[j].code, c) != 0,
				      "%s listed twice", c);
		/* Within a family, numbers go up in table order. */
		if (i > 0 && t[i - 1].code[0] == c[0])
			ck_assert_msg(strcmp(t[i - 1].code, c) < 0,
				      "%s after %s", c, t[i - 1].code);
		ck_assert_ptr_eq(cw_codes_lookup(c), &t[i]);
	}
}
END_TEST

/* The codes libcw reports itself exist with the expected severity. */
START_TEST(test_codes_used_by_lib)
{
	static const struct {
		const char *code;
		cw_severity sev;
	} used[] = {
		{"J001", CW_SEV_ERROR}, {"J002", CW_SEV_ERROR},
		{"J003", CW_SEV_ERROR}, {"J009", CW_SEV_ERROR},
		{"J011", CW_SEV_ERROR}, {"J014", CW_SEV_ERROR},
		{"S006", CW_SEV_ERROR}, {"R001", CW_SEV_WARNING},
		{"R002", CW_SEV_ERROR}, {"R003", CW_SEV_ERROR},
		{"R004", CW_SEV_ERROR},
	};
	size_t i;

	for (i = 0; i < sizeof(used) / sizeof(used[0]); i++) {
		const cw_code_info *c = cw_codes_lookup(used[i].code);
		ck_assert_msg(c != NULL, "%s missing", used[i].code);
		ck_assert_int_eq(c->severity, used[i].sev);
	}
	ck_assert_ptr_null(cw_codes_lookup("X999"));
	ck_assert_ptr_null(cw_codes_lookup(""));
	ck_assert_ptr_null(cw_codes_lookup("j001"));
	ck_assert_ptr_null(cw_codes_lookup("J0011"));
}
END_TEST

START_TEST(test_severity_names)
{
	ck_assert_str_eq(cw_codes_severity_name(CW_SEV_NOTE), "note");
	ck_assert_str_eq(cw_codes_severity_name(CW_SEV_WARNING), "warning");
	ck_assert_str_eq(cw_codes_severity_name(CW_SEV_ERROR), "error");
	ck_assert_str_eq(cw_codes_severity_name((cw_severity)9), "error");
	ck_assert_int_lt(CW_SEV_NOTE, CW_SEV_WARNING);
	ck_assert_int_lt(CW_SEV_WARNING, CW_SEV_ERROR);
}
END_TEST

/* ---- diagnostics ---- */

START_TEST(test_add_takes_table_values)
{
	cw_diags d = CW_DIAGS_INIT;
	cw_diag *g;

	g = cw_diags_add(&d, "J009", "drizzle/0001_x.sql", 0, 0,
			 "entry %s has no file (%d)", "0001_x", 7);
	ck_assert_ptr_nonnull(g);
	ck_assert_uint_eq(d.n, 1);
	ck_assert_ptr_eq(g, &d.items[0]);
	ck_assert_str_eq(g->code, "J009");
	ck_assert_int_eq(g->severity, CW_SEV_ERROR);
	ck_assert_str_eq(g->file, "drizzle/0001_x.sql");
	ck_assert_str_eq(g->message, "entry 0001_x has no file (7)");
	ck_assert_str_eq(g->hint, cw_codes_lookup("J009")->hint);
	ck_assert_ptr_null(g->tag);
	g = cw_diags_add(&d, "J006", NULL, 3, 9, "w");
	ck_assert_int_eq(g->severity, CW_SEV_WARNING);
	ck_assert_str_eq(g->file, "");
	ck_assert_int_eq(g->line, 3);
	ck_assert_int_eq(g->column, 9);
	g = cw_diags_add(&d, "H007", "f", 1, 1, "n");
	ck_assert_int_eq(g->severity, CW_SEV_NOTE);
	/* A code not in the table: an error with no hint. */
	g = cw_diags_add(&d, "Z001", "f", 1, 1, "unknown");
	ck_assert_int_eq(g->severity, CW_SEV_ERROR);
	ck_assert_str_eq(g->hint, "");
	/* Codes longer than the field are cut, not overflowed. */
	g = cw_diags_add(&d, "ABCDEFGHIJ", "f", 1, 1, "long");
	ck_assert_str_eq(g->code, "ABCDEFG");
	ck_assert_uint_eq(cw_diags_count(&d, CW_SEV_ERROR), 3);
	ck_assert_uint_eq(cw_diags_count(&d, CW_SEV_WARNING), 1);
	ck_assert_uint_eq(cw_diags_count(&d, CW_SEV_NOTE), 1);
	ck_assert_int_eq(d.oom, 0);
	cw_diags_free(&d);
	ck_assert_ptr_null(d.items);
	ck_assert_uint_eq(d.n, 0);
	ck_assert_uint_eq(d.cap, 0);
	cw_diags_free(NULL);
}
END_TEST

START_TEST(test_hint_and_tag)
{
	cw_diags d = CW_DIAGS_INIT;
	cw_diag *g = cw_diags_add(&d, "R001", "f.sql", 0, 0, "m");

	cw_diag_set_hint(g, "run %s first", "0002_x");
	ck_assert_str_eq(g->hint, "run 0002_x first");
	cw_diag_set_hint(g, "%s", "");
	ck_assert_str_eq(g->hint, "");
	cw_diag_set_tag(g, "0001_a");
	ck_assert_str_eq(g->tag, "0001_a");
	cw_diag_set_tag(g, "0002_b");
	ck_assert_str_eq(g->tag, "0002_b");
	cw_diag_set_tag(g, NULL);
	ck_assert_str_eq(g->tag, "0002_b");
	cw_diag_set_tag(NULL, "x");
	cw_diag_set_hint(NULL, "x");
	cw_diags_free(&d);
}
END_TEST

/* Growth past the first allocation keeps every entry intact. */
START_TEST(test_many_diags)
{
	cw_diags d = CW_DIAGS_INIT;
	size_t i;
	char want[32];

	for (i = 0; i < 1000; i++)
		ck_assert_ptr_nonnull(cw_diags_add(&d, "J003", "j", (int)i, 0,
						   "n%zu", i));
	ck_assert_uint_eq(d.n, 1000);
	ck_assert_uint_ge(d.cap, 1000);
	for (i = 0; i < 1000; i++) {
		snprintf(want, sizeof(want), "n%zu", i);
		ck_assert_str_eq(d.items[i].message, want);
		ck_assert_int_eq(d.items[i].line, (int)i);
	}
	cw_diags_free(&d);
}
END_TEST

/* Long messages are kept whole (no fixed buffer). */
START_TEST(test_long_message)
{
	cw_diags d = CW_DIAGS_INIT;
	static char big[10000];

	memset(big, 'x', sizeof(big) - 1);
	cw_diags_add(&d, "S005", "f", 1, 1, "[%s]", big);
	ck_assert_uint_eq(strlen(d.items[0].message), sizeof(big) + 1);
	ck_assert_int_eq(d.items[0].message[sizeof(big)], ']');
	cw_diags_free(&d);
}
END_TEST

START_TEST(test_sort)
{
	cw_diags d = CW_DIAGS_INIT;
	static const char *const want[] = {
		"a.sql:0:0:J009:m", "a.sql:2:0:S001:m", "a.sql:2:5:J003:m",
		"a.sql:2:5:S001:a", "a.sql:2:5:S001:b", "a.sql:10:1:J003:m",
		"b.sql:1:1:J003:m",
	};
	char got[64];
	size_t i;

	cw_diags_add(&d, "J003", "b.sql", 1, 1, "m");
	cw_diags_add(&d, "J003", "a.sql", 10, 1, "m");
	cw_diags_add(&d, "S001", "a.sql", 2, 5, "b");
	cw_diags_add(&d, "S001", "a.sql", 2, 5, "a");
	cw_diags_add(&d, "J003", "a.sql", 2, 5, "m");
	cw_diags_add(&d, "S001", "a.sql", 2, 0, "m");
	cw_diags_add(&d, "J009", "a.sql", 0, 0, "m");
	cw_diags_sort(&d);
	ck_assert_uint_eq(d.n, 7);
	for (i = 0; i < d.n; i++) {
		snprintf(got, sizeof(got), "%s:%d:%d:%s:%s", d.items[i].file,
			 d.items[i].line, d.items[i].column, d.items[i].code,
			 d.items[i].message);
		ck_assert_str_eq(got, want[i]);
	}
	cw_diags_free(&d);
	/* Empty and single lists sort to themselves. */
	cw_diags_sort(&d);
	cw_diags_add(&d, "J003", "z", 1, 1, "only");
	cw_diags_sort(&d);
	ck_assert_str_eq(d.items[0].message, "only");
	cw_diags_free(&d);
}
END_TEST

START_TEST(test_take)
{
	cw_diags a = CW_DIAGS_INIT, b = CW_DIAGS_INIT;
	size_t i;

	cw_diags_add(&a, "J001", "a", 1, 0, "a0");
	for (i = 0; i < 40; i++)
		cw_diag_set_tag(cw_diags_add(&b, "J003", "b", (int)i, 0,
					     "b%zu", i), "t");
	b.oom = 1;
	ck_assert_int_eq(cw_diags_take(&a, &b), 0);
	ck_assert_uint_eq(a.n, 41);
	ck_assert_str_eq(a.items[0].message, "a0");
	ck_assert_str_eq(a.items[1].message, "b0");
	ck_assert_str_eq(a.items[40].message, "b39");
	ck_assert_str_eq(a.items[40].tag, "t");
	ck_assert_int_eq(a.oom, 1);
	ck_assert_uint_eq(b.n, 0);
	ck_assert_uint_eq(b.cap, 0);
	ck_assert_ptr_null(b.items);
	/* The emptied source can be reused and freed. */
	cw_diags_add(&b, "J002", "b", 1, 0, "again");
	ck_assert_int_eq(cw_diags_take(&a, &b), 0);
	ck_assert_uint_eq(a.n, 42);
	ck_assert_str_eq(a.items[41].message, "again");
	/* Taking an empty list changes nothing. */
	ck_assert_int_eq(cw_diags_take(&a, &b), 0);
	ck_assert_uint_eq(a.n, 42);
	cw_diags_free(&b);
	cw_diags_free(&a);
}
END_TEST

/* ---- errors ---- */

START_TEST(test_error_first_wins)
{
	cw_error err = {0};
	int rc;

	rc = cw_error_set(&err, CW_ENOTFOUND, "J009", "d/0001.sql", 12,
			  "%s: no such file (%d)", "d/0001.sql", 3);
	ck_assert_int_eq(rc, CW_ENOTFOUND);
	ck_assert_int_eq(err.code, CW_ENOTFOUND);
	ck_assert_str_eq(err.diag, "J009");
	ck_assert_str_eq(err.path, "d/0001.sql");
	ck_assert_int_eq(err.line, 12);
	ck_assert_int_eq(err.column, 0);
	ck_assert_str_eq(err.message, "d/0001.sql: no such file (3)");
	/* A second failure returns its own code but keeps the first text. */
	rc = cw_error_set(&err, CW_EIO, "S006", "other", 1, "later");
	ck_assert_int_eq(rc, CW_EIO);
	ck_assert_int_eq(err.code, CW_ENOTFOUND);
	ck_assert_str_eq(err.message, "d/0001.sql: no such file (3)");
	ck_assert_str_eq(err.path, "d/0001.sql");
	cw_error_clear(&err);
	ck_assert_int_eq(err.code, 0);
	ck_assert_str_eq(err.message, "");
	ck_assert_int_eq(cw_error_set(&err, CW_ESQL, NULL, NULL, 0, "x"),
			 CW_ESQL);
	ck_assert_str_eq(err.diag, "");
	ck_assert_str_eq(err.path, "");
	cw_error_clear(NULL);
	ck_assert_int_eq(cw_error_set(NULL, CW_EBUSY, "R004", NULL, 0, "x"),
			 CW_EBUSY);
}
END_TEST

/* Over-long text is cut to the buffers, NUL-terminated. */
START_TEST(test_error_truncation)
{
	cw_error err = {0};
	static char big[5000];

	memset(big, 'p', sizeof(big) - 1);
	cw_error_set(&err, CW_EIO, "TOOLONGDIAG", big, 0, "%s", big);
	ck_assert_uint_eq(strlen(err.path), sizeof(err.path) - 1);
	ck_assert_uint_eq(strlen(err.message), sizeof(err.message) - 1);
	ck_assert_str_eq(err.diag, "TOOLONG");
}
END_TEST

/* Cut text never ends inside a character, whatever the alignment: a
** report writer copies the message into JSON as it is. */
START_TEST(test_error_truncation_utf8)
{
	static char path[3000], msg[3000];
	static const char *const chars[] = {"\xC3\xA9", "\xE2\x82\xAC",
					    "\xF0\x9F\x98\x80"};
	size_t lead = (size_t)_i % 4, c = (size_t)_i / 4, n, k;
	cw_error err = {0};

	memset(path, 'p', lead);
	memset(msg, 'm', lead);
	for (n = lead; n + 4 < sizeof(path); n += strlen(chars[c])) {
		memcpy(path + n, chars[c], strlen(chars[c]));
		memcpy(msg + n, chars[c], strlen(chars[c]));
	}
	path[n] = msg[n] = '\0';
	cw_error_set(&err, CW_EIO, "J001", path, 0, "%s", msg);
	k = strlen(err.path);
	ck_assert(k < sizeof(err.path) && k + 4 >= sizeof(err.path));
	ck_assert_msg(cw_text_utf8_is_valid(err.path, k),
		      "path cut inside a character");
	ck_assert(strncmp(err.path, path, k) == 0);
	k = strlen(err.message);
	ck_assert(k < sizeof(err.message) && k + 4 >= sizeof(err.message));
	ck_assert_msg(cw_text_utf8_is_valid(err.message, k),
		      "message cut inside a character");
	ck_assert(strncmp(err.message, msg, k) == 0);
	ck_assert_str_eq(err.diag, "J001");
}
END_TEST

START_TEST(test_error_names)
{
	static const int codes[] = {
		CW_OK, CW_EINVAL, CW_ENOTFOUND, CW_EIO, CW_ESQL, CW_ENOMEM,
		CW_EBUSY,
	};
	size_t i, j;

	ck_assert_str_eq(cw_error_name(CW_OK), "no error");
	ck_assert_str_eq(cw_error_name(CW_ENOTFOUND), "not found");
	ck_assert_str_eq(cw_error_name(CW_EBUSY), "database busy");
	ck_assert_str_eq(cw_error_name(-99), "unknown error");
	ck_assert_str_eq(cw_error_name(1), "unknown error");
	for (i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
		ck_assert_str_ne(cw_error_name(codes[i]), "unknown error");
		for (j = 0; j < i; j++)
			ck_assert_str_ne(cw_error_name(codes[i]),
					 cw_error_name(codes[j]));
	}
	/* The numbers are part of the API: they never shift. */
	ck_assert_int_eq(CW_EINVAL, -1);
	ck_assert_int_eq(CW_ENOTFOUND, -2);
	ck_assert_int_eq(CW_EIO, -3);
	ck_assert_int_eq(CW_ESQL, -4);
	ck_assert_int_eq(CW_ENOMEM, -5);
	ck_assert_int_eq(CW_EBUSY, -6);
}
END_TEST

static Suite *diag_suite(void)
{
	Suite *s = suite_create("diag");
	TCase *tc = tcase_create("codes");

	tcase_add_test(tc, test_code_table_shape);
	tcase_add_test(tc, test_codes_used_by_lib);
	tcase_add_test(tc, test_severity_names);
	suite_add_tcase(s, tc);
	tc = tcase_create("diags");
	tcase_add_test(tc, test_add_takes_table_values);
	tcase_add_test(tc, test_hint_and_tag);
	tcase_add_test(tc, test_many_diags);
	tcase_add_test(tc, test_long_message);
	tcase_add_test(tc, test_sort);
	tcase_add_test(tc, test_take);
	suite_add_tcase(s, tc);
	tc = tcase_create("errors");
	tcase_add_test(tc, test_error_first_wins);
	tcase_add_test(tc, test_error_truncation);
	tcase_add_loop_test(tc, test_error_truncation_utf8, 0, 12);
	tcase_add_test(tc, test_error_names);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(diag_suite());
}
