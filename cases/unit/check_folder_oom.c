/*
** check_folder_oom.c - lib/folder.c when memory runs out: every
** allocation of a folder load is made to fail in turn, and each time the
** folder is either whole or empty (never half-built), cw_folder_free is
** safe (twice, too), and nothing leaks.
**
** malloc, calloc, realloc and free are defined here, in the test program,
** so that every allocation of the load (libcw's, libc's, cJSON's,
** OpenSSL's) goes through them; they forward to glibc's own allocator and
** count.  libcw itself knows nothing of this.  Under AddressSanitizer
** (make sanitize), whose allocator must see every block, they are left
** out and the suite checks one ordinary load, which LeakSanitizer then
** watches.
*/
#include "unit.h"
#include "../../lib/folder.h"

#include <string.h>

#include "unit_oom.h"

/* The folder holds nothing at all. */
static int is_empty(const cw_folder *f)
{
	return f->dir == NULL && f->migrations == NULL &&
	       f->n_migrations == 0 && f->journal.path == NULL &&
	       f->journal.entries == NULL && f->journal.n_entries == 0;
}

/* Every migration exists, points at its own entry, and is either loaded
** completely or marked as not loaded. */
static int is_whole(const cw_folder *f)
{
	size_t k;

	if (f->dir == NULL || f->journal.path == NULL ||
	    f->n_migrations != f->journal.n_entries ||
	    (f->n_migrations > 0 && f->migrations == NULL))
		return 0;
	for (k = 0; k < f->n_migrations; k++) {
		const cw_migration *m = &f->migrations[k];
		if (m->entry != &f->journal.entries[k])
			return 0;
		if (m->load_rc != 0)
			continue;
		if (m->path == NULL || m->raw.data == NULL ||
		    m->text.data == NULL || m->pieces.items == NULL ||
		    m->pieces.n == 0 || m->hashes.drizzle[0] == '\0')
			return 0;
	}
	return 1;
}

/* Load dir with allocation number `nth` failing (-1: none); checks the
** folder and that freeing it gives back every block.  Returns the
** number of allocations the load asked for. */
static long load_failing(const char *dir, int require_complete, long nth)
{
	cw_folder_options o = CW_FOLDER_OPTIONS_INIT;
	cw_diags d = CW_DIAGS_INIT;
	cw_error err = {0};
	cw_folder f;
	long live = n_live, calls;
	int rc;

	o.require_complete = require_complete;
	n_calls = 0;
	fail_after = nth;
	rc = cw_folder_load(&f, dir, &o, &d, &err);
	fail_after = -1;
	calls = n_calls;
	if (rc == 0)
		ck_assert_msg(is_whole(&f), "allocation %ld: rc 0 but the "
			      "folder is not whole", nth);
	else
		ck_assert_msg(is_empty(&f) || (require_complete &&
			      is_whole(&f)), "allocation %ld: rc %d (%s) "
			      "left a half-built folder", nth, rc,
			      err.message);
	if (rc == 0 || err.code != 0)
		ck_assert_int_eq(err.code, rc);
	cw_folder_free(&f);
	ck_assert(is_empty(&f));
	cw_folder_free(&f);
	cw_diags_free(&d);
	ck_assert_msg(n_live == live, "allocation %ld: %ld block(s) leaked",
		      nth, n_live - live);
	return calls;
}

/* One load first, unchecked, for what libc and OpenSSL allocate on first
** use and keep for the life of the process. */
static void warm_up(const char *dir)
{
	cw_diags d = CW_DIAGS_INIT;
	cw_folder f;

	ck_assert_int_eq(cw_folder_load(&f, dir, NULL, &d, NULL), 0);
	cw_folder_free(&f);
	cw_diags_free(&d);
}

static void fail_each(const char *rel, int require_complete)
{
	char dir[1024];
	long total, k;

	unit_fixture(dir, sizeof(dir), rel);
	warm_up(dir);
	total = load_failing(dir, require_complete, -1);
	ck_assert(!INJECT || total > 0);
	for (k = 0; INJECT && k < total; k++)
		(void)load_failing(dir, require_complete, k);
}

START_TEST(test_example_lenient)
{
	fail_each("examples/drizzle-kit-0.31", 0);
}
END_TEST

START_TEST(test_example_complete)
{
	fail_each("examples/drizzle-kit-0.31", 1);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("folder_oom");
	TCase *tc = tcase_create("folder_oom");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_example_lenient);
	tcase_add_test(tc, test_example_complete);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
