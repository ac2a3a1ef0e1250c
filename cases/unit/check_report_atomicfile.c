/*
** check_report_atomicfile.c - lib/atomicfile.c, the writer every report
** file goes through: the target is replaced whole or left as it was, its
** permissions survive, and no temporary file is ever left behind, whether
** writing, syncing or renaming fails.
*/
#include "unit_fs.h"
#include "../../lib/atomicfile.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <sys/resource.h>

static void make_tmp(void)
{
	unit_tmp_make("atomicfile");
}

/* Entries of the scratch folder other than . and .. */
static size_t n_entries(void)
{
	DIR *dir = opendir(unit_dir);
	struct dirent *e;
	size_t n = 0;

	ck_assert_ptr_nonnull(dir);
	while ((e = readdir(dir)) != NULL)
		n += strcmp(e->d_name, ".") != 0 &&
		     strcmp(e->d_name, "..") != 0;
	closedir(dir);
	return n;
}

static void assert_file(const char *rel, const char *want)
{
	char *got = unit_slurp(rel, NULL);

	ck_assert_msg(got != NULL, "%s is missing", rel);
	ck_assert_str_eq(got, want);
	free(got);
}

static mode_t mode_of(const char *rel)
{
	char p[512];
	struct stat st;

	ck_assert_int_eq(stat(unit_path(p, sizeof(p), rel), &st), 0);
	return st.st_mode & 0777;
}

START_TEST(test_write_new_and_replace)
{
	cw_error err = {0};
	char p[512];

	unit_path(p, sizeof(p), "f.txt");
	ck_assert_int_eq(cw_atomicfile_write(p, "one\n", 4, &err), 0);
	assert_file("f.txt", "one\n");
	ck_assert_uint_eq(mode_of("f.txt"), 0644);
	/* A replaced file keeps its permissions. */
	ck_assert_int_eq(chmod(p, 0600), 0);
	ck_assert_int_eq(cw_atomicfile_write(p, "two", 3, &err), 0);
	assert_file("f.txt", "two");
	ck_assert_uint_eq(mode_of("f.txt"), 0600);
	ck_assert_int_eq(cw_atomicfile_write(p, "", 0, &err), 0);
	assert_file("f.txt", "");
	ck_assert_uint_eq(n_entries(), 1);
	ck_assert_int_eq(err.code, 0);
}
END_TEST

/* Until commit the old contents are what a reader sees. */
START_TEST(test_old_until_commit)
{
	cw_atomicfile af = CW_ATOMICFILE_INIT;
	cw_error err = {0};
	char p[512];

	unit_put("f.txt", "old");
	unit_path(p, sizeof(p), "f.txt");
	ck_assert_int_eq(cw_atomicfile_open(&af, p, &err), 0);
	fputs("new", af.f);
	assert_file("f.txt", "old");
	ck_assert_uint_eq(n_entries(), 2);
	ck_assert_int_eq(cw_atomicfile_sync(&af, &err), 0);
	ck_assert_ptr_null(af.f);
	assert_file("f.txt", "old");
	ck_assert_int_eq(cw_atomicfile_sync(&af, &err), 0);  /* a no-op now */
	ck_assert_int_eq(cw_atomicfile_commit(&af, &err), 0);
	assert_file("f.txt", "new");
	ck_assert_uint_eq(n_entries(), 1);
	ck_assert_ptr_null(af.path);
	cw_atomicfile_abort(&af);   /* after commit: nothing to do */
	assert_file("f.txt", "new");
}
END_TEST

START_TEST(test_abort)
{
	cw_atomicfile af = CW_ATOMICFILE_INIT;
	cw_error err = {0};
	char p[512];

	unit_put("f.txt", "old");
	unit_path(p, sizeof(p), "f.txt");
	ck_assert_int_eq(cw_atomicfile_open(&af, p, &err), 0);
	fputs("half", af.f);
	errno = 42;
	cw_atomicfile_abort(&af);
	ck_assert_int_eq(errno, 42);
	assert_file("f.txt", "old");
	ck_assert_uint_eq(n_entries(), 1);
	cw_atomicfile_abort(&af);
	cw_atomicfile_abort(NULL);
	/* A synced but never renamed file goes too. */
	ck_assert_int_eq(cw_atomicfile_open(&af, p, &err), 0);
	ck_assert_int_eq(cw_atomicfile_sync(&af, &err), 0);
	cw_atomicfile_abort(&af);
	ck_assert_uint_eq(n_entries(), 1);
	/* Commit of nothing is an error, not a crash. */
	ck_assert_int_eq(cw_atomicfile_commit(&af, &err), CW_EINVAL);
}
END_TEST

START_TEST(test_open_failures)
{
	cw_atomicfile af = CW_ATOMICFILE_INIT;
	cw_error err = {0};
	char p[512];

	unit_path(p, sizeof(p), "missing/f.txt");
	ck_assert_int_eq(cw_atomicfile_open(&af, p, &err), CW_EIO);
	ck_assert_int_eq(errno, ENOENT);
	ck_assert_ptr_null(af.f);
	ck_assert_ptr_null(af.path);
	ck_assert_ptr_nonnull(strstr(err.message, "missing/f.txt: cannot "
				     "create a temporary file beside it"));
	/* A folder in the way is refused before anything is written. */
	unit_mkdir("d", 0755);
	unit_path(p, sizeof(p), "d");
	cw_error_clear(&err);
	ck_assert_int_eq(cw_atomicfile_write(p, "x", 1, &err), CW_EIO);
	ck_assert_int_eq(errno, EISDIR);
	ck_assert_ptr_nonnull(strstr(err.message, "not a regular file"));
	ck_assert_uint_eq(n_entries(), 1);
}
END_TEST

/* A write that fails (here: past the file size limit, as a full disk
** would) is reported at sync, and the old file stays. */
START_TEST(test_write_failure)
{
	static char big[1 << 16];
	struct rlimit lim = {4096, 4096};
	cw_atomicfile af = CW_ATOMICFILE_INIT;
	cw_error err = {0};
	char p[512];

	unit_put("f.txt", "old");
	unit_path(p, sizeof(p), "f.txt");
	signal(SIGXFSZ, SIG_IGN);
	ck_assert_int_eq(setrlimit(RLIMIT_FSIZE, &lim), 0);
	memset(big, 'x', sizeof(big));
	ck_assert_int_eq(cw_atomicfile_open(&af, p, &err), 0);
	fwrite(big, 1, sizeof(big), af.f);
	ck_assert_int_eq(cw_atomicfile_commit(&af, &err), CW_EIO);
	/* stdio may have forgotten why the write failed. */
	ck_assert(errno == EFBIG || errno == EIO);
	ck_assert_ptr_nonnull(strstr(err.message, "f.txt: cannot write it; "
				     "left unchanged"));
	ck_assert_ptr_null(af.path);
	assert_file("f.txt", "old");
	ck_assert_uint_eq(n_entries(), 1);
	cw_error_clear(&err);
	ck_assert_int_eq(cw_atomicfile_write(p, big, sizeof(big), &err),
			 CW_EIO);
	assert_file("f.txt", "old");
	ck_assert_uint_eq(n_entries(), 1);
}
END_TEST

static Suite *atomicfile_suite(void)
{
	Suite *s = suite_create("atomicfile");
	TCase *tc = tcase_create("replace");

	tcase_add_checked_fixture(tc, make_tmp, unit_tmp_remove);
	tcase_add_test(tc, test_write_new_and_replace);
	tcase_add_test(tc, test_old_until_commit);
	tcase_add_test(tc, test_abort);
	tcase_add_test(tc, test_open_failures);
	tcase_add_test(tc, test_write_failure);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(atomicfile_suite());
}
