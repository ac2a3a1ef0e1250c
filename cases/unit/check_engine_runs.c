/*
** check_engine_runs.c - what a run of the engine (lib/migrate.c) leaves
** and how cw_migrate_diags (lib/migrate_diag.c) reports it: keep_going
** records every failure and applies what follows; bound parameters are
** refused with better-sqlite3's messages; journal_mode requests that do
** nothing are R008; a foreign-keys-off profile counts rows left pointing
** at nothing (R007); paths that name no file are refused; failure
** messages cut to fit stay valid UTF-8.  What stays after a COMMIT inside
** the batch is check_engine_settle.c.
*/
#include "unit_migrate.h"

static void make_tmp(void)
{
	unit_tmp_make("runs");
}

#define BP "\n--> statement-breakpoint\n"

/* ---- keep_going ---- */

START_TEST(test_keep_going)
{
	static const mig m[] = {
		{"0000_a", "1000", "CREATE TABLE a(x);" BP
		 "INSERT INTO nope VALUES(1);" BP "INSERT INTO a VALUES(1);"},
		{"0001_b", "2000", "CREATE TABLE b(x);"},
		{"0002_c", "3000", "INSERT INTO a VALUES(?);" BP
		 "INSERT INTO a VALUES(3);"},
	};
	cw_diags d = CW_DIAGS_INIT;
	attempt x;

	prepare(&x, "keep", m, 3, NULL);
	x.o.keep_going = 1;
	ck_assert_int_eq(attempt_run(&x), 0);
	ck_assert_int_eq(x.r.failure.has_failure, 1);
	ck_assert_uint_eq(x.r.failure.entry, 0);
	ck_assert_uint_eq(x.r.failure.piece, 2);
	ck_assert_int_eq(x.r.failure.line, 3);
	ck_assert_int_eq(x.r.failure.after_failure, 0);
	ck_assert_str_eq(x.r.failure.message, "no such table: nope");
	ck_assert_uint_eq(x.r.n_more, 1);
	ck_assert_uint_eq(x.r.more[0].entry, 2);
	ck_assert_uint_eq(x.r.more[0].piece, 1);
	ck_assert_int_eq(x.r.more[0].verdict, CW_PIECE_PARAMETERS);
	ck_assert_str_eq(x.r.more[0].message, CW_MSG_TOO_FEW_PARAMS);
	ck_assert_str_eq(x.r.more[0].sql, "INSERT INTO a VALUES(?);\n");
	ck_assert_int_eq(x.r.more[0].after_failure, 1);
	/* A failed migration is not recorded; the others are applied. */
	ck_assert_int_eq(x.r.entries[0].status, CW_MIG_NOT_RUN);
	ck_assert_int_eq(x.r.entries[1].status, CW_MIG_APPLIED);
	ck_assert_int_eq(x.r.entries[2].status, CW_MIG_NOT_RUN);
	ck_assert_uint_eq(x.r.n_applied, 1);
	ck_assert_int_eq(n_recorded(x.db), 1);
	/* Every piece that ran, ran: a's rows 1 and 3. */
	ck_assert_int_eq(count(x.db, "SELECT group_concat(x, '') FROM a"),
			 13);
	ck_assert(has_table(x.db, "b"));
	/* The run itself succeeded: no R002. */
	diags_of(&d, &x, 0);
	ck_assert_uint_eq(d.n, 0);
	cw_diags_free(&d);
	attempt_free(&x);
}
END_TEST

/* An entry whose file could not be read (a lenient load): the run stops
** there, or with keep_going passes over it. */
START_TEST(test_unrunnable_entry)
{
	cw_folder_options lenient = {0};
	cw_diags d = CW_DIAGS_INIT;
	char dir[256], p[512];
	attempt x;

	prepare(&x, "gone", three, 3, NULL);
	cw_folder_free(&x.f);
	ck_assert_int_eq(unlink(unit_path(p, sizeof(p), "gone/0001_b.sql")),
			 0);
	unit_path(dir, sizeof(dir), "gone");
	ck_assert_int_eq(cw_folder_load(&x.f, dir, &lenient, &d, &x.err), 0);
	ck_assert_int_eq(attempt_run(&x), CW_EINVAL);
	ck_assert_str_eq(x.err.message, "entries[1] cannot be run");
	ck_assert_str_eq(x.err.path, p);
	ck_assert(!has_table(x.db, "a"));
	ck_assert_int_eq(n_recorded(x.db), 0);
	/* Not a finding of the run: the folder reader reports the file. */
	cw_diags_free(&d);
	diags_of(&d, &x, CW_EINVAL);
	ck_assert_uint_eq(d.n, 0);
	cw_error_clear(&x.err);
	x.o.keep_going = 1;
	ck_assert_int_eq(attempt_run(&x), 0);
	ck_assert_uint_eq(x.r.n_unrunnable, 1);
	ck_assert_int_eq(x.r.entries[0].status, CW_MIG_APPLIED);
	ck_assert_int_eq(x.r.entries[1].status, CW_MIG_NOT_RUN);
	ck_assert_int_eq(x.r.entries[2].status, CW_MIG_APPLIED);
	ck_assert(has_table(x.db, "c"));
	cw_diags_free(&d);
	attempt_free(&x);
}
END_TEST

/* ---- what a piece may not be ---- */

/* run() binds no values: positional parameters get one message, any
** named one (?NNN, :a, @a, $a) the other; R002 says why. */
START_TEST(test_bound_parameters)
{
	static const struct {
		const char *sql, *message;
	} cases[] = {
		{"INSERT INTO a VALUES(?);", CW_MSG_TOO_FEW_PARAMS},
		{"INSERT INTO a VALUES(?), (?);", CW_MSG_TOO_FEW_PARAMS},
		{"INSERT INTO a VALUES(?1);", CW_MSG_NAMED_PARAMS},
		{"INSERT INTO a VALUES(:x);", CW_MSG_NAMED_PARAMS},
		{"INSERT INTO a VALUES(@x);", CW_MSG_NAMED_PARAMS},
		{"INSERT INTO a VALUES($x);", CW_MSG_NAMED_PARAMS},
		{"INSERT INTO a VALUES(? || :x);", CW_MSG_NAMED_PARAMS},
	};
	char want[512];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		const mig m[] = {
			{"0000_a", "1000", "CREATE TABLE a(x);"},
			{"0001_b", "2000", cases[i].sql},
		};
		cw_diags d = CW_DIAGS_INIT;
		const cw_diag *g;
		char name[16];
		attempt x;

		snprintf(name, sizeof(name), "p%zu", i);
		prepare(&x, name, m, 2, NULL);
		ck_assert_int_eq(attempt_run(&x), CW_ESQL);
		ck_assert_msg(x.r.failure.verdict == CW_PIECE_PARAMETERS,
			      "%s: %s", cases[i].sql, x.r.failure.message);
		ck_assert_str_eq(x.r.failure.message, cases[i].message);
		ck_assert(!has_table(x.db, "a"));
		diags_of(&d, &x, CW_ESQL);
		g = only(&d, "R002");
		snprintf(want, sizeof(want), "migration 0001_b failed at "
			 "piece 1: %s (the piece has a parameter such as ?, "
			 "?1, :name, @name or $name; drizzle binds no values)",
			 cases[i].message);
		ck_assert_str_eq(g->message, want);
		ck_assert_str_eq(g->tag, "0001_b");
		ck_assert_int_eq(g->line, 1);
		ck_assert_str_eq(g->hint, "the whole batch was rolled back: "
				 "the database is as it was before the run");
		cw_diags_free(&d);
		attempt_free(&x);
	}
}
END_TEST

/* R002 explains the one-statement rule's refusals too. */
START_TEST(test_rule_refusals_explained)
{
	static const mig two[] = {
		{"0000_a", "1000", "CREATE TABLE a(x); CREATE TABLE b(x);"},
	};
	static const mig none[] = {
		{"0000_a", "1000", "CREATE TABLE a(x);" BP "-- nothing"},
	};
	cw_diags d = CW_DIAGS_INIT;
	attempt x;

	prepare(&x, "two", two, 1, NULL);
	ck_assert_int_eq(attempt_run(&x), CW_ESQL);
	diags_of(&d, &x, CW_ESQL);
	ck_assert_str_eq(only(&d, "R002")->message, "migration 0000_a failed "
			 "at piece 1: " CW_MSG_MULTIPLE " (the piece holds a "
			 "second statement: a missing `--> "
			 "statement-breakpoint`)");
	cw_diags_free(&d);
	attempt_free(&x);
	prepare(&x, "none", none, 1, NULL);
	ck_assert_int_eq(attempt_run(&x), CW_ESQL);
	diags_of(&d, &x, CW_ESQL);
	ck_assert_str_eq(only(&d, "R002")->message, "migration 0000_a failed "
			 "at piece 2: " CW_MSG_NO_STATEMENTS
			 " (an empty piece: "
			 "a doubled or trailing breakpoint, or an empty file)");
	/* The piece's line is that of its first token, the comment. */
	ck_assert_int_eq(only(&d, "R002")->line, 3);
	cw_diags_free(&d);
	attempt_free(&x);
}
END_TEST

/* A function the application would register: R002 says how to declare
** it. */
START_TEST(test_unknown_function_hint)
{
	static const mig m[] = {
		{"0000_a", "1000", "CREATE TABLE a(x);" BP
		 "INSERT INTO a VALUES(uuid_v4());"},
	};
	cw_diags d = CW_DIAGS_INIT;
	const cw_diag *g;
	attempt x;

	prepare(&x, "fn", m, 1, NULL);
	ck_assert_int_eq(attempt_run(&x), CW_ESQL);
	diags_of(&d, &x, CW_ESQL);
	g = only(&d, "R002");
	ck_assert_str_eq(g->message, "migration 0000_a failed at piece 2: "
			 "no such function: uuid_v4");
	ck_assert_ptr_nonnull(strstr(g->hint, "--functions uuid_v4/N"));
	cw_diags_free(&d);
	attempt_free(&x);
}
END_TEST

/* ---- journal modes and foreign keys ---- */

/* Inside the migrator's transaction a journal_mode change does nothing;
** R008 names the piece, and only a request for another mode counts. */
START_TEST(test_journal_mode_r008)
{
	static const mig m[] = {
		{"0000_a", "1000", "CREATE TABLE t(x);"},
		{"0001_b", "2000", "INSERT INTO t VALUES(1);" BP
		 "/* switch */ -- now\nPRAGMA main.journal_mode = 'wal';" BP
		 "PRAGMA journal_mode;" BP "pragma JOURNAL_MODE=delete;" BP
		 "SELECT 'PRAGMA journal_mode=wal';"},
	};
	cw_diags d = CW_DIAGS_INIT;
	const cw_diag *g;
	char buf[64];
	attempt x;

	prepare(&x, "wal", m, 2, NULL);
	x.o.sequence = (cw_sequence)_i;
	ck_assert_int_eq(attempt_run(&x), 0);
	ck_assert_uint_eq(x.r.diags.n, 1);
	g = &x.r.diags.items[0];
	ck_assert_str_eq(g->code, "R008");
	ck_assert_str_eq(g->file, x.f.migrations[1].path);
	ck_assert_int_eq(g->line, 3);
	ck_assert_str_eq(g->tag, "0001_b");
	ck_assert_str_eq(g->message, "piece 2 of 0001_b asks for "
			 "journal_mode wal but the database stays in delete: "
			 "inside the migrator's transaction SQLite cannot "
			 "change it, and drizzle reports nothing");
	ck_assert_str_eq(dump(buf, sizeof(buf), x.db, "PRAGMA journal_mode"),
			 "delete\n");
	/* Reported like every finding of the run. */
	diags_of(&d, &x, 0);
	ck_assert_uint_eq(d.n, 1);
	ck_assert_str_eq(d.items[0].message, g->message);
	ck_assert_str_eq(d.items[0].tag, "0001_b");
	cw_diags_free(&d);
	attempt_free(&x);
}
END_TEST

/* Two migrations, a parent and child rows, then deletes of parents. */
static const mig orphans[] = {
	{"0000_a", "1000", "CREATE TABLE p(id INTEGER PRIMARY KEY);" BP
	 "CREATE TABLE c(pid INTEGER REFERENCES p(id));" BP
	 "INSERT INTO p VALUES(1), (2);" BP
	 "INSERT INTO c VALUES(1), (1), (2);"},
	{"0001_b", "2000", "DELETE FROM p WHERE id = 1;"},
	{"0002_c", "3000", "CREATE TABLE unrelated(x);"},
	{"0003_d", "4000", "DELETE FROM p;"},
};

/* Foreign keys OFF while the app migrates: each migration that leaves
** more child rows pointing at nothing is R007, with how many more. */
START_TEST(test_fk_off_r007)
{
	cw_profile pr = CW_PROFILE_INIT;
	cw_diags d = CW_DIAGS_INIT;
	attempt x;

	prepare(&x, "fk", orphans, 4, NULL);
	pr.foreign_keys = 0;
	x.o.profile = &pr;
	ck_assert_int_eq(attempt_run(&x), 0);
	ck_assert_str_eq(x.r.profile, "command line: foreign keys OFF");
	ck_assert_uint_eq(x.r.n_applied, 4);
	diags_of(&d, &x, 0);
	ck_assert_uint_eq(d.n, 2);
	ck_assert_str_eq(d.items[0].code, "R007");
	ck_assert_str_eq(d.items[0].file, x.f.migrations[1].path);
	ck_assert_str_eq(d.items[0].tag, "0001_b");
	ck_assert_str_eq(d.items[0].message, "0001_b leaves 2 rows of c "
			 "pointing at nothing (foreign keys are OFF while the "
			 "app migrates, so nothing stopped it)");
	ck_assert_str_eq(d.items[1].tag, "0003_d");
	ck_assert_str_eq(d.items[1].message, "0003_d leaves 1 row of c "
			 "pointing at nothing (foreign keys are OFF while the "
			 "app migrates, so nothing stopped it)");
	ck_assert_int_eq(count(x.db, "SELECT count(*) FROM c"), 3);
	cw_diags_free(&d);
	attempt_free(&x);
	/* The stock migrator refuses the first delete. */
	prepare(&x, "fk_on", orphans, 4, NULL);
	ck_assert_int_eq(attempt_run(&x), CW_ESQL);
	ck_assert_uint_eq(x.r.failure.entry, 1);
	ck_assert_str_eq(x.r.failure.message, "FOREIGN KEY constraint "
			 "failed");
	ck_assert_str_eq(x.r.profile, "stock better-sqlite3 migrator "
			 "(foreign keys ON)");
	attempt_free(&x);
}
END_TEST

/* The profile names the migrations table unless the options do. */
START_TEST(test_profile_table)
{
	cw_profile pr = CW_PROFILE_INIT;
	attempt x;

	prepare(&x, "tbl", three, 3, NULL);
	pr.table = (char *)"app_migrations";
	x.o.profile = &pr;
	ck_assert_int_eq(attempt_run(&x), 0);
	ck_assert(has_table(x.db, "app_migrations"));
	ck_assert(!has_table(x.db, "__drizzle_migrations"));
	ck_assert_int_eq(count(x.db, "SELECT count(*) FROM app_migrations"),
			 3);
	x.o.table = "opt_migrations";
	ck_assert_int_eq(attempt_run(&x), CW_ESQL);
	ck_assert(has_table(x.db, "opt_migrations"));
	ck_assert_int_eq(count(x.db, "SELECT count(*) FROM opt_migrations"),
			 0);
	ck_assert_str_eq(x.r.failure.message, "table a already exists");
	attempt_free(&x);
}
END_TEST

/* ---- paths and errors ---- */

/* A path that names no file is refused before anything is opened; the
** error is reported as a finding on the database named. */
START_TEST(test_path_refused)
{
	static const char *const paths[] = {"", ":memory:"};
	cw_migrate_result r;
	cw_error err = {0};
	cw_diags d = CW_DIAGS_INIT;
	char want[256];
	attempt x;
	size_t i;

	prepare(&x, "mem", three, 3, NULL);
	for (i = 0; i < 2; i++) {
		cw_error_clear(&err);
		ck_assert_int_eq(cw_migrate_path(&r, paths[i], &x.f, NULL,
						 &err), CW_EINVAL);
		ck_assert_str_eq(err.diag, "R005");
		snprintf(want, sizeof(want), "database path \"%s\" names no "
			 "file: the migrated database would vanish when cw "
			 "exits; give a file path", paths[i]);
		ck_assert_str_eq(err.message, want);
		ck_assert_uint_eq(r.n_entries, 0);
		ck_assert_int_eq(cw_migrate_diags(&d, &r, &x.f, CW_EINVAL,
						  &err, paths[i]), 0);
		ck_assert_uint_eq(d.n, i + 1);
		ck_assert_str_eq(d.items[i].code, "R005");
		ck_assert_str_eq(d.items[i].file, paths[i]);
		ck_assert_str_eq(d.items[i].message, want);
		cw_migrate_result_free(&r);
	}
	cw_error_clear(&err);
	ck_assert_int_eq(cw_migrate_path(&r, NULL, &x.f, NULL, &err),
			 CW_EINVAL);
	ck_assert_ptr_nonnull(strstr(err.message, "database path \"\""));
	cw_diags_free(&d);
	attempt_free(&x);
}
END_TEST

/* A file that is not a database: the finding is on the file the error
** names, whatever db says. */
START_TEST(test_not_a_database_finding)
{
	cw_diags d = CW_DIAGS_INIT;
	attempt x;

	prepare(&x, "nd", three, 3, NULL);
	unit_put("nd.db", "plain text, not SQLite\n");
	ck_assert_int_eq(attempt_run(&x), CW_EINVAL);
	ck_assert_int_eq(cw_migrate_diags(&d, &x.r, &x.f, CW_EINVAL, &x.err,
					  NULL), 0);
	ck_assert_uint_eq(d.n, 1);
	ck_assert_str_eq(d.items[0].code, "R005");
	ck_assert_str_eq(d.items[0].file, x.db);
	cw_diags_free(&d);
	/* With no result at all, only the error is reported. */
	ck_assert_int_eq(cw_migrate_diags(&d, NULL, &x.f, CW_EINVAL, &x.err,
					  "x.db"), 0);
	ck_assert_uint_eq(d.n, 1);
	cw_diags_free(&d);
	attempt_free(&x);
}
END_TEST

/* ---- messages cut to fit ---- */

static int is_utf8(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p) {
		int n = *p < 0x80 ? 0 : *p >= 0xf0 ? 3 : *p >= 0xe0 ? 2 :
			*p >= 0xc0 ? 1 : -1;
		if (n < 0)
			return 0;
		for (p++; n > 0; n--, p++)
			if ((*p & 0xc0) != 0x80)
				return 0;
	}
	return 1;
}

/* SQLite's message names a table whose name is longer than the failure
** record holds: cut at a character boundary, never inside one. */
START_TEST(test_long_message_stays_utf8)
{
	static const struct {
		const char *ch;
		size_t kept;     /* bytes kept of the 511 that fit */
	} cases[] = {
		{"\xc3\xa9", 510},            /* 2 bytes: one byte dropped */
		{"\xe2\x82\xac", 511},        /* 3 bytes: fits exactly */
		{"\xf0\x9f\x98\x80", 508},    /* 4 bytes: three dropped */
		{"e", 511},
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		char sql[2048], name[16], full[2048];
		size_t o = 0;
		mig m[1];
		attempt x;

		o += (size_t)snprintf(sql + o, sizeof(sql) - o,
				      "INSERT INTO x");
		/* Well past the 512 bytes of a failure's message. */
		while (o < 640)
			o += (size_t)snprintf(sql + o, sizeof(sql) - o, "%s",
					      cases[i].ch);
		snprintf(sql + o, sizeof(sql) - o, " VALUES(1);");
		snprintf(full, sizeof(full), "no such table: %.*s",
			 (int)(o - 12), sql + 12);
		m[0].tag = "0000_a";
		m[0].when = "1000";
		m[0].sql = sql;
		snprintf(name, sizeof(name), "u%zu", i);
		prepare(&x, name, m, 1, NULL);
		ck_assert_int_eq(attempt_run(&x), CW_ESQL);
		ck_assert_uint_eq(strlen(x.r.failure.message),
				  cases[i].kept);
		ck_assert(is_utf8(x.r.failure.message));
		ck_assert_int_eq(strncmp(x.r.failure.message, full,
					 cases[i].kept), 0);
		attempt_free(&x);
	}
}
END_TEST

static Suite *runs_suite(void)
{
	Suite *s = suite_create("engine_runs");
	TCase *tc = tcase_create("runs");

	tcase_add_checked_fixture(tc, make_tmp, unit_tmp_remove);
	tcase_add_test(tc, test_keep_going);
	tcase_add_test(tc, test_unrunnable_entry);
	tcase_add_test(tc, test_bound_parameters);
	tcase_add_test(tc, test_rule_refusals_explained);
	tcase_add_test(tc, test_unknown_function_hint);
	tcase_add_loop_test(tc, test_journal_mode_r008, 0, 2);
	tcase_add_test(tc, test_fk_off_r007);
	tcase_add_test(tc, test_profile_table);
	suite_add_tcase(s, tc);
	tc = tcase_create("paths");
	tcase_add_checked_fixture(tc, make_tmp, unit_tmp_remove);
	tcase_add_test(tc, test_path_refused);
	tcase_add_test(tc, test_not_a_database_finding);
	tcase_add_test(tc, test_long_message_stays_utf8);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(runs_suite());
}
