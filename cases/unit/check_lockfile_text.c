/*
** check_lockfile_text.c - lib/lockfile.c read and written directly: every
** `when` form read back exactly, records rendered and loaded again with
** odd tags and no `when`, each malformed field as one H005 naming it,
** lines judged by their own position after a line that cannot be
** trusted, merge conflict markers, headers that are not cw's, rehash
** notes on one line, and the atomic write keeping the file's mode.
*/
#include "unit_lock.h"
#include "../../lib/lockfile.h"

#include <dirent.h>

static void make_tmp(void)
{
	lock_tmp_make("lockfile_text");
}

/* 8, 58 and 64 copies of one character, as a string. */
#define H8(c) c c c c c c c c
#define H58(c) H8(c) H8(c) H8(c) H8(c) H8(c) H8(c) H8(c) c c
#define H64(c) H8(c) H8(c) H8(c) H8(c) H8(c) H8(c) H8(c) H8(c)

static const char h1[] = H64("1");
static const char h2[] = H64("2");

/* ---- `when` ---- */

START_TEST(test_fmt_when)
{
	static const double vals[] = {
		0, 1, -5, 1750000000000.0, 1e20, 1e21, 1e22, 0.1,
		1.0 / 3.0, 1750000000000.5, -2.5e-7, 5e-324,
	};
	static const char *const want[] = {
		"0", "1", "-5", "1750000000000", "100000000000000000000",
		"1e+21", "1e+22", "0.1", "0.3333333333333333",
		"1750000000000.5", "-2.5e-07", "5e-324",
	};
	char buf[64];
	size_t i;

	cw_lockfile_fmt_when(buf, sizeof(buf), 0, 1234);
	ck_assert_str_eq(buf, "-");
	for (i = 0; i < sizeof(vals) / sizeof(*vals); i++) {
		cw_lockfile_fmt_when(buf, sizeof(buf), 1, vals[i]);
		ck_assert_str_eq(buf, want[i]);
		/* What is written reads back as the same number. */
		ck_assert(strtod(buf, NULL) == vals[i]);
	}
}
END_TEST

/* ---- render, then load ---- */

/* Records with odd tags and no `when`, comments before them and after
** the last: the text loads back into the same records. */
START_TEST(test_render_and_load)
{
	static const char *const tags[] = {"0000_a", "0001 b%\x7f\t", "c"};
	cw_lockfile lk, back;
	cw_diags d = CW_DIAGS_INIT;
	cw_error err = {0};
	char path[512], *text = NULL;
	size_t len = 0, n_bad = 0, i;
	int found = 0;

	memset(&lk, 0, sizeof(lk));
	for (i = 0; i < 3; i++) {
		cw_lockfile_rec *r = cw_lockfile_add(&lk);
		ck_assert_ptr_nonnull(r);
		r->tag = strdup(tags[i]);
		r->has_when = i != 1;
		r->when = 1000.0 * (double)i + 0.5;
		r->has_hash = 1;
		memcpy(r->hash, i ? h1 : h2, sizeof(r->hash));
		memcpy(r->lf, h2, sizeof(r->lf));
	}
	lk.recs[2].note = cw_lockfile_rehash_note("c", "typo\nfixed");
	ck_assert_int_eq(cw_lockfile_render(&text, &len, &lk, 1, &err), 0);
	ck_assert_uint_eq(len, strlen(text));
	ck_assert_ptr_nonnull(strstr(text, "# cw.lock 1 - immutability lock"));
	ck_assert_ptr_nonnull(strstr(text, "\n0000 0000_a 0.5 " "2222"));
	ck_assert_ptr_nonnull(strstr(text, "\n0001 0001%20b%25%7F%09 - 1111"));
	ck_assert_ptr_nonnull(strstr(text, "\n# rehash c "));
	ck_assert_ptr_nonnull(strstr(text, ": typo fixed\n0002 c 2000.5 "));
	unit_put("meta/cw.lock", text);
	unit_path(path, sizeof(path), "meta/cw.lock");
	ck_assert_int_eq(cw_lockfile_load(&back, path, &found, &d, &n_bad,
					  &err), 0);
	ck_assert_int_eq(found, 1);
	ck_assert_uint_eq(n_bad, 0);
	ck_assert_uint_eq(d.n, 0);
	ck_assert_uint_eq(back.n, 3);
	for (i = 0; i < 3; i++) {
		ck_assert_str_eq(back.recs[i].tag, tags[i]);
		ck_assert_int_eq(back.recs[i].has_when, i != 1);
		ck_assert_str_eq(back.recs[i].hash, lk.recs[i].hash);
	}
	ck_assert(back.recs[2].when == 2000.5);
	ck_assert_int_eq(back.recs[0].line, 6);
	ck_assert_int_eq(back.recs[2].line, 9);
	/* Rendered again (kept comments, no new header): the same text. */
	free(text);
	text = NULL;
	ck_assert_int_eq(cw_lockfile_render(&text, &len, &back, 0, &err), 0);
	ck_assert_str_eq(text, back.text.data);
	free(text);
	cw_lockfile_free(&lk);
	cw_lockfile_free(&back);
}
END_TEST

/* No lock file: not found, not an error. */
START_TEST(test_load_missing)
{
	cw_lockfile lk;
	cw_diags d = CW_DIAGS_INIT;
	cw_error err = {0};
	char path[512];
	size_t n_bad = 7;
	int found = 7;

	unit_path(path, sizeof(path), "meta/cw.lock");
	ck_assert_int_eq(cw_lockfile_load(&lk, path, &found, &d, &n_bad,
					  &err), 0);
	ck_assert_int_eq(found, 0);
	ck_assert_uint_eq(n_bad, 0);
	ck_assert_uint_eq(lk.n, 0);
	cw_lockfile_free(&lk);
	/* A folder where the lock should be cannot be read. */
	unit_mkdir("meta/cw.lock", 0755);
	ck_assert_int_eq(cw_lockfile_load(&lk, path, &found, &d, &n_bad,
					  &err), CW_EIO);
	ck_assert_int_eq(found, 1);
	ck_assert_str_eq(err.path, path);
	cw_lockfile_free(&lk);
}
END_TEST

/* ---- malformed lines ---- */

/* A valid lock of n records, its text returned (caller frees). */
static char *valid_lock(size_t n)
{
	cw_lockfile lk;
	cw_error err = {0};
	char *text = NULL, tag[32];
	size_t len, i;

	memset(&lk, 0, sizeof(lk));
	for (i = 0; i < n; i++) {
		cw_lockfile_rec *r = cw_lockfile_add(&lk);
		snprintf(tag, sizeof(tag), "%04zu_t", i);
		r->tag = strdup(tag);
		r->has_when = 1;
		r->when = 1000.0 + (double)i;
		memcpy(r->hash, h1, sizeof(r->hash));
		memcpy(r->lf, h2, sizeof(r->lf));
	}
	ck_assert_int_eq(cw_lockfile_render(&text, &len, &lk, 1, &err), 0);
	cw_lockfile_free(&lk);
	return text;
}

/* Load text; the H005 findings as "line:message\n", and n_bad. */
static const char *load_findings(char *buf, size_t n, const char *text,
				 size_t *n_recs)
{
	cw_lockfile lk;
	cw_diags d = CW_DIAGS_INIT;
	cw_error err = {0};
	char path[512];
	size_t n_bad = 0, i, o = 0;
	int found = 0;

	unit_put("meta/cw.lock", text);
	unit_path(path, sizeof(path), "meta/cw.lock");
	ck_assert_int_eq(cw_lockfile_load(&lk, path, &found, &d, &n_bad,
					  &err), 0);
	ck_assert_uint_eq(n_bad, d.n);
	buf[0] = '\0';
	for (i = 0; i < d.n; i++) {
		ck_assert_str_eq(d.items[i].code, "H005");
		o += (size_t)snprintf(buf + o, n - o, "%d:%s\n",
				      d.items[i].line, d.items[i].message);
		ck_assert_uint_lt(o, n);
	}
	if (n_recs)
		*n_recs = lk.n;
	cw_diags_free(&d);
	cw_lockfile_free(&lk);
	return buf;
}

/* Line k (1-based) of text replaced by repl; a new string. */
static char *replace_line(const char *text, int k, const char *repl)
{
	const char *s = text, *end;
	char *out;

	while (--k > 0)
		s = strchr(s, '\n') + 1;
	end = strchr(s, '\n');
	ck_assert_int_gt(asprintf(&out, "%.*s%s%s", (int)(s - text), text,
				  repl, end ? end : ""), 0);
	return out;
}

/* The text of line k of text. */
static char *line_of(const char *text, int k)
{
	const char *s = text;

	while (--k > 0)
		s = strchr(s, '\n') + 1;
	return strndup(s, strcspn(s, "\n"));
}

/* Each field damaged in turn: one H005 at line 7 saying which. */
START_TEST(test_field_damage)
{
	static const struct {
		const char *from, *to, *message;
	} cases[] = {
		{"0001 ", "001 ", "position is not a number of at least 4 "
		 "digits"},
		{"0001_t", "0001%G1", "tag has a malformed %XX escape"},
		{"0001_t", "0001%0", "tag has a malformed %XX escape"},
		{"0001_t", "%00", "tag has a malformed %XX escape"},
		{" 1001 ", " 1e3x ", "when is neither a number nor '-'"},
		{" 1001 ", " x ", "when is neither a number nor '-'"},
		{" 1111", " 1111A", "a hash is not 64 lowercase hex digits"},
		{" " H64("1"), " ABCDEF" H58("1"),
		 "a hash is not 64 lowercase hex digits"},
		{" 2222", " 3222", "chain hash does not match this line "
		 "and the one above: the lock file was edited by hand"},
	};
	char *text = valid_lock(3), *l7 = line_of(text, 7), buf[1024];
	char want[512], *p, *changed, *edited;
	size_t i, n_recs;

	ck_assert_str_eq(load_findings(buf, sizeof(buf), text, &n_recs), "");
	ck_assert_uint_eq(n_recs, 3);
	for (i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		p = strstr(l7, cases[i].from);
		ck_assert_msg(p != NULL, "case %zu", i);
		ck_assert_int_gt(asprintf(&changed, "%.*s%s%s", (int)(p - l7),
					  l7, cases[i].to,
					  p + strlen(cases[i].from)), 0);
		edited = replace_line(text, 7, changed);
		snprintf(want, sizeof(want), "7:%s\n", cases[i].message);
		ck_assert_str_eq(load_findings(buf, sizeof(buf), edited,
					       &n_recs), want);
		/* The line after is judged against the damaged one's
		** claims, so it is not reported too. */
		ck_assert_uint_eq(n_recs, 2);
		free(changed);
		free(edited);
	}
	free(l7);
	free(text);
}
END_TEST

/* A position too large for a long is not a number: it cannot vouch for
** the next line, whose own position is then judged against the line
** before (fuzz_lockfile found `prev_pos + 1` overflowing here). */
START_TEST(test_position_overflow)
{
	char *text = valid_lock(3), *l7 = line_of(text, 7), buf[1024];
	char *changed, *edited;
	size_t n_recs;

	ck_assert_msg(strncmp(l7, "0001 ", 5) == 0, "%s", l7);
	ck_assert_int_gt(asprintf(&changed, "99999999999999999999%s", l7 + 4),
			 0);
	edited = replace_line(text, 7, changed);
	ck_assert_str_eq(load_findings(buf, sizeof(buf), edited, &n_recs),
			 "7:position is not a number of at least 4 digits\n"
			 "8:position 0002 does not follow 0000: a line was "
			 "removed, added or moved\n");
	ck_assert_uint_eq(n_recs, 1);
	free(changed);
	free(edited);
	free(l7);
	free(text);
}
END_TEST

/* After a line with the wrong number of fields, the next is judged by
** its own position and its chain is not checked; lines whose position
** is not a number cannot vouch for the next. */
START_TEST(test_field_count)
{
	char *text = valid_lock(3), *l7 = line_of(text, 7), buf[1024];
	char *five, *seven, *edited;
	size_t n_recs;

	five = strndup(l7, (size_t)(strrchr(l7, ' ') - l7));
	ck_assert_int_gt(asprintf(&seven, "%s extra", l7), 0);
	edited = replace_line(text, 7, five);
	ck_assert_str_eq(load_findings(buf, sizeof(buf), edited, &n_recs),
			 "7:expected 6 fields: position tag when sha256 "
			 "sha256-lf chain\n");
	ck_assert_uint_eq(n_recs, 2);
	free(edited);
	edited = replace_line(text, 7, seven);
	ck_assert_str_eq(load_findings(buf, sizeof(buf), edited, &n_recs),
			 "7:expected 6 fields: position tag when sha256 "
			 "sha256-lf chain\n");
	free(edited);
	/* seven without " extra": line 7 as it was */
	seven[strlen(seven) - 6] = '\0';
	/* A short line with no number first: the next line's position no
	** longer follows anything known. */
	edited = replace_line(text, 7, "junk");
	ck_assert_str_eq(load_findings(buf, sizeof(buf), edited, &n_recs),
			 "7:expected 6 fields: position tag when sha256 "
			 "sha256-lf chain\n8:position 0002 does not follow "
			 "0000: a line was removed, added or moved\n");
	ck_assert_uint_eq(n_recs, 1);
	free(edited);
	/* The same for a position that is not a number. */
	memcpy(seven, "00x1", 4);
	edited = replace_line(text, 7, seven);
	ck_assert_str_eq(load_findings(buf, sizeof(buf), edited, &n_recs),
			 "7:position is not a number of at least 4 digits\n"
			 "8:position 0002 does not follow 0000: a line was "
			 "removed, added or moved\n");
	ck_assert_uint_eq(n_recs, 1);
	free(edited);
	free(five);
	free(seven);
	free(l7);
	free(text);
}
END_TEST

/* Merge conflict markers of every kind stop the reading there. */
START_TEST(test_conflict_markers)
{
	static const char *const markers[] = {"<<<<<<< ours", "=======",
					      ">>>>>>> theirs"};
	char *text = valid_lock(3), *edited, buf[1024], want[256];
	size_t i, n_recs;

	for (i = 0; i < 3; i++) {
		edited = replace_line(text, 7, markers[i]);
		snprintf(want, sizeof(want), "7:unresolved merge conflict: "
			 "keep the lines of the branch merged first, then "
			 "run `cw lock`\n");
		ck_assert_str_eq(load_findings(buf, sizeof(buf), edited,
					       &n_recs), want);
		ck_assert_uint_eq(n_recs, 1);
		free(edited);
	}
	free(text);
}
END_TEST

/* The first line must be cw's header with version 1. */
START_TEST(test_headers)
{
	static const char *const bad[] = {"# cw", "# cw.lock x",
					  "# cw.lock", "cw.lock 1"};
	char *text = valid_lock(1), *edited, buf[1024];
	size_t i, n_recs;

	for (i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		edited = replace_line(text, 1, bad[i]);
		ck_assert_str_eq(load_findings(buf, sizeof(buf), edited,
					       &n_recs),
				 "1:not a cw lock file: the first line must "
				 "start with '# cw.lock 1'\n");
		ck_assert_uint_eq(n_recs, 0);
		free(edited);
	}
	edited = replace_line(text, 1, "# cw.lock 10");
	ck_assert_str_eq(load_findings(buf, sizeof(buf), edited, &n_recs),
			 "1:lock file format version is not 1, the only one "
			 "this cw reads\n");
	free(edited);
	/* The last line needs no newline; blank lines are fine. */
	text[strlen(text) - 1] = '\0';
	edited = replace_line(text, 5, "#\n\n");
	ck_assert_str_eq(load_findings(buf, sizeof(buf), edited, &n_recs),
			 "");
	ck_assert_uint_eq(n_recs, 1);
	free(edited);
	free(text);
}
END_TEST

/* ---- notes and writing ---- */

START_TEST(test_rehash_note)
{
	char *note = cw_lockfile_rehash_note("0003_x", "line one\nline\ttwo"
					     "\x7f\r");
	size_t n;

	ck_assert_ptr_nonnull(note);
	n = strlen("# rehash 0003_x ");
	ck_assert_int_eq(strncmp(note, "# rehash 0003_x ", n), 0);
	/* YYYY-MM-DD */
	ck_assert(note[n + 4] == '-' && note[n + 7] == '-');
	ck_assert_str_eq(note + n + 10, ": line one line two  ");
	free(note);
}
END_TEST

/* How many entries the folder rel holds (. and .. included). */
static size_t n_entries(const char *rel)
{
	char p[512];
	DIR *d = opendir(unit_path(p, sizeof(p), rel));
	size_t n = 0;

	ck_assert_ptr_nonnull(d);
	while (readdir(d) != NULL)
		n++;
	closedir(d);
	return n;
}

/* The atomic write keeps the file's mode; a relative path works; a
** folder in the way leaves everything as it was. */
START_TEST(test_write_atomic)
{
	cw_error err = {0};
	char path[512], cwd[1024], *back;
	struct stat st;

	unit_path(path, sizeof(path), "meta/cw.lock");
	unit_put("meta/cw.lock", "old");
	ck_assert_int_eq(chmod(path, 0600), 0);
	ck_assert_int_eq(cw_lockfile_write_atomic(path, "new\n", 4, &err), 0);
	back = unit_slurp("meta/cw.lock", NULL);
	ck_assert_str_eq(back, "new\n");
	free(back);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_uint_eq(st.st_mode & 0777, 0600);
	/* A new file gets 0644. */
	unit_path(path, sizeof(path), "meta/new.lock");
	ck_assert_int_eq(cw_lockfile_write_atomic(path, "", 0, &err), 0);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_uint_eq(st.st_mode & 0777, 0644);
	ck_assert_int_eq(st.st_size, 0);
	/* Relative to the current folder. */
	ck_assert_ptr_nonnull(getcwd(cwd, sizeof(cwd)));
	ck_assert_int_eq(chdir(unit_path(path, sizeof(path), "meta")), 0);
	ck_assert_int_eq(cw_lockfile_write_atomic("rel.lock", "r", 1, &err),
			 0);
	ck_assert_int_eq(chdir(cwd), 0);
	back = unit_slurp("meta/rel.lock", NULL);
	ck_assert_str_eq(back, "r");
	free(back);
	/* A folder where the file goes: nothing changes, nothing left. */
	unit_mkdir("meta/dir.lock", 0755);
	unit_path(path, sizeof(path), "meta/dir.lock");
	ck_assert_int_eq(cw_lockfile_write_atomic(path, "x", 1, &err),
			 CW_EIO);
	ck_assert_ptr_nonnull(strstr(err.message, "cannot write the lock file "
				     "(left unchanged)"));
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert(S_ISDIR(st.st_mode));
	ck_assert_uint_eq(n_entries("meta"), 6);
	/* No folder to put it in. */
	cw_error_clear(&err);
	unit_path(path, sizeof(path), "nowhere/cw.lock");
	ck_assert_int_eq(cw_lockfile_write_atomic(path, "x", 1, &err),
			 CW_EIO);
	ck_assert_ptr_nonnull(strstr(err.message, "cannot create a temporary "
				     "file beside it"));
}
END_TEST

static Suite *lockfile_text_suite(void)
{
	Suite *s = suite_create("lockfile_text");
	TCase *tc = tcase_create("text");

	tcase_add_checked_fixture(tc, make_tmp, unit_tmp_remove);
	tcase_add_test(tc, test_fmt_when);
	tcase_add_test(tc, test_render_and_load);
	tcase_add_test(tc, test_load_missing);
	tcase_add_test(tc, test_field_damage);
	tcase_add_test(tc, test_field_count);
	tcase_add_test(tc, test_position_overflow);
	tcase_add_test(tc, test_conflict_markers);
	tcase_add_test(tc, test_headers);
	tcase_add_test(tc, test_rehash_note);
	tcase_add_test(tc, test_write_atomic);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(lockfile_text_suite());
}
