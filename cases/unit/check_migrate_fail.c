/*
** check_migrate_fail.c - lib/migrate.c when a run fails, against
** spec/drizzle-semantics.md section 2: a failing piece rolls the whole
** batch back (R002), the one-statement rule with better-sqlite3's
** messages, BEGIN and COMMIT inside a migration (R003), failures of the
** migrator's own statements and of the batch's COMMIT, and a file that is
** not a database.  Most tests loop over both statement sequences.
*/
#include "unit_migrate.h"

/* The same database, and the folder replaced by <name> from m[0..n);
** the error of an earlier run is forgotten. */
static void reload(attempt *x, const char *name, const mig *m, size_t n)
{
	char dir[256];

	cw_folder_free(&x->f);
	load(&x->f, write_folder(dir, sizeof(dir), name, m, n));
	cw_error_clear(&x->err);
}

/* A failing piece: everything of the batch is undone, except the
** migrations table created before BEGIN. */
START_TEST(test_failure_rolls_back)
{
	static const mig m[] = {
		{"0000_a", "1000",
		 "CREATE TABLE a(x);\n--> statement-breakpoint\n"
		 "INSERT INTO a VALUES(1);"},
		{"0001_b", "2000",
		 "INSERT INTO a VALUES(2);\n--> statement-breakpoint\n\n"
		 "INSERT INTO missing VALUES(3);\n"},
	};
	char buf[1024], before[1024];
	attempt x;
	const cw_migrate_failure *e = &x.r.failure;

	prepare(&x, "fail", m, 2, "CREATE TABLE keep(k); INSERT INTO keep "
		"VALUES('kept')");
	x.o.sequence = (cw_sequence)_i;
	dump(before, sizeof(before), x.db, "SELECT * FROM keep");
	ck_assert_int_eq(attempt_run(&x), CW_ESQL);
	ck_assert_int_eq(e->has_failure, 1);
	ck_assert_uint_eq(e->entry, 1);
	ck_assert_str_eq(x.f.migrations[e->entry].entry->tag, "0001_b");
	ck_assert_uint_eq(e->piece, 2);
	ck_assert_int_eq(e->line, 4);
	ck_assert_str_eq(e->message, "no such table: missing");
	ck_assert_str_eq(e->sql, "\n\nINSERT INTO missing VALUES(3);\n");
	ck_assert_int_eq(x.r.rollback_failed, 0);
	ck_assert_int_eq(x.err.code, CW_ESQL);
	ck_assert_str_eq(x.err.diag, "R002");
	ck_assert_str_eq(x.err.path, x.f.migrations[1].path);
	ck_assert_int_eq(x.err.line, 4);
	ck_assert_str_eq(x.err.message, "migration 0001_b failed at piece 2: "
			 "no such table: missing");
	ck_assert_int_eq(x.r.entries[0].status, CW_MIG_NOT_RUN);
	ck_assert_int_eq(x.r.entries[1].status, CW_MIG_NOT_RUN);
	ck_assert_uint_eq(x.r.n_applied, 0);
	ck_assert(!has_table(x.db, "a"));
	ck_assert_str_eq(dump(buf, sizeof(buf), x.db, "SELECT * FROM keep"),
			 before);
	ck_assert_int_eq(n_recorded(x.db), 0);
	ck_assert_str_eq(dump(buf, sizeof(buf), x.db, "SELECT name FROM "
			      "sqlite_master ORDER BY name"),
			 "__drizzle_migrations\nkeep\n"
			 "sqlite_autoindex___drizzle_migrations_1\n");
	attempt_free(&x);
}
END_TEST

/* The one-statement rule fails the run with better-sqlite3's messages. */
START_TEST(test_rule_failures)
{
	static const mig multi[] = {
		{"0000_a", "1000", "CREATE TABLE a(x); CREATE TABLE b(y);"},
	};
	static const mig trailing[] = {
		{"0000_a", "1000",
		 "CREATE TABLE a(x);\n--> statement-breakpoint\n"},
	};
	static const mig legacy_ok[] = {
		{"0000_a", "1000", "CREATE TABLE a(x); -- done"},
	};
	attempt x;

	prepare(&x, "multi", multi, 1, NULL);
	ck_assert_int_eq(attempt_run(&x), CW_ESQL);
	ck_assert_str_eq(x.r.failure.message, CW_MSG_MULTIPLE);
	ck_assert_uint_eq(x.r.failure.piece, 1);
	reload(&x, "trailing", trailing, 1);
	ck_assert_int_eq(attempt_run(&x), CW_ESQL);
	ck_assert_str_eq(x.r.failure.message, CW_MSG_NO_STATEMENTS);
	ck_assert_uint_eq(x.r.failure.piece, 2);
	ck_assert_int_eq(x.r.failure.line, 2);
	ck_assert(!has_table(x.db, "a"));
	reload(&x, "legacy", legacy_ok, 1);
	x.o.rule = CW_RULE_LEGACY;
	ck_assert_int_eq(attempt_run(&x), CW_ESQL);
	ck_assert_str_eq(x.r.failure.message, CW_MSG_MULTIPLE);
	x.o.rule = CW_RULE_CURRENT;
	ck_assert_int_eq(attempt_run(&x), 0);
	attempt_free(&x);
}
END_TEST

START_TEST(test_begin_inside)
{
	static const mig m[] = {
		{"0000_a", "1000",
		 "CREATE TABLE a(x);\n--> statement-breakpoint\nBEGIN;"},
	};
	attempt x;

	prepare(&x, "begin", m, 1, NULL);
	x.o.sequence = (cw_sequence)_i;
	ck_assert_int_eq(attempt_run(&x), CW_ESQL);
	ck_assert_str_eq(x.r.failure.message,
			 "cannot start a transaction within a transaction");
	ck_assert_uint_eq(x.r.failure.piece, 2);
	ck_assert_int_eq(x.r.failure.line, 3);
	ck_assert_int_eq(x.r.rollback_failed, 0);
	ck_assert(!has_table(x.db, "a"));
	attempt_free(&x);
}
END_TEST

/* COMMIT inside a migration ends the batch early; a later failure then
** leaves partial state and drizzle's ROLLBACK itself fails. */
START_TEST(test_commit_inside_then_failure)
{
	static const mig m[] = {
		{"0000_a", "1000",
		 "CREATE TABLE a(x);\n--> statement-breakpoint\nCOMMIT;"},
		{"0001_b", "2000",
		 "INSERT INTO a VALUES(1);\n--> statement-breakpoint\n"
		 "INSERT INTO nope VALUES(1);"},
	};
	char buf[1024];
	cw_diags d = CW_DIAGS_INIT;
	attempt x;
	size_t i, n_r003 = 0;

	prepare(&x, "commit", m, 2, NULL);
	x.o.sequence = (cw_sequence)_i;
	ck_assert_int_eq(attempt_run(&x), CW_ESQL);
	ck_assert_int_eq(x.r.rollback_failed, 1);
	ck_assert_uint_eq(x.r.failure.entry, 1);
	ck_assert_str_eq(x.r.failure.message, "no such table: nope");
	ck_assert_int_eq(x.r.transaction_ended, 1);
	ck_assert_uint_eq(x.r.ended_by, 0);
	ck_assert_int_eq(x.r.entries[0].status, CW_MIG_APPLIED);
	/* Its first piece ran in autocommit after the COMMIT: it stayed. */
	ck_assert_int_eq(x.r.entries[1].status, CW_MIG_PARTIAL);
	ck_assert_uint_eq(x.r.n_applied, 1);
	ck_assert_int_eq(cw_migrate_diags(&d, &x.r, &x.f, CW_ESQL, &x.err,
					  "db"), 0);
	for (i = 0; i < d.n; i++)
		if (strcmp(d.items[i].code, "R003") == 0) {
			n_r003++;
			ck_assert_str_eq(d.items[i].tag, "0000_a");
			ck_assert_ptr_nonnull(strstr(d.items[i].message,
				"stayed applied: 0000_a"));
			ck_assert_ptr_nonnull(strstr(d.items[i].message,
				"stayed in part (pieces committed, row in "
				"the migrations table not): 0001_b"));
		}
	ck_assert_uint_eq(n_r003, 1);
	cw_diags_free(&d);
	/* Earlier work kept: the table, its row from 0001_b's first piece,
	** and 0000_a's row in the migrations table. */
	ck_assert(has_table(x.db, "a"));
	ck_assert_str_eq(dump(buf, sizeof(buf), x.db, "SELECT x FROM a"),
			 "1\n");
	ck_assert_str_eq(dump(buf, sizeof(buf), x.db, "SELECT created_at "
			      "FROM __drizzle_migrations"), "1000\n");
	attempt_free(&x);
}
END_TEST

/* A table of the same name that is not drizzle's: its own SELECT fails. */
START_TEST(test_own_statement_failure)
{
	static const mig m[] = {{"0000_a", "1000", "CREATE TABLE a(x);"}};
	attempt x;

	prepare(&x, "own", m, 1, "CREATE TABLE __drizzle_migrations(x)");
	x.o.sequence = (cw_sequence)_i;
	ck_assert_int_eq(attempt_run(&x), CW_ESQL);
	ck_assert_uint_eq(x.r.failure.entry, (size_t)-1);
	ck_assert_uint_eq(x.r.failure.piece, 0);
	ck_assert_str_eq(x.r.failure.message, "no such column: id");
	ck_assert_str_eq(x.err.diag, "R002");
	ck_assert_str_eq(x.err.message, "the migrator's own statement failed: "
			 "no such column: id");
	ck_assert_int_eq(x.r.entries[0].status, CW_MIG_NOT_RUN);
	ck_assert(!has_table(x.db, "a"));
	attempt_free(&x);
}
END_TEST

/* A deferred foreign key violation surfaces at the batch's COMMIT: the
** migrator's own statement fails and nothing stays. */
START_TEST(test_commit_fails_deferred_fk)
{
	static const mig m[] = {
		{"0000_a", "1000",
		 "CREATE TABLE p(id INTEGER PRIMARY KEY);\n"
		 "--> statement-breakpoint\n"
		 "CREATE TABLE c(p REFERENCES p(id) DEFERRABLE INITIALLY "
		 "DEFERRED);\n--> statement-breakpoint\n"
		 "INSERT INTO c VALUES(5);"},
	};
	attempt x;

	prepare(&x, "dfk", m, 1, NULL);
	x.o.sequence = (cw_sequence)_i;
	ck_assert_int_eq(attempt_run(&x), CW_ESQL);
	ck_assert_uint_eq(x.r.failure.entry, (size_t)-1);
	ck_assert_str_eq(x.r.failure.sql, "COMMIT");
	ck_assert_str_eq(x.r.failure.message,
			 "FOREIGN KEY constraint failed");
	ck_assert_int_eq(x.r.rollback_failed, 0);
	ck_assert_int_eq(x.r.entries[0].status, CW_MIG_NOT_RUN);
	ck_assert_str_eq(x.err.message, "the migrator's own statement failed: "
			 "FOREIGN KEY constraint failed");
	ck_assert(!has_table(x.db, "p"));
	ck_assert(!has_table(x.db, "c"));
	ck_assert_int_eq(n_recorded(x.db), 0);
	attempt_free(&x);
}
END_TEST

/* A migration that drops drizzle's table: recording it fails (piece 0)
** and the DROP is rolled back with the rest. */
START_TEST(test_record_failure)
{
	static const mig m[] = {
		{"0000_a", "1000", "CREATE TABLE a(x);"},
		{"0001_b", "2000", "DROP TABLE __drizzle_migrations;"},
	};
	attempt x;

	prepare(&x, "drop", m, 2, NULL);
	ck_assert_int_eq(attempt_run(&x), CW_ESQL);
	ck_assert_uint_eq(x.r.failure.entry, 1);
	ck_assert_uint_eq(x.r.failure.piece, 0);
	ck_assert_str_eq(x.r.failure.message,
			 "no such table: __drizzle_migrations");
	ck_assert_ptr_nonnull(strstr(x.r.failure.sql, "INSERT INTO "
				     "\"__drizzle_migrations\""));
	ck_assert_str_eq(x.err.message, "migration 0001_b ran, but recording "
			 "it failed: no such table: __drizzle_migrations");
	ck_assert(has_table(x.db, "__drizzle_migrations"));
	ck_assert(!has_table(x.db, "a"));
	attempt_free(&x);
}
END_TEST

/* The table name is taken by an index: drizzle's CREATE itself fails. */
START_TEST(test_create_table_failure)
{
	attempt x;

	prepare(&x, "idx", base_pair, 2, "CREATE TABLE t(x); CREATE INDEX "
		"mig ON t(x)");
	x.o.table = "mig";
	ck_assert_int_eq(attempt_run(&x), CW_ESQL);
	ck_assert_uint_eq(x.r.failure.entry, (size_t)-1);
	ck_assert_str_eq(x.r.failure.message,
			 "there is already an index named mig");
	ck_assert_ptr_nonnull(strstr(x.r.failure.sql, "CREATE TABLE IF NOT "
				     "EXISTS \"mig\""));
	ck_assert_str_eq(x.err.diag, "R002");
	ck_assert(!has_table(x.db, "a"));
	attempt_free(&x);
}
END_TEST

/* Not a database: refused before anything runs, the file untouched. */
START_TEST(test_path_not_a_database)
{
	static const char text[] = "this is not a database, just text\n";
	char *after;
	size_t n;
	attempt x;

	prepare(&x, "nd", base_pair, 2, NULL);
	unit_path(x.db, sizeof(x.db), "notes.txt");
	unit_put("notes.txt", text);
	ck_assert_int_eq(attempt_run(&x), CW_EINVAL);
	ck_assert_str_eq(x.err.path, x.db);
	after = unit_slurp("notes.txt", &n);
	ck_assert_ptr_nonnull(after);
	ck_assert_uint_eq(n, sizeof(text) - 1);
	ck_assert_mem_eq(after, text, n);
	free(after);
	attempt_free(&x);
}
END_TEST

static Suite *migrate_fail_suite(void)
{
	Suite *s = suite_create("migrate_fail");
	TCase *tc = tcase_create("failure");

	tcase_add_checked_fixture(tc, migrate_tmp_make, unit_tmp_remove);
	tcase_add_loop_test(tc, test_failure_rolls_back, 0, 2);
	tcase_add_test(tc, test_rule_failures);
	tcase_add_loop_test(tc, test_begin_inside, 0, 2);
	tcase_add_loop_test(tc, test_commit_inside_then_failure, 0, 2);
	tcase_add_loop_test(tc, test_own_statement_failure, 0, 2);
	tcase_add_loop_test(tc, test_commit_fails_deferred_fk, 0, 2);
	tcase_add_test(tc, test_record_failure);
	tcase_add_test(tc, test_create_table_failure);
	tcase_add_test(tc, test_path_not_a_database);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(migrate_fail_suite());
}
