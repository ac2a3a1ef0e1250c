/*
** check_report.c - the diagnostics report (harness/report_check.c and
** harness/report_dir.c): whatever bytes a finding holds, JSON comes out
** strict and valid UTF-8, JUnit attributes keep their line breaks, GitHub
** annotations stay one line, Markdown and HTML carry no markup from a
** message; the generic report's hooks, test cases, matrix and counts;
** `--report DIR` written whole or not at all.
**
** The writers live in the cw command, not in libcw, so this suite
** compiles them in.
*/
#include "unit_fs.h"
#include "../../harness/msg.c"
#include "../../harness/report_check.c"
#include "../../harness/report_dir.c"
#include "../../harness/report_html.c"
#include "../../harness/report_markdown.c"
#include "../../harness/report_migrate.c"
#include "../../lib/jsonstrict.h"

#include <dirent.h>

#define R3 "\xEF\xBF\xBD"  /* U+FFFD */

/* Hostile text: a lone lead byte, a cut 3-byte character, 0xFF, a stray
** continuation byte, C0 controls, DEL, U+FFFE, quotes and markup. */
static const char nasty[] = "a\xC3(b\xE2\x82|\xFF\x80 \x01\x1F\x7F"
			    "\xEF\xBF\xBE \"q\" \\ <&> %:,\r\n\tend";

/* The same once invalid UTF-8 became U+FFFD, as JSON gives it back. */
static const char nasty_fixed[] = "a" R3 "(b" R3 "|" R3 R3 " \x01\x1F\x7F"
				  "\xEF\xBF\xBE \"q\" \\ <&> %:,\r\n\tend";

static cw_diags diags_of_nasty(void)
{
	cw_diags d = CW_DIAGS_INIT;
	cw_diag *g;

	g = cw_diags_add(&d, "S004", "dir/0000_\xC3.sql", 4, 2, "%s", nasty);
	ck_assert_ptr_nonnull(g);
	cw_diag_set_tag(g, "0000_\xC3");
	cw_diag_set_hint(g, "hint %s", nasty);
	ck_assert_ptr_nonnull(cw_diags_add(&d, "N004", "dir/meta/j.json", 0,
					   0, "plain"));
	return d;
}

/* Run a writer into memory; the caller frees the text. */
#define CAPTURE(text, len, call)                                        \
	do {                                                             \
		FILE *out_ = open_memstream(&(text), &(len));            \
		ck_assert_ptr_nonnull(out_);                             \
		FILE *out = out_;                                        \
		call;                                                    \
		ck_assert_int_eq(fclose(out_), 0);                       \
	} while (0)

static diag_report report_of(const cw_diags *d, const report_case *cases,
			     size_t n_cases)
{
	diag_report r;

	memset(&r, 0, sizeof(r));
	r.title = "cw t\xC3";
	r.command = "t";
	r.subject = "dir\n\xFF";
	r.diags = d;
	r.status = 1;
	r.unit = "migration";
	r.n_units = 1;
	r.cases = cases;
	r.n_cases = n_cases;
	return r;
}

static void assert_strict_json(const char *text, size_t len)
{
	size_t off = 0;

	ck_assert_msg(cw_text_utf8_is_valid(text, len), "JSON not UTF-8");
	ck_assert_msg(cw_jsonstrict_validate(text, len, &off) == 0,
		      "invalid JSON at byte %zu: %.40s", off, text + off);
}

START_TEST(test_json_valid_whatever_the_message)
{
	cw_diags d = diags_of_nasty();
	diag_report r = report_of(&d, NULL, 0);
	char *text = NULL;
	size_t len = 0;
	cJSON *root, *g;
	int rc = -1;

	CAPTURE(text, len, rc = report_diag_json(out, &r));
	ck_assert_int_eq(rc, 0);
	assert_strict_json(text, len);
	root = cJSON_Parse(text);
	ck_assert_ptr_nonnull(root);
	g = cJSON_GetArrayItem(cJSON_GetObjectItem(root, "diagnostics"), 0);
	ck_assert_str_eq(cJSON_GetObjectItem(g, "message")->valuestring,
			 nasty_fixed);
	ck_assert_str_eq(cJSON_GetObjectItem(g, "file")->valuestring,
			 "dir/0000_" R3 ".sql");
	ck_assert_str_eq(cJSON_GetObjectItem(g, "tag")->valuestring,
			 "0000_" R3);
	ck_assert_str_eq(cJSON_GetObjectItem(root, "command")->valuestring,
			 "t");
	ck_assert(cJSON_IsFalse(cJSON_GetObjectItem(root, "ok")));
	ck_assert_int_eq(cJSON_GetObjectItem(root, "exit")->valueint, 1);
	/* Control characters are escapes, never raw bytes. */
	ck_assert_ptr_nonnull(strstr(text, "\\u0001\\u001f"));
	ck_assert_ptr_nonnull(strstr(text, "\\r\\n\\tend"));
	cJSON_Delete(root);
	free(text);
	cw_diags_free(&d);
}
END_TEST

static int add_fields(cJSON *root, const void *ctx)
{
	(void)ctx;
	return cJSON_AddStringToObject(root, "db\xFF", "x\xC3") ? 0 : -1;
}

static int fail_fields(cJSON *root, const void *ctx)
{
	(void)root;
	(void)ctx;
	return -1;
}

/* A command's own members follow "command", keys repaired too. */
START_TEST(test_json_fields_hook)
{
	static const char *const order[] = {"command", "db" R3, "ok", "exit",
					    "counts", "diagnostics"};
	cw_diags d = CW_DIAGS_INIT;
	diag_report r = report_of(&d, NULL, 0);
	char *text = NULL;
	size_t len = 0, i = 0;
	cJSON *root, *it;
	int rc = -1;

	r.json_fields = add_fields;
	r.status = 0;
	CAPTURE(text, len, rc = report_diag_json(out, &r));
	ck_assert_int_eq(rc, 0);
	assert_strict_json(text, len);
	root = cJSON_Parse(text);
	cJSON_ArrayForEach(it, root) {
		ck_assert_uint_lt(i, 6);
		ck_assert_str_eq(it->string, order[i++]);
	}
	ck_assert_uint_eq(i, 6);
	ck_assert_str_eq(cJSON_GetObjectItem(root, "db" R3)->valuestring,
			 "x" R3);
	ck_assert(cJSON_IsTrue(cJSON_GetObjectItem(root, "ok")));
	cJSON_Delete(root);
	free(text);
	/* A hook that fails writes nothing. */
	r.json_fields = fail_fields;
	CAPTURE(text, len, rc = report_diag_json(out, &r));
	ck_assert_int_eq(rc, -1);
	ck_assert_uint_eq(len, 0);
	free(text);
}
END_TEST

/* Repair reaches nested values, keys, const keys and references. */
START_TEST(test_json_repair_tree)
{
	cJSON *root = cJSON_CreateObject(), *arr, *obj;
	char *text;

	arr = cJSON_AddArrayToObject(root, "a\x80");
	cJSON_AddItemToArray(arr, cJSON_CreateString("\xF0\x9F\x98"));
	cJSON_AddItemToArray(arr, cJSON_CreateStringReference("r\xFE"));
	obj = cJSON_CreateObject();
	cJSON_AddItemToObjectCS(obj, "k\xC0", cJSON_CreateString("ok"));
	cJSON_AddItemToArray(arr, obj);
	ck_assert_int_eq(report_json_repair(root), 0);
	text = cJSON_PrintUnformatted(root);
	ck_assert_str_eq(text, "{\"a" R3 "\":[\"" R3 "\",\"r" R3 "\",{\"k"
			 R3 "\":\"ok\"}]}");
	free(text);
	cJSON_Delete(root);
	ck_assert_int_eq(report_json_repair(NULL), 0);
}
END_TEST

/* The bytes between `<failure type="CODE" message="` and the next `"`. */
static char *failure_message(const char *xml, const char *code)
{
	char head[64];
	const char *p, *q;

	snprintf(head, sizeof(head), "<failure type=\"%s\" message=\"", code);
	p = strstr(xml, head);
	ck_assert_ptr_nonnull(p);
	p += strlen(head);
	q = strchr(p, '"');
	ck_assert_ptr_nonnull(q);
	return strndup(p, (size_t)(q - p));
}

START_TEST(test_junit_escapes)
{
	static const report_case cases[] = {
		{"migrations", "0000_\xC3\n", 0, "0000_\xC3", NULL, NULL},
		{"rules", "S breakpoints", 'S', NULL, NULL, NULL},
		{"rules", "J journal", 'J', NULL, NULL, NULL},
	};
	cw_diags d = diags_of_nasty();
	diag_report r = report_of(&d, cases, 3);
	char *text = NULL, *msg;
	size_t len = 0, i;
	int rc = -1;

	d.items[0].severity = CW_SEV_ERROR;
	CAPTURE(text, len, rc = report_diag_junit(out, &r));
	ck_assert_int_eq(rc, 0);
	ck_assert_msg(cw_text_utf8_is_valid(text, len), "JUnit not UTF-8");
	/* XML 1.0 has no place for C0 controls but tab, LF and CR. */
	for (i = 0; i < len; i++)
		ck_assert_msg((unsigned char)text[i] >= 0x20 ||
			      text[i] == '\n' || text[i] == '\t',
			      "raw control 0x%02x at %zu", text[i], i);
	ck_assert_ptr_null(strstr(text, "\xEF\xBF\xBE"));
	msg = failure_message(text, "S004");
	ck_assert_str_eq(msg, "a" R3 "(b" R3 "|" R3 R3 " " R3 R3 "\x7F" R3
			 " &quot;q&quot; \\ &lt;&amp;&gt; %:,"
			 "&#13;&#10;&#9;end");
	free(msg);
	/* In element content LF and tab stay; CR is a reference. */
	ck_assert_ptr_nonnull(strstr(text, "%:,&#13;\n\tend</failure>"));
	ck_assert_ptr_nonnull(strstr(text, "name=\"0000_" R3 "&#10;\""));
	ck_assert_ptr_nonnull(strstr(text, "<testsuites name=\"cw t" R3
				     "\" tests=\"3\" failures=\"2\">"));
	ck_assert_ptr_nonnull(strstr(text, "<testsuite name=\"dir&#10;" R3
				     "\" tests=\"3\" failures=\"2\""));
	free(text);
	cw_diags_free(&d);
}
END_TEST

/* Which findings fail which test case: family, else tag, else file;
** warnings only when strict. */
START_TEST(test_junit_cases)
{
	static const report_case cases[] = {
		{"migrations", "0000_a", 0, "0000_a", "d/0000_a.sql", NULL},
		{"migrations", "0001_b", 0, NULL, "d/0001_b.sql", NULL},
		{"rules", "S breakpoints", 'S', NULL, NULL, NULL},
		{"rules", "L lint", 'L', NULL, NULL, NULL},
	};
	cw_diags d = CW_DIAGS_INIT;
	diag_report r = report_of(&d, cases, 4);
	char *text = NULL;
	size_t len = 0;

	cw_diag_set_tag(cw_diags_add(&d, "S001", "elsewhere", 1, 0, "x"),
			"0000_a");
	cw_diags_add(&d, "S005", "d/0001_b.sql", 2, 0, "y");
	cw_diags_add(&d, "L004", "d/0001_b.sql", 3, 0, "w");   /* warning */
	ck_assert_int_eq(cw_codes_lookup("L004")->severity, CW_SEV_WARNING);
	CAPTURE(text, len, report_diag_junit(out, &r));
	ck_assert_ptr_nonnull(strstr(text, "tests=\"4\" failures=\"3\""));
	ck_assert_ptr_nonnull(strstr(text, "name=\"0000_a\">\n      <failure "
				     "type=\"S001\""));
	ck_assert_ptr_nonnull(strstr(text, "name=\"0001_b\">\n      <failure "
				     "type=\"S005\""));
	ck_assert_ptr_nonnull(strstr(text, "name=\"L lint\">\n    "
				     "</testcase>"));
	free(text);
	r.strict = 1;
	CAPTURE(text, len, report_diag_junit(out, &r));
	ck_assert_ptr_nonnull(strstr(text, "tests=\"4\" failures=\"4\""));
	ck_assert_ptr_nonnull(strstr(text, "name=\"L lint\">\n      <failure "
				     "type=\"L004\""));
	free(text);
	cw_diags_free(&d);
}
END_TEST

START_TEST(test_github_escapes)
{
	cw_diags d = diags_of_nasty();
	diag_report r = report_of(&d, NULL, 0);
	char *text = NULL, *nl, want[512];
	size_t len = 0;

	snprintf(want, sizeof(want), "::notice file=dir/meta/j.json,title="
		 "N004::plain%%0A%s\n", cw_codes_lookup("N004")->hint);
	CAPTURE(text, len, report_diag_github(out, &r));
	ck_assert_msg(cw_text_utf8_is_valid(text, len), "not UTF-8");
	nl = strchr(text, '\n');
	ck_assert_ptr_nonnull(nl);
	*nl = '\0';
	ck_assert_str_eq(text, "::warning file=dir/0000_" R3 ".sql,line=4,"
			 "col=2,title=S004::a" R3 "(b" R3 "|" R3 R3
			 " \x01\x1F\x7F\xEF\xBF\xBE \"q\" \\ <&> %25:,%0D%0A"
			 "\tend%0Ahint a" R3 "(b" R3 "|" R3 R3
			 " \x01\x1F\x7F\xEF\xBF\xBE \"q\" \\ <&> %25:,%0D%0A"
			 "\tend");
	ck_assert_str_eq(nl + 1, want);
	free(text);
	cw_diags_free(&d);
}
END_TEST

/* The nasty message in a Markdown table cell: one line, no markup. */
START_TEST(test_markdown_escapes)
{
	cw_diags d = diags_of_nasty();
	diag_report r = report_of(&d, NULL, 0);
	char *text = NULL;
	size_t len = 0;

	CAPTURE(text, len, report_diag_markdown(out, &r));
	ck_assert_msg(cw_text_utf8_is_valid(text, len), "not UTF-8");
	ck_assert_ptr_nonnull(strstr(text, "### cw t" R3 ": failed\n"));
	ck_assert_msg(strstr(text, "| S004 | warning | dir/0000\\_"
		R3 ".sql:4 | a" R3 "(b" R3 "\\|" R3 R3 " " R3 R3 R3
		"\xEF\xBF\xBE \"q\" \\\\ &lt;&amp;&gt; %:, <br> end<br>hint: hint a"),
		"%s", text);
	/* Warnings before notes, whatever the report's order. */
	ck_assert_ptr_nonnull(strstr(strstr(text, "| S004 "),
				     "| N004 | note | dir/meta/j.json | "));
	ck_assert_ptr_null(strstr(text, "<&>"));
	free(text);
	cw_diags_free(&d);
}
END_TEST

/* The nasty message in index.html: text, in the timeline entry of the
** migration it is tagged with; the untagged one among the others. */
START_TEST(test_html_escapes)
{
	static const report_case cases[] = {
		{"migrations", "0000_\xC3", 0, "0000_\xC3", NULL, NULL},
	};
	cw_diags d = diags_of_nasty();
	diag_report r = report_of(&d, cases, 1);
	char *text = NULL, *at;
	size_t len = 0, n = 0;

	CAPTURE(text, len, report_diag_html(out, &r));
	ck_assert_msg(cw_text_utf8_is_valid(text, len), "not UTF-8");
	ck_assert_ptr_nonnull(strstr(text, "<p id=\"verdict\" class=\"verdict "
				     "failed\">failed: 0 errors, 1 warning"));
	for (at = text; (at = strstr(at, "<li class=\"migration ")); at++)
		n++;
	ck_assert_uint_eq(n, 1);
	at = strstr(text, "<li class=\"migration warning\" data-status=\""
		    "warning\"><span class=\"tag\">0000_" R3 "</span>");
	ck_assert_ptr_nonnull(at);
	ck_assert_ptr_nonnull(strstr(at, "<span class=\"message\">a" R3
		"(b" R3 "|" R3 R3 " " R3 R3 "\x7F" R3 " &quot;q&quot; \\ "
		"&lt;&amp;&gt; %:,&#13;\n\tend</span>"));
	ck_assert_ptr_nonnull(strstr(at, "<h2>Other findings</h2>"));
	ck_assert_ptr_nonnull(strstr(strstr(at, "Other findings"), "N004"));
	ck_assert_ptr_null(strstr(text, "<&>"));
	ck_assert_ptr_null(strstr(text, "<script"));
	free(text);
	cw_diags_free(&d);
}
END_TEST

static const char *mx_row(const void *ctx, size_t s)
{
	(void)ctx;
	return s ? "step <2>" : "step 1";
}

static const char *mx_col(const void *ctx, size_t k)
{
	(void)ctx;
	return k == 0 ? "0000_a" : k == 1 ? "0001_b" : "0002_c";
}

/* 0001_b was not checked at all (another shard's): no row for it. */
static char mx_cell(const void *ctx, size_t s, size_t k)
{
	(void)ctx;
	return k == 1 ? '-' : k == 2 && s == 1 ? 'E' : '.';
}

START_TEST(test_matrix)
{
	static const report_matrix m = {"prefix x step", 2, 3, mx_row,
					mx_col, mx_cell};
	cw_diags d = CW_DIAGS_INIT;
	diag_report r = report_of(&d, NULL, 0);
	char *text = NULL, *at;
	size_t len = 0, n = 0;

	r.matrix = &m;
	CAPTURE(text, len, report_diag_markdown(out, &r));
	ck_assert_ptr_nonnull(strstr(text, "No findings.\n\nprefix x step: 2 "
				     "migrations, 1 with an error\n\n"
				     "| | step 1 | step &lt;2&gt; |\n"
				     "|---|---|---|\n"
				     "| 0000\\_a | ok | ok |\n"
				     "| 0002\\_c | ok | **error** |\n"));
	free(text);
	text = NULL;
	CAPTURE(text, len, report_diag_html(out, &r));
	for (at = text; (at = strstr(at, "<tr><th class=\"tag\">")); at++)
		n++;
	ck_assert_uint_eq(n, 2);
	ck_assert_ptr_null(strstr(text, "0001_b"));
	ck_assert_ptr_nonnull(strstr(text, "<th class=\"tag\">0002_c</th>"
		"<td class=\"c-ok\" title=\"ok\">ok</td><td class=\"c-error\""
		" title=\"error\">error</td></tr>"));
	free(text);
}
END_TEST

static void head(FILE *out, const void *ctx)
{
	fprintf(out, "head %s\n", (const char *)ctx);
}

START_TEST(test_text)
{
	cw_diags d = CW_DIAGS_INIT;
	diag_report r = report_of(&d, NULL, 0);
	char *text = NULL, want[512];
	size_t len = 0;

	cw_diags_add(&d, "S001", "f.sql", 2, 1, "two");
	r.title = "cw t";
	r.text_head = head;
	r.ctx = "line";
	CAPTURE(text, len, report_diag_text(out, &r));
	snprintf(want, sizeof(want), "head line\nf.sql:2:1: error: S001 two\n"
		 "    hint: %s\ncw t: 1 error, 0 warnings, 0 notes in 1 "
		 "migration\n", cw_codes_lookup("S001")->hint);
	ck_assert_str_eq(text, want);
	free(text);
	r.text_head = NULL;
	r.unit = NULL;
	cw_diags_free(&d);
	CAPTURE(text, len, report_diag_text(out, &r));
	ck_assert_str_eq(text, "cw t: 0 errors, 0 warnings, 0 notes\n");
	free(text);
}
END_TEST

/* ---- --report DIR ---- */

static void make_tmp(void)
{
	unit_tmp_make("report");
}

/* Entries of unit_dir/rel other than . and .. */
static size_t n_entries(const char *rel)
{
	char p[512];
	DIR *dir = opendir(unit_path(p, sizeof(p), rel));
	struct dirent *e;
	size_t n = 0;

	ck_assert_ptr_nonnull(dir);
	while ((e = readdir(dir)) != NULL)
		n += strcmp(e->d_name, ".") != 0 &&
		     strcmp(e->d_name, "..") != 0;
	closedir(dir);
	return n;
}

START_TEST(test_dir_writes_every_format)
{
	cw_diags d = diags_of_nasty();
	diag_report r = report_of(&d, NULL, 0);
	cw_error err = {0};
	char p[512], *json;
	size_t len = 0;

	unit_path(p, sizeof(p), "a/b");
	ck_assert_int_eq(report_diag_dir(p, &r, &err), 0);
	ck_assert_uint_eq(n_entries("a/b"), 6);
	json = unit_slurp("a/b/report.json", &len);
	ck_assert_ptr_nonnull(json);
	assert_strict_json(json, len);
	free(json);
	json = unit_slurp("a/b/summary.txt", NULL);
	ck_assert_ptr_nonnull(strstr(json, "0 errors, 1 warning, 1 note"));
	free(json);
	/* A second run replaces them, with nothing left beside them. */
	unit_put("a/b/junit.xml", "old");
	ck_assert_int_eq(report_diag_dir(p, &r, &err), 0);
	ck_assert_uint_eq(n_entries("a/b"), 6);
	json = unit_slurp("a/b/junit.xml", NULL);
	ck_assert_ptr_nonnull(strstr(json, "<testsuites"));
	free(json);
	cw_diags_free(&d);
}
END_TEST

/* One file that cannot be replaced: no file changes, no temporary file
** stays, the error names the file and errno says why. */
START_TEST(test_dir_failure_changes_nothing)
{
	cw_diags d = diags_of_nasty();
	diag_report r = report_of(&d, NULL, 0);
	cw_error err = {0};
	char p[512], *old;

	unit_mkdir("out", 0755);
	unit_put("out/summary.txt", "old summary");
	unit_mkdir("out/junit.xml", 0755);
	unit_path(p, sizeof(p), "out");
	errno = 0;
	ck_assert_int_eq(report_diag_dir(p, &r, &err), CW_EIO);
	ck_assert_int_eq(errno, EISDIR);
	ck_assert_ptr_nonnull(strstr(err.message, "/out/junit.xml: "));
	ck_assert_uint_eq(n_entries("out"), 2);
	old = unit_slurp("out/summary.txt", NULL);
	ck_assert_str_eq(old, "old summary");
	free(old);
	ck_assert_uint_eq(n_entries("out/junit.xml"), 0);
	/* A folder that cannot be made. */
	unit_put("file", "x");
	unit_path(p, sizeof(p), "file/sub");
	cw_error_clear(&err);
	ck_assert_int_eq(report_diag_dir(p, &r, &err), CW_EIO);
	ck_assert_int_eq(errno, ENOTDIR);
	cw_diags_free(&d);
}
END_TEST

/* cw check's wrapper: errno for its caller, the same files. */
START_TEST(test_check_dir)
{
	cw_diags d = diags_of_nasty();
	check_report c;
	char p[512];

	memset(&c, 0, sizeof(c));
	c.title = "cw check";
	c.dir = "dir";
	c.diags = &d;
	c.status = 1;
	unit_path(p, sizeof(p), "r");
	ck_assert_int_eq(report_check_dir(p, &c), 0);
	ck_assert_uint_eq(n_entries("r"), 6);
	unit_mkdir("r2", 0755);
	unit_mkdir("r2/report.json", 0755);
	unit_path(p, sizeof(p), "r2");
	ck_assert_int_eq(report_check_dir(p, &c), -1);
	ck_assert_int_eq(errno, EISDIR);
	ck_assert_uint_eq(n_entries("r2"), 1);
	cw_diags_free(&d);
}
END_TEST

static Suite *report_suite(void)
{
	Suite *s = suite_create("report");
	TCase *tc = tcase_create("formats");

	tcase_add_test(tc, test_json_valid_whatever_the_message);
	tcase_add_test(tc, test_json_fields_hook);
	tcase_add_test(tc, test_json_repair_tree);
	tcase_add_test(tc, test_junit_escapes);
	tcase_add_test(tc, test_junit_cases);
	tcase_add_test(tc, test_github_escapes);
	tcase_add_test(tc, test_markdown_escapes);
	tcase_add_test(tc, test_html_escapes);
	tcase_add_test(tc, test_matrix);
	tcase_add_test(tc, test_text);
	suite_add_tcase(s, tc);
	tc = tcase_create("dir");
	tcase_add_checked_fixture(tc, make_tmp, unit_tmp_remove);
	tcase_add_test(tc, test_dir_writes_every_format);
	tcase_add_test(tc, test_dir_failure_changes_nothing);
	tcase_add_test(tc, test_check_dir);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(report_suite());
}
