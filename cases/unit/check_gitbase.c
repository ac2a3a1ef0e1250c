/*
** check_gitbase.c - lib/gitbase.c and `--base REV` in cw_lock_check: with
** no lock file, a folder is held to the migration files committed at REV
** (H008, a branch conflict still H006), new migrations are not reported,
** a lock file takes precedence, and git's failures are errors.  Each test
** builds a scratch git work tree with the folder in a subdirectory.
*/
#include "unit_lock.h"
#include "../../lib/gitbase.h"

/* Checked-fixture setup: a fresh <tmp>/mig, not yet a git work tree. */
static void make_tmp(void)
{
	lock_tmp_make("gitbase");
}

/* ---- --base REV ---- */

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
	unit_put("0000_a.sql", "CREATE TABLE `t0` (`id` integer);\n");
	unit_convert_eol("0001_b.sql", 1);
	journal(abc, whens, 3);   /* 0003_d gone, 0002_c's when changed */
	ck_assert_int_eq(check_base(&d, "HEAD", &err), 0);
	ck_assert_uint_eq(d.n, 4);
	ck_assert_uint_eq(count(&d, "H008"), 4);
	for (k = 0; k < d.n; k++) {
		g = &d.items[k];
		if (!strcmp(g->tag, "0000_a"))
			ck_assert(unit_ends_with(g->file, "/mig/0000_a.sql"));
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
	unit_put("0000_a.sql", "CREATE TABLE `t0` (`id` integer);\n");
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

	unit_put("../README", "x");
	git("init -q");
	git("add README");
	git("commit -q -m first");
	folder(abc, 2);
	ck_assert_int_eq(cw_gitbase_load(&b, unit_dir, "HEAD", NULL), 0);
	ck_assert_int_eq(b.has_journal, 0);
	ck_assert_uint_eq(b.n_migrations, 0);
	cw_gitbase_free(&b);
	git("add -A");
	git("commit -q -m second");
	ck_assert_int_eq(cw_gitbase_load(&b, unit_path(p, sizeof(p), "meta"),
					 "HEAD~0", NULL), 0);
	ck_assert_int_eq(b.has_journal, 0);   /* meta/ has no meta/ */
	cw_gitbase_free(&b);
	ck_assert_int_eq(cw_gitbase_load(&b, unit_dir, "HEAD", NULL), 0);
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

	tcase_add_checked_fixture(tc, make_tmp, unit_tmp_remove);
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
