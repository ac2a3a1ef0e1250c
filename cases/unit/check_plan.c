/*
** check_plan.c - lib/plan.c, the migrator's decision read from its table
** (spec/drizzle-semantics.md section 2, step 4): no table means all
** pending; rows are matched to files by each hash variant (drizzle, raw
** bytes, CRLF -> LF) or, for an edited file, by the exact `when`; entries
** at or below the high-water mark with no row are skipped forever; the
** high-water mark is Number() of whatever created_at holds, NULL, TEXT or
** REAL; a table of the wrong shape is an error; any table name works.
*/
#include "unit_migrate.h"
#include "../../lib/plan.h"

#include <math.h>

static void make_tmp(void)
{
	unit_tmp_make("plan");
}

/* An in-memory database holding `sql` (drizzle's table, usually). */
static sqlite3 *mem_db(const char *sql)
{
	sqlite3 *db = NULL;
	cw_error err = {0};

	ck_assert_int_eq(cw_db_open_memory(&db, &err), 0);
	if (sql)
		ck_assert_msg(cw_db_exec(db, sql, &err) == 0, "%s",
			      err.message);
	return db;
}

/* One row of drizzle's table; created_at is SQL text ("1000", "NULL",
** "'abc'"). */
static void add_row(sqlite3 *db, const char *hash, const char *created_at)
{
	char *sql = sqlite3_mprintf("INSERT INTO __drizzle_migrations "
				    "(hash, created_at) VALUES(%Q, %s)", hash,
				    created_at);
	cw_error err = {0};

	ck_assert_ptr_nonnull(sql);
	ck_assert_msg(cw_db_exec(db, sql, &err) == 0, "%s", err.message);
	sqlite3_free(sql);
}

static void read_ok(cw_plan *p, sqlite3 *db, const cw_folder *f,
		    const char *table)
{
	cw_error err = {0};

	ck_assert_msg(cw_plan_read(p, db, f, table, &err) == 0, "%s",
		      err.message);
}

/* Five entries: a CRLF file (its drizzle hash is its raw one, its LF hash
** differs), a file with an invalid UTF-8 byte (drizzle hash differs from
** raw), one never applied, a plain one, and a new one. */
static const mig variants[] = {
	{"0000_crlf", "1000",
	 "CREATE TABLE a(x);\r\n--> statement-breakpoint\r\n"
	 "CREATE TABLE a2(x);\r\n"},
	{"0001_latin1", "2000", "CREATE TABLE b(x); -- caf\xe9\n"},
	{"0002_lost", "2500", "CREATE TABLE lost(x);"},
	{"0003_plain", "3000", "CREATE TABLE c(x);"},
	{"0004_new", "4000", "CREATE TABLE d(x);"},
};

START_TEST(test_no_table)
{
	cw_folder f;
	cw_plan p;
	sqlite3 *db = mem_db(NULL);
	char dir[256];
	size_t k;

	load(&f, write_folder(dir, sizeof(dir), "v", variants, 5));
	read_ok(&p, db, &f, NULL);
	ck_assert_int_eq(p.table_exists, 0);
	ck_assert_int_eq(p.has_high_water, 0);
	ck_assert_uint_eq(p.n_rows, 0);
	ck_assert_uint_eq(p.n_entries, 5);
	ck_assert_uint_eq(p.n_pending, 5);
	for (k = 0; k < 5; k++) {
		ck_assert_int_eq(p.entries[k].status, CW_MIG_PENDING);
		ck_assert_int_eq(p.entries[k].matched, CW_HASH_NONE);
		ck_assert_uint_eq(p.entries[k].row, (size_t)-1);
	}
	cw_plan_free(&p);
	/* An empty table: the same. */
	ck_assert_int_eq(cw_db_exec(db, TABLE_SQL, NULL), 0);
	read_ok(&p, db, &f, NULL);
	ck_assert_int_eq(p.table_exists, 1);
	ck_assert_int_eq(p.has_high_water, 0);
	ck_assert_uint_eq(p.n_pending, 5);
	cw_plan_free(&p);
	cw_plan_free(&p);
	cw_plan_free(NULL);
	sqlite3_close(db);
	cw_folder_free(&f);
}
END_TEST

START_TEST(test_hash_variants)
{
	cw_folder f;
	cw_plan p;
	sqlite3 *db = mem_db(TABLE_SQL);
	const cw_hashes *h0, *h1, *h3;
	char dir[256];

	load(&f, write_folder(dir, sizeof(dir), "v", variants, 5));
	h0 = &f.migrations[0].hashes;
	h1 = &f.migrations[1].hashes;
	h3 = &f.migrations[3].hashes;
	/* The folder is what the test needs: the variants differ. */
	ck_assert_str_eq(h0->drizzle, h0->raw);
	ck_assert_str_ne(h0->drizzle, h0->lf);
	ck_assert_str_ne(h1->drizzle, h1->raw);
	ck_assert_str_eq(h1->drizzle, h1->lf);
	add_row(db, h0->lf, "1000");
	add_row(db, h1->raw, "2000");
	add_row(db, h3->drizzle, "3000");
	read_ok(&p, db, &f, NULL);
	ck_assert_uint_eq(p.n_rows, 3);
	/* Newest first, as drizzle reads them. */
	ck_assert_str_eq(p.rows[0].hash, h3->drizzle);
	ck_assert(p.rows[0].created_at == 3000.0);
	ck_assert_int_eq(p.rows[0].created_at_type, SQLITE_INTEGER);
	ck_assert(p.rows[2].created_at == 1000.0);
	ck_assert_int_eq(p.has_high_water, 1);
	ck_assert(p.high_water == 3000.0);
	ck_assert_int_eq(p.entries[0].status, CW_MIG_ALREADY_APPLIED);
	ck_assert_int_eq(p.entries[0].matched, CW_HASH_LF);
	ck_assert_uint_eq(p.entries[0].row, 2);
	ck_assert_int_eq(p.entries[1].status, CW_MIG_ALREADY_APPLIED);
	ck_assert_int_eq(p.entries[1].matched, CW_HASH_RAW);
	ck_assert_uint_eq(p.entries[1].row, 1);
	/* At or below the mark with no row: skipped forever. */
	ck_assert_int_eq(p.entries[2].status, CW_MIG_SKIPPED);
	ck_assert_int_eq(p.entries[2].matched, CW_HASH_NONE);
	ck_assert_uint_eq(p.entries[2].row, (size_t)-1);
	ck_assert_int_eq(p.entries[3].status, CW_MIG_ALREADY_APPLIED);
	ck_assert_int_eq(p.entries[3].matched, CW_HASH_DRIZZLE);
	ck_assert_uint_eq(p.entries[3].row, 0);
	ck_assert_int_eq(p.entries[4].status, CW_MIG_PENDING);
	ck_assert_uint_eq(p.n_pending, 1);
	ck_assert_uint_eq(p.n_already, 3);
	ck_assert_uint_eq(p.n_skipped, 1);
	cw_plan_free(&p);
	/* A row with the drizzle hash of the CRLF file: drizzle's variant
	** is named first. */
	ck_assert_int_eq(cw_db_exec(db, "DELETE FROM __drizzle_migrations",
				    NULL), 0);
	add_row(db, h0->raw, "1000");
	read_ok(&p, db, &f, NULL);
	ck_assert_int_eq(p.entries[0].matched, CW_HASH_DRIZZLE);
	ck_assert_uint_eq(p.n_pending, 4);
	cw_plan_free(&p);
	sqlite3_close(db);
	cw_folder_free(&f);
}
END_TEST

/* A row with an entry's exact `when` and a hash no file has: the file was
** edited after it was applied.  A row of another entry with the same
** `when` is not that: the entry is skipped. */
START_TEST(test_edited_and_same_when)
{
	static const mig m[] = {
		{"0000_a", "1000", "CREATE TABLE a(x);"},
		{"0001_twin", "1000", "CREATE TABLE twin(x);"},
		{"0002_b", "2000", "CREATE TABLE b(x);"},
		{"0003_c", "3000", "CREATE TABLE c(x);"},
	};
	cw_folder f;
	cw_plan p;
	sqlite3 *db = mem_db(TABLE_SQL);
	char dir[256];

	load(&f, write_folder(dir, sizeof(dir), "e", m, 4));
	add_row(db, f.migrations[0].hashes.drizzle, "1000");
	add_row(db, "0123abcd", "1500");
	add_row(db, "fedc3210", "2000");
	add_row(db, f.migrations[3].hashes.drizzle, "3000");
	read_ok(&p, db, &f, NULL);
	ck_assert_int_eq(p.entries[0].matched, CW_HASH_DRIZZLE);
	ck_assert_int_eq(p.entries[1].status, CW_MIG_SKIPPED);
	ck_assert_int_eq(p.entries[2].status, CW_MIG_ALREADY_APPLIED);
	ck_assert_int_eq(p.entries[2].matched, CW_HASH_EDITED);
	ck_assert_str_eq(p.rows[p.entries[2].row].hash, "fedc3210");
	ck_assert_int_eq(p.entries[3].matched, CW_HASH_DRIZZLE);
	ck_assert_uint_eq(p.n_already, 3);
	ck_assert_uint_eq(p.n_skipped, 1);
	ck_assert_uint_eq(p.n_pending, 0);
	cw_plan_free(&p);
	sqlite3_close(db);
	cw_folder_free(&f);
}
END_TEST

/* An entry whose file is missing (a lenient load) matches by its `when`
** only; it never matches by hash and its hashes mark no row as known. */
START_TEST(test_unloaded_entry)
{
	static const mig m[] = {
		{"0000_a", "1000", "CREATE TABLE a(x);"},
		{"0001_gone", "2000", "CREATE TABLE gone(x);"},
	};
	cw_folder_options lenient = {0};
	cw_diags d = CW_DIAGS_INIT;
	cw_error err = {0};
	cw_folder f;
	cw_plan p;
	sqlite3 *db = mem_db(TABLE_SQL);
	char dir[256], path[512];

	write_folder(dir, sizeof(dir), "u", m, 2);
	ck_assert_int_eq(unlink(unit_path(path, sizeof(path),
					  "u/0001_gone.sql")), 0);
	ck_assert_int_eq(cw_folder_load(&f, dir, &lenient, &d, &err), 0);
	ck_assert_int_ne(f.migrations[1].load_rc, 0);
	add_row(db, "0badcafe", "2000");
	read_ok(&p, db, &f, NULL);
	ck_assert_int_eq(p.entries[0].status, CW_MIG_SKIPPED);
	ck_assert_int_eq(p.entries[1].status, CW_MIG_ALREADY_APPLIED);
	ck_assert_int_eq(p.entries[1].matched, CW_HASH_EDITED);
	cw_plan_free(&p);
	sqlite3_close(db);
	cw_folder_free(&f);
	cw_diags_free(&d);
}
END_TEST

/* created_at as drizzle reads it: Number(value) of the row ORDER BY
** created_at DESC puts first, whatever its storage class. */
START_TEST(test_created_at_classes)
{
	static const mig m[] = {
		{"0000_a", "1000", "CREATE TABLE a(x);"},
		{"0001_b", "2000", "CREATE TABLE b(x);"},
	};
	cw_folder f;
	cw_plan p;
	sqlite3 *db = mem_db(TABLE_SQL);
	char dir[256];

	load(&f, write_folder(dir, sizeof(dir), "c", m, 2));
	/* NULL is Number(null) = 0: everything is above it. */
	add_row(db, "aa", "NULL");
	read_ok(&p, db, &f, NULL);
	ck_assert_int_eq(p.has_high_water, 1);
	ck_assert(p.high_water == 0.0);
	ck_assert_int_eq(p.rows[0].created_at_type, SQLITE_NULL);
	ck_assert_uint_eq(p.n_pending, 2);
	cw_plan_free(&p);
	/* REAL above an INTEGER. */
	add_row(db, "bb", "1500.5");
	read_ok(&p, db, &f, NULL);
	ck_assert(p.high_water == 1500.5);
	ck_assert_int_eq(p.rows[0].created_at_type, SQLITE_FLOAT);
	ck_assert_uint_eq(p.n_rows, 2);
	ck_assert_int_eq(p.rows[1].created_at_type, SQLITE_NULL);
	ck_assert_int_eq(p.entries[0].status, CW_MIG_SKIPPED);
	ck_assert_int_eq(p.entries[1].status, CW_MIG_PENDING);
	cw_plan_free(&p);
	/* TEXT sorts above every number.  '0x7CF' stays TEXT in the numeric
	** column (SQLite converts only decimal text) and Number() reads it
	** as 1999. */
	add_row(db, "cc", "'0x7CF'");
	read_ok(&p, db, &f, NULL);
	ck_assert_int_eq(p.rows[0].created_at_type, SQLITE_TEXT);
	ck_assert(p.high_water == 1999.0);
	ck_assert_int_eq(p.entries[1].status, CW_MIG_PENDING);
	cw_plan_free(&p);
	/* Text that is not a number is NaN, and NaN < when is false:
	** nothing is ever pending again. */
	add_row(db, "dd", "'soon'");
	read_ok(&p, db, &f, NULL);
	ck_assert_int_eq(p.rows[0].created_at_type, SQLITE_TEXT);
	ck_assert(isnan(p.high_water));
	ck_assert_uint_eq(p.n_pending, 0);
	ck_assert_uint_eq(p.n_skipped, 2);
	cw_plan_free(&p);
	sqlite3_close(db);
	cw_folder_free(&f);
}
END_TEST

/* A NULL hash (a table not made by drizzle) reads as "". */
START_TEST(test_null_hash)
{
	cw_folder f;
	cw_plan p;
	sqlite3 *db = mem_db("CREATE TABLE __drizzle_migrations(id INTEGER "
			     "PRIMARY KEY, hash text, created_at numeric)");
	char dir[256];

	load(&f, write_folder(dir, sizeof(dir), "n", three, 3));
	add_row(db, NULL, "2000");
	read_ok(&p, db, &f, NULL);
	ck_assert_uint_eq(p.n_rows, 1);
	ck_assert_str_eq(p.rows[0].hash, "");
	/* 0001_b has when 2000 and no file has hash "": edited. */
	ck_assert_int_eq(p.entries[1].matched, CW_HASH_EDITED);
	ck_assert_int_eq(p.entries[0].status, CW_MIG_SKIPPED);
	ck_assert_int_eq(p.entries[2].status, CW_MIG_PENDING);
	cw_plan_free(&p);
	sqlite3_close(db);
	cw_folder_free(&f);
}
END_TEST

/* A table of the name without drizzle's columns cannot be read. */
START_TEST(test_wrong_shape)
{
	cw_folder f;
	cw_plan p;
	cw_error err = {0};
	sqlite3 *db = mem_db("CREATE TABLE __drizzle_migrations(hash text)");
	char dir[256];

	load(&f, write_folder(dir, sizeof(dir), "w", three, 3));
	ck_assert_int_eq(cw_plan_read(&p, db, &f, NULL, &err), CW_ESQL);
	ck_assert_int_eq(err.code, CW_ESQL);
	/* drizzle's own SELECT fails the same way: R002, so cw audit
	** names it with a code (cases/bad-input/096). */
	ck_assert_str_eq(err.diag, "R002");
	ck_assert_str_eq(err.message, "reading __drizzle_migrations: no such "
			 "column: id");
	ck_assert_int_eq(p.table_exists, 1);
	cw_plan_free(&p);
	sqlite3_close(db);
	cw_folder_free(&f);
}
END_TEST

/* Any table name, quoted as drizzle quotes it; NULL is drizzle's. */
START_TEST(test_custom_table)
{
	cw_folder f;
	cw_plan p;
	sqlite3 *db = mem_db("CREATE TABLE \"app \"\"mig\"\"\"(id INTEGER, "
			     "hash text NOT NULL, created_at numeric)");
	cw_error err = {0};
	char dir[256], *sql;

	load(&f, write_folder(dir, sizeof(dir), "t", three, 3));
	sql = sqlite3_mprintf("INSERT INTO \"app \"\"mig\"\"\"(hash, "
			      "created_at) VALUES(%Q, 2000)",
			      f.migrations[1].hashes.drizzle);
	ck_assert_int_eq(cw_db_exec(db, sql, &err), 0);
	sqlite3_free(sql);
	read_ok(&p, db, &f, "app \"mig\"");
	ck_assert_int_eq(p.table_exists, 1);
	ck_assert_uint_eq(p.n_rows, 1);
	ck_assert_int_eq(p.entries[1].matched, CW_HASH_DRIZZLE);
	ck_assert_uint_eq(p.n_pending, 1);
	ck_assert_uint_eq(p.n_skipped, 1);
	cw_plan_free(&p);
	read_ok(&p, db, &f, NULL);
	ck_assert_int_eq(p.table_exists, 0);
	ck_assert_uint_eq(p.n_pending, 3);
	cw_plan_free(&p);
	sqlite3_close(db);
	cw_folder_free(&f);
}
END_TEST

/* Another process holding the write lock: the schema cannot be read. */
START_TEST(test_locked)
{
	cw_folder f;
	cw_plan p;
	cw_error err = {0};
	sqlite3 *a = NULL, *b = NULL;
	char dir[256], db[512];

	load(&f, write_folder(dir, sizeof(dir), "l", three, 3));
	unit_path(db, sizeof(db), "l.db");
	ck_assert_int_eq(cw_db_open(&a, db, 1000, &err), 0);
	ck_assert_int_eq(cw_db_open(&b, db, 20, &err), 0);
	ck_assert_int_eq(cw_db_exec(a, TABLE_SQL, &err), 0);
	ck_assert_int_eq(cw_db_exec(a, "BEGIN EXCLUSIVE", &err), 0);
	ck_assert_int_eq(cw_plan_read(&p, b, &f, NULL, &err), CW_EBUSY);
	ck_assert_str_eq(err.diag, "R004");
	ck_assert_str_eq(err.message, "reading the schema: database is "
			 "locked");
	cw_plan_free(&p);
	ck_assert_int_eq(cw_db_exec(a, "COMMIT", &err), 0);
	read_ok(&p, b, &f, NULL);
	ck_assert_int_eq(p.table_exists, 1);
	cw_plan_free(&p);
	sqlite3_close(a);
	sqlite3_close(b);
	cw_folder_free(&f);
}
END_TEST

/* Rows from elsewhere: deciding again starts the counts afresh. */
START_TEST(test_decide_rows_given)
{
	cw_applied_row rows[2];
	cw_folder f, empty;
	cw_plan p;
	cw_error err = {0};
	char dir[256];

	load(&f, write_folder(dir, sizeof(dir), "g", three, 3));
	memset(&p, 0, sizeof(p));
	rows[0].hash = f.migrations[1].hashes.lf;
	rows[0].created_at = 2000;
	rows[0].created_at_type = SQLITE_FLOAT;
	rows[1].hash = f.migrations[0].hashes.raw;
	rows[1].created_at = 10;
	rows[1].created_at_type = SQLITE_INTEGER;
	p.rows = rows;
	p.n_rows = 2;
	p.has_high_water = 1;
	p.high_water = 2000;
	ck_assert_int_eq(cw_plan_decide(&p, &f, &err), 0);
	ck_assert_int_eq(cw_plan_decide(&p, &f, &err), 0);
	ck_assert_uint_eq(p.n_entries, 3);
	ck_assert_uint_eq(p.n_already, 2);
	ck_assert_uint_eq(p.n_pending, 1);
	ck_assert_uint_eq(p.n_skipped, 0);
	ck_assert_uint_eq(p.entries[0].row, 1);
	/* One file with all three hashes equal: drizzle's is named. */
	ck_assert_int_eq(p.entries[1].matched, CW_HASH_DRIZZLE);
	/* An empty folder: nothing to decide. */
	load(&empty, write_folder(dir, sizeof(dir), "none", three, 0));
	ck_assert_int_eq(cw_plan_decide(&p, &empty, &err), 0);
	ck_assert_uint_eq(p.n_entries, 0);
	ck_assert_uint_eq(p.n_already + p.n_pending + p.n_skipped, 0);
	free(p.entries);
	cw_folder_free(&f);
	cw_folder_free(&empty);
}
END_TEST

START_TEST(test_names)
{
	ck_assert_str_eq(cw_plan_variant_name(CW_HASH_DRIZZLE), "drizzle");
	ck_assert_str_eq(cw_plan_variant_name(CW_HASH_RAW), "raw");
	ck_assert_str_eq(cw_plan_variant_name(CW_HASH_LF), "lf");
	ck_assert_str_eq(cw_plan_variant_name(CW_HASH_EDITED), "edited");
	ck_assert_str_eq(cw_plan_variant_name(CW_HASH_NONE), "none");
	ck_assert_str_eq(cw_plan_variant_name((cw_hash_variant)77), "none");
	ck_assert_str_eq(cw_plan_status_name(CW_MIG_PENDING), "pending");
	ck_assert_str_eq(cw_plan_status_name(CW_MIG_PARTIAL), "partial");
}
END_TEST

static Suite *plan_suite(void)
{
	Suite *s = suite_create("plan");
	TCase *tc = tcase_create("read");

	tcase_add_checked_fixture(tc, make_tmp, unit_tmp_remove);
	tcase_add_test(tc, test_no_table);
	tcase_add_test(tc, test_hash_variants);
	tcase_add_test(tc, test_edited_and_same_when);
	tcase_add_test(tc, test_unloaded_entry);
	tcase_add_test(tc, test_created_at_classes);
	tcase_add_test(tc, test_null_hash);
	tcase_add_test(tc, test_wrong_shape);
	tcase_add_test(tc, test_custom_table);
	tcase_add_test(tc, test_locked);
	tcase_add_test(tc, test_decide_rows_given);
	tcase_add_test(tc, test_names);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(plan_suite());
}
