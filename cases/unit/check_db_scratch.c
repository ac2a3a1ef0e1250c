/*
** check_db_scratch.c - lib/db.c beyond the connection settings: scratch
** databases (a private file in the folder asked for, or the system's
** temporary folder; configured like any; removed with their journals on
** close), in-memory copies of files that are not databases, read-only
** connections, identifiers quoted as drizzle quotes them, and where the
** linked SQLite came from.
*/
#include "unit_fs.h"
#include "../../lib/db.h"

static void make_tmp(void)
{
	unit_tmp_make("db_scratch");
}

static long long one_int(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st = NULL;
	long long v;

	ck_assert_int_eq(sqlite3_prepare_v2(db, sql, -1, &st, NULL),
			 SQLITE_OK);
	ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
	v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

static int exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

/* A scratch database in the folder asked for: a real file, configured,
** gone after close with its -wal and -shm. */
START_TEST(test_scratch_in_folder)
{
	sqlite3 *db = NULL;
	char *path = NULL, wal[600], shm[600];
	cw_error err = {0};

	ck_assert_int_eq(cw_db_open_scratch(&db, &path, unit_tmp, &err), 0);
	ck_assert_ptr_nonnull(db);
	ck_assert_int_eq(strncmp(path, unit_tmp, strlen(unit_tmp)), 0);
	ck_assert_ptr_nonnull(strstr(path, "/cw-scratch-"));
	ck_assert(exists(path));
	ck_assert_int_eq(one_int(db, "PRAGMA foreign_keys"), 1);
	ck_assert_int_eq(cw_db_exec(db, "PRAGMA journal_mode=WAL; CREATE "
				    "TABLE t(x); INSERT INTO t VALUES(1)",
				    &err), 0);
	snprintf(wal, sizeof(wal), "%s-wal", path);
	snprintf(shm, sizeof(shm), "%s-shm", path);
	ck_assert(exists(wal));
	ck_assert(exists(shm));
	/* A file database: journal modes work as on production's file. */
	ck_assert_int_eq(one_int(db, "SELECT count(*) FROM t"), 1);
	cw_db_close_scratch(db, path);
	/* path is freed: check the names kept. */
	ck_assert(!exists(wal));
	ck_assert(!exists(shm));
	wal[strlen(wal) - 4] = '\0';
	ck_assert(!exists(wal));
}
END_TEST

/* No folder named: the system's temporary folder. */
START_TEST(test_scratch_default_folder)
{
	static const char *const dirs[] = {NULL, ""};
	sqlite3 *db = NULL;
	char *path = NULL, kept[600];
	cw_error err = {0};
	size_t i;

	for (i = 0; i < 2; i++) {
		ck_assert_int_eq(cw_db_open_scratch(&db, &path, dirs[i], &err),
				 0);
		ck_assert_int_eq(strncmp(path, P_tmpdir "/cw-scratch-",
					 strlen(P_tmpdir "/cw-scratch-")), 0);
		snprintf(kept, sizeof(kept), "%s", path);
		ck_assert(exists(kept));
		cw_db_close_scratch(db, path);
		ck_assert(!exists(kept));
	}
	/* Closing with no path closes only. */
	ck_assert_int_eq(cw_db_open_memory(&db, &err), 0);
	cw_db_close_scratch(db, NULL);
}
END_TEST

START_TEST(test_scratch_folder_missing)
{
	sqlite3 *db = (sqlite3 *)1;
	char *path = (char *)"x", dir[512];
	cw_error err = {0};

	unit_path(dir, sizeof(dir), "no-such-folder");
	ck_assert_int_eq(cw_db_open_scratch(&db, &path, dir, &err), CW_EIO);
	ck_assert_ptr_null(db);
	ck_assert_ptr_null(path);
	ck_assert_ptr_nonnull(strstr(err.message, "cannot create a scratch "
				     "database in "));
	ck_assert_ptr_nonnull(strstr(err.message, "no-such-folder: No such "
				     "file or directory"));
}
END_TEST

/* A file that is not a database cannot be copied into memory: refused,
** untouched. */
START_TEST(test_memory_copy_refused)
{
	static const char text[] = "not a database at all, just some text "
				   "long enough to look like a header........"
				   "........................................\n";
	sqlite3 *db = (sqlite3 *)1;
	cw_error err = {0};
	char p[512], *back;
	size_t n;

	unit_put("notes.db", text);
	unit_path(p, sizeof(p), "notes.db");
	ck_assert_int_eq(cw_db_open_memory_copy(&db, p, &err), CW_EINVAL);
	ck_assert_ptr_null(db);
	ck_assert_str_eq(err.diag, "R005");
	ck_assert_str_eq(err.path, p);
	back = unit_slurp("notes.db", &n);
	ck_assert_uint_eq(n, sizeof(text) - 1);
	ck_assert_mem_eq(back, text, n);
	free(back);
	/* A folder is not a database either. */
	unit_mkdir("adir", 0755);
	cw_error_clear(&err);
	ck_assert_int_ne(cw_db_open_memory_copy(&db, unit_path(p, sizeof(p),
				"adir"), &err), 0);
	ck_assert_ptr_null(db);
	ck_assert_str_eq(err.diag, "R005");
}
END_TEST

/* Read-only connections read and never write. */
START_TEST(test_readonly)
{
	sqlite3 *db = NULL, *ro = NULL;
	cw_error err = {0};
	char p[512];

	unit_path(p, sizeof(p), "r.db");
	ck_assert_int_eq(cw_db_open(&db, p, 100, &err), 0);
	ck_assert_int_eq(cw_db_exec(db, "CREATE TABLE t(x); INSERT INTO t "
				    "VALUES(7)", &err), 0);
	sqlite3_close(db);
	ck_assert_int_eq(cw_db_open_readonly(&ro, p, &err), 0);
	ck_assert_int_eq(one_int(ro, "SELECT x FROM t"), 7);
	ck_assert_int_eq(one_int(ro, "PRAGMA foreign_keys"), 1);
	ck_assert_int_eq(cw_db_exec(ro, "INSERT INTO t VALUES(8)", &err),
			 CW_ESQL);
	ck_assert_str_eq(err.message, "attempt to write a readonly database");
	sqlite3_close(ro);
}
END_TEST

START_TEST(test_quote_ident)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{"t", "\"t\""}, {"", "\"\""}, {"a\"b", "\"a\"\"b\""},
		{"\"\"", "\"\"\"\"\"\""}, {"my table", "\"my table\""},
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		char *q = cw_db_quote_ident(cases[i].in);
		ck_assert_str_eq(q, cases[i].out);
		free(q);
	}
}
END_TEST

/* The linked SQLite is better-sqlite3's, and says which release. */
START_TEST(test_sqlite_origin)
{
	const char *o = cw_db_sqlite_origin();

	ck_assert_int_eq(strncmp(o, "better-sqlite3 ", 15), 0);
	ck_assert_ptr_nonnull(strstr(o, "deps/sqlite3/sqlite3.c"));
}
END_TEST

static Suite *db_scratch_suite(void)
{
	Suite *s = suite_create("db_scratch");
	TCase *tc = tcase_create("scratch");

	tcase_add_checked_fixture(tc, make_tmp, unit_tmp_remove);
	tcase_add_test(tc, test_scratch_in_folder);
	tcase_add_test(tc, test_scratch_default_folder);
	tcase_add_test(tc, test_scratch_folder_missing);
	tcase_add_test(tc, test_memory_copy_refused);
	tcase_add_test(tc, test_readonly);
	tcase_add_test(tc, test_quote_ident);
	tcase_add_test(tc, test_sqlite_origin);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(db_scratch_suite());
}
