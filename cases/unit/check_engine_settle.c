/*
** check_engine_settle.c - what stays after a COMMIT inside the batch
** (lib/migrate.c settle, lib/migrate_diag.c): a later failure rolls back
** only to the last BEGIN, so each migration's status says exactly what
** stayed (APPLIED, PARTIAL, NOT_RUN), R003 names the entries (six, then a
** count) and whether the ROLLBACK found a transaction, R002's hint says
** the batch was not wholly rolled back, and the migrator's own final
** COMMIT explains itself.
*/
#include "unit_migrate.h"

static void make_tmp(void)
{
	unit_tmp_make("settle");
}

#define BP "\n--> statement-breakpoint\n"

/* How many findings have this code. */
static size_t n_code(const cw_diags *d, const char *code)
{
	size_t i, n = 0;

	for (i = 0; i < d->n; i++)
		n += strcmp(d->items[i].code, code) == 0;
	return n;
}

/* A ROLLBACK inside the batch undoes what came before it: nothing of
** 0000_a stayed, though it ran; 0001_b's row, written in autocommit after
** the ROLLBACK, did stay. */
START_TEST(test_settle_rollback_inside)
{
	static const mig m[] = {
		{"0000_a", "1000", "CREATE TABLE a(x);" BP
		 "INSERT INTO a VALUES(1);"},
		{"0001_b", "2000", "ROLLBACK;"},
		{"0002_c", "3000", "INSERT INTO nope VALUES(1);"},
	};
	attempt x;

	prepare(&x, "rollback", m, 3, NULL);
	x.o.sequence = (cw_sequence)_i;
	ck_assert_int_eq(attempt_run(&x), CW_ESQL);
	ck_assert_int_eq(x.r.rollback_failed, 1);
	ck_assert(!has_table(x.db, "a"));
	ck_assert_int_eq(x.r.entries[0].status, CW_MIG_NOT_RUN);
	ck_assert_int_eq(x.r.entries[1].status, CW_MIG_APPLIED);
	ck_assert_int_eq(x.r.entries[2].status, CW_MIG_NOT_RUN);
	ck_assert_int_eq(n_recorded(x.db), 1);
	attempt_free(&x);
}
END_TEST

/* COMMIT, then BEGIN later in the same migration; a later failure rolls
** back to that BEGIN: the migration stayed in part (its table, not its
** row), the one after it is gone. */
START_TEST(test_settle_rebegin_same_migration)
{
	static const mig m[] = {
		{"0000_a", "1000", "CREATE TABLE a(x);" BP "COMMIT;" BP
		 "BEGIN;"},
		{"0001_b", "2000", "CREATE TABLE b(x);"},
		{"0002_c", "3000", "INSERT INTO nope VALUES(1);"},
	};
	cw_diags d = CW_DIAGS_INIT;
	const cw_diag *g;
	attempt x;

	prepare(&x, "same", m, 3, NULL);
	x.o.sequence = (cw_sequence)_i;
	ck_assert_int_eq(attempt_run(&x), CW_ESQL);
	ck_assert_int_eq(x.r.rollback_failed, 0);
	ck_assert_int_eq(x.r.entries[0].status, CW_MIG_PARTIAL);
	ck_assert_int_eq(x.r.entries[1].status, CW_MIG_NOT_RUN);
	ck_assert_int_eq(x.r.entries[2].status, CW_MIG_NOT_RUN);
	ck_assert_uint_eq(x.r.n_applied, 0);
	ck_assert(has_table(x.db, "a"));
	ck_assert(!has_table(x.db, "b"));
	ck_assert_int_eq(n_recorded(x.db), 0);
	diags_of(&d, &x, CW_ESQL);
	ck_assert_uint_eq(d.n, 2);
	g = only(&d, "R002");
	ck_assert_str_eq(g->message, "migration 0002_c failed at piece 1: no "
			 "such table: nope");
	ck_assert_str_eq(g->hint, "fix the statement; the batch was NOT "
			 "wholly rolled back (see R003 for what stayed)");
	g = only(&d, "R003");
	ck_assert_str_eq(g->file, x.f.migrations[0].path);
	ck_assert_int_eq(g->line, 3);
	ck_assert_str_eq(g->tag, "0000_a");
	ck_assert_str_eq(g->message, "0000_a ended the migrator's transaction "
			 "at piece 2, so the failure did not undo the whole "
			 "batch: nothing stayed applied; stayed in part "
			 "(pieces committed, row in the migrations table "
			 "not): 0000_a");
	ck_assert_str_eq(g->hint, "the next run applies 0000_a again from "
			 "its first piece, over what stayed: repair the "
			 "database by hand or make those pieces idempotent");
	cw_diags_free(&d);
	attempt_free(&x);
}
END_TEST

/* COMMIT at the end of one migration, BEGIN first in the next: the first
** stayed whole (its row was written in autocommit), the rest is gone. */
START_TEST(test_settle_rebegin_next_migration)
{
	static const mig m[] = {
		{"0000_a", "1000", "CREATE TABLE a(x);" BP "COMMIT;"},
		{"0001_b", "2000", "BEGIN;" BP "CREATE TABLE b(x);"},
		{"0002_c", "3000", "INSERT INTO nope VALUES(1);"},
	};
	cw_diags d = CW_DIAGS_INIT;
	char buf[64];
	attempt x;

	prepare(&x, "next", m, 3, NULL);
	ck_assert_int_eq(attempt_run(&x), CW_ESQL);
	ck_assert_int_eq(x.r.entries[0].status, CW_MIG_APPLIED);
	ck_assert_int_eq(x.r.entries[1].status, CW_MIG_NOT_RUN);
	ck_assert_int_eq(x.r.entries[2].status, CW_MIG_NOT_RUN);
	ck_assert_uint_eq(x.r.n_applied, 1);
	ck_assert(has_table(x.db, "a"));
	ck_assert(!has_table(x.db, "b"));
	ck_assert_str_eq(dump(buf, sizeof(buf), x.db, "SELECT created_at "
			      "FROM __drizzle_migrations"), "1000\n");
	diags_of(&d, &x, CW_ESQL);
	ck_assert_str_eq(only(&d, "R003")->message, "0000_a ended the "
			 "migrator's transaction at piece 2, so the failure "
			 "did not undo the whole batch: stayed applied: "
			 "0000_a");
	cw_diags_free(&d);
	attempt_free(&x);
}
END_TEST

/* COMMIT and nothing reopens: the failure at the first piece of a later
** migration runs in autocommit; nothing is undone, nothing is partial. */
START_TEST(test_settle_autocommit_first_piece)
{
	static const mig m[] = {
		{"0000_a", "1000", "CREATE TABLE a(x);" BP "COMMIT;"},
		{"0001_b", "2000", "INSERT INTO nope VALUES(1);" BP
		 "CREATE TABLE b(x);"},
	};
	cw_diags d = CW_DIAGS_INIT;
	attempt x;

	prepare(&x, "auto", m, 2, NULL);
	ck_assert_int_eq(attempt_run(&x), CW_ESQL);
	ck_assert_int_eq(x.r.rollback_failed, 1);
	ck_assert_int_eq(x.r.entries[0].status, CW_MIG_APPLIED);
	ck_assert_int_eq(x.r.entries[1].status, CW_MIG_NOT_RUN);
	diags_of(&d, &x, CW_ESQL);
	ck_assert_str_eq(only(&d, "R003")->message, "0000_a ended the "
			 "migrator's transaction at piece 2, so the failure "
			 "did not undo the whole batch: stayed applied: "
			 "0000_a; the ROLLBACK found no transaction");
	cw_diags_free(&d);
	attempt_free(&x);
}
END_TEST

/* COMMIT and no failure after it: the migrator's own final COMMIT fails,
** and says why. */
START_TEST(test_settle_final_commit_fails)
{
	static const mig m[] = {
		{"0000_a", "1000", "CREATE TABLE a(x);" BP "COMMIT;"},
	};
	cw_diags d = CW_DIAGS_INIT;
	const cw_diag *g;
	attempt x;

	prepare(&x, "final", m, 1, NULL);
	ck_assert_int_eq(attempt_run(&x), CW_ESQL);
	ck_assert_uint_eq(x.r.failure.entry, CW_MIGRATE_OWN);
	ck_assert_str_eq(x.r.failure.sql, "COMMIT");
	ck_assert_str_eq(x.err.message, "the migrator's own statement failed: "
			 "cannot commit - no transaction is active");
	ck_assert_int_eq(x.r.entries[0].status, CW_MIG_APPLIED);
	ck_assert_int_eq(n_recorded(x.db), 1);
	diags_of(&d, &x, CW_ESQL);
	g = only(&d, "R002");
	ck_assert_str_eq(g->file, "app.db");
	ck_assert_str_eq(g->message, "the migrator's own statement `COMMIT` "
			 "failed: cannot commit - no transaction is active");
	ck_assert_str_eq(g->hint, "a migration ended the batch's transaction "
			 "(COMMIT) without opening a new one: end it with "
			 "BEGIN as well, or drop the COMMIT");
	ck_assert_uint_eq(n_code(&d, "R003"), 1);
	cw_diags_free(&d);
	attempt_free(&x);
}
END_TEST

/* A deferred foreign key fails the final COMMIT: the hint says so. */
START_TEST(test_deferred_fk_hint)
{
	static const mig m[] = {
		{"0000_a", "1000", "CREATE TABLE p(id INTEGER PRIMARY KEY);" BP
		 "CREATE TABLE c(p REFERENCES p(id) DEFERRABLE INITIALLY "
		 "DEFERRED);" BP "INSERT INTO c VALUES(5);"},
	};
	cw_diags d = CW_DIAGS_INIT;
	const cw_diag *g;
	attempt x;

	prepare(&x, "dfk", m, 1, NULL);
	ck_assert_int_eq(attempt_run(&x), CW_ESQL);
	diags_of(&d, &x, CW_ESQL);
	ck_assert_uint_eq(d.n, 1);
	g = only(&d, "R002");
	ck_assert_str_eq(g->message, "the migrator's own statement `COMMIT` "
			 "failed: FOREIGN KEY constraint failed");
	ck_assert_ptr_nonnull(strstr(g->hint, "a deferred foreign key is "
				     "still violated when the batch commits"));
	ck_assert_ptr_null(g->tag);
	cw_diags_free(&d);
	attempt_free(&x);
}
END_TEST

/* More than six migrations stayed: R003 names six and counts the rest. */
START_TEST(test_settle_many_stayed)
{
	mig m[9];
	char tags[9][16], sql[9][64];
	static const char *const whens[] = {"1", "2", "3", "4", "5", "6",
					    "7", "8", "9"};
	cw_diags d = CW_DIAGS_INIT;
	attempt x;
	size_t k;

	for (k = 0; k < 9; k++) {
		snprintf(tags[k], sizeof(tags[k]), "000%zu_t%zu", k, k);
		snprintf(sql[k], sizeof(sql[k]), "CREATE TABLE t%zu(x);%s", k,
			 k == 7 ? BP "COMMIT;" : "");
		m[k].tag = tags[k];
		m[k].when = whens[k];
		m[k].sql = k == 8 ? "INSERT INTO nope VALUES(1);" : sql[k];
	}
	prepare(&x, "many", m, 9, NULL);
	ck_assert_int_eq(attempt_run(&x), CW_ESQL);
	ck_assert_uint_eq(x.r.n_applied, 8);
	diags_of(&d, &x, CW_ESQL);
	ck_assert_str_eq(only(&d, "R003")->message, "0007_t7 ended the "
			 "migrator's transaction at piece 2, so the failure "
			 "did not undo the whole batch: stayed applied: "
			 "0000_t0, 0001_t1, 0002_t2, 0003_t3, 0004_t4, "
			 "0005_t5 and 2 more; the ROLLBACK found no "
			 "transaction");
	cw_diags_free(&d);
	attempt_free(&x);
}
END_TEST

static Suite *settle_suite(void)
{
	Suite *s = suite_create("engine_settle");
	TCase *tc = tcase_create("settle");

	tcase_add_checked_fixture(tc, make_tmp, unit_tmp_remove);
	tcase_add_loop_test(tc, test_settle_rebegin_same_migration, 0, 2);
	tcase_add_loop_test(tc, test_settle_rollback_inside, 0, 2);
	tcase_add_test(tc, test_settle_rebegin_next_migration);
	tcase_add_test(tc, test_settle_autocommit_first_piece);
	tcase_add_test(tc, test_settle_final_commit_fails);
	tcase_add_test(tc, test_deferred_fk_hint);
	tcase_add_test(tc, test_settle_many_stayed);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(settle_suite());
}
