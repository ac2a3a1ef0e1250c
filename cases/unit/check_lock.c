/*
** check_lock.c - lib/lock.c: the immutability lock.  Writing, appending
** and rehashing meta/cw.lock, atomic replacement (a failed write leaves
** the old file), and every H code of cw_lock_check against a lock file,
** the branch conflict as exactly one H006.  The file's format is
** check_lockfile.c; `--base REV` is check_gitbase.c.
*/
#include "unit_lock.h"

#include <signal.h>
#include <sys/resource.h>

/* Checked-fixture setup: a fresh <tmp>/mig with an empty meta/. */
static void make_tmp(void)
{
	lock_tmp_make("lock");
}

/* ---- writing ---- */

START_TEST(test_write_new_lock)
{
	cw_diags d = CW_DIAGS_INIT;
	cw_folder_options fo = CW_FOLDER_OPTIONS_INIT;
	cw_folder f;
	char line[400], *text;

	folder(abc, 3);
	lock_ok(3);
	text = lock_text();
	ck_assert_ptr_nonnull(text);
	ck_assert(strncmp(text, "# cw.lock 1 ", 12) == 0);
	ck_assert_int_eq(cw_folder_load(&f, unit_dir, &fo, &d, NULL), 0);
	snprintf(line, sizeof(line), "\n0001 0001_b 1750000001000 %s %s ",
		 f.migrations[1].hashes.drizzle, f.migrations[1].hashes.lf);
	ck_assert_msg(strstr(text, line) != NULL, "no line %s in\n%s", line,
		      text);
	ck_assert(unit_ends_with(text, "\n"));
	cw_folder_free(&f);
	free(text);
	check(&d);
	ck_assert_uint_eq(d.n, 0);
	cw_diags_free(&d);
}
END_TEST

START_TEST(test_append_keeps_existing_lines)
{
	cw_lock_summary sum;
	cw_error err = {0};
	char *before, *after;

	folder(abc, 2);
	lock_ok(2);
	before = lock_text();
	folder(abc, 4);
	ck_assert_int_eq(lock_with(&sum, NULL, NULL, &err), 0);
	ck_assert_uint_eq(sum.n_locked, 2);
	ck_assert_uint_eq(sum.n_appended, 2);
	ck_assert_uint_eq(sum.n_rehashed, 0);
	after = lock_text();
	/* Append-only: the old file is a prefix of the new one. */
	ck_assert(strncmp(before, after, strlen(before)) == 0);
	ck_assert_ptr_nonnull(strstr(after, "\n0003 0003_d "));
	free(before);
	free(after);
}
END_TEST

/* Nothing new: the file is not even replaced (same inode). */
START_TEST(test_unchanged_lock_not_rewritten)
{
	cw_lock_summary sum;
	struct stat a, b;
	char p[256];

	folder(abc, 2);
	lock_ok(2);
	ck_assert_int_eq(stat(unit_path(p, sizeof(p), "meta/cw.lock"), &a), 0);
	ck_assert_int_eq(lock_with(&sum, NULL, NULL, NULL), 0);
	ck_assert_uint_eq(sum.n_locked, 2);
	ck_assert_uint_eq(sum.n_appended + sum.n_rehashed, 0);
	ck_assert_int_eq(stat(p, &b), 0);
	ck_assert(a.st_ino == b.st_ino);
}
END_TEST

START_TEST(test_changed_line_refused)
{
	cw_lock_summary sum;
	cw_diags d = CW_DIAGS_INIT;
	cw_error err = {0};
	char *before, *after;

	folder(abc, 3);
	lock_ok(3);
	before = lock_text();
	unit_put("0001_b.sql", "CREATE TABLE `t1` (`id` integer, `x` text);\n");
	ck_assert_int_eq(lock_with(&sum, NULL, &d, &err), CW_EINVAL);
	ck_assert_uint_eq(d.n, 1);
	ck_assert_str_eq(d.items[0].code, "H001");
	ck_assert_str_eq(d.items[0].tag, "0001_b");
	ck_assert_ptr_nonnull(strstr(d.items[0].hint, "--rehash 0001_b"));
	ck_assert_ptr_nonnull(strstr(err.message, "not updated"));
	after = lock_text();
	ck_assert_str_eq(before, after);
	free(before);
	free(after);
	cw_diags_free(&d);
}
END_TEST

START_TEST(test_rehash_records_reason)
{
	cw_lock_options o = CW_LOCK_OPTIONS_INIT;
	cw_lock_summary sum;
	cw_diags d = CW_DIAGS_INIT;
	cw_error err = {0};
	char *text, *note, *rec;

	folder(abc, 3);
	lock_ok(3);
	unit_put("0001_b.sql", "CREATE TABLE `t1` (`id` integer);\n");
	o.rehash_tag = "0001_b";
	o.reason = "never deployed;\nfixed the column list";
	ck_assert_msg(lock_with(&sum, &o, &d, &err) == 0, "%s", err.message);
	ck_assert_uint_eq(sum.n_rehashed, 1);
	ck_assert_uint_eq(sum.n_locked, 2);
	ck_assert_uint_eq(sum.n_appended, 0);
	text = lock_text();
	note = strstr(text, "\n# rehash 0001_b 20");
	rec = strstr(text, "\n0001 0001_b ");
	ck_assert_ptr_nonnull(note);
	ck_assert_ptr_nonnull(rec);
	/* The reason sits on one line right above the line it explains. */
	ck_assert_ptr_eq(strchr(note + 1, '\n'), rec);
	ck_assert_ptr_nonnull(strstr(note, ": never deployed; fixed the "
				     "column list\n"));
	free(text);
	check(&d);
	ck_assert_uint_eq(d.n, 0);
	cw_diags_free(&d);
}
END_TEST

/* --rehash and --reason used wrongly: refused, with what was wrong. */
static const struct {
	const char *tag, *reason, *message;
} misuse[] = {
	{"0001_b", NULL, "--reason"},
	{"0001_b", "why", "nothing to rehash"},
	{"0009_x", "why", "no line for this tag"},
	{NULL, "why", "only used with"},
};

START_TEST(test_rehash_misuse)
{
	cw_lock_options o = CW_LOCK_OPTIONS_INIT;
	cw_lock_summary sum;
	cw_diags d = CW_DIAGS_INIT;
	cw_error err = {0};

	folder(abc, 2);
	lock_ok(2);
	o.rehash_tag = misuse[_i].tag;
	o.reason = misuse[_i].reason;
	ck_assert_int_eq(lock_with(&sum, &o, &d, &err), CW_EINVAL);
	ck_assert_msg(strstr(err.message, misuse[_i].message) != NULL,
		      "%s", err.message);
	ck_assert_uint_eq(d.n, 0);
}
END_TEST

/* --rehash covers its own line only; another change still refuses. */
START_TEST(test_rehash_does_not_cover_others)
{
	cw_lock_options o = CW_LOCK_OPTIONS_INIT;
	cw_lock_summary sum;
	cw_diags d = CW_DIAGS_INIT;
	cw_error err = {0};

	folder(abc, 3);
	lock_ok(3);
	unit_put("0000_a.sql", "CREATE TABLE `t0` (`id` integer);\n");
	unit_put("0001_b.sql", "CREATE TABLE `t1` (`id` integer);\n");
	o.rehash_tag = "0001_b";
	o.reason = "why";
	ck_assert_int_eq(lock_with(&sum, &o, &d, &err), CW_EINVAL);
	ck_assert_uint_eq(d.n, 1);
	ck_assert_str_eq(d.items[0].tag, "0000_a");
	cw_diags_free(&d);
}
END_TEST

/* No temporary file may survive in meta/ after a failed write. */
static void assert_no_temp_files(void)
{
	char p[256];
	struct stat st;
	char *cmd;
	int n;

	unit_path(p, sizeof(p), "meta");
	ck_assert_int_eq(stat(p, &st), 0);
	ck_assert_int_gt(asprintf(&cmd, "ls -A '%s' | grep -c '\\.lock\\.' "
				  ">/dev/null", p), 0);
	n = system(cmd);
	free(cmd);
	ck_assert_msg(WEXITSTATUS(n) == 1, "a temporary file was left in %s",
		      p);
}

/* The lock path is a directory: refused before anything is written, and
** the directory is left alone. */
START_TEST(test_lock_path_is_directory)
{
	cw_lock_options o = CW_LOCK_OPTIONS_INIT;
	cw_lock_summary sum;
	cw_error err = {0};
	char p[256];
	struct stat st;

	folder(abc, 2);
	ck_assert_int_eq(mkdir(unit_path(p, sizeof(p), "meta/cw.lock"), 0755),
			 0);
	unit_put("meta/cw.lock/keep", "x");
	o.lock_path = p;
	ck_assert_int_eq(lock_with(&sum, &o, NULL, &err), CW_EIO);
	ck_assert_ptr_nonnull(strstr(err.message, "not a regular file"));
	ck_assert_int_eq(stat(p, &st), 0);
	ck_assert(S_ISDIR(st.st_mode));
	assert_no_temp_files();
}
END_TEST

/* The disk fills up half-way (RLIMIT_FSIZE): the old lock survives byte
** for byte and no partial file is left. */
START_TEST(test_atomic_partial_write)
{
	struct rlimit rl = {300, 300}, old;
	cw_lock_summary sum;
	cw_error err = {0};
	char *before, *after;

	folder(abc, 1);
	lock_ok(1);
	before = lock_text();
	ck_assert_uint_lt(strlen(before), 1000);
	folder(abc, 4);
	signal(SIGXFSZ, SIG_IGN);
	ck_assert_int_eq(getrlimit(RLIMIT_FSIZE, &old), 0);
	rl.rlim_max = old.rlim_max;
	ck_assert_int_eq(setrlimit(RLIMIT_FSIZE, &rl), 0);
	ck_assert_int_eq(lock_with(&sum, NULL, NULL, &err), CW_EIO);
	ck_assert_int_eq(setrlimit(RLIMIT_FSIZE, &old), 0);
	ck_assert_ptr_nonnull(strstr(err.message, "left unchanged"));
	after = lock_text();
	ck_assert_str_eq(before, after);
	assert_no_temp_files();
	free(before);
	free(after);
}
END_TEST

START_TEST(test_unwritable_place)
{
	cw_lock_options o = CW_LOCK_OPTIONS_INIT;
	cw_lock_summary sum;
	cw_error err = {0};
	char p[256];
	struct stat st;

	folder(abc, 2);
	o.lock_path = unit_path(p, sizeof(p), "no/such/dir/cw.lock");
	ck_assert_int_eq(lock_with(&sum, &o, NULL, &err), CW_EIO);
	ck_assert_ptr_nonnull(strstr(err.message, "temporary file"));
	ck_assert_int_ne(stat(unit_path(p, sizeof(p), "no"), &st), 0);
}
END_TEST

START_TEST(test_incomplete_folder_not_locked)
{
	cw_lock_summary sum;
	cw_error err = {0};
	char p[256];

	folder(abc, 2);
	ck_assert_int_eq(unlink(unit_path(p, sizeof(p), "0001_b.sql")), 0);
	ck_assert_int_eq(lock_with(&sum, NULL, NULL, &err), CW_EINVAL);
	ck_assert_ptr_nonnull(strstr(err.message, "entries[1]"));
	ck_assert_ptr_null(lock_text());
}
END_TEST

/* ---- checking ---- */

START_TEST(test_no_lock_no_findings)
{
	cw_check_options o = CW_CHECK_OPTIONS_INIT;
	cw_diags d = CW_DIAGS_INIT;
	cw_error err = {0};
	char p[256];

	folder(abc, 2);
	check(&d);
	ck_assert_uint_eq(d.n, 0);
	/* A lock file named explicitly must exist. */
	o.lock_path = unit_path(p, sizeof(p), "meta/other.lock");
	ck_assert_int_eq(check_with(&d, &o, &err), CW_ENOTFOUND);
	ck_assert_ptr_nonnull(strstr(err.message, "other.lock"));
}
END_TEST

/* One change to a locked folder, and the one finding it must cause. */
typedef struct change {
	const char *what;              /* names the row in failures */
	const char *const *locked;     /* folder locked first (NULL: abc) */
	size_t n_locked;
	const char *const *files;      /* then, unless NULL, the folder */
	size_t n_files;                /* rewritten, */
	const char *const *entries;    /* the journal rewritten */
	const double *whens;
	size_t n_entries;
	const char *edit_b;            /* and 0001_b.sql edited */
	const char *code, *file_tail;  /* the finding: its code, file, */
	int line;                      /* line (-1: not checked), */
	const char *tag, *hint;        /* tag and hint unless NULL, */
	const char *message[2];        /* and text in its message */
} change;

static const char *const acd[] = {"0000_a", "0002_c", "0003_d"};
static const double acd_when[] = {1750000000000.0, 1750000002000.0,
				  1750000003000.0};
static const char *const acbd[] = {"0000_a", "0002_c", "0001_b", "0003_d"};
static const double acbd_when[] = {1750000000000.0, 1750000002000.0,
				   1750000001000.0, 1750000003000.0};
static const double b_later[] = {1750000000000.0, 1750000001500.0};
/* Two branches each added migration 2 (0002_x here, 0002_y there). */
static const char *const mine[] = {"0000_a", "0001_b", "0002_x"};
static const char *const theirs[] = {"0000_a", "0001_b", "0002_y"};
static const char *const both[] = {"0000_a", "0001_b", "0002_y", "0002_x"};
static const double both_when[] = {1750000000000.0, 1750000001000.0,
				   1750000002500.0, 1750000002000.0};
/* A longer divergence, and an unlocked migration put before locked ones. */
static const char *const mine_x[] = {"0000_a", "0001_x1", "0002_x2"};
static const char *const theirs_y[] = {"0000_a", "0001_y1", "0002_y2"};
static const char *const inserted[] = {"0000_a", "0001_y1", "0001_x1",
				       "0002_x2"};
static const double ins_when[] = {1750000000000.0, 1750000000500.0,
				  1750000001000.0, 1750000002000.0};

static const change changes[] = {
	{.what = "H001 an edited file", .n_locked = 3,
	 .edit_b = "CREATE TABLE `t1` (`id` integer, `x` text);\n",
	 .code = "H001", .file_tail = "/mig/0001_b.sql", .line = 0,
	 .tag = "0001_b", .hint = "add a new migration",
	 .message = {"cw.lock:7"}},
	{.what = "H003 a changed when", .n_locked = 2,
	 .entries = abc, .whens = b_later, .n_entries = 2,
	 .code = "H003", .file_tail = "meta/_journal.json", .line = 8 + 7,
	 .message = {"1750000001500, locked 1750000001000"}},
	/* Deleting a locked migration is one H004 at its lock line; the
	** later ones shift position but are not reported. */
	{.what = "H004 a deleted migration", .n_locked = 4,
	 .entries = acd, .whens = acd_when, .n_entries = 3,
	 .code = "H004", .file_tail = "meta/cw.lock", .line = 7,
	 .message = {"0001_b"}},
	/* The last one deleted: the journal runs out first. */
	{.what = "H004 the last migration deleted", .n_locked = 4,
	 .entries = abc, .n_entries = 3,
	 .code = "H004", .file_tail = "meta/cw.lock", .line = 9,
	 .message = {"0003_d"}},
	{.what = "H004 two migrations swapped", .n_locked = 4,
	 .entries = acbd, .whens = acbd_when, .n_entries = 4,
	 .code = "H004", .file_tail = "meta/_journal.json", .line = 5 + 7,
	 .message = {"position 1 holds 0002_c where the lock has 0001_b"}},
	/* The conflict is exactly one H006 naming both, however the journal
	** was resolved: theirs taken ... */
	{.what = "H006 their migration taken", .locked = mine, .n_locked = 3,
	 .files = theirs, .n_files = 3,
	 .code = "H006", .file_tail = "meta/_journal.json", .line = 5 + 7 * 2,
	 .message = {"the journal has 0002_y where the lock has 0002_x",
		     "missing from the journal"}},
	/* ... or both kept, the unlocked one first, 0002_x unchanged. */
	{.what = "H006 both migrations kept", .locked = mine, .n_locked = 3,
	 .files = theirs, .n_files = 3,
	 .entries = both, .whens = both_when, .n_entries = 4,
	 .code = "H006", .line = -1,
	 .message = {"0002_x (", "), which the journal has at position 3"}},
	{.what = "H006 an unlocked migration inserted", .locked = mine_x,
	 .n_locked = 3, .files = theirs_y, .n_files = 3,
	 .entries = inserted, .whens = ins_when, .n_entries = 4,
	 .code = "H006", .line = -1},
};

START_TEST(test_one_change_one_finding)
{
	const change *c = &changes[_i];
	cw_diags d = CW_DIAGS_INIT;
	const cw_diag *g;
	size_t k;

	folder(c->locked ? c->locked : abc, c->n_locked);
	lock_ok(c->n_locked);
	if (c->files)
		folder(c->files, c->n_files);
	if (c->entries)
		journal(c->entries, c->whens, c->n_entries);
	if (c->edit_b)
		unit_put("0001_b.sql", c->edit_b);
	check(&d);
	ck_assert_msg(d.n == 1, "%s: %zu findings", c->what, d.n);
	g = first(&d, c->code);
	if (c->file_tail)
		ck_assert_msg(unit_ends_with(g->file, c->file_tail),
			      "%s: in %s", c->what, g->file);
	if (c->line >= 0)
		ck_assert_int_eq(g->line, c->line);
	if (c->tag)
		ck_assert_str_eq(g->tag, c->tag);
	if (c->hint)
		ck_assert_ptr_nonnull(strstr(g->hint, c->hint));
	for (k = 0; k < 2 && c->message[k]; k++)
		ck_assert_msg(strstr(g->message, c->message[k]) != NULL,
			      "%s: %s", c->what, g->message);
	cw_diags_free(&d);
}
END_TEST

/* Line endings only, both directions: H002 and never H001. */
START_TEST(test_h002_line_endings_only)
{
	cw_diags d = CW_DIAGS_INIT;
	char p[256];

	folder(abc, 2);
	lock_ok(2);
	unit_convert_eol("0001_b.sql", 1);
	check(&d);
	ck_assert_uint_eq(d.n, 1);
	ck_assert_uint_eq(count(&d, "H002"), 1);
	ck_assert_ptr_nonnull(strstr(d.items[0].message, "line endings"));
	cw_diags_free(&d);
	/* Locked with CRLF, checked out with LF. */
	ck_assert_int_eq(unlink(unit_path(p, sizeof(p), "meta/cw.lock")), 0);
	lock_ok(2);
	unit_convert_eol("0001_b.sql", 0);
	check(&d);
	ck_assert_uint_eq(d.n, 1);
	ck_assert_uint_eq(count(&d, "H002"), 1);
	/* A real edit on top of the line endings is H001. */
	cw_diags_free(&d);
	unit_put("0001_b.sql", "CREATE TABLE `t1` (`id` integer);\r\n");
	check(&d);
	ck_assert_uint_eq(count(&d, "H001"), 1);
	ck_assert_uint_eq(count(&d, "H002"), 0);
	cw_diags_free(&d);
}
END_TEST

/* A longer divergence: still one H006 (plus a note for the other new
** migration), never an H004 for each later line.  Inserting an unlocked
** migration before locked ones is a row of changes[]. */
START_TEST(test_h006_no_cascade)
{
	cw_diags d = CW_DIAGS_INIT;

	folder(mine_x, 3);
	lock_ok(3);
	folder(theirs_y, 3);
	check(&d);
	ck_assert_uint_eq(count(&d, "H006"), 1);
	ck_assert_uint_eq(count(&d, "H004"), 0);
	ck_assert_uint_eq(count(&d, "H007"), 1);
	ck_assert_str_eq(first(&d, "H007")->tag, "0002_y2");
	ck_assert_ptr_nonnull(strstr(first(&d, "H006")->message,
				     "also missing: 0002_x2"));
	cw_diags_free(&d);
}
END_TEST

START_TEST(test_h007_not_locked)
{
	cw_diags d = CW_DIAGS_INIT;

	folder(abc, 2);
	lock_ok(2);
	folder(abc, 4);
	check(&d);
	ck_assert_uint_eq(d.n, 2);
	ck_assert_uint_eq(count(&d, "H007"), 2);
	ck_assert_int_eq(d.items[0].severity, CW_SEV_NOTE);
	ck_assert_str_eq(d.items[0].tag, "0002_c");
	ck_assert_int_eq(d.items[0].line, 5 + 7 * 2);
	ck_assert_int_eq(d.items[1].line, 5 + 7 * 3);
	cw_diags_free(&d);
}
END_TEST

static Suite *lock_suite(void)
{
	Suite *s = suite_create("lock");
	TCase *tc = tcase_create("write");

	tcase_add_checked_fixture(tc, make_tmp, unit_tmp_remove);
	tcase_add_test(tc, test_write_new_lock);
	tcase_add_test(tc, test_append_keeps_existing_lines);
	tcase_add_test(tc, test_unchanged_lock_not_rewritten);
	tcase_add_test(tc, test_changed_line_refused);
	tcase_add_test(tc, test_rehash_records_reason);
	tcase_add_loop_test(tc, test_rehash_misuse, 0,
			    sizeof(misuse) / sizeof(misuse[0]));
	tcase_add_test(tc, test_rehash_does_not_cover_others);
	tcase_add_test(tc, test_lock_path_is_directory);
	tcase_add_test(tc, test_atomic_partial_write);
	tcase_add_test(tc, test_unwritable_place);
	tcase_add_test(tc, test_incomplete_folder_not_locked);
	suite_add_tcase(s, tc);
	tc = tcase_create("check");
	tcase_add_checked_fixture(tc, make_tmp, unit_tmp_remove);
	tcase_add_test(tc, test_no_lock_no_findings);
	tcase_add_loop_test(tc, test_one_change_one_finding, 0,
			    sizeof(changes) / sizeof(changes[0]));
	tcase_add_test(tc, test_h002_line_endings_only);
	tcase_add_test(tc, test_h006_no_cascade);
	tcase_add_test(tc, test_h007_not_locked);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(lock_suite());
}
