/*
** check_lockfile.c - lib/lockfile.c: the text of meta/cw.lock as cw lock
** writes it and cw_lock_check reads it.  The chain hash as documented,
** `when` and odd tags round-tripped exactly, each kind of damage as one
** H005 at the damaged line, CRLF checkouts, and comments added by hand.
*/
#include "unit_lock.h"

/* Checked-fixture setup: a fresh <tmp>/mig with an empty meta/. */
static void make_tmp(void)
{
	lock_tmp_make("lockfile");
}

/* The chain is documented in the header; recompute it from the text. */
START_TEST(test_chain_is_as_documented)
{
	char line[400], buf[500], want[CW_HASH_HEX_LEN + 1], *text, *l0;
	char *chain;

	folder(abc, 1);
	lock_ok(1);
	text = lock_text();
	l0 = strstr(text, "\n0000 ");
	ck_assert_ptr_nonnull(l0);
	snprintf(line, sizeof(line), "%.*s", (int)strcspn(l0 + 1, "\n"),
		 l0 + 1);
	chain = strrchr(line, ' ');
	ck_assert_ptr_nonnull(chain);
	*chain++ = '\0';
	snprintf(buf, sizeof(buf), "%064d %s", 0, line);
	ck_assert_int_eq(cw_hash_sha256_hex(want, buf, strlen(buf), NULL), 0);
	ck_assert_str_eq(chain, want);
	free(text);
}
END_TEST

/* `when` round-trips exactly: integral values as digits, fractions in
** the shortest exact form; odd tags are escaped and read back. */
START_TEST(test_when_and_tag_formats)
{
	static const char *const tags[] = {"0000_a", "0001 b%", "0002_c"};
	static const double whens[] = {1e20, 1750000000000.5, 0.1};
	cw_diags d = CW_DIAGS_INIT;
	char *text;

	folder(tags, 3);
	journal(tags, whens, 3);
	lock_ok(3);
	text = lock_text();
	ck_assert_ptr_nonnull(strstr(text, "\n0000 0000_a "
				     "100000000000000000000 "));
	ck_assert_ptr_nonnull(strstr(text, "\n0001 0001%20b%25 "
				     "1750000000000.5 "));
	ck_assert_ptr_nonnull(strstr(text, "\n0002 0002_c 0.1 "));
	free(text);
	check(&d);
	ck_assert_uint_eq(d.n, 0);
}
END_TEST

/* Line n (1-based) of the lock, without its newline (caller frees). */
static char *lock_line(int n)
{
	char *text = lock_text(), *s = text, *out;

	while (--n > 0 && s)
		s = strchr(s, '\n') ? strchr(s, '\n') + 1 : NULL;
	ck_assert_ptr_nonnull(s);
	out = strndup(s, strcspn(s, "\n"));
	free(text);
	return out;
}

/* Replace line n of the lock with repl (NULL deletes it). */
static void edit_lock(int n, const char *repl)
{
	char *text = lock_text(), *s = text, *end, *out;
	int k;

	for (k = 1; k < n; k++)
		s = strchr(s, '\n') + 1;
	end = strchr(s, '\n') + 1;
	ck_assert_int_gt(asprintf(&out, "%.*s%s%s%s", (int)(s - text), text,
				  repl ? repl : "", repl ? "\n" : "", end), 0);
	unit_put("meta/cw.lock", out);
	free(out);
	free(text);
}

/* Damage the 3-line lock in way number k; returns the line the H005
** must point at. */
static int damage_lock(int k)
{
	char *l6 = lock_line(6), *l7 = lock_line(7), *l8 = lock_line(8);
	char buf[600];
	int want = 1;

	switch (k) {
	case 0:  /* a hash edited by hand */
		snprintf(buf, sizeof(buf), "%s", l7);
		buf[30] = buf[30] == 'a' ? 'b' : 'a';
		edit_lock(7, buf);
		want = 7;
		break;
	case 1:  /* a line removed */
		edit_lock(7, NULL);
		want = 7;
		break;
	case 2:  /* two lines swapped */
		edit_lock(7, l8);
		edit_lock(8, l7);
		want = 7;
		break;
	case 3:  /* a field missing */
		snprintf(buf, sizeof(buf), "%.*s",
			 (int)(strrchr(l6, ' ') - l6), l6);
		edit_lock(6, buf);
		want = 6;
		break;
	case 4:
		edit_lock(1, "# something else");
		break;
	case 5:
		unit_put("meta/cw.lock", "");
		break;
	case 6:
		snprintf(buf, sizeof(buf), "<<<<<<< HEAD\n%s", l8);
		edit_lock(8, buf);
		want = 8;
		break;
	case 7:
		edit_lock(1, "# cw.lock 2 - a later format");
		break;
	case 8:  /* when is not a number */
		snprintf(buf, sizeof(buf), "0000 0000_a 17x5%s",
			 strstr(l6, "000 ") + 3);
		edit_lock(6, buf);
		want = 6;
		break;
	}
	free(l6);
	free(l7);
	free(l8);
	return want;
}

enum { N_DAMAGES = 9 };

/* Each way of damaging a 3-line lock is one H005 at the damaged line,
** and nothing is compared against a lock that cannot be trusted (the
** edit of 0001_b.sql would otherwise be an H001). */
START_TEST(test_h005_malformed)
{
	cw_diags d = CW_DIAGS_INIT;
	int want;

	folder(abc, 3);
	lock_ok(3);
	unit_put("0001_b.sql", "CREATE TABLE `t1` (`id` integer);\n");
	want = damage_lock(_i);
	check(&d);
	/* Swapped lines are both out of place: two findings. */
	ck_assert_msg(d.n == (_i == 2 ? 2u : 1u) &&
		      !strcmp(d.items[0].code, "H005") &&
		      d.items[0].line == want, "case %d: %zu findings,"
		      " first %s at line %d", _i, d.n,
		      d.n ? d.items[0].code : "-",
		      d.n ? d.items[0].line : 0);
	cw_diags_free(&d);
}
END_TEST

/* A lock checked out with CRLF still reads, and cw lock writes LF. */
START_TEST(test_lock_with_crlf)
{
	cw_diags d = CW_DIAGS_INIT;
	char *text;

	folder(abc, 2);
	lock_ok(2);
	unit_convert_eol("meta/cw.lock", 1);
	check(&d);
	ck_assert_uint_eq(d.n, 0);
	folder(abc, 3);
	lock_ok(1);
	text = lock_text();
	ck_assert_ptr_null(strchr(text, '\r'));
	free(text);
}
END_TEST

/* Comments added by hand stay where they were, also one at the end,
** which ends up above the next appended line. */
START_TEST(test_comments_kept)
{
	char *l7 = NULL, *text, buf[600];
	cw_diags d = CW_DIAGS_INIT;

	folder(abc, 2);
	lock_ok(2);
	l7 = lock_line(7);
	snprintf(buf, sizeof(buf), "# reviewed in the 2025 audit\n%s\n"
		 "# next: the tags table", l7);
	edit_lock(7, buf);
	check(&d);
	ck_assert_uint_eq(d.n, 0);
	folder(abc, 3);
	lock_ok(1);
	text = lock_text();
	ck_assert_ptr_nonnull(strstr(text, "\n# reviewed in the 2025 audit\n"
				     "0001 0001_b "));
	ck_assert_ptr_nonnull(strstr(text, "\n# next: the tags table\n"
				     "0002 0002_c "));
	free(text);
	free(l7);
}
END_TEST

static Suite *lockfile_suite(void)
{
	Suite *s = suite_create("lockfile");
	TCase *tc = tcase_create("write");

	tcase_add_checked_fixture(tc, make_tmp, unit_tmp_remove);
	tcase_add_test(tc, test_chain_is_as_documented);
	tcase_add_test(tc, test_when_and_tag_formats);
	tcase_add_test(tc, test_comments_kept);
	suite_add_tcase(s, tc);
	tc = tcase_create("read");
	tcase_add_checked_fixture(tc, make_tmp, unit_tmp_remove);
	tcase_add_loop_test(tc, test_h005_malformed, 0, N_DAMAGES);
	tcase_add_test(tc, test_lock_with_crlf);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(lockfile_suite());
}
