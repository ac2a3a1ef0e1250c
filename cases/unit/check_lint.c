/*
** check_lint.c - lib/lint.c on single statements: L001-L007 and the
** L010 ADD COLUMN cases, each on its example and on its near-misses
** (keywords in literals and comments, defaults, WHERE clauses, rebuilds,
** backups), line numbers with LF and CRLF, and the tokenizer
** (lib/sqlscan.c) they stand on.  The data-loss probe (L008, L009, the
** L010 rebuilds) and real histories are check_lint_probe.c.
*/
#include "unit_lint.h"
#include "../../lib/sqlscan.h"

/* Unchecked-fixture setup: the folder the tests' folders sit in. */
static void make_root(void)
{
	lint_root_make("lint");
}

/* ---- the tokenizer ---- */

START_TEST(test_tokens)
{
	static const char s[] = "SELECT 'a;''b', \"c;\"\"d\", `e;`, [f;g] "
				"-- x;\n/* y; */ x'00', 1.5e3, :v;END";
	cw_toks t = CW_TOKS_INIT;
	cw_error err = {0};
	char *name;

	ck_assert_int_eq(cw_sqlscan(&t, s, 0, sizeof(s) - 1, &err), 0);
	ck_assert_uint_eq(t.n, 15);
	ck_assert_int_eq(t.items[1].type, CW_TOK_STRING);
	ck_assert_int_eq(t.items[3].type, CW_TOK_QID);
	name = cw_tok_name(s, &t.items[3]);
	ck_assert_str_eq(name, "c;\"d");
	free(name);
	name = cw_tok_name(s, &t.items[7]);
	ck_assert_str_eq(name, "f;g");
	free(name);
	ck_assert_int_eq(t.items[8].type, CW_TOK_BLOB);
	ck_assert_int_eq(t.items[10].type, CW_TOK_NUMBER);
	ck_assert_int_eq(t.items[11].type, CW_TOK_PUNCT);
	ck_assert_int_eq(t.items[12].type, CW_TOK_VAR);
	ck_assert_uint_eq(cw_sqlscan_stmt_end(s, t.items, t.n, 0), 13);
	ck_assert(cw_tok_is(s, &t.items[0], "select"));
	ck_assert(cw_sqlscan_name_eq("Users", "uSERS"));
	ck_assert(!cw_sqlscan_name_eq("users", "user"));
	cw_toks_free(&t);
}
END_TEST

START_TEST(test_trigger_is_one_statement)
{
	static const char s[] = "CREATE TRIGGER t AFTER INSERT ON a BEGIN "
				"DELETE FROM b; UPDATE c SET x = 1; END; "
				"SELECT 1";
	cw_toks t = CW_TOKS_INIT;
	cw_error err = {0};
	size_t end;

	ck_assert_int_eq(cw_sqlscan(&t, s, 0, sizeof(s) - 1, &err), 0);
	end = cw_sqlscan_stmt_end(s, t.items, t.n, 0);
	ck_assert(cw_tok_is(s, &t.items[end - 1], "END"));
	ck_assert(cw_tok_is(s, &t.items[end + 1], "SELECT"));
	cw_toks_free(&t);
}
END_TEST

/* ---- single statements ---- */

START_TEST(test_l001)
{
	expect(NULL, "BEGIN;\n" BP "CREATE TABLE a(x);\n" BP "COMMIT;",
	       "L001:1 L001:5");
	expect(NULL, "CREATE TABLE a(x);--> statement-breakpoint\nEND "
	       "TRANSACTION;", "L001:2");
	expect(NULL, "SAVEPOINT s;\n" BP "RELEASE s;\n" BP "VACUUM;\n" BP
	       "ROLLBACK TO s;", "L001:1 L001:3 L001:5 L001:7");
	/* Near-misses: in a literal, a comment, a trigger body. */
	expect(NULL, "CREATE TABLE a(x);\n" BP "INSERT INTO a VALUES "
	       "('BEGIN; COMMIT;');\n" BP "-- COMMIT;\nSELECT 1;", "");
	expect(NULL, "CREATE TABLE a(x);\n" BP "CREATE TRIGGER t AFTER "
	       "INSERT ON a BEGIN\n\tDELETE FROM a WHERE x = 0;\nEND;", "");
}
END_TEST

START_TEST(test_l002)
{
	static const char *base = "CREATE TABLE t(id integer);";

	expect(base, "ALTER TABLE `t` ADD `x` integer NOT NULL;", "L002:1");
	expect(base, "ALTER TABLE t ADD COLUMN x text NOT NULL DEFAULT NULL;",
	       "L002:1");
	expect(base, "ALTER TABLE t ADD x int NOT NULL DEFAULT (NULL);",
	       "L002:1");
	expect(base, "ALTER TABLE t ADD COLUMN x integer NOT NULL DEFAULT 0;",
	       "");
	expect(base, "ALTER TABLE t ADD `x` integer DEFAULT 0 NOT NULL;", "");
	expect(base, "ALTER TABLE t ADD x integer;", "");
	/* No L002 (generated), but a row whose id is NULL makes the
	** generated value NULL: the evidence with rows says so. */
	expect(base, "ALTER TABLE t ADD x int NOT NULL AS (id + 1);",
	       "L010:1");
	expect(base, "-- ALTER TABLE t ADD x int NOT NULL;\nSELECT 1;", "");
	expect(base, "INSERT INTO t VALUES "
	       "('ALTER TABLE t ADD x int NOT NULL');", "");
}
END_TEST

/* L010: each verified against SQLite 3.40 and 3.53 on a populated table
** with foreign keys on ("Cannot add a REFERENCES column with non-NULL
** default value", "cannot add a STORED column"), and the near-misses
** accepted there.  SQLite checks REFERENCES before the default's
** constancy, so a non-constant one is L010, not L003. */
START_TEST(test_l010_add_column)
{
	static const char *base = "CREATE TABLE u(id integer PRIMARY KEY);\n"
				  BP "CREATE TABLE t(id integer);";
	static const char *bad[] = {
		"REFERENCES u(id) DEFAULT 1", "DEFAULT 'x' REFERENCES u",
		"REFERENCES u(id) DEFAULT -1", "DEFAULT (abs(1)) REFERENCES u",
		"REFERENCES u DEFAULT CURRENT_TIMESTAMP",
		"NOT NULL DEFAULT 1 REFERENCES u(id)",
		"CONSTRAINT fk REFERENCES u(id) ON DELETE CASCADE DEFAULT 1",
		"GENERATED ALWAYS AS (id + 1) STORED", "AS (id * 2) stored",
	};
	static const char *good[] = {
		"REFERENCES u(id) DEFAULT NULL", "DEFAULT (NULL) REFERENCES u",
		"REFERENCES u(id)", "REFERENCES u(id) ON DELETE SET DEFAULT",
		"REFERENCES u(id) ON DELETE SET DEFAULT ON UPDATE NO ACTION",
		"GENERATED ALWAYS AS (id + 1) VIRTUAL", "AS (id + 1)",
		"DEFAULT 'STORED'", "DEFAULT 1 CHECK (x <> 'REFERENCES')",
	};
	cw_diags d = CW_DIAGS_INIT;
	char sql[256];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(sql, sizeof(sql), "ALTER TABLE t ADD x int %s;",
			 bad[i]);
		expect(base, sql, "L010:1");
	}
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		snprintf(sql, sizeof(sql), "ALTER TABLE t ADD x int %s;",
			 good[i]);
		expect(base, sql, "");
	}
	expect(base, "ALTER TABLE t ADD x int NOT NULL REFERENCES u;",
	       "L002:1");
	lint_sql(&d, base, "ALTER TABLE `t` ADD `x` int DEFAULT 7 REFERENCES "
		 "u(id);\n" BP "ALTER TABLE t ADD y int AS (1) STORED;");
	ck_assert_uint_eq(d.n, 2);
	ck_assert_str_eq(d.items[0].message, "ALTER TABLE t ADD COLUMN x "
			 "REFERENCES ... DEFAULT 7 fails with \"Cannot add a "
			 "REFERENCES column with non-NULL default value\" once "
			 "t has rows");
	ck_assert_ptr_nonnull(strstr(d.items[0].hint, "nullable without a "
				     "DEFAULT"));
	ck_assert_ptr_nonnull(strstr(d.items[1].message, "\"cannot add a "
				     "STORED column\""));
	ck_assert_ptr_nonnull(strstr(d.items[1].hint, "VIRTUAL"));
	cw_diags_free(&d);
}
END_TEST

/* Each verified against SQLite on a populated table: "Cannot add a
** column with non-constant default" exactly for these. */
START_TEST(test_l003)
{
	static const char *base = "CREATE TABLE t(id integer);";
	static const char *bad[] = {
		"DEFAULT (unixepoch())", "NOT NULL DEFAULT CURRENT_TIMESTAMP",
		"DEFAULT (1 + 2)", "DEFAULT ('x' COLLATE nocase)",
		"DEFAULT (abs(1))", "DEFAULT (true = 1)",
		"DEFAULT current_date",
	};
	static const char *good[] = {
		"DEFAULT (1)", "DEFAULT ((1))", "DEFAULT (-1)", "DEFAULT -1",
		"DEFAULT (- -1)", "DEFAULT (+1)", "DEFAULT x'00'",
		"DEFAULT \"text\"", "DEFAULT abc", "DEFAULT true",
		"DEFAULT (true)", "DEFAULT (CAST(1 AS text))",
		"DEFAULT (-(1))",
		"DEFAULT 'CURRENT_TIMESTAMP'", "DEFAULT (-'x')",
	};
	char sql[256];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(sql, sizeof(sql), "ALTER TABLE t ADD c int %s;",
			 bad[i]);
		expect(base, sql, "L003:1");
	}
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		snprintf(sql, sizeof(sql), "ALTER TABLE t ADD c int %s;",
			 good[i]);
		expect(base, sql, "");
	}
}
END_TEST

START_TEST(test_l004)
{
	static const char *base = "CREATE TABLE t(id integer);";

	expect(base, "DROP TABLE `t`;", "L004:1");
	expect(base, "SELECT 1;\n" BP "DROP TABLE IF EXISTS main.t;",
	       "L004:3");
	expect(base, "-- DROP TABLE t;\nSELECT 1;", "");
	expect(base, "SELECT 'DROP TABLE t';", "");
	/* A rebuild is judged by L008/L009, a backup made here is scratch. */
	expect(base, "CREATE TABLE `__new_t` (id integer, y text);\n" BP
	       "INSERT INTO `__new_t` SELECT id, NULL FROM t;\n" BP
	       "DROP TABLE `t`;\n" BP
	       "ALTER TABLE `__new_t` RENAME TO `t`;", "");
	expect(base, "CREATE TEMP TABLE bak AS SELECT * FROM t;\n" BP
	       "DROP TABLE bak;", "");
}
END_TEST

START_TEST(test_l005)
{
	static const char *base = "CREATE TABLE t(id integer, x int);";

	expect(base, "ALTER TABLE t DROP COLUMN x;", "L005:1");
	expect(base, "ALTER TABLE t DROP `x`;", "L005:1");
	expect(base, "ALTER TABLE t RENAME COLUMN x TO drop_column;", "");
}
END_TEST

START_TEST(test_l006)
{
	static const char *base = "CREATE TABLE t(id integer);";

	expect(base, "DELETE FROM t;", "L006:1");
	expect(base, "WITH x AS (SELECT 1) DELETE FROM t;", "L006:1");
	expect(base, "DELETE FROM t WHERE id IN (SELECT 1);", "");
	expect(base, "DELETE FROM t WHERE id = 1;", "");
	expect(base, "UPDATE t SET id = 1; -- DELETE FROM t;", "");
	/* Emptied and restored from a backup in the same migration. */
	expect(base, "CREATE TEMP TABLE b AS SELECT * FROM t;\n" BP
	       "DELETE FROM t;\n" BP "INSERT INTO t SELECT * FROM b;", "");
}
END_TEST

START_TEST(test_l007)
{
	cw_diags d = CW_DIAGS_INIT;
	const char *one[] = {"CREATE TABLE \"my_migs\" (id int);", NULL};

	expect(NULL, "CREATE TABLE `__drizzle_migrations` (id SERIAL);",
	       "L007:1");
	expect(NULL, "CREATE TABLE IF NOT EXISTS __DRIZZLE_MIGRATIONS (x);",
	       "L007:1");
	expect(NULL, "CREATE TABLE __drizzle_migrations_old (x);", "");
	lint_dir_table(&d, folder("l007", one), "my_migs");
	ck_assert_uint_eq(count_code(&d, "L007"), 1);
	cw_diags_free(&d);
}
END_TEST

/* Statement lines inside a piece, and with CRLF line endings. */
START_TEST(test_lines)
{
	expect("CREATE TABLE a(x);", "SELECT 1;\r\n" BP
	       "\r\n\r\n  DROP TABLE a;", "L004:5");
	expect("CREATE TABLE a(x);", "SELECT 1;\n\n/* c */ DELETE FROM a;\n",
	       "L006:3");
}
END_TEST

static Suite *lint_suite(void)
{
	Suite *s = suite_create("lint");
	TCase *tc = tcase_create("statements");

	tcase_add_unchecked_fixture(tc, make_root, lint_root_remove);
	tcase_add_checked_fixture(tc, lint_tmp_make, unit_tmp_remove);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_tokens);
	tcase_add_test(tc, test_trigger_is_one_statement);
	tcase_add_test(tc, test_l001);
	tcase_add_test(tc, test_l002);
	tcase_add_test(tc, test_l003);
	tcase_add_test(tc, test_l010_add_column);
	tcase_add_test(tc, test_l004);
	tcase_add_test(tc, test_l005);
	tcase_add_test(tc, test_l006);
	tcase_add_test(tc, test_l007);
	tcase_add_test(tc, test_lines);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(lint_suite());
}
