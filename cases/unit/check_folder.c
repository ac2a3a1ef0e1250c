/*
** check_folder.c - lib/folder.c: a migration folder as drizzle reads it.
** The drizzle-kit 0.31 example and the bundled codewalkers history
** (hashes as the real drizzle stored them),
** CRLF / BOM / invalid UTF-8 files, a missing file (J009), an unsafe tag
** refused before anything is opened (J011), unreadable files (S006),
** entries drizzle could not run, and array order.
**
** fopen() and stat() are wrapped here to record every path libcw touches,
** so that "refused before any open" is observed, not assumed.
*/
#ifndef _GNU_SOURCE
#define _GNU_SOURCE   /* RTLD_NEXT */
#endif
#include "unit_fs.h"
#include "../../lib/folder.h"
#include "../../lib/pathscope.h"

#include <dlfcn.h>

/* ---- every path passed to fopen() or stat() ---- */

static char touched[256][512];
static int n_touched;

static void note_path(const char *path)
{
	if (n_touched < 256)
		snprintf(touched[n_touched++], sizeof(touched[0]), "%s", path);
}

FILE *fopen(const char *path, const char *mode)
{
	FILE *(*real)(const char *, const char *) =
		(FILE *(*)(const char *, const char *))dlsym(RTLD_NEXT,
							     "fopen");
	note_path(path);
	return real(path, mode);
}

int stat(const char *restrict path, struct stat *restrict st)
{
	int (*real)(const char *, struct stat *) =
		(int (*)(const char *, struct stat *))dlsym(RTLD_NEXT, "stat");
	note_path(path);
	return real(path, st);
}

static int was_touched(const char *needle)
{
	int i;

	for (i = 0; i < n_touched; i++)
		if (strstr(touched[i], needle))
			return 1;
	return 0;
}

/* ---- loading ---- */

/* One cw_folder_load and all it leaves for the test to examine. */
typedef struct loaded {
	cw_folder f;
	cw_diags d;
	cw_error err;
} loaded;

/* Load dir (the scratch folder if NULL) with options o; returns the
** loader's code.  unload() frees what it filled, also after a failure. */
static int load(loaded *l, const char *dir, const cw_folder_options *o)
{
	cw_diags none = CW_DIAGS_INIT;

	l->d = none;
	memset(&l->err, 0, sizeof(l->err));
	return cw_folder_load(&l->f, dir ? dir : unit_tmp, o, &l->d,
			      &l->err);
}

static void unload(loaded *l)
{
	cw_folder_free(&l->f);
	cw_diags_free(&l->d);
}

static int has_code(const cw_diags *d, const char *code)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		if (strcmp(d->items[i].code, code) == 0)
			return 1;
	return 0;
}

/* ---- the fixtures ---- */

/* The drizzle-kit 0.31 example: tags, sizes, piece counts, and hashes
** read back from __drizzle_migrations after the real drizzle-orm 0.45.4
** migrator ran the folder (equal to sha256sum: valid UTF-8). */
static const struct {
	const char *tag;
	size_t size, n_pieces;
	const char *hash;
} example[] = {
	{"0000_init", 469, 3, "53374c23d8968d895b6215c277b285dd"
	 "96674a022d52ef26cb8ace848ca05d91"},
	{"0001_recreate_users", 731, 9, "a71411c57d5196eb7756c70a3c08454c"
	 "a41ee67b7d9763ea773af227772daf67"},
	{"0002_constraints", 1266, 10, "2c326cd701802ae439508df381a67573"
	 "00d546c4f316dde0805f547c1c1a38a6"},
	{"0003_seed", 219, 2, "8f7ec5920f8a49cb35e175ac6380fdc6"
	 "5c8111dd0e91df6ab8332a9330fe065a"},
};

START_TEST(test_drizzle_kit_example)
{
	char dir[1024], want[1100];
	loaded l;
	const cw_migration *m;
	size_t k;

	unit_fixture(dir, sizeof(dir), "examples/drizzle-kit-0.31");
	ck_assert_int_eq(load(&l, dir, NULL), 0);
	ck_assert_int_eq(l.err.code, 0);
	ck_assert_uint_eq(l.d.n, 0);
	ck_assert_str_eq(l.f.dir, dir);
	ck_assert_uint_eq(l.f.n_migrations, 4);
	for (k = 0; k < 4; k++) {
		m = &l.f.migrations[k];
		ck_assert_ptr_eq(m->entry, &l.f.journal.entries[k]);
		ck_assert_str_eq(m->entry->tag, example[k].tag);
		snprintf(want, sizeof(want), "%s/%s.sql", dir, example[k].tag);
		ck_assert_str_eq(m->path, want);
		ck_assert_int_eq(m->load_rc, 0);
		ck_assert_uint_eq(m->raw.len, example[k].size);
		ck_assert_uint_eq(m->text.len, m->raw.len);
		ck_assert_mem_eq(m->text.data, m->raw.data, m->raw.len);
		ck_assert_uint_eq(m->n_replaced, 0);
		ck_assert_uint_eq(m->n_crlf, 0);
		ck_assert_uint_eq(m->pieces.n, example[k].n_pieces);
		ck_assert_str_eq(m->hashes.drizzle, example[k].hash);
		ck_assert_str_eq(m->hashes.raw, example[k].hash);
		ck_assert_str_eq(m->hashes.lf, example[k].hash);
	}
	/* Pieces point into text and cover it, markers excepted. */
	m = &l.f.migrations[0];
	ck_assert_uint_eq(m->pieces.items[0].offset, 0);
	ck_assert_int_eq(m->pieces.items[1].line, 9);
	ck_assert_int_eq(m->pieces.items[2].line, 10);
	ck_assert_uint_eq(m->pieces.items[2].offset + m->pieces.items[2].len,
			  m->text.len);
	unload(&l);
	ck_assert_ptr_null(l.f.migrations);
	cw_folder_free(NULL);
}
END_TEST

/* The bundled codewalkers history (36 migrations, drizzle-kit 0.31.11):
** first and last hashes as the real drizzle-orm 0.45.4 stored them. */
START_TEST(test_bundled_fixture)
{
	char dir[1024];
	loaded l;
	size_t k;

	unit_fixture(dir, sizeof(dir), "codewalkers/apps/server/drizzle");
	ck_assert_msg(load(&l, dir, NULL) == 0, "%s", l.err.message);
	ck_assert_uint_eq(l.d.n, 0);
	ck_assert_uint_eq(l.f.n_migrations, 36);
	ck_assert_str_eq(l.f.migrations[0].entry->tag, "0000_initial_schema");
	ck_assert_str_eq(l.f.migrations[0].hashes.drizzle,
			 "8e418f1a25bb67ef4e60ecf40e7548b6"
			 "960af7f0653358023bb9c23c161cc4d5");
	ck_assert_str_eq(l.f.migrations[35].entry->tag, "0035_tasks_summary");
	ck_assert_str_eq(l.f.migrations[35].hashes.drizzle,
			 "dc36b4e4f7b96a9b5b67cc7d6dc6ed83"
			 "b6a8bbeeca91496b7a709d292fd8cfd9");
	for (k = 0; k < l.f.n_migrations; k++) {
		const cw_migration *m = &l.f.migrations[k];
		ck_assert_int_eq(m->load_rc, 0);
		ck_assert_uint_eq(m->n_replaced, 0);
		ck_assert_str_eq(m->hashes.drizzle, m->hashes.raw);
		ck_assert_uint_ge(m->pieces.n, 1);
	}
	unload(&l);
}
END_TEST

/* CRLF, invalid UTF-8 and a BOM; hashes from the real drizzle run
** (drizzle) and Node's crypto (raw, lf). */
START_TEST(test_encodings)
{
	char dir[1024];
	loaded l;
	const cw_migration *m;

	unit_fixture(dir, sizeof(dir), "unit/encodings");
	ck_assert_int_eq(load(&l, dir, NULL), 0);
	ck_assert_uint_eq(l.f.n_migrations, 3);
	m = &l.f.migrations[0];
	ck_assert_uint_eq(m->n_crlf, 3);
	ck_assert_uint_eq(m->n_replaced, 0);
	ck_assert_str_eq(m->hashes.drizzle, "e4024d4955385c6f132787ee3ca632f4"
			 "99d2119368ef5c984752daca0fdcc139");
	ck_assert_str_eq(m->hashes.raw, m->hashes.drizzle);
	ck_assert_str_eq(m->hashes.lf, "394b2d7c46198e0e3f124a93301d9bf3"
			 "20a17bb94c80539d6586c318afc5000b");
	ck_assert_uint_eq(m->pieces.n, 2);
	ck_assert_mem_eq(m->text.data + m->pieces.items[1].offset,
			 "\r\nINSERT", 8);
	m = &l.f.migrations[1];
	ck_assert_uint_eq(m->n_crlf, 1);
	ck_assert_uint_eq(m->n_replaced, 3);
	ck_assert_uint_eq(m->text.len, m->raw.len - 3 + 9);
	ck_assert_ptr_nonnull(memmem(m->text.data, m->text.len,
				     "('\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD')",
				     13));
	ck_assert_str_eq(m->hashes.drizzle, "39fdf12395bbf02b7f7c247cbb508c45"
			 "e96b1f6d000f8fbb3268da0b2488be97");
	ck_assert_str_eq(m->hashes.raw, "8fc1af9e4b5f63e546da297478f95a09"
			 "4b21f39ad7cb23c18a33b6d32b97dbf3");
	ck_assert_str_eq(m->hashes.lf, "17fa46048b6f4c0bb7d356f4317129e8"
			 "1731505fd4bc0163b9d056e1dac7aa92");
	m = &l.f.migrations[2];
	ck_assert_mem_eq(m->text.data, "\xEF\xBB\xBF" "CREATE", 9);
	ck_assert_str_eq(m->hashes.drizzle, "d1b67f80c8a14b5044532e9c88190271"
			 "c2b770c35259b326eb0640a6f5d3acf0");
	ck_assert_str_eq(m->hashes.lf, m->hashes.drizzle);
	ck_assert_uint_eq(l.d.n, 0);
	unload(&l);
}
END_TEST

START_TEST(test_missing_file_required)
{
	char dir[1024];
	loaded l;
	cw_folder_options o = CW_FOLDER_OPTIONS_INIT;

	ck_assert_int_eq(o.require_complete, 1);
	unit_fixture(dir, sizeof(dir), "unit/missing");
	ck_assert_int_eq(load(&l, dir, &o), CW_ENOTFOUND);
	ck_assert_int_eq(l.err.code, CW_ENOTFOUND);
	ck_assert_str_eq(l.err.diag, "J009");
	ck_assert(unit_ends_with(l.err.path, "/unit/missing/0001_gone.sql"));
	ck_assert_ptr_nonnull(strstr(l.err.message, "0001_gone"));
	ck_assert(has_code(&l.d, "J009"));
	ck_assert_int_eq(l.f.migrations[0].load_rc, 0);
	unload(&l);
}
END_TEST

START_TEST(test_missing_file_lenient)
{
	char dir[1024];
	loaded l;
	cw_folder_options o = {0};

	unit_fixture(dir, sizeof(dir), "unit/missing");
	ck_assert_int_eq(load(&l, dir, &o), 0);
	ck_assert_int_eq(l.err.code, 0);
	ck_assert_uint_eq(l.d.n, 1);
	ck_assert_str_eq(l.d.items[0].code, "J009");
	ck_assert(unit_ends_with(l.d.items[0].file, "/0001_gone.sql"));
	ck_assert_ptr_nonnull(strstr(l.d.items[0].message, "entries[1]"));
	ck_assert_int_eq(l.f.migrations[0].load_rc, 0);
	ck_assert_str_eq(l.f.migrations[0].hashes.drizzle,
			 "d89afa701da71c81c35b234f040ec570"
			 "c47f1ef405559e016be5780cae90ddf7");
	ck_assert_int_eq(l.f.migrations[1].load_rc, CW_ENOTFOUND);
	ck_assert_ptr_null(l.f.migrations[1].raw.data);
	unload(&l);
}
END_TEST

/* "../outside" names a file that exists (drizzle would run it); cw
** refuses it without ever looking at it. */
START_TEST(test_unsafe_tag_not_opened)
{
	char dir[1024], outside[1024];
	loaded l;
	cw_folder_options o = {0};
	struct stat st;

	unit_fixture(outside, sizeof(outside), "unit/unsafe/outside.sql");
	ck_assert_int_eq(stat(outside, &st), 0);
	n_touched = 0;
	unit_fixture(dir, sizeof(dir), "unit/unsafe/inner");
	ck_assert_int_eq(load(&l, dir, &o), 0);
	ck_assert(was_touched("0000_ok.sql"));
	ck_assert_msg(!was_touched("outside"), "outside.sql was looked at");
	ck_assert_uint_eq(l.d.n, 1);
	ck_assert_str_eq(l.d.items[0].code, "J011");
	ck_assert_int_eq(l.d.items[0].line, 16);
	ck_assert_int_eq(l.f.migrations[1].load_rc, CW_EINVAL);
	ck_assert_ptr_null(l.f.migrations[1].path);
	ck_assert_ptr_null(l.f.migrations[1].raw.data);
	ck_assert_int_eq(l.f.migrations[0].load_rc, 0);
	ck_assert_int_eq(l.f.journal.is_usable, 0);
	unload(&l);
}
END_TEST

START_TEST(test_unsafe_tag_required)
{
	char dir[1024];
	loaded l;

	n_touched = 0;
	unit_fixture(dir, sizeof(dir), "unit/unsafe/inner");
	ck_assert_int_eq(load(&l, dir, NULL), CW_EINVAL);
	ck_assert_str_eq(l.err.diag, "J011");
	ck_assert_int_eq(l.err.line, 16);
	ck_assert(unit_ends_with(l.err.path, "/meta/_journal.json"));
	ck_assert_ptr_nonnull(strstr(l.err.message, "entries[1]"));
	ck_assert(!was_touched("outside"));
	unload(&l);
}
END_TEST

/* ---- generated folders ---- */

/* Checked-fixture setup: a scratch folder with an empty meta/. */
static void make_tmp(void)
{
	unit_tmp_make("folder");
	unit_mkdir("meta", 0700);
}

/* A journal of one runnable entry with this tag. */
static void put_one_entry(const char *tag)
{
	char text[256];

	snprintf(text, sizeof(text), "{\"entries\": [{\"idx\": 0, "
		 "\"version\": \"6\", \"when\": 1, \"tag\": \"%s\", "
		 "\"breakpoints\": true}]}", tag);
	unit_put("meta/_journal.json", text);
}

/* A tag with a '/' and a file at that path: refused as well. */
START_TEST(test_subfolder_tag_not_opened)
{
	loaded l;
	cw_folder_options o = {0};

	unit_mkdir("sub", 0700);
	unit_put("sub/0000_a.sql", "CREATE TABLE a(x);");
	put_one_entry("sub/0000_a");
	n_touched = 0;
	ck_assert_int_eq(load(&l, NULL, &o), 0);
	ck_assert(!was_touched("0000_a.sql"));
	ck_assert(has_code(&l.d, "J011"));
	unload(&l);
}
END_TEST

/* Journals a required load refuses: the error, the same code among the
** findings, and what is left of the folder. */
static const struct {
	const char *journal;   /* NULL: there is none */
	int rc;
	const char *diag;
	int line;              /* -1: not checked */
	const char *message;   /* in err.message unless NULL */
	size_t n_migrations;
	int has_path;          /* the first migration's path is set */
} refused[] = {
	{NULL, CW_ENOTFOUND, "J001", -1, NULL, 0, 0},
	{"{\"entries\": [\n,]}", CW_EINVAL, "J002", 2, NULL, 0, 0},
	/* Entries drizzle cannot run: no numeric when, no tag. */
	{"{\"entries\": [\n{\"idx\": 0, \"version\": \"6\", \"when\": \"1\", "
	 "\"tag\": \"0000_a\", \"breakpoints\": true}\n]}",
	 CW_EINVAL, "J003", 2, "no numeric when", 1, 1},
	{"{\"entries\": [\n\n{\"idx\": 0, \"version\": \"6\", \"when\": 1, "
	 "\"breakpoints\": true}\n]}",
	 CW_EINVAL, "J003", 3, "no string tag", 1, 0},
};

START_TEST(test_journal_refused)
{
	loaded l;

	unit_put("0000_a.sql", "CREATE TABLE a(x);");
	if (refused[_i].journal)
		unit_put("meta/_journal.json", refused[_i].journal);
	ck_assert_int_eq(load(&l, NULL, NULL), refused[_i].rc);
	ck_assert_str_eq(l.err.diag, refused[_i].diag);
	if (refused[_i].line >= 0)
		ck_assert_int_eq(l.err.line, refused[_i].line);
	if (refused[_i].message)
		ck_assert_ptr_nonnull(strstr(l.err.message,
					     refused[_i].message));
	ck_assert(has_code(&l.d, refused[_i].diag));
	ck_assert_uint_eq(l.f.n_migrations, refused[_i].n_migrations);
	if (refused[_i].n_migrations > 0)
		ck_assert_int_eq(l.f.migrations[0].path != NULL,
				 refused[_i].has_path);
	unload(&l);
}
END_TEST

/* A journal that is only refused when required: leniently the entry is
** still loaded. */
START_TEST(test_when_not_a_number_lenient)
{
	loaded l;
	cw_folder_options o = {0};

	unit_put("0000_a.sql", "CREATE TABLE a(x);");
	unit_put("meta/_journal.json", refused[2].journal);
	ck_assert_int_eq(load(&l, NULL, &o), 0);
	ck_assert_int_eq(l.f.migrations[0].load_rc, 0);
	unload(&l);
}
END_TEST

/* A .sql path that is a directory: S006, CW_EIO when required. */
START_TEST(test_unreadable_file)
{
	loaded l;
	cw_folder_options o = {0};
	char p[256];

	unit_mkdir("0000_a.sql", 0700);
	put_one_entry("0000_a");
	ck_assert_int_eq(load(&l, NULL, &o), 0);
	ck_assert_int_eq(l.f.migrations[0].load_rc, CW_EIO);
	ck_assert_uint_eq(l.d.n, 1);
	ck_assert_str_eq(l.d.items[0].code, "S006");
	ck_assert_ptr_nonnull(strstr(l.d.items[0].message,
				     "not a regular file"));
	unload(&l);
	ck_assert_int_eq(load(&l, NULL, NULL), CW_EIO);
	ck_assert_str_eq(l.err.diag, "S006");
	ck_assert_str_eq(l.err.path, unit_path(p, sizeof(p), "0000_a.sql"));
	unload(&l);
}
END_TEST

/* Array order wins over idx and when; breakpoints:false still splits;
** a file the journal does not list is not read. */
START_TEST(test_order_and_split)
{
	loaded l;

	unit_put("0001_b.sql", "SELECT 1;--> statement-breakpoint\nSELECT 2;");
	unit_put("0000_a.sql", "SELECT 3;");
	unit_put("0002_orphan.sql", "SELECT 4;");
	unit_put("meta/_journal.json",
		 "{\"entries\": ["
		 "{\"idx\": 1, \"version\": \"6\", \"when\": 2, "
		 "\"tag\": \"0001_b\", \"breakpoints\": false},"
		 "{\"idx\": 0, \"version\": \"6\", \"when\": 1, "
		 "\"tag\": \"0000_a\", \"breakpoints\": true}]}");
	n_touched = 0;
	ck_assert_int_eq(load(&l, NULL, NULL), 0);
	ck_assert_uint_eq(l.f.n_migrations, 2);
	ck_assert_str_eq(l.f.migrations[0].entry->tag, "0001_b");
	ck_assert_uint_eq(l.f.migrations[0].pieces.n, 2);
	ck_assert_str_eq(l.f.migrations[1].entry->tag, "0000_a");
	ck_assert_uint_eq(l.f.migrations[1].pieces.n, 1);
	ck_assert(!was_touched("orphan"));
	ck_assert_uint_eq(l.d.n, 0);
	unload(&l);
}
END_TEST

START_TEST(test_empty_journal)
{
	loaded l;

	unit_put("meta/_journal.json", "{\"entries\": []}");
	ck_assert_int_eq(load(&l, NULL, NULL), 0);
	ck_assert_uint_eq(l.f.n_migrations, 0);
	ck_assert_ptr_nonnull(l.f.migrations);
	unload(&l);
}
END_TEST

/* J016: a .sql file linked to a folder whose name merely starts with the
** migrations folder's is outside it; a link to a sibling file inside is
** not; "/" holds everything.  drizzle reads the outside file through, so
** it still loads. */
START_TEST(test_symlink_outside)
{
	char sib[96], target[160], link[160], inside[160], *got = NULL;
	cw_error err = {0};
	loaded l;
	size_t i, n_j016 = 0;

	snprintf(sib, sizeof(sib), "%s2", unit_tmp);
	ck_assert_int_eq(mkdir(sib, 0700), 0);
	snprintf(target, sizeof(target), "%s/0000_a.sql", sib);
	ck_assert_int_eq(symlink(target, unit_path(link, sizeof(link),
						   "0000_a.sql")), 0);
	unit_put("0001_b.sql.txt", "CREATE TABLE b(x);\n");
	ck_assert_int_eq(symlink("0001_b.sql.txt", unit_path(inside,
				 sizeof(inside), "0001_b.sql")), 0);
	{
		FILE *f = fopen(target, "w");
		ck_assert_ptr_nonnull(f);
		fputs("CREATE TABLE a(x);\n", f);
		fclose(f);
	}
	unit_put("meta/_journal.json", "{\"dialect\": \"sqlite\", "
		 "\"entries\": [{\"idx\": 0, \"version\": \"6\", "
		 "\"when\": 1, \"tag\": \"0000_a\", \"breakpoints\": "
		 "true}, {\"idx\": 1, \"version\": \"6\", \"when\": 2, "
		 "\"tag\": \"0001_b\", \"breakpoints\": true}]}");

	ck_assert_int_eq(cw_path_outside(link, unit_tmp, &got, &err), 1);
	ck_assert_str_eq(got, target);
	free(got);
	ck_assert_int_eq(cw_path_outside(inside, unit_tmp, &got, &err), 0);
	ck_assert_ptr_null(got);
	ck_assert_int_eq(cw_path_outside(link, "/", &got, &err), 0);
	ck_assert_int_eq(cw_path_outside(link, sib, &got, &err), 0);
	ck_assert_int_eq(cw_path_outside("/nonexistent/x.sql", unit_tmp,
					 &got, &err), 0);

	ck_assert_int_eq(load(&l, NULL, NULL), 0);
	ck_assert_uint_eq(l.f.n_migrations, 2);
	ck_assert_uint_eq(l.f.migrations[0].raw.len, 19);
	for (i = 0; i < l.d.n; i++)
		if (strcmp(l.d.items[i].code, "J016") == 0) {
			n_j016++;
			ck_assert_str_eq(l.d.items[i].file, link);
			ck_assert_ptr_nonnull(strstr(l.d.items[i].message,
						     target));
		}
	ck_assert_uint_eq(n_j016, 1);
	unload(&l);
	unlink(target);
	rmdir(sib);
}
END_TEST

#define N_OF(a) ((int)(sizeof(a) / sizeof((a)[0])))

static Suite *folder_suite(void)
{
	Suite *s = suite_create("folder");
	TCase *tc = tcase_create("fixtures");

	tcase_add_test(tc, test_drizzle_kit_example);
	tcase_add_test(tc, test_bundled_fixture);
	tcase_add_test(tc, test_encodings);
	tcase_add_test(tc, test_missing_file_required);
	tcase_add_test(tc, test_missing_file_lenient);
	tcase_add_test(tc, test_unsafe_tag_not_opened);
	tcase_add_test(tc, test_unsafe_tag_required);
	suite_add_tcase(s, tc);
	tc = tcase_create("generated");
	tcase_add_checked_fixture(tc, make_tmp, unit_tmp_remove);
	tcase_add_test(tc, test_subfolder_tag_not_opened);
	tcase_add_loop_test(tc, test_journal_refused, 0, N_OF(refused));
	tcase_add_test(tc, test_when_not_a_number_lenient);
	tcase_add_test(tc, test_unreadable_file);
	tcase_add_test(tc, test_order_and_split);
	tcase_add_test(tc, test_empty_journal);
	tcase_add_test(tc, test_symlink_outside);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(folder_suite());
}
