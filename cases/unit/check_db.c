/*
** check_db.c - lib/db.c: connections configured like better-sqlite3's
** (foreign keys on, double-quoted strings off, defensive, extended codes,
** busy timeout), refusing non-database files without touching them, and
** in-memory copies that never create or modify the file.
*/
#include "unit_fs.h"
#include "../../lib/db.h"
#include "../../lib/watchdog.h"

/* Checked-fixture setup of the tests that use files. */
static void make_tmp(void)
{
	unit_tmp_make("db");
}

/* One integer from a query. */
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

START_TEST(test_foreign_keys_on)
{
	sqlite3 *db = NULL;
	cw_error err = {0};
	int on = -1;

	ck_assert_int_eq(cw_db_open_memory(&db, &err), 0);
	ck_assert_int_eq(one_int(db, "PRAGMA foreign_keys"), 1);
	ck_assert_int_eq(sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_FKEY, -1,
					   &on), SQLITE_OK);
	ck_assert_int_eq(on, 1);
	/* And enforced. */
	ck_assert_int_eq(cw_db_exec(db, "CREATE TABLE p(id INTEGER PRIMARY "
				    "KEY); CREATE TABLE c(p REFERENCES p(id));",
				    &err), 0);
	ck_assert_int_eq(cw_db_exec(db, "INSERT INTO c VALUES(7)", &err),
			 CW_ESQL);
	ck_assert_str_eq(err.message, "FOREIGN KEY constraint failed");
	sqlite3_close(db);
}
END_TEST

/* Stock SQLite would take "x" for a string; better-sqlite3 does not. */
START_TEST(test_double_quoted_strings_refused)
{
	sqlite3 *db = NULL;
	cw_error err = {0};
	int dml = -1, ddl = -1;

	ck_assert_int_eq(cw_db_open_memory(&db, &err), 0);
	ck_assert_int_eq(cw_db_exec(db, "CREATE TABLE t(a)", &err), 0);
	ck_assert_int_eq(cw_db_exec(db, "INSERT INTO t SELECT \"status\"",
				    &err), CW_ESQL);
	ck_assert_msg(strncmp(err.message, "no such column: ", 16) == 0 &&
		      strstr(err.message, "status"), "%s", err.message);
	cw_error_clear(&err);
	ck_assert_int_eq(cw_db_exec(db, "CREATE TABLE u(a, CHECK(a <> "
				    "\"x\"))", &err), CW_ESQL);
	ck_assert_msg(strncmp(err.message, "no such column: ", 16) == 0,
		      "%s", err.message);
	sqlite3_db_config(db, SQLITE_DBCONFIG_DQS_DML, -1, &dml);
	sqlite3_db_config(db, SQLITE_DBCONFIG_DQS_DDL, -1, &ddl);
	ck_assert_int_eq(dml, 0);
	ck_assert_int_eq(ddl, 0);
	/* Double quotes still name identifiers. */
	ck_assert_int_eq(cw_db_exec(db, "INSERT INTO \"t\"(\"a\") VALUES(1)",
				    &err), 0);
	sqlite3_close(db);
}
END_TEST

START_TEST(test_defensive_on)
{
	sqlite3 *db = NULL;
	cw_error err = {0};
	int on = -1;

	ck_assert_int_eq(cw_db_open_memory(&db, &err), 0);
	ck_assert_int_eq(sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, -1,
					   &on), SQLITE_OK);
	ck_assert_int_eq(on, 1);
	ck_assert_int_eq(cw_db_exec(db, "CREATE TABLE t(a); "
				    "PRAGMA writable_schema=ON;", &err), 0);
	ck_assert_int_eq(cw_db_exec(db, "DELETE FROM sqlite_master", &err),
			 CW_ESQL);
	ck_assert_ptr_nonnull(strstr(err.message, "may not be modified"));
	sqlite3_close(db);
}
END_TEST

START_TEST(test_extended_codes_and_timeout)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	cw_error err = {0};

	ck_assert_int_eq(sqlite3_open(":memory:", &db), SQLITE_OK);
	ck_assert_int_eq(cw_db_configure(db, 1234, &err), 0);
	ck_assert_int_eq(one_int(db, "PRAGMA busy_timeout"), 1234);
	ck_assert_int_eq(one_int(db, "PRAGMA foreign_keys"), 1);
	ck_assert_int_eq(cw_db_exec(db, "CREATE TABLE t(a UNIQUE); "
				    "INSERT INTO t VALUES(1)", &err), 0);
	sqlite3_prepare_v2(db, "INSERT INTO t VALUES(1)", -1, &st, NULL);
	ck_assert_int_eq(sqlite3_step(st), SQLITE_CONSTRAINT_UNIQUE);
	sqlite3_finalize(st);
	sqlite3_close(db);
	ck_assert_int_eq(cw_db_open_memory(&db, &err), 0);
	ck_assert_int_eq(one_int(db, "PRAGMA busy_timeout"),
			 CW_DB_DEFAULT_BUSY_MS);
	sqlite3_close(db);
}
END_TEST

START_TEST(test_open_creates_and_configures)
{
	char p[256];
	sqlite3 *db = NULL;
	cw_error err = {0};
	struct stat st;

	unit_path(p, sizeof(p), "new.db");
	ck_assert_int_eq(cw_db_open(&db, p, 500, &err), 0);
	ck_assert_ptr_nonnull(db);
	ck_assert_int_eq(stat(p, &st), 0);
	ck_assert_int_eq(one_int(db, "PRAGMA busy_timeout"), 500);
	ck_assert_int_eq(one_int(db, "PRAGMA foreign_keys"), 1);
	ck_assert_int_eq(cw_db_exec(db, "CREATE TABLE t(a); INSERT INTO t "
				    "VALUES(1),(2)", &err), 0);
	sqlite3_close(db);
	/* Read-only: rows visible, writes refused, same configuration. */
	ck_assert_int_eq(cw_db_open_readonly(&db, p, &err), 0);
	ck_assert_int_eq(one_int(db, "SELECT count(*) FROM t"), 2);
	ck_assert_int_eq(one_int(db, "PRAGMA foreign_keys"), 1);
	ck_assert_int_eq(cw_db_exec(db, "INSERT INTO t VALUES(3)", &err),
			 CW_ESQL);
	ck_assert_ptr_nonnull(strstr(err.message, "readonly"));
	sqlite3_close(db);
}
END_TEST

/* A file that is not a database is refused and left byte-identical. */
START_TEST(test_open_not_a_database)
{
	static const char text[] = "CREATE TABLE t(x);\nnot a database\n";
	char p[256], big[8192];
	sqlite3 *db = (sqlite3 *)1;
	cw_error err = {0};
	size_t n, i;
	char *after;

	unit_path(p, sizeof(p), "notes.txt");
	unit_put_bytes("notes.txt", text, sizeof(text) - 1);
	ck_assert_int_eq(cw_db_open(&db, p, 100, &err), CW_EINVAL);
	ck_assert_ptr_null(db);
	ck_assert_int_eq(err.code, CW_EINVAL);
	ck_assert_str_eq(err.path, p);
	ck_assert_ptr_nonnull(strstr(err.message, "not a database"));
	after = unit_slurp("notes.txt", &n);
	ck_assert_ptr_nonnull(after);
	ck_assert_uint_eq(n, sizeof(text) - 1);
	ck_assert_mem_eq(after, text, n);
	free(after);
	/* Larger than a page, and through the read-only and copy paths. */
	for (i = 0; i < sizeof(big); i++)
		big[i] = (char)(i * 7 + 3);
	unit_put_bytes("notes.txt", big, sizeof(big));
	cw_error_clear(&err);
	ck_assert_int_eq(cw_db_open(&db, p, 100, &err), CW_EINVAL);
	cw_error_clear(&err);
	ck_assert_int_eq(cw_db_open_readonly(&db, p, &err), CW_EINVAL);
	cw_error_clear(&err);
	ck_assert_int_ne(cw_db_open_memory_copy(&db, p, &err), 0);
	ck_assert_ptr_null(db);
	after = unit_slurp("notes.txt", &n);
	ck_assert_ptr_nonnull(after);
	ck_assert_uint_eq(n, sizeof(big));
	ck_assert_mem_eq(after, big, n);
	free(after);
	/* No journal or WAL file was left beside it. */
	ck_assert_int_ne(access(unit_path(p, sizeof(p), "notes.txt-journal"),
				F_OK), 0);
	ck_assert_int_ne(access(unit_path(p, sizeof(p), "notes.txt-wal"),
				F_OK), 0);
}
END_TEST

START_TEST(test_open_unopenable)
{
	char p[256];
	sqlite3 *db = (sqlite3 *)1;
	cw_error err = {0};

	unit_path(p, sizeof(p), "no/such/dir/x.db");
	ck_assert_int_eq(cw_db_open(&db, p, 100, &err), CW_EIO);
	ck_assert_ptr_null(db);
	ck_assert_ptr_nonnull(strstr(err.message, "cannot open database"));
	ck_assert_int_ne(access(p, F_OK), 0);
}
END_TEST

START_TEST(test_readonly_missing)
{
	char p[256];
	sqlite3 *db = (sqlite3 *)1;
	cw_error err = {0};

	unit_path(p, sizeof(p), "missing.db");
	ck_assert_int_eq(cw_db_open_readonly(&db, p, &err), CW_ENOTFOUND);
	ck_assert_ptr_null(db);
	ck_assert_str_eq(err.path, p);
	ck_assert_int_ne(access(p, F_OK), 0);
}
END_TEST

START_TEST(test_memory_copy_of_missing)
{
	char p[256];
	sqlite3 *db = NULL;
	cw_error err = {0};

	unit_path(p, sizeof(p), "missing.db");
	ck_assert_int_eq(cw_db_open_memory_copy(&db, p, &err), 0);
	ck_assert_ptr_nonnull(db);
	ck_assert_int_eq(one_int(db, "SELECT count(*) FROM sqlite_master"),
			 0);
	ck_assert_int_eq(one_int(db, "PRAGMA foreign_keys"), 1);
	ck_assert_int_eq(cw_db_exec(db, "CREATE TABLE t(a)", &err), 0);
	sqlite3_close(db);
	ck_assert_int_ne(access(p, F_OK), 0);
}
END_TEST

/* The copy has the rows; writing to it leaves the file's bytes alone. */
START_TEST(test_memory_copy_of_real_db)
{
	char p[256];
	sqlite3 *db = NULL;
	cw_error err = {0};
	size_t n0, n1;
	char *before, *after;
	struct stat st0, st1;

	unit_path(p, sizeof(p), "real.db");
	ck_assert_int_eq(cw_db_open(&db, p, 100, &err), 0);
	ck_assert_int_eq(cw_db_exec(db, "CREATE TABLE t(a); INSERT INTO t "
				    "VALUES(1),(2),(3)", &err), 0);
	sqlite3_close(db);
	before = unit_slurp("real.db", &n0);
	ck_assert_ptr_nonnull(before);
	ck_assert_int_eq(stat(p, &st0), 0);
	ck_assert_int_eq(cw_db_open_memory_copy(&db, p, &err), 0);
	ck_assert_int_eq(one_int(db, "SELECT sum(a) FROM t"), 6);
	ck_assert_int_eq(one_int(db, "PRAGMA foreign_keys"), 1);
	ck_assert_int_eq(cw_db_exec(db, "DELETE FROM t; CREATE TABLE u(b)",
				    &err), 0);
	ck_assert_int_eq(one_int(db, "SELECT count(*) FROM t"), 0);
	ck_assert_str_eq((const char *)sqlite3_db_filename(db, "main"), "");
	sqlite3_close(db);
	after = unit_slurp("real.db", &n1);
	ck_assert_ptr_nonnull(after);
	ck_assert_int_eq(stat(p, &st1), 0);
	ck_assert_uint_eq(n0, n1);
	ck_assert_mem_eq(before, after, n0);
	ck_assert_int_eq(st0.st_mtime, st1.st_mtime);
	free(before);
	free(after);
}
END_TEST

START_TEST(test_exec_errors_and_busy)
{
	char p[256];
	sqlite3 *a = NULL, *b = NULL;
	cw_error err = {0};

	ck_assert_int_eq(cw_db_open_memory(&a, &err), 0);
	ck_assert_int_eq(cw_db_exec(a, "SELEC 1", &err), CW_ESQL);
	ck_assert_str_eq(err.message, "near \"SELEC\": syntax error");
	ck_assert_str_eq(err.diag, "");
	sqlite3_close(a);
	unit_path(p, sizeof(p), "busy.db");
	cw_error_clear(&err);
	ck_assert_int_eq(cw_db_open(&a, p, 100, &err), 0);
	ck_assert_int_eq(cw_db_open(&b, p, 50, &err), 0);
	ck_assert_int_eq(cw_db_exec(a, "CREATE TABLE t(x); BEGIN IMMEDIATE; "
				    "INSERT INTO t VALUES(1)", &err), 0);
	ck_assert_int_eq(cw_db_exec(b, "INSERT INTO t VALUES(2)", &err),
			 CW_EBUSY);
	ck_assert_str_eq(err.diag, "R004");
	ck_assert_ptr_nonnull(strstr(err.message, "locked"));
	ck_assert_int_eq(cw_db_exec(a, "COMMIT", NULL), 0);
	ck_assert_int_eq(cw_db_exec(b, "INSERT INTO t VALUES(2)", NULL), 0);
	sqlite3_close(a);
	sqlite3_close(b);
}
END_TEST

/* An exclusive lock held elsewhere: opening reports busy, not corrupt. */
START_TEST(test_open_while_exclusive)
{
	char p[256];
	sqlite3 *a = NULL, *b = (sqlite3 *)1;
	cw_error err = {0};

	unit_path(p, sizeof(p), "excl.db");
	ck_assert_int_eq(cw_db_open(&a, p, 100, &err), 0);
	ck_assert_int_eq(cw_db_exec(a, "CREATE TABLE t(x); BEGIN EXCLUSIVE; "
				    "INSERT INTO t VALUES(1)", &err), 0);
	ck_assert_int_eq(cw_db_open(&b, p, 50, &err), CW_EBUSY);
	ck_assert_ptr_null(b);
	ck_assert_str_eq(err.diag, "R004");
	sqlite3_close(a);
}
END_TEST

/* cw_db_confine: an ATTACH of a file and VACUUM INTO are refused with
** SQLITE_AUTH and create nothing; a private temporary database, an
** in-memory one and a plain VACUUM still work.  A scratch database is
** confined; a database opened with cw_db_open (cw migrate's) is not. */
START_TEST(test_confined)
{
	sqlite3 *db = NULL, *plain = NULL;
	char side[160], into[160], *scratch = NULL, *sql;
	cw_error err = {0};

	unit_path(side, sizeof(side), "side.db");
	unit_path(into, sizeof(into), "into.db");
	ck_assert_int_eq(cw_db_open_scratch(&db, &scratch, unit_tmp, &err), 0);
	sql = sqlite3_mprintf("ATTACH %Q AS side", side);
	ck_assert_int_eq(sqlite3_exec(db, sql, NULL, NULL, NULL) & 0xff,
			 SQLITE_AUTH);
	sqlite3_free(sql);
	ck_assert_int_ne(access(side, F_OK), 0);
	sql = sqlite3_mprintf("VACUUM INTO %Q", into);
	ck_assert_int_eq(sqlite3_exec(db, sql, NULL, NULL, NULL) & 0xff,
			 SQLITE_AUTH);
	sqlite3_free(sql);
	ck_assert_int_ne(access(into, F_OK), 0);
	ck_assert_int_eq(sqlite3_exec(db, "ATTACH '' AS t1; ATTACH ':memory:'"
				      " AS t2; CREATE TABLE t2.x(a); DETACH "
				      "t1; DETACH t2; CREATE TABLE y(a); "
				      "VACUUM", NULL, NULL, NULL), SQLITE_OK);
	cw_db_close_scratch(db, scratch);

	ck_assert_int_eq(cw_db_open_memory(&db, &err), 0);
	sql = sqlite3_mprintf("ATTACH %Q AS side", side);
	ck_assert_int_eq(sqlite3_exec(db, sql, NULL, NULL, NULL) & 0xff,
			 SQLITE_AUTH);
	sqlite3_close(db);
	ck_assert_int_ne(access(side, F_OK), 0);

	unit_path(into, sizeof(into), "plain.db");
	ck_assert_int_eq(cw_db_open(&plain, into, 1000, &err), 0);
	ck_assert_int_eq(sqlite3_exec(plain, sql, NULL, NULL, NULL),
			 SQLITE_OK);
	sqlite3_free(sql);
	sqlite3_close(plain);
	ck_assert_int_eq(access(side, F_OK), 0);
}
END_TEST

/* The watchdog interrupts a statement of a confined connection that runs
** past the limit, and times nothing on a connection that is not confined
** or when there is no limit. */
START_TEST(test_watchdog)
{
	static const char never_ends[] = "WITH RECURSIVE c(x) AS (SELECT 1 "
		"UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c";
	sqlite3 *db = NULL, *plain = NULL;
	sqlite3_stmt *st = NULL;
	char path[160];
	cw_error err = {0};
	int slot;

	ck_assert_int_eq(cw_db_open_memory(&db, &err), 0);
	cw_watchdog_set_limit_ms(200);
	ck_assert_int_eq(cw_watchdog_limit_ms(), 200);
	ck_assert_int_eq(sqlite3_prepare_v2(db, never_ends, -1, &st, NULL),
			 SQLITE_OK);
	slot = cw_watchdog_begin(db);
	ck_assert_int_ge(slot, 0);
	ck_assert_int_eq(sqlite3_step(st), SQLITE_INTERRUPT);
	ck_assert_int_eq(cw_watchdog_end(slot), 1);
	sqlite3_finalize(st);
	/* The connection works again afterwards. */
	ck_assert_int_eq(sqlite3_exec(db, "CREATE TABLE t(x)", NULL, NULL,
				      NULL), SQLITE_OK);
	slot = cw_watchdog_begin(db);
	ck_assert_int_eq(sqlite3_exec(db, "INSERT INTO t VALUES (1)", NULL,
				      NULL, NULL), SQLITE_OK);
	ck_assert_int_eq(cw_watchdog_end(slot), 0);

	unit_path(path, sizeof(path), "plain.db");
	ck_assert_int_eq(cw_db_open(&plain, path, 1000, &err), 0);
	ck_assert_int_eq(cw_watchdog_begin(plain), -1);
	sqlite3_close(plain);
	cw_watchdog_set_limit_ms(0);
	ck_assert_int_eq(cw_watchdog_begin(db), -1);
	cw_watchdog_set_limit_ms(CW_WATCHDOG_DEFAULT_MS);
	sqlite3_close(db);
}
END_TEST

static Suite *db_suite(void)
{
	Suite *s = suite_create("db");
	TCase *tc = tcase_create("configure");

	tcase_add_test(tc, test_foreign_keys_on);
	tcase_add_test(tc, test_double_quoted_strings_refused);
	tcase_add_test(tc, test_defensive_on);
	tcase_add_test(tc, test_extended_codes_and_timeout);
	suite_add_tcase(s, tc);
	tc = tcase_create("files");
	tcase_add_checked_fixture(tc, make_tmp, unit_tmp_remove);
	tcase_add_test(tc, test_open_creates_and_configures);
	tcase_add_test(tc, test_open_not_a_database);
	tcase_add_test(tc, test_open_unopenable);
	tcase_add_test(tc, test_readonly_missing);
	tcase_add_test(tc, test_memory_copy_of_missing);
	tcase_add_test(tc, test_memory_copy_of_real_db);
	tcase_add_test(tc, test_exec_errors_and_busy);
	tcase_add_test(tc, test_open_while_exclusive);
	tcase_add_test(tc, test_confined);
	tcase_add_test(tc, test_watchdog);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(db_suite());
}
