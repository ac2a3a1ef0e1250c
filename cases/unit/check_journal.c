/*
** check_journal.c - lib/journal.c: meta/_journal.json as drizzle reads it.
** A valid journal and its line numbers, wrong field types (J003), missing
** entries (J014), invalid JSON and trailing garbage (J002), and unsafe
** tags (J011).  Reading the file from a folder is check_journal_load.c.
*/
#include "unit.h"
#include "../../lib/journal.h"

#include <math.h>
#include <string.h>

/* Parse text (a C string); returns the loader's code. */
static int parse(cw_journal *j, const char *text, cw_diags *d,
		 cw_error *err)
{
	return cw_journal_parse(j, "meta/_journal.json", text, strlen(text),
				d, err);
}

/* The index of the first diagnostic with code at line, or -1. */
static int find_diag(const cw_diags *d, const char *code, int line)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		if (strcmp(d->items[i].code, code) == 0 &&
		    (line < 0 || d->items[i].line == line))
			return (int)i;
	return -1;
}

static size_t count_code(const cw_diags *d, const char *code)
{
	size_t i, n = 0;

	for (i = 0; i < d->n; i++)
		if (strcmp(d->items[i].code, code) == 0)
			n++;
	return n;
}

/* The drizzle-kit example journal, loaded from its folder. */
START_TEST(test_valid_journal)
{
	char dir[1024];
	cw_journal j;
	cw_diags d = CW_DIAGS_INIT;
	cw_error err = {0};
	static const char *const tags[] = {
		"0000_init", "0001_recreate_users", "0002_constraints",
		"0003_seed",
	};
	static const double whens[] = {
		1795609916263.0, 1795609928795.0, 1795609940876.0,
		1795609946028.0,
	};
	size_t k;

	unit_fixture(dir, sizeof(dir), "examples/drizzle-kit-0.31");
	ck_assert_int_eq(cw_journal_load(&j, dir, &d, &err), 0);
	ck_assert_int_eq(err.code, 0);
	ck_assert_uint_eq(d.n, 0);
	ck_assert_ptr_nonnull(strstr(j.path, "/meta/_journal.json"));
	ck_assert_str_eq(j.version, "7");
	ck_assert_str_eq(j.dialect, "sqlite");
	ck_assert_int_eq(j.dialect_line, 3);
	ck_assert_int_eq(j.is_usable, 1);
	ck_assert_uint_eq(j.n_entries, 4);
	for (k = 0; k < 4; k++) {
		const cw_journal_entry *e = &j.entries[k];
		int base = 5 + 7 * (int)k;   /* 7 lines per entry */
		ck_assert_uint_eq(e->pos, k);
		ck_assert_int_eq(e->line, base);
		ck_assert_int_eq(e->idx_line, base + 1);
		ck_assert_int_eq(e->when_line, base + 3);
		ck_assert_int_eq(e->tag_line, base + 4);
		ck_assert(e->has_idx && e->idx == (double)k);
		ck_assert(e->has_version);
		ck_assert_str_eq(e->version, "6");
		ck_assert(e->has_when && e->when == whens[k]);
		ck_assert(e->has_tag);
		ck_assert_str_eq(e->tag, tags[k]);
		ck_assert_int_eq(e->is_tag_safe, 1);
		ck_assert_int_eq(e->tag_has_nul, 0);
		ck_assert(e->has_breakpoints && e->breakpoints == 1);
	}
	cw_journal_free(&j);
	ck_assert_ptr_null(j.entries);
	ck_assert_uint_eq(j.n_entries, 0);
	cw_journal_free(NULL);
	cw_diags_free(&d);
}
END_TEST

/* Keys in any order, on one line; what drizzle ignores is still kept. */
START_TEST(test_compact_journal)
{
	static const char t[] =
		"{\"entries\":[{\"breakpoints\":false,\"tag\":\"0000_a\","
		"\"when\":1.5,\"idx\":7,\"version\":\"5\"}],"
		"\"dialect\":\"postgresql\"}";
	cw_journal j;
	cw_diags d = CW_DIAGS_INIT;
	const cw_journal_entry *e;

	ck_assert_int_eq(parse(&j, t, &d, NULL), 0);
	ck_assert_uint_eq(d.n, 0);
	ck_assert_ptr_null(j.version);
	ck_assert_str_eq(j.dialect, "postgresql");
	ck_assert_int_eq(j.dialect_line, 1);
	e = &j.entries[0];
	ck_assert_int_eq(e->line, 1);
	ck_assert_int_eq(e->tag_line, 1);
	ck_assert_int_eq(e->when_line, 1);
	ck_assert_int_eq(e->idx_line, 1);
	ck_assert(e->when == 1.5 && e->idx == 7.0);
	ck_assert(e->has_breakpoints && e->breakpoints == 0);
	ck_assert_str_eq(e->version, "5");
	ck_assert_int_eq(j.is_usable, 1);
	cw_journal_free(&j);
	cw_diags_free(&d);
}
END_TEST

START_TEST(test_empty_entries)
{
	cw_journal j;
	cw_diags d = CW_DIAGS_INIT;

	ck_assert_int_eq(parse(&j, "{\"entries\": []}", &d, NULL), 0);
	ck_assert_uint_eq(j.n_entries, 0);
	ck_assert_int_eq(j.is_usable, 1);
	ck_assert_uint_eq(d.n, 0);
	cw_journal_free(&j);
	cw_diags_free(&d);
}
END_TEST

/* Every field of the wrong type: one J003 each, at the value's line. */
static const char wrong_types[] =
	"{\n"                                   /* 1 */
	"  \"version\": 7,\n"                   /* 2 */
	"  \"dialect\": \"sqlite\",\n"          /* 3 */
	"  \"entries\": [\n"                    /* 4 */
	"    {\n"                               /* 5 */
	"      \"idx\": \"0\",\n"               /* 6 */
	"      \"version\": 6,\n"               /* 7 */
	"      \"when\": \"1700000000000\",\n"  /* 8 */
	"      \"tag\": 5,\n"                   /* 9 */
	"      \"breakpoints\": \"yes\"\n"      /* 10 */
	"    },\n"                              /* 11 */
	"    {\n"                               /* 12 */
	"      \"idx\": null,\n"                /* 13 */
	"      \"version\": [],\n"              /* 14 */
	"      \"when\": true,\n"               /* 15 */
	"      \"tag\": {},\n"                  /* 16 */
	"      \"breakpoints\": 1\n"            /* 17 */
	"    },\n"                              /* 18 */
	"    {}\n"                              /* 19 */
	"  ]\n"
	"}";

START_TEST(test_wrong_types_j003)
{
	cw_journal j;
	cw_diags d = CW_DIAGS_INIT;
	cw_error err = {0};
	int i;

	ck_assert_int_eq(parse(&j, wrong_types, &d, &err), 0);
	ck_assert_int_eq(err.code, 0);
	ck_assert_int_eq(j.is_usable, 0);
	ck_assert_ptr_null(j.version);
	ck_assert_uint_eq(count_code(&d, "J003"), 15);
	ck_assert_uint_eq(d.n, 15);
	i = find_diag(&d, "J003", 6);
	ck_assert_int_ge(i, 0);
	ck_assert_str_eq(d.items[i].message,
			 "entries[0].idx is a string, expected an integer");
	i = find_diag(&d, "J003", 8);
	ck_assert_int_ge(i, 0);
	ck_assert_str_eq(d.items[i].message, "entries[0].when is a string, "
			 "expected a number (ms since epoch)");
	i = find_diag(&d, "J003", 9);
	ck_assert_int_ge(i, 0);
	ck_assert_str_eq(d.items[i].message,
			 "entries[0].tag is a number, expected a string");
	ck_assert_int_ge(find_diag(&d, "J003", 13), 0);
	ck_assert_int_ge(find_diag(&d, "J003", 15), 0);
	ck_assert_int_ge(find_diag(&d, "J003", 16), 0);
	/* Missing fields are reported at the entry's '{'. */
	ck_assert_uint_eq(j.n_entries, 3);
	ck_assert_int_eq(j.entries[2].line, 19);
	ck_assert_ptr_null(j.entries[0].tag);
	ck_assert_int_eq(j.entries[0].has_when, 0);
	ck_assert_int_eq(j.entries[1].has_idx, 0);
	ck_assert_int_eq(j.entries[1].has_breakpoints, 0);
	for (i = 0; i < (int)d.n; i++) {
		ck_assert_str_eq(d.items[i].file, "meta/_journal.json");
		ck_assert_int_eq(d.items[i].severity, CW_SEV_ERROR);
		ck_assert_str_ne(d.items[i].hint, "");
	}
	i = 0;
	while (i < (int)d.n && strcmp(d.items[i].message,
			"entries[2].tag is missing, expected a string") != 0)
		i++;
	ck_assert_int_lt(i, (int)d.n);
	ck_assert_int_eq(d.items[i].line, 19);
	cw_journal_free(&j);
	cw_diags_free(&d);
}
END_TEST

/* version and breakpoints are reported at their own lines too, as the
** header promises ("the journal line of the offending value"). */
START_TEST(test_wrong_type_lines_version_breakpoints)
{
	cw_journal j;
	cw_diags d = CW_DIAGS_INIT;
	int i;

	parse(&j, wrong_types, &d, NULL);
	i = find_diag(&d, "J003", 7);
	ck_assert_int_ge(i, 0);
	ck_assert_str_eq(d.items[i].message,
			 "entries[0].version is a number, expected a string");
	i = find_diag(&d, "J003", 10);
	ck_assert_int_ge(i, 0);
	ck_assert_str_eq(d.items[i].message, "entries[0].breakpoints is a "
			 "string, expected a boolean");
	ck_assert_int_ge(find_diag(&d, "J003", 14), 0);
	ck_assert_int_ge(find_diag(&d, "J003", 17), 0);
	cw_journal_free(&j);
	cw_diags_free(&d);
}
END_TEST

START_TEST(test_entry_not_object)
{
	static const char t[] =
		"{\n  \"entries\": [\n    5,\n    \"x\"\n  ]\n}";
	cw_journal j;
	cw_diags d = CW_DIAGS_INIT;

	ck_assert_int_eq(parse(&j, t, &d, NULL), 0);
	ck_assert_uint_eq(j.n_entries, 2);
	ck_assert_uint_eq(d.n, 2);
	ck_assert_str_eq(d.items[0].code, "J003");
	ck_assert_int_eq(d.items[0].line, 3);
	ck_assert_str_eq(d.items[0].message,
			 "entries[0] is a number, expected an object");
	ck_assert_int_eq(d.items[1].line, 4);
	ck_assert_str_eq(d.items[1].message,
			 "entries[1] is a string, expected an object");
	ck_assert_int_eq(j.is_usable, 0);
	cw_journal_free(&j);
	cw_diags_free(&d);
}
END_TEST

/* Journals without an "entries" array: J014 at line 1. */
static const char *const no_entries[] = {
	"{\"version\": \"7\"}", "{\"entries\": {}}",
	"{\"entries\": null}", "[]", "\"entries\"", "42",
};

START_TEST(test_missing_entries_j014)
{
	cw_journal j;
	cw_diags d = CW_DIAGS_INIT;
	cw_error err = {0};

	ck_assert_msg(parse(&j, no_entries[_i], &d, &err) == CW_EINVAL,
		      "%s accepted", no_entries[_i]);
	ck_assert_int_eq(err.code, CW_EINVAL);
	ck_assert_str_eq(err.diag, "J014");
	ck_assert_uint_eq(d.n, 1);
	ck_assert_str_eq(d.items[0].code, "J014");
	ck_assert_int_eq(d.items[0].line, 1);
	cw_journal_free(&j);
	cw_diags_free(&d);
}
END_TEST

START_TEST(test_j014_message_names_type)
{
	cw_journal j;
	cw_diags d = CW_DIAGS_INIT;

	parse(&j, "{\"entries\": {}}", &d, NULL);
	ck_assert_str_eq(d.items[0].message,
			 "journal has no \"entries\" array (entries is an "
			 "object)");
	cw_journal_free(&j);
	cw_diags_free(&d);
	parse(&j, "{}", &d, NULL);
	ck_assert_str_eq(d.items[0].message,
			 "journal has no \"entries\" array (entries is "
			 "missing)");
	cw_journal_free(&j);
	cw_diags_free(&d);
}
END_TEST

/* Invalid JSON: J002 at the line of the offending character. */
START_TEST(test_invalid_json_j002)
{
	static const char trailing_comma[] =
		"{\n  \"entries\": [\n    {\"tag\": \"0000_a\",}\n  ]\n}";
	static const char conflict[] =
		"{\n  \"entries\": [\n    {\"tag\": \"0000_a\"},\n"
		"<<<<<<< HEAD\n    {\"tag\": \"0001_b\"}\n"
		"=======\n    {\"tag\": \"0001_c\"}\n>>>>>>> other\n  ]\n}";
	cw_journal j;
	cw_diags d = CW_DIAGS_INIT;
	cw_error err = {0};

	ck_assert_int_eq(parse(&j, trailing_comma, &d, &err), CW_EINVAL);
	ck_assert_str_eq(err.diag, "J002");
	ck_assert_int_eq(err.line, 3);
	ck_assert_str_eq(err.path, "meta/_journal.json");
	/* Column 22 is the '}' after the trailing comma, where JSON.parse
	** stops. */
	ck_assert_str_eq(err.message,
			 "meta/_journal.json:3:22: journal is not valid JSON");
	ck_assert_uint_eq(d.n, 1);
	ck_assert_str_eq(d.items[0].code, "J002");
	ck_assert_int_eq(d.items[0].line, 3);
	ck_assert_int_eq(d.items[0].column, 22);
	cw_journal_free(&j);
	cw_diags_free(&d);
	cw_error_clear(&err);
	ck_assert_int_eq(parse(&j, conflict, &d, &err), CW_EINVAL);
	ck_assert_int_eq(err.line, 4);
	ck_assert_int_eq(d.items[0].line, 4);
	cw_journal_free(&j);
	cw_diags_free(&d);
}
END_TEST

/* Text JSON.parse refuses (J002), with the length that is parsed: a
** NUL byte is not the end. */
#define TEXT(s) s, sizeof(s) - 1
static const struct {
	const char *text;
	size_t len;
	int line;     /* of the error; 0: not checked */
} not_json[] = {
	{TEXT("{\"entries\": []} x"), 0}, {TEXT("{\"entries\": []}{}"), 0},
	{TEXT("{\"entries\": []}\n,"), 0}, {TEXT("{\"entries\": []}]"), 0},
	{TEXT(""), 0}, {TEXT("   "), 0}, {TEXT("{\"entries\": [}"), 0},
	/* A leading BOM: drizzle reads the journal with
	** readFileSync().toString(), which keeps it, so drizzle fails. */
	{TEXT("\xEF\xBB\xBF{\"entries\": []}"), 1},
	/* Trailing garbage after a NUL byte. */
	{TEXT("{\"entries\": []}\0x"), 0},
};
#undef TEXT

START_TEST(test_not_json_j002)
{
	cw_journal j;
	cw_diags d = CW_DIAGS_INIT;
	cw_error err = {0};

	ck_assert_msg(cw_journal_parse(&j, "j", not_json[_i].text,
				       not_json[_i].len, &d, &err) ==
		      CW_EINVAL, "\"%s\" accepted", not_json[_i].text);
	ck_assert_str_eq(err.diag, "J002");
	if (not_json[_i].line)
		ck_assert_int_eq(err.line, not_json[_i].line);
	cw_journal_free(&j);
	cw_diags_free(&d);
}
END_TEST

/* Trailing whitespace is fine, as for JSON.parse. */
START_TEST(test_trailing_whitespace)
{
	cw_journal j;
	cw_diags d = CW_DIAGS_INIT;

	ck_assert_int_eq(parse(&j, "{\"entries\": []} \n\t\r\n", &d, NULL), 0);
	cw_journal_free(&j);
	cw_diags_free(&d);
}
END_TEST

/* JSON.parse keeps the last of duplicate keys: drizzle runs with that. */
START_TEST(test_duplicate_keys_last_wins)
{
	static const char t[] =
		"{\"entries\": [{\"idx\": 0, \"version\": \"6\", "
		"\"when\": 1000, \"tag\": \"0000_a\", \"breakpoints\": true, "
		"\"when\": 2000, \"tag\": \"0000_b\"}]}";
	cw_journal j;
	cw_diags d = CW_DIAGS_INIT;

	ck_assert_int_eq(parse(&j, t, &d, NULL), 0);
	ck_assert(j.entries[0].when == 2000.0);
	ck_assert_str_eq(j.entries[0].tag, "0000_b");
	cw_journal_free(&j);
	cw_diags_free(&d);
}
END_TEST

/* Unsafe tags (JSON text): J011 at the tag's line, is_tag_safe 0,
** is_usable 0. */
static const char *const unsafe_tags[] = {
	"\"../outside\"", "\"sub/0000_a\"", "\"0000\\\\a\"",
	"\"..\"", "\"a..b\"", "\"0000_a\\u0000.txt\"",
	"\"\\u0000\"", "\"0000\\ta\"", "\"0000\\na\"",
	"\"0000\\u001fa\"", "\"0000\\u007fa\"", "\"\"",
	"\"/etc/passwd\"",
};

START_TEST(test_unsafe_tags_j011)
{
	const char *tag = unsafe_tags[_i];
	char t[512];
	cw_journal j;
	cw_diags d = CW_DIAGS_INIT;

	snprintf(t, sizeof(t),
		 "{\n\"entries\": [\n{\n\"idx\": 0, \"version\": "
		 "\"6\", \"when\": 1, \"breakpoints\": true,\n"
		 "\"tag\": %s\n}\n]\n}", tag);
	ck_assert_int_eq(parse(&j, t, &d, NULL), 0);
	ck_assert_msg(j.entries[0].is_tag_safe == 0, "tag %s taken as safe",
		      tag);
	ck_assert_int_eq(j.is_usable, 0);
	ck_assert_int_eq(j.entries[0].has_tag, 1);
	ck_assert_int_eq(j.entries[0].tag_line, 5);
	ck_assert_msg(d.n == 1 && strcmp(d.items[0].code, "J011") == 0,
		      "tag %s: %zu findings", tag, d.n);
	ck_assert_int_eq(d.items[0].line, 5);
	ck_assert_str_eq(d.items[0].message, "entries[0].tag is unsafe as a "
			 "file name; refusing to open it");
	cw_journal_free(&j);
	cw_diags_free(&d);
}
END_TEST

START_TEST(test_tag_nul_escape)
{
	static const char t[] =
		"{\"entries\": [{\"idx\": 0, \"version\": \"6\", \"when\": 1,"
		" \"tag\": \"0000_a\\u0000/../../x\", \"breakpoints\": true},"
		"{\"idx\": 1, \"version\": \"6\", \"when\": 2,"
		" \"tag\": \"0001_b\\\\u0000\", \"breakpoints\": true}]}";
	cw_journal j;
	cw_diags d = CW_DIAGS_INIT;

	ck_assert_int_eq(parse(&j, t, &d, NULL), 0);
	ck_assert_int_eq(j.entries[0].tag_has_nul, 1);
	ck_assert_int_eq(j.entries[0].is_tag_safe, 0);
	/* The backslash makes the second unsafe, whatever follows it. */
	ck_assert_int_eq(j.entries[1].is_tag_safe, 0);
	ck_assert_uint_eq(count_code(&d, "J011"), 2);
	cw_journal_free(&j);
	cw_diags_free(&d);
}
END_TEST

START_TEST(test_tag_is_safe)
{
	ck_assert_int_eq(cw_journal_tag_is_safe("0000_init", 9), 1);
	ck_assert_int_eq(cw_journal_tag_is_safe("0000_a.b", 8), 1);
	ck_assert_int_eq(cw_journal_tag_is_safe(".", 1), 1);
	ck_assert_int_eq(cw_journal_tag_is_safe("0000_\xC3\xA9t\xC3\xA9", 10), 1);
	ck_assert_int_eq(cw_journal_tag_is_safe("a b", 3), 1);
	ck_assert_int_eq(cw_journal_tag_is_safe("", 0), 0);
	ck_assert_int_eq(cw_journal_tag_is_safe("..", 2), 0);
	ck_assert_int_eq(cw_journal_tag_is_safe("a/b", 3), 0);
	ck_assert_int_eq(cw_journal_tag_is_safe("a\\b", 3), 0);
	ck_assert_int_eq(cw_journal_tag_is_safe("a\0b", 3), 0);
	ck_assert_int_eq(cw_journal_tag_is_safe("a\x01", 2), 0);
	ck_assert_int_eq(cw_journal_tag_is_safe("a\x1f", 2), 0);
	ck_assert_int_eq(cw_journal_tag_is_safe("a\x7f", 2), 0);
	ck_assert_int_eq(cw_journal_tag_is_safe("x\r", 2), 0);
	/* Only len bytes count. */
	ck_assert_int_eq(cw_journal_tag_is_safe("ab/..", 2), 1);
	ck_assert_int_eq(cw_journal_tag_is_safe("a.", 2), 1);
}
END_TEST

/* Numbers are JS numbers: big integers exact, exponents and fractions. */
START_TEST(test_when_values)
{
	static const char t[] =
		"{\"entries\": [{\"when\": 1795609916263, \"tag\": \"a\"},"
		"{\"when\": 1.7e12, \"tag\": \"b\"},"
		"{\"when\": -5, \"tag\": \"c\"},"
		"{\"when\": 1000.25, \"tag\": \"d\"}]}";
	cw_journal j;
	cw_diags d = CW_DIAGS_INIT;

	ck_assert_int_eq(parse(&j, t, &d, NULL), 0);
	ck_assert(j.entries[0].when == 1795609916263.0);
	ck_assert(j.entries[1].when == 1.7e12);
	ck_assert(j.entries[2].when == -5.0);
	ck_assert(j.entries[3].when == 1000.25);
	/* idx, version and breakpoints missing: three J003 per entry, but
	** still usable (drizzle reads only tag and when). */
	ck_assert_uint_eq(count_code(&d, "J003"), 12);
	ck_assert_int_eq(j.is_usable, 1);
	cw_journal_free(&j);
	cw_diags_free(&d);
}
END_TEST

static Suite *journal_suite(void)
{
	Suite *s = suite_create("journal");
	TCase *tc = tcase_create("parse");

	tcase_add_test(tc, test_valid_journal);
	tcase_add_test(tc, test_compact_journal);
	tcase_add_test(tc, test_empty_entries);
	tcase_add_test(tc, test_wrong_types_j003);
	tcase_add_test(tc, test_wrong_type_lines_version_breakpoints);
	tcase_add_test(tc, test_entry_not_object);
	tcase_add_loop_test(tc, test_missing_entries_j014, 0,
			    sizeof(no_entries) / sizeof(no_entries[0]));
	tcase_add_test(tc, test_j014_message_names_type);
	tcase_add_test(tc, test_invalid_json_j002);
	tcase_add_loop_test(tc, test_not_json_j002, 0,
			    sizeof(not_json) / sizeof(not_json[0]));
	tcase_add_test(tc, test_trailing_whitespace);
	tcase_add_test(tc, test_duplicate_keys_last_wins);
	tcase_add_test(tc, test_when_values);
	suite_add_tcase(s, tc);
	tc = tcase_create("tags");
	tcase_add_loop_test(tc, test_unsafe_tags_j011, 0,
			    sizeof(unsafe_tags) / sizeof(unsafe_tags[0]));
	tcase_add_test(tc, test_tag_nul_escape);
	tcase_add_test(tc, test_tag_is_safe);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(journal_suite());
}
