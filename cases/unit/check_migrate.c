/*
** check_migrate.c - lib/migrate.c, the reference migrator, against
** spec/drizzle-semantics.md section 2: fresh apply and re-run, array order
** within a run, silent skips of an older or equal `when` (R001), the three
** hashes an applied row may carry, a custom table name, dry runs, and both
** statement sequences.  Failures are check_migrate_fail.c, created_at
** values check_migrate_values.c, busy databases and concurrent runs
** check_migrate_race.c.
*/
#include "unit_migrate.h"

/* Hashes of the drizzle-kit example as the real drizzle stored them. */
static const char *const example_hashes[] = {
	"53374c23d8968d895b6215c277b285dd96674a022d52ef26cb8ace848ca05d91",
	"a71411c57d5196eb7756c70a3c08454ca41ee67b7d9763ea773af227772daf67",
	"2c326cd701802ae439508df381a6757300d546c4f316dde0805f547c1c1a38a6",
	"8f7ec5920f8a49cb35e175ac6380fdc65c8111dd0e91df6ab8332a9330fe065a",
};

/* x prepared with a folder under fixtures/ and database <tmp>/<db_name>
** (not created), default options. */
static void prepare_fixture(attempt *x, const char *rel,
			    const char *db_name)
{
	char dir[1024];
	cw_migrate_options o = CW_MIGRATE_OPTIONS_INIT;

	memset(x, 0, sizeof(*x));
	load(&x->f, unit_fixture(dir, sizeof(dir), rel));
	unit_path(x->db, sizeof(x->db), db_name);
	x->o = o;
}

/* ---- applying ---- */

/* What drizzle leaves after the drizzle-kit example ran on a fresh file:
** the rows and the table's SQL read back from a real run. */
static void assert_example_applied(const char *db)
{
	char buf[4096], want[1024];

	snprintf(want, sizeof(want),
		 "%s|1795609916263|integer|null\n"
		 "%s|1795609928795|integer|null\n"
		 "%s|1795609940876|integer|null\n"
		 "%s|1795609946028|integer|null\n",
		 example_hashes[0], example_hashes[1], example_hashes[2],
		 example_hashes[3]);
	ck_assert_str_eq(dump(buf, sizeof(buf), db, ROWS), want);
	ck_assert_str_eq(dump(buf, sizeof(buf), db, "SELECT sql FROM "
			      "sqlite_master WHERE name = "
			      "'__drizzle_migrations'"), TABLE_SQL "\n");
	ck_assert_int_eq(count(db, "SELECT count(*) FROM sqlite_master WHERE "
			       "name = 'sqlite_autoindex___drizzle_migrations"
			       "_1'"), 1);
	ck_assert_str_eq(dump(buf, sizeof(buf), db, "SELECT u.name, p.title "
			      "FROM posts p JOIN users u ON u.id = "
			      "p.author_id"), "alice|hello\n");
	ck_assert(has_table(db, "tags"));
	ck_assert(!has_table(db, "__new_posts"));
}

START_TEST(test_fresh_apply)
{
	attempt x;
	size_t k;

	prepare_fixture(&x, "examples/drizzle-kit-0.31", "fresh.db");
	ck_assert_int_eq(attempt_run(&x), 0);
	ck_assert_int_eq(x.err.code, 0);
	ck_assert_uint_eq(x.r.n_entries, 4);
	ck_assert_uint_eq(x.r.n_applied, 4);
	ck_assert_uint_eq(x.r.n_already + x.r.n_skipped, 0);
	ck_assert_int_eq(x.r.has_high_water, 0);
	ck_assert_int_eq(x.r.failure.has_failure, 0);
	ck_assert_int_eq(x.r.transaction_ended, 0);
	ck_assert_uint_eq(x.r.diags.n, 0);
	for (k = 0; k < 4; k++) {
		ck_assert_int_eq(x.r.entries[k].status, CW_MIG_APPLIED);
		ck_assert_ptr_eq(x.r.entries[k].migration,
				 &x.f.migrations[k]);
	}
	cw_migrate_result_free(&x.r);
	ck_assert_ptr_null(x.r.entries);
	cw_migrate_result_free(NULL);
	assert_example_applied(x.db);
	attempt_free(&x);
}
END_TEST

/* The bundled codewalkers history applies whole on a fresh file, with the
** first and last rows the real drizzle-orm 0.45.4 wrote for it. */
START_TEST(test_bundled_fixture)
{
	char buf[256];
	attempt x;

	prepare_fixture(&x, "codewalkers/apps/server/drizzle",
			"codewalkers.db");
	ck_assert_msg(attempt_run(&x) == 0, "%s", x.err.message);
	ck_assert_uint_eq(x.r.n_applied, x.f.n_migrations);
	ck_assert_uint_eq(x.r.diags.n, 0);
	ck_assert_int_eq(n_recorded(x.db), 36);
	ck_assert_str_eq(dump(buf, sizeof(buf), x.db, "SELECT hash, "
			      "created_at FROM __drizzle_migrations WHERE "
			      "rowid IN (1, 36) ORDER BY rowid"),
		"8e418f1a25bb67ef4e60ecf40e7548b6"
		"960af7f0653358023bb9c23c161cc4d5"
		"|1741616535318\n"
		"dc36b4e4f7b96a9b5b67cc7d6dc6ed83"
		"b6a8bbeeca91496b7a709d292fd8cfd9"
		"|1789480702704\n");
	attempt_free(&x);
}
END_TEST

START_TEST(test_rerun_all_already_applied)
{
	char buf[4096], before[4096];
	attempt x;
	size_t k;

	prepare_fixture(&x, "examples/drizzle-kit-0.31", "rerun.db");
	apply_ok(x.db, &x.f, NULL);
	dump(before, sizeof(before), x.db, ROWS);
	ck_assert_int_eq(attempt_run(&x), 0);
	ck_assert_uint_eq(x.r.n_already, 4);
	ck_assert_uint_eq(x.r.n_applied + x.r.n_skipped, 0);
	ck_assert_int_eq(x.r.has_high_water, 1);
	ck_assert(x.r.high_water == 1795609946028.0);
	for (k = 0; k < 4; k++)
		ck_assert_int_eq(x.r.entries[k].status,
				 CW_MIG_ALREADY_APPLIED);
	ck_assert_uint_eq(x.r.diags.n, 0);
	ck_assert_str_eq(dump(buf, sizeof(buf), x.db, ROWS), before);
	attempt_free(&x);
}
END_TEST

/* Within one run, out-of-order `when` values all apply, in array order. */
START_TEST(test_out_of_order_in_one_run)
{
	static const mig m[] = {
		{"0000_a", "3000", "CREATE TABLE t(x);"},
		{"0001_b", "1000", "INSERT INTO t VALUES('b');"},
		{"0002_c", "2000", "INSERT INTO t VALUES('c');"},
	};
	char buf[1024];
	attempt x;

	prepare(&x, "ooo", m, 3, NULL);
	ck_assert_int_eq(attempt_run(&x), 0);
	ck_assert_uint_eq(x.r.n_applied, 3);
	ck_assert_str_eq(dump(buf, sizeof(buf), x.db, "SELECT created_at FROM "
			      "__drizzle_migrations ORDER BY rowid"),
			 "3000\n1000\n2000\n");
	ck_assert_str_eq(dump(buf, sizeof(buf), x.db, "SELECT x FROM t ORDER "
			      "BY rowid"), "b\nc\n");
	attempt_free(&x);
}
END_TEST

/* ---- skipping ---- */

/* A migration merged later with an older `when`: never run, reported. */
START_TEST(test_older_merged_migration_skipped)
{
	const mig later[] = {
		base_pair[0],
		{"0002_merged", "2000", "CREATE TABLE merged(x);"},
		base_pair[1],
	};
	char before[1024], buf[1024];
	attempt x;
	const cw_diag *g;

	prepare_applied(&x, base_pair, 2, later, 3);
	dump(before, sizeof(before), x.db, ROWS);
	ck_assert_int_eq(attempt_run(&x), 0);
	ck_assert_int_eq(x.r.entries[0].status, CW_MIG_ALREADY_APPLIED);
	ck_assert_int_eq(x.r.entries[1].status, CW_MIG_SKIPPED);
	ck_assert_int_eq(x.r.entries[2].status, CW_MIG_ALREADY_APPLIED);
	ck_assert_uint_eq(x.r.n_skipped, 1);
	ck_assert_uint_eq(x.r.n_already, 2);
	ck_assert_uint_eq(x.r.n_applied, 0);
	ck_assert(x.r.high_water == 3000.0);
	ck_assert_uint_eq(x.r.diags.n, 1);
	g = &x.r.diags.items[0];
	ck_assert_str_eq(g->code, "R001");
	ck_assert_int_eq(g->severity, CW_SEV_WARNING);
	ck_assert_str_eq(g->tag, "0002_merged");
	ck_assert_str_eq(g->file, x.f.migrations[1].path);
	ck_assert_str_eq(g->message, "migration 0002_merged will never run: "
			 "its when (2000) is not above the newest applied "
			 "created_at (3000); drizzle skips it silently");
	ck_assert(!has_table(x.db, "merged"));
	ck_assert_str_eq(dump(buf, sizeof(buf), x.db, ROWS), before);
	attempt_free(&x);
}
END_TEST

/* `when` equal to the newest created_at is skipped too (strict <). */
START_TEST(test_equal_when_skipped)
{
	const mig later[] = {
		base_pair[0], base_pair[1],
		{"0002_same", "3000", "CREATE TABLE same(x);"},
	};
	attempt x;

	prepare_applied(&x, base_pair, 2, later, 3);
	ck_assert_int_eq(attempt_run(&x), 0);
	ck_assert_uint_eq(x.r.n_applied, 0);
	ck_assert_int_ne(x.r.entries[2].status, CW_MIG_APPLIED);
	ck_assert(!has_table(x.db, "same"));
	ck_assert_int_eq(n_recorded(x.db), 2);
	/* The row with created_at 3000 is 0001_b's (its hash): 0002_same was
	** never applied, and drizzle will never apply it. */
	ck_assert_int_eq(x.r.entries[2].status, CW_MIG_SKIPPED);
	ck_assert_uint_eq(x.r.n_skipped, 1);
	ck_assert_uint_eq(x.r.diags.n, 1);
	ck_assert_str_eq(x.r.diags.items[0].code, "R001");
	ck_assert_str_eq(x.r.diags.items[0].tag, "0002_same");
	attempt_free(&x);
}
END_TEST

/* An applied migration edited afterwards (same when, new hash) is still
** the applied one: drizzle never compares hashes. */
START_TEST(test_edited_applied_migration)
{
	const mig edited[] = {
		base_pair[0],
		{"0001_b", "3000", "CREATE TABLE b(x, y);"},
	};
	attempt x;

	prepare_applied(&x, base_pair, 2, edited, 2);
	ck_assert_int_eq(attempt_run(&x), 0);
	ck_assert_int_eq(x.r.entries[1].status, CW_MIG_ALREADY_APPLIED);
	ck_assert_uint_eq(x.r.diags.n, 0);
	ck_assert_int_eq(count(x.db, "SELECT count(*) FROM "
			       "pragma_table_info('b')"), 1);
	attempt_free(&x);
}
END_TEST

/* Rows written by other drizzle versions are recognised by any of the
** three hashes: lf (drizzle main) and raw. */
START_TEST(test_applied_by_other_hash_variants)
{
	char sql[512];
	attempt x;

	prepare_fixture(&x, "unit/encodings", "variants.db");
	apply_ok(x.db, &x.f, NULL);
	snprintf(sql, sizeof(sql),
		 "DELETE FROM __drizzle_migrations; "
		 "INSERT INTO __drizzle_migrations(hash, created_at) VALUES"
		 "('%s', 1), ('%s', 2), ('x', 1700000005000)",
		 x.f.migrations[0].hashes.lf, x.f.migrations[1].hashes.raw);
	exec_on(x.db, sql);
	ck_assert_int_eq(attempt_run(&x), 0);
	ck_assert_int_eq(x.r.entries[0].status, CW_MIG_ALREADY_APPLIED);
	ck_assert_int_eq(x.r.entries[1].status, CW_MIG_ALREADY_APPLIED);
	ck_assert_int_eq(x.r.entries[2].status, CW_MIG_SKIPPED);
	attempt_free(&x);
}
END_TEST

/* What drizzle executes and stores for CRLF, invalid UTF-8 and BOM files:
** the decoded text, hashed after decoding (read back from a real run). */
START_TEST(test_encodings_applied)
{
	char buf[1024];
	attempt x;

	prepare_fixture(&x, "unit/encodings", "enc.db");
	apply_ok(x.db, &x.f, NULL);
	ck_assert_str_eq(dump(buf, sizeof(buf), x.db, "SELECT hash, "
			      "created_at FROM __drizzle_migrations ORDER BY "
			      "rowid"),
		"e4024d4955385c6f132787ee3ca632f4"
		"99d2119368ef5c984752daca0fdcc139"
		"|1700000000000\n"
		"39fdf12395bbf02b7f7c247cbb508c45"
		"e96b1f6d000f8fbb3268da0b2488be97"
		"|1700000001000\n"
		"d1b67f80c8a14b5044532e9c88190271"
		"c2b770c35259b326eb0640a6f5d3acf0"
		"|1700000002000\n");
	ck_assert_str_eq(dump(buf, sizeof(buf), x.db, "SELECT hex(v) FROM "
			      "bad"), "EFBFBDEFBFBDEFBFBD\n");
	ck_assert_str_eq(dump(buf, sizeof(buf), x.db, "SELECT v FROM crlf"),
			 "a\n");
	ck_assert(has_table(x.db, "bom"));
	attempt_free(&x);
}
END_TEST

/* Looped over both statement sequences. */
START_TEST(test_empty_journal)
{
	char buf[512];
	attempt x;

	prepare(&x, "empty", NULL, 0, NULL);
	x.o.sequence = (cw_sequence)_i;
	ck_assert_int_eq(attempt_run(&x), 0);
	ck_assert_uint_eq(x.r.n_entries, 0);
	/* The table is created even when nothing is pending. */
	ck_assert_str_eq(dump(buf, sizeof(buf), x.db, "SELECT sql FROM "
			      "sqlite_master WHERE type = 'table'"),
			 TABLE_SQL "\n");
	attempt_free(&x);
}
END_TEST

/* More rows than the migrator's first allocation for applied hashes. */
START_TEST(test_many_migrations_rerun)
{
	enum { N = 100 };
	static mig m[N];
	static char tags[N][16], whens[N][16], sqls[N][48];
	attempt x;
	size_t k;

	for (k = 0; k < N; k++) {
		snprintf(tags[k], sizeof(tags[k]), "%04zu_m", k);
		snprintf(whens[k], sizeof(whens[k]), "%zu", 1000 + k);
		snprintf(sqls[k], sizeof(sqls[k]), "CREATE TABLE t%zu(x);", k);
		m[k].tag = tags[k];
		m[k].when = whens[k];
		m[k].sql = sqls[k];
	}
	prepare(&x, "many", m, N, NULL);
	apply_ok(x.db, &x.f, NULL);
	ck_assert_int_eq(attempt_run(&x), 0);
	ck_assert_uint_eq(x.r.n_already, N);
	ck_assert(x.r.high_water == 1000.0 + N - 1);
	attempt_free(&x);
}
END_TEST

START_TEST(test_status_names)
{
	ck_assert_str_eq(cw_plan_status_name(CW_MIG_APPLIED), "applied");
	ck_assert_str_eq(cw_plan_status_name(CW_MIG_WOULD_APPLY),
			 "would-apply");
	ck_assert_str_eq(cw_plan_status_name(CW_MIG_ALREADY_APPLIED),
			 "already-applied");
	ck_assert_str_eq(cw_plan_status_name(CW_MIG_SKIPPED), "skipped");
	ck_assert_str_eq(cw_plan_status_name(CW_MIG_NOT_RUN), "not-run");
	ck_assert_str_eq(cw_plan_status_name((cw_mig_status)42), "not-run");
	ck_assert_str_eq(CW_MIGRATIONS_TABLE, "__drizzle_migrations");
}
END_TEST

/* cw_migrate_db on a connection of the caller's, default options. */
START_TEST(test_migrate_db_default_options)
{
	char dir[256], buf[256];
	cw_folder f;
	cw_migrate_result r;
	cw_error err = {0};
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	size_t o = 0;

	load(&f, write_folder(dir, sizeof(dir), "mem", three, 3));
	ck_assert_int_eq(cw_db_open_memory(&db, &err), 0);
	ck_assert_int_eq(cw_migrate_db(&r, db, &f, NULL, &err), 0);
	ck_assert_uint_eq(r.n_applied, 3);
	cw_migrate_result_free(&r);
	sqlite3_prepare_v2(db, "SELECT name FROM sqlite_master WHERE type = "
			   "'table' ORDER BY name", -1, &st, NULL);
	while (sqlite3_step(st) == SQLITE_ROW)
		o += (size_t)snprintf(buf + o, sizeof(buf) - o, "%s ",
				      sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	ck_assert_str_eq(buf, "__drizzle_migrations a b c ");
	/* Autocommit again: the batch's transaction is closed. */
	ck_assert_int_eq(sqlite3_get_autocommit(db), 1);
	sqlite3_close(db);
	cw_folder_free(&f);
}
END_TEST

/* ---- options ---- */

/* drizzle's migrationsTable, a '"' inside doubled when quoting. */
START_TEST(test_custom_table_name)
{
	char buf[512];
	attempt x;

	prepare(&x, "custom", three, 3, NULL);
	x.o.table = "my\"mig";
	ck_assert_int_eq(attempt_run(&x), 0);
	ck_assert_uint_eq(x.r.n_applied, 3);
	ck_assert(has_table(x.db, "my\"mig"));
	ck_assert(!has_table(x.db, "__drizzle_migrations"));
	ck_assert_str_eq(dump(buf, sizeof(buf), x.db, "SELECT created_at "
			      "FROM \"my\"\"mig\" ORDER BY rowid"),
			 "10\n2000\n3000\n");
	ck_assert_str_eq(dump(buf, sizeof(buf), x.db, "SELECT sql FROM "
			      "sqlite_master WHERE type = 'table' AND name = "
			      "'my\"mig'"),
			 "CREATE TABLE \"my\"\"mig\" (\n\t\t\t\tid SERIAL "
			 "PRIMARY KEY,\n\t\t\t\thash text NOT NULL,\n\t\t\t\t"
			 "created_at numeric\n\t\t\t)\n");
	ck_assert_int_eq(attempt_run(&x), 0);
	ck_assert_uint_eq(x.r.n_already, 3);
	attempt_free(&x);
}
END_TEST

/* A dry run works on a copy: the file keeps its bytes. */
START_TEST(test_dry_run_leaves_file)
{
	char *before, *after;
	size_t n0, n1;
	attempt x;
	struct stat st0, st1;

	prepare_applied(&x, three, 1, three, 3);
	before = unit_slurp("v1.db", &n0);
	ck_assert_ptr_nonnull(before);
	ck_assert_int_eq(stat(x.db, &st0), 0);
	x.o.dry_run = 1;
	ck_assert_int_eq(attempt_run(&x), 0);
	ck_assert_int_eq(x.r.entries[0].status, CW_MIG_ALREADY_APPLIED);
	ck_assert_int_eq(x.r.entries[1].status, CW_MIG_WOULD_APPLY);
	ck_assert_int_eq(x.r.entries[2].status, CW_MIG_WOULD_APPLY);
	ck_assert_uint_eq(x.r.n_applied, 2);
	after = unit_slurp("v1.db", &n1);
	ck_assert_ptr_nonnull(after);
	ck_assert_int_eq(stat(x.db, &st1), 0);
	ck_assert_uint_eq(n0, n1);
	ck_assert_mem_eq(before, after, n0);
	ck_assert_int_eq(st0.st_mtime, st1.st_mtime);
	ck_assert(!has_table(x.db, "b"));
	free(before);
	free(after);
	attempt_free(&x);
}
END_TEST

START_TEST(test_dry_run_missing_file)
{
	attempt x;
	size_t k;

	prepare(&x, "never", three, 3, NULL);
	x.o.dry_run = 1;
	ck_assert_int_eq(attempt_run(&x), 0);
	for (k = 0; k < 3; k++)
		ck_assert_int_eq(x.r.entries[k].status, CW_MIG_WOULD_APPLY);
	ck_assert_uint_eq(x.r.n_applied, 3);
	ck_assert_int_ne(access(x.db, F_OK), 0);
	attempt_free(&x);
}
END_TEST

/* Both statement sequences leave the same rows and schema. */
START_TEST(test_sequences_identical)
{
	static const char *const queries[] = {
		ROWS,
		"SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY "
		"name",
		"SELECT * FROM users",
	};
	char b[256], da[8192], db_[8192];
	attempt x;
	size_t k;

	prepare_fixture(&x, "examples/drizzle-kit-0.31", "drizzle.db");
	unit_path(b, sizeof(b), "locked.db");
	x.o.sequence = CW_SEQ_DRIZZLE;
	apply_ok(x.db, &x.f, &x.o);
	x.o.sequence = CW_SEQ_LOCKED;
	apply_ok(b, &x.f, &x.o);
	for (k = 0; k < sizeof(queries) / sizeof(queries[0]); k++)
		ck_assert_str_eq(dump(da, sizeof(da), x.db, queries[k]),
				 dump(db_, sizeof(db_), b, queries[k]));
	attempt_free(&x);
}
END_TEST

static Suite *migrate_suite(void)
{
	Suite *s = suite_create("migrate");
	TCase *tc = tcase_create("apply");

	tcase_add_checked_fixture(tc, migrate_tmp_make, unit_tmp_remove);
	tcase_add_test(tc, test_fresh_apply);
	tcase_add_test(tc, test_bundled_fixture);
	tcase_add_test(tc, test_rerun_all_already_applied);
	tcase_add_test(tc, test_out_of_order_in_one_run);
	tcase_add_test(tc, test_older_merged_migration_skipped);
	tcase_add_test(tc, test_equal_when_skipped);
	tcase_add_test(tc, test_edited_applied_migration);
	tcase_add_test(tc, test_applied_by_other_hash_variants);
	tcase_add_test(tc, test_encodings_applied);
	tcase_add_loop_test(tc, test_empty_journal, 0, 2);
	tcase_add_test(tc, test_many_migrations_rerun);
	tcase_add_test(tc, test_status_names);
	tcase_add_test(tc, test_migrate_db_default_options);
	suite_add_tcase(s, tc);
	tc = tcase_create("options");
	tcase_add_checked_fixture(tc, migrate_tmp_make, unit_tmp_remove);
	tcase_add_test(tc, test_custom_table_name);
	tcase_add_test(tc, test_dry_run_leaves_file);
	tcase_add_test(tc, test_dry_run_missing_file);
	tcase_add_test(tc, test_sequences_identical);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(migrate_suite());
}
