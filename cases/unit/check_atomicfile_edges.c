/*
** check_atomicfile_edges.c - lib/atomicfile.c at its edges: a path with
** no folder part, a target that is neither a file nor a folder, a target
** that became a folder between open and commit (the rename fails, the
** temporary file goes), syncing twice, and an empty file.
*/
#include "unit_fs.h"
#include "../../lib/atomicfile.h"

#include <dirent.h>
#include <errno.h>

static void make_tmp(void)
{
	unit_tmp_make("atomicfile_edges");
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

/* A bare file name is in the current folder. */
START_TEST(test_relative_name)
{
	cw_error err = {0};
	char cwd[1024], *back;

	ck_assert_ptr_nonnull(getcwd(cwd, sizeof(cwd)));
	ck_assert_int_eq(chdir(unit_tmp), 0);
	ck_assert_int_eq(cw_atomicfile_write("out.txt", "here", 4, &err), 0);
	ck_assert_int_eq(chdir(cwd), 0);
	back = unit_slurp("out.txt", NULL);
	ck_assert_str_eq(back, "here");
	free(back);
	ck_assert_uint_eq(n_entries(), 1);
}
END_TEST

/* A device is not a regular file: refused before anything is made, with
** errno saying it is not a folder either. */
START_TEST(test_not_regular)
{
	cw_atomicfile af = CW_ATOMICFILE_INIT;
	cw_error err = {0};

	errno = 0;
	ck_assert_int_eq(cw_atomicfile_open(&af, "/dev/null", &err), CW_EIO);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_str_eq(err.message, "/dev/null: not a regular file; left "
			 "unchanged");
	ck_assert_ptr_null(af.f);
	ck_assert_ptr_null(af.tmp);
}
END_TEST

/* The target turned into a folder after open: commit cannot rename over
** it, removes the temporary file and leaves the folder. */
START_TEST(test_rename_fails)
{
	cw_atomicfile af = CW_ATOMICFILE_INIT;
	cw_error err = {0};
	char p[512];
	struct stat st;

	unit_path(p, sizeof(p), "target");
	ck_assert_int_eq(cw_atomicfile_open(&af, p, &err), 0);
	fputs("contents", af.f);
	unit_mkdir("target", 0755);
	unit_put("target/inside", "x");
	ck_assert_int_eq(cw_atomicfile_commit(&af, &err), CW_EIO);
	ck_assert_ptr_nonnull(strstr(err.message, "target: cannot replace "
				     "it; left unchanged: "));
	ck_assert_ptr_null(af.path);
	ck_assert_ptr_null(af.tmp);
	ck_assert_int_eq(stat(p, &st), 0);
	ck_assert(S_ISDIR(st.st_mode));
	ck_assert_uint_eq(n_entries(), 1);
}
END_TEST

/* Sync may be called before commit, and twice; an empty file is a file. */
START_TEST(test_sync_twice_and_empty)
{
	cw_atomicfile af = CW_ATOMICFILE_INIT;
	cw_error err = {0};
	char p[512], *back;
	size_t n = 9;

	unit_path(p, sizeof(p), "f");
	ck_assert_int_eq(cw_atomicfile_open(&af, p, &err), 0);
	fputs("synced", af.f);
	ck_assert_int_eq(cw_atomicfile_sync(&af, &err), 0);
	ck_assert_ptr_null(af.f);
	ck_assert_int_eq(af.is_synced, 1);
	ck_assert_int_eq(cw_atomicfile_sync(&af, &err), 0);
	/* Not yet in place. */
	ck_assert_ptr_null(unit_slurp("f", NULL));
	ck_assert_int_eq(cw_atomicfile_commit(&af, &err), 0);
	back = unit_slurp("f", NULL);
	ck_assert_str_eq(back, "synced");
	free(back);
	ck_assert_int_eq(cw_atomicfile_write(p, NULL, 0, &err), 0);
	back = unit_slurp("f", &n);
	ck_assert_uint_eq(n, 0);
	free(back);
	ck_assert_uint_eq(n_entries(), 1);
}
END_TEST

static Suite *atomicfile_edges_suite(void)
{
	Suite *s = suite_create("atomicfile_edges");
	TCase *tc = tcase_create("edges");

	tcase_add_checked_fixture(tc, make_tmp, unit_tmp_remove);
	tcase_add_test(tc, test_relative_name);
	tcase_add_test(tc, test_not_regular);
	tcase_add_test(tc, test_rename_fails);
	tcase_add_test(tc, test_sync_twice_and_empty);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(atomicfile_edges_suite());
}
