/*
** check_journal_load.c - lib/journal.c reading meta/_journal.json from a
** folder: a missing journal or one that is not a regular file (J001), and
** a 2,000-entry journal in drizzle-kit's layout parsed fast, with the
** right lines at the far end.  The JSON itself is check_journal.c.
*/
#include "unit_fs.h"
#include "../../lib/journal.h"

#include <time.h>

/* Checked-fixture setup: a scratch folder with no meta/ yet. */
static void make_tmp(void)
{
	unit_tmp_make("journal");
}

START_TEST(test_missing_journal_j001)
{
	cw_journal j;
	cw_diags d = CW_DIAGS_INIT;
	cw_error err = {0};

	ck_assert_int_eq(cw_journal_load(&j, unit_tmp, &d, &err),
			 CW_ENOTFOUND);
	ck_assert_str_eq(err.diag, "J001");
	ck_assert_ptr_nonnull(strstr(err.path, "/meta/_journal.json"));
	ck_assert_uint_eq(d.n, 1);
	ck_assert_str_eq(d.items[0].code, "J001");
	ck_assert_int_eq(d.items[0].line, 0);
	cw_journal_free(&j);
	cw_diags_free(&d);
}
END_TEST

START_TEST(test_journal_is_directory)
{
	cw_journal j;
	cw_diags d = CW_DIAGS_INIT;
	cw_error err = {0};

	unit_mkdir("meta", 0700);
	unit_mkdir("meta/_journal.json", 0700);
	ck_assert_int_eq(cw_journal_load(&j, unit_tmp, &d, &err), CW_EIO);
	ck_assert_str_eq(err.diag, "J001");
	ck_assert_ptr_nonnull(strstr(err.message, "not a regular file"));
	cw_journal_free(&j);
	cw_diags_free(&d);
}
END_TEST

/* A 2,000-entry journal in drizzle-kit's layout parses, fast, with the
** right lines at the far end. */
START_TEST(test_big_journal)
{
	enum { N = 2000 };
	unit_journal t = {0};
	char tag[16], when[24];
	struct timespec a, b;
	cw_journal j;
	cw_diags d = CW_DIAGS_INIT;
	double ms;
	size_t k;

	for (k = 0; k < N; k++) {
		snprintf(tag, sizeof(tag), "%04zu_m", k);
		snprintf(when, sizeof(when), "%zu", 1700000000000 + k * 1000);
		unit_journal_add(&t, tag, when);
	}
	unit_journal_end(&t);
	clock_gettime(CLOCK_MONOTONIC, &a);
	ck_assert_int_eq(cw_journal_parse(&j, "j", t.text, t.len, &d, NULL),
			 0);
	clock_gettime(CLOCK_MONOTONIC, &b);
	ms = (double)(b.tv_sec - a.tv_sec) * 1e3 +
	     (double)(b.tv_nsec - a.tv_nsec) / 1e6;
	ck_assert_msg(ms < 500.0, "2,000 entries took %.1f ms", ms);
	ck_assert_uint_eq(d.n, 0);
	ck_assert_uint_eq(j.n_entries, N);
	ck_assert_int_eq(j.is_usable, 1);
	ck_assert_str_eq(j.entries[N - 1].tag, "1999_m");
	ck_assert(j.entries[N - 1].when == 1700000000000.0 + 1999000.0);
	ck_assert_int_eq(j.entries[N - 1].line, 5 + 7 * (N - 1));
	ck_assert_int_eq(j.entries[N - 1].tag_line, 9 + 7 * (N - 1));
	cw_journal_free(&j);
	cw_diags_free(&d);
	free(t.text);
}
END_TEST

static Suite *journal_load_suite(void)
{
	Suite *s = suite_create("journal_load");
	TCase *tc = tcase_create("load");

	tcase_add_checked_fixture(tc, make_tmp, unit_tmp_remove);
	tcase_add_test(tc, test_missing_journal_j001);
	tcase_add_test(tc, test_journal_is_directory);
	tcase_add_test(tc, test_big_journal);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(journal_load_suite());
}
