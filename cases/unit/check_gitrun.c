/*
** check_gitrun.c - lib/gitbase.c's child process and the folder it reads
** at a revision: git's output however long (and a C string when empty),
** its exit status and the first line of its stderr (cut to the caller's
** buffer), git missing from PATH told apart from git failing, arguments
** cut to fit, and a journal at the revision that names unsafe tags,
** missing files, or is not a journal at all.
*/
#include "unit_lock.h"
#include "../../lib/gitbase.h"

static void make_tmp(void)
{
	lock_tmp_make("gitrun");
}

/* git in the scratch folder, quietly, with an identity and no signing. */
static void git(const char *args)
{
	char *cmd;

	ck_assert_int_gt(asprintf(&cmd, "git -C '%s' -c user.name=cw -c "
				  "user.email=cw@example.invalid -c "
				  "commit.gpgsign=false %s >/dev/null 2>&1",
				  unit_tmp, args), 0);
	ck_assert_msg(system(cmd) == 0, "failed: %s", cmd);
	free(cmd);
}

/* The scratch folder as a work tree with the folder committed (and a
** file, so that there is something to commit). */
static void commit_all(void)
{
	unit_put("../README", "x\n");
	git("init -q");
	git("add -A");
	git("commit -q -m base");
}

/* cw_gitbase_run in the scratch folder; must start git. */
static void run_git(cw_bytes *out, int *status, char *errtext, size_t n,
		    const char *const *args)
{
	cw_error err = {0};

	ck_assert_msg(cw_gitbase_run(out, status, errtext, n, unit_tmp, args,
				 &err) == 0, "%s", err.message);
}

/* ---- the child process ---- */

/* Output far longer than one read, byte for byte. */
START_TEST(test_long_output)
{
	const char *args[] = {"cat-file", "blob", "HEAD:mig/big.sql", NULL};
	char *big = malloc(100001), errtext[64];
	cw_bytes out;
	size_t i;
	int status;

	ck_assert_ptr_nonnull(big);
	for (i = 0; i < 100000; i++)
		big[i] = (char)('a' + i % 26);
	big[100000] = '\0';
	unit_put("big.sql", big);
	commit_all();
	run_git(&out, &status, errtext, sizeof(errtext), args);
	ck_assert_int_eq(status, 0);
	ck_assert_str_eq(errtext, "");
	ck_assert_uint_eq(out.len, 100000);
	ck_assert_mem_eq(out.data, big, 100000);
	ck_assert_int_eq(out.data[out.len], '\0');
	cw_bytes_free(&out);
	free(big);
}
END_TEST

/* No output is "", a C string; a failing git gives its status and the
** first line of its stderr, cut to the buffer. */
START_TEST(test_status_and_stderr)
{
	const char *quiet[] = {"config", "--get", "no.such-key", NULL};
	const char *fails[] = {"rev-parse", "--verify", "no-such-rev", NULL};
	char errtext[256], small[8], untouched[4] = "abc";
	cw_bytes out;
	int status;

	commit_all();
	run_git(&out, &status, errtext, sizeof(errtext), quiet);
	ck_assert_int_eq(status, 1);
	ck_assert_ptr_nonnull(out.data);
	ck_assert_uint_eq(out.len, 0);
	ck_assert_str_eq(out.data, "");
	cw_bytes_free(&out);
	run_git(&out, &status, errtext, sizeof(errtext), fails);
	ck_assert_int_eq(status, 128);
	ck_assert_str_eq(errtext, "fatal: Needed a single revision");
	cw_bytes_free(&out);
	run_git(&out, &status, small, sizeof(small), fails);
	ck_assert_str_eq(small, "fatal: ");
	cw_bytes_free(&out);
	/* No room at all: the buffer is not written. */
	run_git(&out, &status, untouched, 0, fails);
	ck_assert_int_eq(status, 128);
	ck_assert_str_eq(untouched, "abc");
	cw_bytes_free(&out);
}
END_TEST

/* git not on PATH: CW_ENOTFOUND, told apart from git failing. */
START_TEST(test_git_missing)
{
	const char *args[] = {"status", NULL};
	cw_bytes out;
	cw_error err = {0};
	char errtext[64];
	int status = 5, rc;
	/* Restored before any assertion: under CK_FORK=no (make valgrind)
	** every later test runs in this process and needs git on PATH. */
	const char *was = getenv("PATH");
	char *path = strdup(was ? was : "/usr/bin:/bin");

	ck_assert_ptr_nonnull(path);
	ck_assert_int_eq(setenv("PATH", "/nonexistent-cw-path", 1), 0);
	rc = cw_gitbase_run(&out, &status, errtext, sizeof(errtext), unit_tmp,
			    args, &err);
	setenv("PATH", path, 1);
	free(path);
	ck_assert_int_eq(rc, CW_ENOTFOUND);
	ck_assert_str_eq(err.message, "cannot run git: No such file or "
			 "directory");
	ck_assert_str_eq(err.path, unit_tmp);
	ck_assert_ptr_null(out.data);
	ck_assert_int_eq(status, -1);
}
END_TEST

/* More arguments than fit are cut: git sees the first 28 (rev-parse and
** 27 HEADs). */
START_TEST(test_arguments_cut)
{
	const char *args[42];
	char errtext[64];
	cw_bytes out;
	size_t i, lines = 0;
	int status;

	commit_all();
	args[0] = "rev-parse";
	for (i = 1; i < 41; i++)
		args[i] = "HEAD";
	args[41] = NULL;
	run_git(&out, &status, errtext, sizeof(errtext), args);
	ck_assert_int_eq(status, 0);
	for (i = 0; i < out.len; i++)
		lines += out.data[i] == '\n';
	ck_assert_uint_eq(lines, 27);
	cw_bytes_free(&out);
}
END_TEST

/* A folder that does not exist: git says so, with its status. */
START_TEST(test_missing_folder)
{
	const char *args[] = {"status", NULL};
	cw_bytes out;
	cw_error err = {0};
	char errtext[256], dir[512];
	int status;

	unit_path(dir, sizeof(dir), "no/such/folder");
	ck_assert_int_eq(cw_gitbase_run(&out, &status, errtext, sizeof(errtext),
				    dir, args, &err), 0);
	ck_assert_int_eq(status, 128);
	ck_assert_ptr_nonnull(strstr(errtext, "cannot change to"));
	ck_assert_ptr_null(strchr(errtext, '\n'));
	cw_bytes_free(&out);
}
END_TEST

/* ---- a folder at a revision ---- */

/* Entries drizzle could never run are left out; a file missing at the
** revision is marked; an entry without a when says so. */
START_TEST(test_journal_entries_at_rev)
{
	static const char journal_text[] =
		"{\"version\":\"7\",\"dialect\":\"sqlite\",\"entries\":["
		"{\"idx\":0,\"version\":\"6\",\"when\":1000,\"tag\":\"0000_a\","
		"\"breakpoints\":true},"
		"{\"idx\":1,\"version\":\"6\",\"when\":2000,\"tag\":\"../x\","
		"\"breakpoints\":true},"
		"{\"idx\":2,\"version\":\"6\",\"when\":3000,"
		"\"breakpoints\":true},"
		"{\"idx\":3,\"version\":\"6\",\"tag\":\"0003_d\","
		"\"breakpoints\":true},"
		"{\"idx\":4,\"version\":\"6\",\"when\":5000,\"tag\":\"0004_e\","
		"\"breakpoints\":true}]}";
	cw_hashes h;
	cw_gitbase b;
	cw_error err = {0};

	unit_put("meta/_journal.json", journal_text);
	unit_put("0000_a.sql", "CREATE TABLE a(x);\r\n");
	unit_put("0003_d.sql", "CREATE TABLE d(x);");
	commit_all();
	ck_assert_msg(cw_gitbase_load(&b, unit_dir, "HEAD", &err) == 0, "%s",
		      err.message);
	ck_assert_int_eq(b.has_journal, 1);
	ck_assert_uint_eq(b.n_migrations, 3);
	ck_assert_str_eq(b.migrations[0].tag, "0000_a");
	ck_assert_int_eq(b.migrations[0].has_file, 1);
	ck_assert_int_eq(b.migrations[0].has_when, 1);
	ck_assert(b.migrations[0].when == 1000);
	/* Hashed as stored, CRLF and all. */
	ck_assert_int_eq(cw_hash_variants(&h, "CREATE TABLE a(x);\r\n", 20,
					  NULL), 0);
	ck_assert_str_eq(b.migrations[0].hashes.drizzle, h.drizzle);
	ck_assert_str_eq(b.migrations[0].hashes.lf, h.lf);
	ck_assert_str_eq(b.migrations[1].tag, "0003_d");
	ck_assert_int_eq(b.migrations[1].has_when, 0);
	ck_assert_int_eq(b.migrations[1].has_file, 1);
	ck_assert_str_eq(b.migrations[2].tag, "0004_e");
	ck_assert_int_eq(b.migrations[2].has_file, 0);
	cw_gitbase_free(&b);
	cw_gitbase_free(&b);
	cw_gitbase_free(NULL);
}
END_TEST

/* A journal at the revision that is not a journal: refused. */
START_TEST(test_journal_invalid_at_rev)
{
	cw_gitbase b;
	cw_error err = {0};

	unit_put("meta/_journal.json", "[1, 2");
	commit_all();
	ck_assert_int_eq(cw_gitbase_load(&b, unit_dir, "HEAD", &err),
			 CW_EINVAL);
	ck_assert_ptr_nonnull(strstr(err.path, "HEAD:mig/meta/_journal.json"));
	ck_assert_uint_eq(b.n_migrations, 0);
	cw_gitbase_free(&b);
}
END_TEST

START_TEST(test_revision_refused)
{
	static const char *const bad[] = {"", "-p", "--all"};
	cw_gitbase b;
	cw_error err = {0};
	char want[128];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		cw_error_clear(&err);
		ck_assert_int_eq(cw_gitbase_load(&b, unit_dir, bad[i], &err),
				 CW_EINVAL);
		snprintf(want, sizeof(want), "--base needs a git revision, "
			 "got '%s'", bad[i]);
		ck_assert_str_eq(err.message, want);
		cw_gitbase_free(&b);
	}
	cw_error_clear(&err);
	ck_assert_int_eq(cw_gitbase_load(&b, unit_dir, NULL, &err),
			 CW_EINVAL);
	ck_assert_str_eq(err.message, "--base needs a git revision, got ''");
}
END_TEST

static Suite *gitrun_suite(void)
{
	Suite *s = suite_create("gitrun");
	TCase *tc = tcase_create("git");

	tcase_add_checked_fixture(tc, make_tmp, unit_tmp_remove);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_long_output);
	tcase_add_test(tc, test_status_and_stderr);
	tcase_add_test(tc, test_git_missing);
	tcase_add_test(tc, test_arguments_cut);
	tcase_add_test(tc, test_missing_folder);
	tcase_add_test(tc, test_journal_entries_at_rev);
	tcase_add_test(tc, test_journal_invalid_at_rev);
	tcase_add_test(tc, test_revision_refused);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(gitrun_suite());
}
