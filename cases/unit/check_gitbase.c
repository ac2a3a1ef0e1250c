/*
** check_gitbase.c - lib/gitbase.c and `--base REV` in cw_lock_check: with
** no lock file, a folder is held to the migration files committed at REV
** (H008, a branch conflict still H006), new migrations are not reported,
** a lock file takes precedence, and git's failures are errors.  Each test
** builds a scratch git work tree with the folder in a subdirectory.
*/
#include "unit.h"
#include "../../lib/gitbase.h"
#include "../../lib/lock.h"

#include <ftw.h>
#include <string.h>
#include <sys/stat.h>

/* ---- a scratch migration folder: <tmp>/mig inside <tmp> ---- */

static char tmpdir[64], dir[96];

static int rm_one(const char *p, const struct stat *sb, int flag,
		  struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(p);
}

static void rm_tmp(void)
{
	if (tmpdir[0] != '\0' && strstr(tmpdir, "XXXXXX") == NULL)
		nftw(tmpdir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static void make_tmp(void)
{
	char p[128];

	snprintf(tmpdir, sizeof(tmpdir), "/tmp/cw-check-gitbase-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	snprintf(dir, sizeof(dir), "%s/mig", tmpdir);
	snprintf(p, sizeof(p), "%s/meta", dir);
	ck_assert_int_eq(mkdir(dir, 0755), 0);
	ck_assert_int_eq(mkdir(p, 0755), 0);
}

static const char *path_of(char *buf, size_t n, const char *rel)
{
	snprintf(buf, n, "%s/%s", dir, rel);
	return buf;
}

static void put_bytes(const char *rel, const char *data, size_t len)
{
	char p[256];
	FILE *f = fopen(path_of(p, sizeof(p), rel), "wb");

	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(data, 1, len, f), len);
	ck_assert_int_eq(fclose(f), 0);
}

static void put(const char *rel, const char *text)
{
	put_bytes(rel, text, strlen(text));
}

/* Whole file as a C string (caller frees), NULL if it does not exist. */
static char *slurp(const char *rel)
{
	char p[256];
	cw_bytes b = {0};

	if (cw_text_read_file(&b, path_of(p, sizeof(p), rel), NULL) != 0)
		return NULL;
	return b.data;
}

/* drizzle-kit's layout: entry k's '{' on line 5 + 7k, when on 8 + 7k. */
static void journal(const char *const *tags, const double *whens, size_t n)
{
	char buf[8192];
	size_t o = 0, k;

	o += (size_t)snprintf(buf + o, sizeof(buf) - o, "{\n  \"version\": "
			      "\"7\",\n  \"dialect\": \"sqlite\",\n  "
			      "\"entries\": [");
	for (k = 0; k < n; k++)
		o += (size_t)snprintf(buf + o, sizeof(buf) - o,
			"%s\n    {\n      \"idx\": %zu,\n      \"version\": "
			"\"6\",\n      \"when\": %.17g,\n      \"tag\": \"%s\","
			"\n      \"breakpoints\": true\n    }", k ? "," : "",
			k, whens ? whens[k] : 1750000000000.0 + 1000.0 * k,
			tags[k]);
	snprintf(buf + o, sizeof(buf) - o, "\n  ]\n}");
	put("meta/_journal.json", buf);
}

/* A journal of tags, each with a small multi-line migration file. */
static void folder(const char *const *tags, size_t n)
{
	char rel[128], sql[256];
	size_t k;

	for (k = 0; k < n; k++) {
		snprintf(rel, sizeof(rel), "%s.sql", tags[k]);
		snprintf(sql, sizeof(sql), "CREATE TABLE `t%zu` (\n\t`id` "
			 "integer PRIMARY KEY NOT NULL\n);\n", k);
		put(rel, sql);
	}
	journal(tags, NULL, n);
}

static int lock_with(cw_lock_summary *sum, const cw_lock_options *o,
		     cw_diags *d, cw_error *err)
{
	cw_folder_options fo = {0};
	cw_diags load = CW_DIAGS_INIT;
	cw_folder f;
	int rc = cw_folder_load(&f, dir, &fo, &load, err);

	if (rc == 0)
		rc = cw_lock_write(sum, &f, o, d, err);
	cw_folder_free(&f);
	cw_diags_free(&load);
	return rc;
}

static void lock_ok(size_t want_appended)
{
	cw_lock_summary sum;
	cw_diags d = CW_DIAGS_INIT;
	cw_error err = {0};

	ck_assert_msg(lock_with(&sum, NULL, &d, &err) == 0, "%s",
		      err.message);
	ck_assert_uint_eq(sum.n_appended, want_appended);
	ck_assert_uint_eq(d.n, 0);
}

static int check_with(cw_diags *d, const cw_check_options *o,
		      cw_error *err)
{
	cw_folder_options fo = {0};
	cw_diags load = CW_DIAGS_INIT;
	cw_folder f;
	int rc = cw_folder_load(&f, dir, &fo, &load, err);

	if (rc == 0)
		rc = cw_lock_check(d, &f, o, err);
	cw_folder_free(&f);
	cw_diags_free(&load);
	return rc;
}

static size_t count(const cw_diags *d, const char *code)
{
	size_t i, n = 0;

	for (i = 0; i < d->n; i++)
		n += strcmp(d->items[i].code, code) == 0;
	return n;
}

static int ends_with(const char *s, const char *tail)
{
	size_t a = strlen(s), b = strlen(tail);

	return a >= b && strcmp(s + a - b, tail) == 0;
}

static const char *const abc[] = {"0000_a", "0001_b", "0002_c", "0003_d"};

/* Replace every LF of a file by CRLF, or the other way round. */
static void convert_eol(const char *rel, int to_crlf)
{
	char *text = slurp(rel), *out = malloc(strlen(text) * 2 + 1);
	size_t i, o = 0;

	for (i = 0; text[i]; i++) {
		if (to_crlf && text[i] == '\n')
			out[o++] = '\r';
		if (!to_crlf && text[i] == '\r' && text[i + 1] == '\n')
			continue;
		out[o++] = text[i];
	}
	put_bytes(rel, out, o);
	free(text);
	free(out);
}

/* ---- --base REV ---- */

/* git in tmpdir, quietly, with an identity and no signing. */
static void git(const char *args)
{
	char *cmd;

	ck_assert_int_gt(asprintf(&cmd, "git -C '%s' -c user.name=cw -c "
				  "user.email=cw@example.invalid -c "
				  "commit.gpgsign=false %s >/dev/null 2>&1",
				  tmpdir, args), 0);
	ck_assert_msg(system(cmd) == 0, "failed: %s", cmd);
	free(cmd);
}

/* The folder committed as the base revision, in a subdirectory. */
static void commit_base(const char *const *tags, size_t n)
{
	folder(tags, n);
	git("init -q");
	git("add -A");
	git("commit -q -m base");
}

static int check_base(cw_diags *d, const char *rev, cw_error *err)
{
	cw_check_options o = CW_CHECK_OPTIONS_INIT;

	o.base_rev = rev;
	return check_with(d, &o, err);
}

START_TEST(test_h008_changes_since_base)
{
	static const double whens[] = {1750000000000.0, 1750000001000.0,
				       1750000002222.0};
	cw_diags d = CW_DIAGS_INIT;
	cw_error err = {0};
	const cw_diag *g;
	size_t k;

	commit_base(abc, 4);
	check_base(&d, "HEAD", &err);
	ck_assert_msg(d.n == 0 && err.code == 0, "%s", err.message);
	put("0000_a.sql", "CREATE TABLE `t0` (`id` integer);\n");
	convert_eol("0001_b.sql", 1);
	journal(abc, whens, 3);   /* 0003_d gone, 0002_c's when changed */
	ck_assert_int_eq(check_base(&d, "HEAD", &err), 0);
	ck_assert_uint_eq(d.n, 4);
	ck_assert_uint_eq(count(&d, "H008"), 4);
	for (k = 0; k < d.n; k++) {
		g = &d.items[k];
		if (!strcmp(g->tag, "0000_a"))
			ck_assert(ends_with(g->file, "/mig/0000_a.sql"));
		else if (!strcmp(g->tag, "0001_b"))
			ck_assert_ptr_nonnull(strstr(g->hint,
						     "line endings"));
		else if (!strcmp(g->tag, "0002_c"))
			ck_assert_int_eq(g->line, 8 + 7 * 2);
		else
			ck_assert_ptr_nonnull(strstr(g->message, "0003_d "
				"existed at HEAD (entries[3]) and is no longer"
				" in the journal"));
	}
	cw_diags_free(&d);
}
END_TEST

/* New migrations since the base are what a change adds: no finding.  A
** lock file, when there is one, takes precedence over --base. */
START_TEST(test_base_new_and_lock_precedence)
{
	cw_diags d = CW_DIAGS_INIT;
	cw_error err = {0};

	commit_base(abc, 2);
	folder(abc, 4);
	ck_assert_int_eq(check_base(&d, "HEAD", &err), 0);
	ck_assert_uint_eq(d.n, 0);
	lock_ok(4);
	put("0000_a.sql", "CREATE TABLE `t0` (`id` integer);\n");
	ck_assert_int_eq(check_base(&d, "HEAD", &err), 0);
	ck_assert_uint_eq(d.n, 1);
	ck_assert_str_eq(d.items[0].code, "H001");
	cw_diags_free(&d);
}
END_TEST

/* The base revision's folder elsewhere in history: a branch conflict
** against it is still H006. */
START_TEST(test_base_branch_conflict)
{
	static const char *const theirs[] = {"0000_a", "0001_b", "0002_y"};
	cw_diags d = CW_DIAGS_INIT;
	cw_error err = {0};

	commit_base(abc, 3);
	folder(theirs, 3);
	ck_assert_int_eq(check_base(&d, "HEAD", &err), 0);
	ck_assert_uint_eq(d.n, 1);
	ck_assert_str_eq(d.items[0].code, "H006");
	ck_assert_ptr_nonnull(strstr(d.items[0].message, "where HEAD has "
				     "0002_c"));
	cw_diags_free(&d);
}
END_TEST

START_TEST(test_base_errors)
{
	cw_diags d = CW_DIAGS_INIT;
	cw_error err = {0};

	folder(abc, 2);
	/* /tmp is not inside a work tree */
	ck_assert_int_eq(check_base(&d, "HEAD", &err), CW_ENOTFOUND);
	ck_assert_ptr_nonnull(strstr(err.message, "not inside a git work "
				     "tree"));
	cw_error_clear(&err);
	commit_base(abc, 2);
	ck_assert_int_eq(check_base(&d, "no-such-rev", &err), CW_ENOTFOUND);
	ck_assert_ptr_nonnull(strstr(err.message, "'no-such-rev' does not "
				     "exist"));
	cw_error_clear(&err);
	ck_assert_int_eq(check_base(&d, "--output=x", &err), CW_EINVAL);
	ck_assert_uint_eq(d.n, 0);
}
END_TEST

/* A folder that did not exist at the base revision: nothing to compare. */
START_TEST(test_base_without_folder)
{
	cw_gitbase b;
	char p[256];

	put("../README", "x");
	git("init -q");
	git("add README");
	git("commit -q -m first");
	folder(abc, 2);
	ck_assert_int_eq(cw_gitbase_load(&b, dir, "HEAD", NULL), 0);
	ck_assert_int_eq(b.has_journal, 0);
	ck_assert_uint_eq(b.n_migrations, 0);
	cw_gitbase_free(&b);
	git("add -A");
	git("commit -q -m second");
	ck_assert_int_eq(cw_gitbase_load(&b, path_of(p, sizeof(p), "meta"),
					 "HEAD~0", NULL), 0);
	ck_assert_int_eq(b.has_journal, 0);   /* meta/ has no meta/ */
	cw_gitbase_free(&b);
	ck_assert_int_eq(cw_gitbase_load(&b, dir, "HEAD", NULL), 0);
	ck_assert_int_eq(b.has_journal, 1);
	ck_assert_uint_eq(b.n_migrations, 2);
	ck_assert_int_eq(b.migrations[1].has_file, 1);
	ck_assert_int_eq(b.migrations[1].line, 12);
	ck_assert_ptr_nonnull(strstr(b.label, "HEAD:mig/meta/_journal.json"));
	cw_gitbase_free(&b);
}
END_TEST

static Suite *gitbase_suite(void)
{
	Suite *s = suite_create("gitbase");
	TCase *tc = tcase_create("base");

	tcase_add_checked_fixture(tc, make_tmp, rm_tmp);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_h008_changes_since_base);
	tcase_add_test(tc, test_base_new_and_lock_precedence);
	tcase_add_test(tc, test_base_branch_conflict);
	tcase_add_test(tc, test_base_errors);
	tcase_add_test(tc, test_base_without_folder);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(gitbase_suite());
}
