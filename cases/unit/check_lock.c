/*
** check_lock.c - lib/lock.c and lib/lockfile.c: the immutability lock.
** Writing, appending and rehashing meta/cw.lock, atomic replacement (a
** failed write leaves the old file), the file's format (chain, escapes,
** comments, CRLF, each kind of damage as one H005), every H code of
** cw_lock_check against a lock file, and the branch conflict as exactly
** one H006.  `--base REV` is check_gitbase.c.
*/
#include "unit.h"
#include "../../lib/lock.h"

#include <ftw.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

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

	snprintf(tmpdir, sizeof(tmpdir), "/tmp/cw-check-lock-XXXXXX");
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

/* Check with default options; fails the test if the check cannot run. */
static void check(cw_diags *d)
{
	cw_error err = {0};

	ck_assert_msg(check_with(d, NULL, &err) == 0, "%s", err.message);
}

static size_t count(const cw_diags *d, const char *code)
{
	size_t i, n = 0;

	for (i = 0; i < d->n; i++)
		n += strcmp(d->items[i].code, code) == 0;
	return n;
}

static const cw_diag *first(const cw_diags *d, const char *code)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		if (strcmp(d->items[i].code, code) == 0)
			return &d->items[i];
	ck_abort_msg("no %s among %zu findings", code, d->n);
	return NULL;
}

static int ends_with(const char *s, const char *tail)
{
	size_t a = strlen(s), b = strlen(tail);

	return a >= b && strcmp(s + a - b, tail) == 0;
}

static const char *const abc[] = {"0000_a", "0001_b", "0002_c", "0003_d"};

/* ---- writing ---- */

START_TEST(test_write_new_lock)
{
	cw_diags d = CW_DIAGS_INIT;
	cw_folder_options fo = CW_FOLDER_OPTIONS_INIT;
	cw_folder f;
	char line[400], *text;

	folder(abc, 3);
	lock_ok(3);
	text = slurp("meta/cw.lock");
	ck_assert_ptr_nonnull(text);
	ck_assert(strncmp(text, "# cw.lock 1 ", 12) == 0);
	ck_assert_int_eq(cw_folder_load(&f, dir, &fo, &d, NULL), 0);
	snprintf(line, sizeof(line), "\n0001 0001_b 1750000001000 %s %s ",
		 f.migrations[1].hashes.drizzle, f.migrations[1].hashes.lf);
	ck_assert_msg(strstr(text, line) != NULL, "no line %s in\n%s", line,
		      text);
	ck_assert(ends_with(text, "\n"));
	cw_folder_free(&f);
	free(text);
	check(&d);
	ck_assert_uint_eq(d.n, 0);
	cw_diags_free(&d);
}
END_TEST

/* The chain is documented in the header; recompute it from the text. */
START_TEST(test_chain_is_as_documented)
{
	char line[400], buf[500], want[CW_HASH_HEX_LEN + 1], *text, *l0;
	char *chain;

	folder(abc, 1);
	lock_ok(1);
	text = slurp("meta/cw.lock");
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

START_TEST(test_append_keeps_existing_lines)
{
	cw_lock_summary sum;
	cw_error err = {0};
	char *before, *after;

	folder(abc, 2);
	lock_ok(2);
	before = slurp("meta/cw.lock");
	folder(abc, 4);
	ck_assert_int_eq(lock_with(&sum, NULL, NULL, &err), 0);
	ck_assert_uint_eq(sum.n_locked, 2);
	ck_assert_uint_eq(sum.n_appended, 2);
	ck_assert_uint_eq(sum.n_rehashed, 0);
	after = slurp("meta/cw.lock");
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
	ck_assert_int_eq(stat(path_of(p, sizeof(p), "meta/cw.lock"), &a), 0);
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
	before = slurp("meta/cw.lock");
	put("0001_b.sql", "CREATE TABLE `t1` (`id` integer, `x` text);\n");
	ck_assert_int_eq(lock_with(&sum, NULL, &d, &err), CW_EINVAL);
	ck_assert_uint_eq(d.n, 1);
	ck_assert_str_eq(d.items[0].code, "H001");
	ck_assert_str_eq(d.items[0].tag, "0001_b");
	ck_assert_ptr_nonnull(strstr(d.items[0].hint, "--rehash 0001_b"));
	ck_assert_ptr_nonnull(strstr(err.message, "not updated"));
	after = slurp("meta/cw.lock");
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
	put("0001_b.sql", "CREATE TABLE `t1` (`id` integer);\n");
	o.rehash_tag = "0001_b";
	o.reason = "never deployed;\nfixed the column list";
	ck_assert_msg(lock_with(&sum, &o, &d, &err) == 0, "%s", err.message);
	ck_assert_uint_eq(sum.n_rehashed, 1);
	ck_assert_uint_eq(sum.n_locked, 2);
	ck_assert_uint_eq(sum.n_appended, 0);
	text = slurp("meta/cw.lock");
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

START_TEST(test_rehash_misuse)
{
	cw_lock_options o = CW_LOCK_OPTIONS_INIT;
	cw_lock_summary sum;
	cw_diags d = CW_DIAGS_INIT;
	cw_error err = {0};

	folder(abc, 2);
	lock_ok(2);
	o.rehash_tag = "0001_b";
	ck_assert_int_eq(lock_with(&sum, &o, &d, &err), CW_EINVAL);
	ck_assert_ptr_nonnull(strstr(err.message, "--reason"));
	cw_error_clear(&err);
	o.reason = "why";
	ck_assert_int_eq(lock_with(&sum, &o, &d, &err), CW_EINVAL);
	ck_assert_ptr_nonnull(strstr(err.message, "nothing to rehash"));
	cw_error_clear(&err);
	o.rehash_tag = "0009_x";
	ck_assert_int_eq(lock_with(&sum, &o, &d, &err), CW_EINVAL);
	ck_assert_ptr_nonnull(strstr(err.message, "no line for this tag"));
	cw_error_clear(&err);
	o.rehash_tag = NULL;
	ck_assert_int_eq(lock_with(&sum, &o, &d, &err), CW_EINVAL);
	ck_assert_ptr_nonnull(strstr(err.message, "only used with"));
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
	put("0000_a.sql", "CREATE TABLE `t0` (`id` integer);\n");
	put("0001_b.sql", "CREATE TABLE `t1` (`id` integer);\n");
	o.rehash_tag = "0001_b";
	o.reason = "why";
	ck_assert_int_eq(lock_with(&sum, &o, &d, &err), CW_EINVAL);
	ck_assert_uint_eq(d.n, 1);
	ck_assert_str_eq(d.items[0].tag, "0000_a");
	cw_diags_free(&d);
}
END_TEST

/* No temporary file may survive in dir/meta after a failed write. */
static void assert_no_temp_files(void)
{
	char p[256];
	struct stat st;
	char *cmd;
	int n;

	path_of(p, sizeof(p), "meta");
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
	ck_assert_int_eq(mkdir(path_of(p, sizeof(p), "meta/cw.lock"), 0755),
			 0);
	put("meta/cw.lock/keep", "x");
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
	before = slurp("meta/cw.lock");
	ck_assert_uint_lt(strlen(before), 1000);
	folder(abc, 4);
	signal(SIGXFSZ, SIG_IGN);
	ck_assert_int_eq(getrlimit(RLIMIT_FSIZE, &old), 0);
	rl.rlim_max = old.rlim_max;
	ck_assert_int_eq(setrlimit(RLIMIT_FSIZE, &rl), 0);
	ck_assert_int_eq(lock_with(&sum, NULL, NULL, &err), CW_EIO);
	ck_assert_int_eq(setrlimit(RLIMIT_FSIZE, &old), 0);
	ck_assert_ptr_nonnull(strstr(err.message, "left unchanged"));
	after = slurp("meta/cw.lock");
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
	o.lock_path = path_of(p, sizeof(p), "no/such/dir/cw.lock");
	ck_assert_int_eq(lock_with(&sum, &o, NULL, &err), CW_EIO);
	ck_assert_ptr_nonnull(strstr(err.message, "temporary file"));
	ck_assert_int_ne(stat(path_of(p, sizeof(p), "no"), &st), 0);
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
	text = slurp("meta/cw.lock");
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

START_TEST(test_incomplete_folder_not_locked)
{
	cw_lock_summary sum;
	cw_error err = {0};
	char p[256];

	folder(abc, 2);
	ck_assert_int_eq(unlink(path_of(p, sizeof(p), "0001_b.sql")), 0);
	ck_assert_int_eq(lock_with(&sum, NULL, NULL, &err), CW_EINVAL);
	ck_assert_ptr_nonnull(strstr(err.message, "entries[1]"));
	ck_assert_ptr_null(slurp("meta/cw.lock"));
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
	o.lock_path = path_of(p, sizeof(p), "meta/other.lock");
	ck_assert_int_eq(check_with(&d, &o, &err), CW_ENOTFOUND);
	ck_assert_ptr_nonnull(strstr(err.message, "other.lock"));
}
END_TEST

START_TEST(test_h001_edited)
{
	cw_diags d = CW_DIAGS_INIT;
	const cw_diag *g;

	folder(abc, 3);
	lock_ok(3);
	put("0001_b.sql", "CREATE TABLE `t1` (`id` integer, `x` text);\n");
	check(&d);
	ck_assert_uint_eq(d.n, 1);
	g = first(&d, "H001");
	ck_assert(ends_with(g->file, "/mig/0001_b.sql"));
	ck_assert_int_eq(g->line, 0);
	ck_assert_str_eq(g->tag, "0001_b");
	ck_assert_ptr_nonnull(strstr(g->message, "cw.lock:7"));
	ck_assert_ptr_nonnull(strstr(g->hint, "add a new migration"));
	cw_diags_free(&d);
}
END_TEST

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

/* Line endings only, both directions: H002 and never H001. */
START_TEST(test_h002_line_endings_only)
{
	cw_diags d = CW_DIAGS_INIT;
	char p[256];

	folder(abc, 2);
	lock_ok(2);
	convert_eol("0001_b.sql", 1);
	check(&d);
	ck_assert_uint_eq(d.n, 1);
	ck_assert_uint_eq(count(&d, "H002"), 1);
	ck_assert_ptr_nonnull(strstr(d.items[0].message, "line endings"));
	cw_diags_free(&d);
	/* Locked with CRLF, checked out with LF. */
	ck_assert_int_eq(unlink(path_of(p, sizeof(p), "meta/cw.lock")), 0);
	lock_ok(2);
	convert_eol("0001_b.sql", 0);
	check(&d);
	ck_assert_uint_eq(d.n, 1);
	ck_assert_uint_eq(count(&d, "H002"), 1);
	/* A real edit on top of the line endings is H001. */
	cw_diags_free(&d);
	put("0001_b.sql", "CREATE TABLE `t1` (`id` integer);\r\n");
	check(&d);
	ck_assert_uint_eq(count(&d, "H001"), 1);
	ck_assert_uint_eq(count(&d, "H002"), 0);
	cw_diags_free(&d);
}
END_TEST

START_TEST(test_h003_when)
{
	static const double whens[] = {1750000000000.0, 1750000001500.0};
	cw_diags d = CW_DIAGS_INIT;
	const cw_diag *g;

	folder(abc, 2);
	lock_ok(2);
	journal(abc, whens, 2);
	check(&d);
	ck_assert_uint_eq(d.n, 1);
	g = first(&d, "H003");
	ck_assert(ends_with(g->file, "meta/_journal.json"));
	ck_assert_int_eq(g->line, 8 + 7);
	ck_assert_ptr_nonnull(strstr(g->message, "1750000001500, locked "
				     "1750000001000"));
	cw_diags_free(&d);
}
END_TEST

/* Deleting a locked migration is one H004 at its lock line; the later
** ones shift position but are not reported. */
START_TEST(test_h004_deleted)
{
	static const char *const acd[] = {"0000_a", "0002_c", "0003_d"};
	static const double whens[] = {1750000000000.0, 1750000002000.0,
				       1750000003000.0};
	cw_diags d = CW_DIAGS_INIT;
	const cw_diag *g;

	folder(abc, 4);
	lock_ok(4);
	journal(acd, whens, 3);
	check(&d);
	ck_assert_uint_eq(d.n, 1);
	g = first(&d, "H004");
	ck_assert(ends_with(g->file, "meta/cw.lock"));
	ck_assert_int_eq(g->line, 7);
	ck_assert_ptr_nonnull(strstr(g->message, "0001_b"));
	cw_diags_free(&d);
	/* The last one deleted: journal exhausted first. */
	journal(abc, NULL, 3);
	check(&d);
	ck_assert_uint_eq(d.n, 1);
	ck_assert_int_eq(first(&d, "H004")->line, 9);
	cw_diags_free(&d);
}
END_TEST

START_TEST(test_h004_reordered)
{
	static const char *const acbd[] = {"0000_a", "0002_c", "0001_b",
					   "0003_d"};
	static const double whens[] = {1750000000000.0, 1750000002000.0,
				       1750000001000.0, 1750000003000.0};
	cw_diags d = CW_DIAGS_INIT;
	const cw_diag *g;

	folder(abc, 4);
	lock_ok(4);
	journal(acbd, whens, 4);
	check(&d);
	ck_assert_uint_eq(d.n, 1);
	g = first(&d, "H004");
	ck_assert(ends_with(g->file, "meta/_journal.json"));
	ck_assert_int_eq(g->line, 5 + 7);
	ck_assert_ptr_nonnull(strstr(g->message, "position 1 holds 0002_c "
				     "where the lock has 0001_b"));
	cw_diags_free(&d);
}
END_TEST

/* Two branches each added migration 2: exactly one H006 naming both,
** however the journal was resolved. */
START_TEST(test_h006_branch_conflict)
{
	static const char *const mine[] = {"0000_a", "0001_b", "0002_x"};
	static const char *const theirs[] = {"0000_a", "0001_b", "0002_y"};
	static const char *const both[] = {"0000_a", "0001_b", "0002_y",
					   "0002_x"};
	static const double both_when[] = {1750000000000.0, 1750000001000.0,
					   1750000002500.0, 1750000002000.0};
	cw_diags d = CW_DIAGS_INIT;
	const cw_diag *g;

	folder(mine, 3);
	lock_ok(3);
	folder(theirs, 3);
	check(&d);
	ck_assert_uint_eq(d.n, 1);
	g = first(&d, "H006");
	ck_assert(ends_with(g->file, "meta/_journal.json"));
	ck_assert_int_eq(g->line, 5 + 7 * 2);
	ck_assert_ptr_nonnull(strstr(g->message, "the journal has 0002_y "
				     "where the lock has 0002_x"));
	ck_assert_ptr_nonnull(strstr(g->message, "missing from the journal"));
	cw_diags_free(&d);
	/* Both kept, the unlocked one first; 0002_x unchanged. */
	journal(both, both_when, 4);
	check(&d);
	ck_assert_uint_eq(d.n, 1);
	ck_assert_msg(strstr(first(&d, "H006")->message, "0002_x (") &&
		      strstr(d.items[0].message, "), which the journal has at "
			     "position 3"), "%s", d.items[0].message);
	cw_diags_free(&d);
}
END_TEST

/* A longer divergence: still one H006 (plus a note for the other new
** migration), never an H004 for each later line. */
START_TEST(test_h006_no_cascade)
{
	static const char *const mine[] = {"0000_a", "0001_x1", "0002_x2"};
	static const char *const theirs[] = {"0000_a", "0001_y1", "0002_y2"};
	static const char *const inserted[] = {"0000_a", "0001_y1",
					       "0001_x1", "0002_x2"};
	static const double ins_when[] = {1750000000000.0, 1750000000500.0,
					  1750000001000.0, 1750000002000.0};
	cw_diags d = CW_DIAGS_INIT;

	folder(mine, 3);
	lock_ok(3);
	folder(theirs, 3);
	check(&d);
	ck_assert_uint_eq(count(&d, "H006"), 1);
	ck_assert_uint_eq(count(&d, "H004"), 0);
	ck_assert_uint_eq(count(&d, "H007"), 1);
	ck_assert_str_eq(first(&d, "H007")->tag, "0002_y2");
	ck_assert_ptr_nonnull(strstr(first(&d, "H006")->message,
				     "also missing: 0002_x2"));
	cw_diags_free(&d);
	/* An unlocked migration inserted before locked ones. */
	journal(inserted, ins_when, 4);
	check(&d);
	ck_assert_uint_eq(d.n, 1);
	ck_assert_uint_eq(count(&d, "H006"), 1);
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

/* Line n (1-based) of the lock, without its newline (caller frees). */
static char *lock_line(int n)
{
	char *text = slurp("meta/cw.lock"), *s = text, *out;

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
	char *text = slurp("meta/cw.lock"), *s = text, *end, *out;
	int k;

	for (k = 1; k < n; k++)
		s = strchr(s, '\n') + 1;
	end = strchr(s, '\n') + 1;
	ck_assert_int_gt(asprintf(&out, "%.*s%s%s%s", (int)(s - text), text,
				  repl ? repl : "", repl ? "\n" : "", end), 0);
	put("meta/cw.lock", out);
	free(out);
	free(text);
}

/* Each way of damaging a 3-line lock is one H005 at the damaged line,
** and nothing is compared against a lock that cannot be trusted. */
START_TEST(test_h005_malformed)
{
	char *good, *l6, *l7, *l8, buf[600];
	cw_diags d = CW_DIAGS_INIT;
	int k;

	folder(abc, 3);
	lock_ok(3);
	good = slurp("meta/cw.lock");
	l6 = lock_line(6);
	l7 = lock_line(7);
	l8 = lock_line(8);
	put("0001_b.sql", "CREATE TABLE `t1` (`id` integer);\n");
	for (k = 0; k < 9; k++) {
		int want = 1;
		put("meta/cw.lock", good);
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
			snprintf(buf, sizeof(buf), "%.*s", (int)(strrchr(l6,
				 ' ') - l6), l6);
			edit_lock(6, buf);
			want = 6;
			break;
		case 4:
			edit_lock(1, "# something else");
			break;
		case 5:
			put("meta/cw.lock", "");
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
		check(&d);
		/* Swapped lines are both out of place: two findings. */
		ck_assert_msg(d.n == (k == 2 ? 2u : 1u) &&
			      !strcmp(d.items[0].code, "H005") &&
			      d.items[0].line == want, "case %d: %zu findings,"
			      " first %s at line %d", k, d.n,
			      d.n ? d.items[0].code : "-",
			      d.n ? d.items[0].line : 0);
		cw_diags_free(&d);
	}
	free(good);
	free(l6);
	free(l7);
	free(l8);
}
END_TEST

/* A lock checked out with CRLF still reads, and cw lock writes LF. */
START_TEST(test_lock_with_crlf)
{
	cw_diags d = CW_DIAGS_INIT;
	char *text;

	folder(abc, 2);
	lock_ok(2);
	convert_eol("meta/cw.lock", 1);
	check(&d);
	ck_assert_uint_eq(d.n, 0);
	folder(abc, 3);
	lock_ok(1);
	text = slurp("meta/cw.lock");
	ck_assert_ptr_null(strchr(text, '\r'));
	free(text);
}
END_TEST

/* Comments a person added stay where they were, also one at the end,
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
	text = slurp("meta/cw.lock");
	ck_assert_ptr_nonnull(strstr(text, "\n# reviewed in the 2025 audit\n"
				     "0001 0001_b "));
	ck_assert_ptr_nonnull(strstr(text, "\n# next: the tags table\n"
				     "0002 0002_c "));
	free(text);
	free(l7);
}
END_TEST

static Suite *lock_suite(void)
{
	Suite *s = suite_create("lock");
	TCase *tc = tcase_create("write");

	tcase_add_checked_fixture(tc, make_tmp, rm_tmp);
	tcase_add_test(tc, test_write_new_lock);
	tcase_add_test(tc, test_chain_is_as_documented);
	tcase_add_test(tc, test_append_keeps_existing_lines);
	tcase_add_test(tc, test_unchanged_lock_not_rewritten);
	tcase_add_test(tc, test_changed_line_refused);
	tcase_add_test(tc, test_rehash_records_reason);
	tcase_add_test(tc, test_rehash_misuse);
	tcase_add_test(tc, test_rehash_does_not_cover_others);
	tcase_add_test(tc, test_lock_path_is_directory);
	tcase_add_test(tc, test_atomic_partial_write);
	tcase_add_test(tc, test_unwritable_place);
	tcase_add_test(tc, test_when_and_tag_formats);
	tcase_add_test(tc, test_incomplete_folder_not_locked);
	tcase_add_test(tc, test_comments_kept);
	suite_add_tcase(s, tc);
	tc = tcase_create("check");
	tcase_add_checked_fixture(tc, make_tmp, rm_tmp);
	tcase_add_test(tc, test_no_lock_no_findings);
	tcase_add_test(tc, test_h001_edited);
	tcase_add_test(tc, test_h002_line_endings_only);
	tcase_add_test(tc, test_h003_when);
	tcase_add_test(tc, test_h004_deleted);
	tcase_add_test(tc, test_h004_reordered);
	tcase_add_test(tc, test_h005_malformed);
	tcase_add_test(tc, test_h006_branch_conflict);
	tcase_add_test(tc, test_h006_no_cascade);
	tcase_add_test(tc, test_h007_not_locked);
	tcase_add_test(tc, test_lock_with_crlf);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(lock_suite());
}
