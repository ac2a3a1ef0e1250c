/*
** check_migrate_values.c - created_at in lib/migrate.c: how drizzle's
** high-water mark is read from a stored value of any storage class
** (cw_jsnumber_of_value is JavaScript's Number(), checked value by value),
** what the stored values of every class make the migrator run or skip,
** and how `when` is stored (a fraction stays REAL).
*/
#include "unit_migrate.h"

#include <math.h>

/* SQL expressions and what Number() makes of them in Node 20. */
static const struct {
	const char *sql;
	double want;     /* NAN: expect NaN */
} js_numbers[] = {
	{"NULL", 0.0}, {"' 12 '", 12.0}, {"'0x10'", 16.0},
	{"'abc'", NAN}, {"''", 0.0}, {"'Infinity'", INFINITY},
	{"'-Infinity'", -INFINITY}, {"'+Infinity'", INFINITY},
	{"'infinity'", NAN}, {"1.5", 1.5}, {"7", 7.0},
	{"1795609916263", 1795609916263.0}, {"X'3132'", 12.0},
	{"'0X1f'", 31.0}, {"'0b101'", 5.0}, {"'0o17'", 15.0},
	{"'-0x10'", NAN}, {"' '||char(10)||'1e3'||char(9)", 1000.0},
	{"'1.5e'", NAN}, {"char(160)||' 7 '||char(65279)", 7.0},
	{"'.5'", 0.5}, {"'5.'", 5.0}, {"'+5'", 5.0}, {"'-5'", -5.0},
	{"'0x'", NAN}, {"'1_0'", NAN}, {"'0x1g'", NAN},
	{"'1e+3'", 1000.0}, {"'.'", NAN}, {"'-'", NAN},
	{"' \t\n '", 0.0}, {"'12abc'", NAN},
	{"' 7'||char(160)", 7.0}, {"char(8232)||'7'||char(8233)", 7.0},
	{"'1e400'", INFINITY}, {"'-0'", -0.0},
};

/* Every Unicode space separator is white space to Number(): each of
** these is 7. */
static const char *const js_sevens[] = {
	"char(12288)||'7'", "char(8195)||' 7'||char(8287)",
	"char(5760)||'7'", "'7'||char(8239)",
};

/* cw_jsnumber_of_value of the value `SELECT expr` yields. */
static double js_number_of(const char *expr)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	cw_error err = {0};
	char sql[128];
	double got;

	ck_assert_int_eq(cw_db_open_memory(&db, &err), 0);
	snprintf(sql, sizeof(sql), "SELECT %s", expr);
	ck_assert_int_eq(sqlite3_prepare_v2(db, sql, -1, &st, NULL),
			 SQLITE_OK);
	ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
	got = cw_jsnumber_of_value(sqlite3_column_value(st, 0));
	sqlite3_finalize(st);
	sqlite3_close(db);
	return got;
}

START_TEST(test_js_number)
{
	double got = js_number_of(js_numbers[_i].sql);

	if (isnan(js_numbers[_i].want))
		ck_assert_msg(isnan(got), "Number(%s) = %g, want NaN",
			      js_numbers[_i].sql, got);
	else
		ck_assert_msg(got == js_numbers[_i].want,
			      "Number(%s) = %.17g, want %.17g",
			      js_numbers[_i].sql, got, js_numbers[_i].want);
}
END_TEST

START_TEST(test_js_number_unicode_spaces)
{
	double got = js_number_of(js_sevens[_i]);

	ck_assert_msg(got == 7.0, "Number(%s) = %g, want 7", js_sevens[_i],
		      got);
}
END_TEST

/* A created_at value stored before the run, and what it makes the
** migrator do with `three` (whens 10, 2000, 3000). */
static const struct {
	const char *value;     /* SQL literal stored as created_at */
	const char *type;      /* typeof() once stored */
	double high_water;     /* NAN for NaN */
	cw_mig_status st[3];
} stored[] = {
	{"NULL", "null", 0.0, {CW_MIG_APPLIED, CW_MIG_APPLIED,
			       CW_MIG_APPLIED}},
	{"2500.5", "real", 2500.5, {CW_MIG_SKIPPED, CW_MIG_SKIPPED,
				    CW_MIG_APPLIED}},
	{"'0x10'", "text", 16.0, {CW_MIG_SKIPPED, CW_MIG_APPLIED,
				  CW_MIG_APPLIED}},
	{"'abc'", "text", NAN, {CW_MIG_SKIPPED, CW_MIG_SKIPPED,
				CW_MIG_SKIPPED}},
	{"'Infinity'", "text", INFINITY, {CW_MIG_SKIPPED, CW_MIG_SKIPPED,
					  CW_MIG_SKIPPED}},
	{"'2000'", "integer", 2000.0, {CW_MIG_SKIPPED,
		CW_MIG_ALREADY_APPLIED, CW_MIG_APPLIED}},
};

/* Pre-existing rows with created_at of every kind decide what runs. */
START_TEST(test_preexisting_created_at)
{
	static const char *const names[] = {"a", "b", "c"};
	char db[256], sql[256], buf[64];
	cw_folder f;
	cw_migrate_result r;
	cw_error err = {0};
	size_t k;

	setup(&f, db, sizeof(db), "three", three, 3);
	apply_ok(db, &f, NULL);   /* creates drizzle's table */
	snprintf(sql, sizeof(sql), "DROP TABLE a; DROP TABLE b; DROP TABLE c;"
		 " DELETE FROM __drizzle_migrations; INSERT INTO "
		 "__drizzle_migrations(hash, created_at) VALUES('x', %s)",
		 stored[_i].value);
	exec_on(db, sql);
	snprintf(sql, sizeof(sql), "%s\n", stored[_i].type);
	ck_assert_str_eq(dump(buf, sizeof(buf), db, "SELECT typeof(created_at)"
			      " FROM __drizzle_migrations"), sql);
	ck_assert_int_eq(run(&r, db, &f, NULL, &err), 0);
	ck_assert_int_eq(r.has_high_water, 1);
	if (isnan(stored[_i].high_water))
		ck_assert(isnan(r.high_water));
	else
		ck_assert(r.high_water == stored[_i].high_water);
	for (k = 0; k < 3; k++) {
		ck_assert_msg(r.entries[k].status == stored[_i].st[k],
			      "created_at %s: entry %zu is %s",
			      stored[_i].value, k,
			      cw_plan_status_name(r.entries[k].status));
		ck_assert_int_eq(has_table(db, names[k]),
				 stored[_i].st[k] == CW_MIG_APPLIED);
	}
	cw_migrate_result_free(&r);
	cw_folder_free(&f);
}
END_TEST

/* created_at is bound as a JS number: fractional stays REAL. */
START_TEST(test_created_at_storage)
{
	static const mig m[] = {
		{"0000_a", "1000.5", "CREATE TABLE a(x);"},
		{"0001_b", "2000", "CREATE TABLE b(x);"},
		{"0002_c", "1795609916263", "CREATE TABLE c(x);"},
		{"0003_d", "1.8e12", "CREATE TABLE d(x);"},
	};
	char db[256], buf[512];
	cw_folder f;

	setup(&f, db, sizeof(db), "types", m, 4);
	apply_ok(db, &f, NULL);
	ck_assert_str_eq(dump(buf, sizeof(buf), db, "SELECT created_at, "
			      "typeof(created_at) FROM __drizzle_migrations "
			      "ORDER BY rowid"),
			 "1000.5|real\n2000|integer\n1795609916263|integer\n"
			 "1800000000000|integer\n");
	cw_folder_free(&f);
}
END_TEST

#define N_OF(a) ((int)(sizeof(a) / sizeof((a)[0])))

static Suite *migrate_values_suite(void)
{
	Suite *s = suite_create("migrate_values");
	TCase *tc = tcase_create("js_number");

	tcase_add_loop_test(tc, test_js_number, 0, N_OF(js_numbers));
	tcase_add_loop_test(tc, test_js_number_unicode_spaces, 0,
			    N_OF(js_sevens));
	suite_add_tcase(s, tc);
	tc = tcase_create("created_at");
	tcase_add_checked_fixture(tc, migrate_tmp_make, unit_tmp_remove);
	tcase_add_loop_test(tc, test_preexisting_created_at, 0, N_OF(stored));
	tcase_add_test(tc, test_created_at_storage);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(migrate_values_suite());
}
