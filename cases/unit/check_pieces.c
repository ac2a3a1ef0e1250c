/*
** check_pieces.c - lib/pieces.c, the S family of `cw check`: breakpoint
** markers judged on the file text (S003 inside each kind of literal and
** comment, S004 not followed by a newline), pieces judged by applying
** the folder with the engine (S001 with the line to end, S002, S005 with
** the hint for an application function, S008), later failures marked as
** possibly following from the first, transaction control left to L001,
** the migrator's own COMMIT, and the engine's own findings passed on.
*/
#include "unit_migrate.h"
#include "../../lib/check.h"

static void make_tmp(void)
{
	unit_tmp_make("pieces");
}

#define BP "\n--> statement-breakpoint\n"
#define MARK "--> statement-breakpoint"

/* cw_check_pieces on folder <name> from m[0..n). */
static void check_folder(cw_diags *d, const char *name, const mig *m,
			 size_t n, const cw_check_options *o)
{
	cw_error err = {0};
	cw_folder f;
	char dir[256];

	load(&f, write_folder(dir, sizeof(dir), name, m, n));
	ck_assert_msg(cw_check_pieces(d, &f, o, &err) == 0, "%s",
		      err.message);
	cw_folder_free(&f);
}

/* The findings of one code, "line:message" each, one per line. */
static const char *of_code(char *buf, size_t n, const cw_diags *d,
			   const char *code)
{
	size_t i, o = 0;

	buf[0] = '\0';
	for (i = 0; i < d->n; i++)
		if (strcmp(d->items[i].code, code) == 0) {
			o += (size_t)snprintf(buf + o, n - o, "%d:%s\n",
					      d->items[i].line,
					      d->items[i].message);
			ck_assert_uint_lt(o, n);
		}
	return buf;
}

static const cw_diag *find(const cw_diags *d, const char *code)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		if (strcmp(d->items[i].code, code) == 0)
			return &d->items[i];
	ck_abort_msg("no %s finding", code);
	return NULL;
}

/* ---- markers ---- */

/* A marker inside any literal or comment is still where drizzle splits:
** S003 names what it is inside and its line. */
START_TEST(test_marker_inside)
{
	static const mig m[] = {
		{"0000_a", "1000",
		 "CREATE TABLE a(x TEXT DEFAULT 'it''s " MARK "');\n"
		 "CREATE TABLE \"q" MARK "\"(x);\n"
		 "CREATE TABLE `b" MARK "`(x);\n"
		 "CREATE TABLE [c" MARK "](x);\n"
		 "-- see " MARK " below\n"
		 "/* and\n" MARK " */\n"
		 "SELECT 'a''b', \"c\"\"d\", [e\"\"f], `g``h`;"},
	};
	cw_diags d = CW_DIAGS_INIT;
	char buf[2048];

	check_folder(&d, "in", m, 1, NULL);
	ck_assert_str_eq(of_code(buf, sizeof(buf), &d, "S003"),
		"1:breakpoint marker inside a quoted string or identifier; "
		"drizzle splits the statement there anyway\n"
		"2:breakpoint marker inside a quoted string or identifier; "
		"drizzle splits the statement there anyway\n"
		"3:breakpoint marker inside a quoted string or identifier; "
		"drizzle splits the statement there anyway\n"
		"4:breakpoint marker inside a quoted string or identifier; "
		"drizzle splits the statement there anyway\n"
		"5:breakpoint marker inside a comment; drizzle splits the "
		"statement there anyway\n"
		"7:breakpoint marker inside a comment; drizzle splits the "
		"statement there anyway\n");
	ck_assert_str_eq(find(&d, "S003")->tag, "0000_a");
	cw_diags_free(&d);
}
END_TEST

/* Literals and comments left open run to the end of the file; a marker
** after that point is inside them. */
START_TEST(test_marker_unterminated)
{
	static const mig quote[] = {
		{"0000_a", "1000", "SELECT 'open;\n" MARK "\nSELECT 1;"},
	};
	static const mig comment[] = {
		{"0000_a", "1000", "SELECT 1; /* open\n\n" MARK "\nSELECT 2;"},
	};
	static const mig dash[] = {
		{"0000_a", "1000", "SELECT 1; -"},
	};
	cw_diags d = CW_DIAGS_INIT;
	char buf[1024];

	check_folder(&d, "q", quote, 1, NULL);
	ck_assert_str_eq(of_code(buf, sizeof(buf), &d, "S003"),
		"2:breakpoint marker inside a quoted string or identifier; "
		"drizzle splits the statement there anyway\n");
	cw_diags_free(&d);
	check_folder(&d, "c", comment, 1, NULL);
	ck_assert_str_eq(of_code(buf, sizeof(buf), &d, "S003"),
		"3:breakpoint marker inside a comment; drizzle splits the "
		"statement there anyway\n");
	cw_diags_free(&d);
	/* A lone '-' at the end is nothing. */
	check_folder(&d, "dash", dash, 1, NULL);
	ck_assert_str_eq(of_code(buf, sizeof(buf), &d, "S003"), "");
	cw_diags_free(&d);
}
END_TEST

/* A marker must end its line; CRLF line ends are fine. */
START_TEST(test_marker_not_at_line_end)
{
	static const mig m[] = {
		{"0000_a", "1000", "CREATE TABLE a(x);\n" MARK
		 " CREATE TABLE b(x);\n" MARK "\r\nCREATE TABLE c(x);\n"
		 MARK "\tCREATE TABLE d(x);\n" MARK},
	};
	cw_diags d = CW_DIAGS_INIT;
	char buf[1024];

	check_folder(&d, "eol", m, 1, NULL);
	ck_assert_str_eq(of_code(buf, sizeof(buf), &d, "S004"),
		"2:breakpoint marker is followed by ' ' instead of a newline\n"
		"5:breakpoint marker is followed by '\t' instead of a "
		"newline\n");
	ck_assert_str_eq(of_code(buf, sizeof(buf), &d, "S003"), "");
	cw_diags_free(&d);
}
END_TEST

/* ---- pieces, run ---- */

/* A second statement in a piece: S001 at its first byte, and the hint
** names the line to end with a marker. */
START_TEST(test_two_statements)
{
	static const mig m[] = {
		{"0000_a", "1000", "CREATE TABLE a(x);" BP
		 "CREATE TABLE b(x);\n\n  CREATE TABLE c(x);"},
	};
	cw_diags d = CW_DIAGS_INIT;
	const cw_diag *g;

	check_folder(&d, "two", m, 1, NULL);
	ck_assert_uint_eq(d.n, 1);
	g = find(&d, "S001");
	ck_assert_int_eq(g->line, 5);
	ck_assert_int_eq(g->column, 3);
	ck_assert_str_eq(g->message, "piece 2 of 0000_a holds a second "
			 "statement starting here (better-sqlite3: "
			 CW_MSG_MULTIPLE ")");
	ck_assert_str_eq(g->hint, "end line 3 (after the first statement's "
			 "';') with `--> statement-breakpoint`");
	cw_diags_free(&d);
}
END_TEST

/* Every failure is reported, like a compiler; those after the first may
** follow from it and say so. */
START_TEST(test_later_failures_marked)
{
	static const mig m[] = {
		{"0000_a", "1000", "CREATE TABLE a(x);" BP
		 "INSERT INTO a VALUES(uuid_v4());"},
		{"0001_b", "2000", "INSERT INTO a VALUES(:v);" BP
		 "-- nothing here"},
		{"0002_c", "3000", "CREATE TABLE b(x); CREATE TABLE c(y);"},
	};
	cw_diags d = CW_DIAGS_INIT;
	char buf[2048];
	const cw_diag *g;

	check_folder(&d, "later", m, 3, NULL);
	ck_assert_uint_eq(d.n, 4);
	g = find(&d, "S005");
	ck_assert_int_eq(g->line, 3);
	ck_assert_str_eq(g->message, "piece 2 of 0000_a: SQLite says: no "
			 "such function: uuid_v4");
	ck_assert_ptr_nonnull(strstr(g->hint, "declare it in cw.config.json:"
				     " {\"migrator\": {\"functions\": "
				     "[\"uuid_v4/N\"]}} (or --functions "
				     "uuid_v4/N)"));
	ck_assert_str_eq(of_code(buf, sizeof(buf), &d, "S008"),
			 "1:piece 1 of 0001_b has a bound parameter (?, ?1, "
			 ":name, @name or $name); drizzle runs it with no "
			 "values and better-sqlite3 says: Missing named "
			 "parameters (may follow from the failure in 0000_a "
			 "piece 2)\n");
	ck_assert_str_eq(of_code(buf, sizeof(buf), &d, "S002"),
			 "3:piece 2 of 0001_b contains no statement "
			 "(better-sqlite3: " CW_MSG_NO_STATEMENTS "); drizzle "
			 "fails the whole run here\n");
	ck_assert_ptr_nonnull(strstr(find(&d, "S001")->message,
				     "(may follow from the failure in 0000_a "
				     "piece 2)"));
	cw_diags_free(&d);
}
END_TEST

/* Failures of transaction control are L001's to explain: BEGIN inside
** the batch, COMMIT with none open, and the final COMMIT after a COMMIT
** nothing reopened are not S findings. */
START_TEST(test_txn_control_left_to_l001)
{
	static const mig m[] = {
		{"0000_a", "1000", "CREATE TABLE a(x);" BP "BEGIN;"},
		{"0001_b", "2000", "COMMIT;" BP "COMMIT;" BP
		 "SELECT * FROM nope;"},
	};
	cw_diags d = CW_DIAGS_INIT;
	char buf[1024];

	check_folder(&d, "txn", m, 2, NULL);
	ck_assert_uint_eq(d.n, 1);
	ck_assert_str_eq(of_code(buf, sizeof(buf), &d, "S005"),
			 "5:piece 3 of 0001_b: SQLite says: no such table: "
			 "nope (may follow from the failure in 0000_a piece "
			 "2)\n");
	cw_diags_free(&d);
}
END_TEST

/* The migrator's own COMMIT failing on a deferred foreign key is an S005
** on the journal, with a hint pointing at L010. */
START_TEST(test_own_commit_fails)
{
	static const mig m[] = {
		{"0000_a", "1000", "CREATE TABLE p(id INTEGER PRIMARY KEY);" BP
		 "CREATE TABLE c(p REFERENCES p(id) DEFERRABLE INITIALLY "
		 "DEFERRED);" BP "INSERT INTO c VALUES(5);"},
	};
	cw_diags d = CW_DIAGS_INIT;
	const cw_diag *g;

	check_folder(&d, "own", m, 1, NULL);
	ck_assert_uint_eq(d.n, 1);
	g = find(&d, "S005");
	ck_assert(unit_ends_with(g->file, "own/meta/_journal.json"));
	ck_assert_int_eq(g->line, 0);
	ck_assert_str_eq(g->message, "the migrator's own `COMMIT` fails after "
			 "the last migration: FOREIGN KEY constraint failed");
	ck_assert_ptr_nonnull(strstr(g->hint, "see L010"));
	cw_diags_free(&d);
}
END_TEST

/* Under a foreign-keys-off profile, the engine's R007 is passed on (its
** R001 never is: a fresh database skips nothing); R008 too. */
START_TEST(test_engine_findings_passed_on)
{
	static const mig m[] = {
		{"0000_a", "1000", "CREATE TABLE p(id INTEGER PRIMARY KEY);" BP
		 "CREATE TABLE c(pid INTEGER REFERENCES p(id));" BP
		 "INSERT INTO p VALUES(1);" BP "INSERT INTO c VALUES(1);"},
		{"0001_b", "2000", "DELETE FROM p;" BP
		 "PRAGMA journal_mode=WAL;"},
	};
	cw_check_options o = CW_CHECK_OPTIONS_INIT;
	cw_profile pr = CW_PROFILE_INIT;
	cw_diags d = CW_DIAGS_INIT;
	const cw_diag *g;

	pr.foreign_keys = 0;
	o.profile = &pr;
	check_folder(&d, "fk", m, 2, &o);
	ck_assert_uint_eq(d.n, 2);
	g = find(&d, "R007");
	ck_assert_str_eq(g->tag, "0001_b");
	ck_assert_str_eq(g->message, "0001_b leaves 1 row of c pointing at "
			 "nothing (foreign keys are OFF while the app "
			 "migrates, so nothing stopped it)");
	ck_assert_str_eq(find(&d, "R008")->tag, "0001_b");
	cw_diags_free(&d);
	/* The stock profile: the DELETE itself fails. */
	check_folder(&d, "fk_on", m, 2, NULL);
	ck_assert_str_eq(find(&d, "S005")->message, "piece 1 of 0001_b: "
			 "SQLite says: FOREIGN KEY constraint failed");
	cw_diags_free(&d);
}
END_TEST

/* A file that could not be read (a lenient load) is the folder reader's
** to report; the rest is checked. */
START_TEST(test_unreadable_file_passed_over)
{
	static const mig m[] = {
		{"0000_a", "1000", "CREATE TABLE a(x);"},
		{"0001_b", "2000", "SELECT '" MARK "';"},
		{"0002_c", "3000", "CREATE TABLE c(x);\n" MARK
		 " CREATE TABLE d(x);"},
	};
	cw_folder_options lenient = {0};
	cw_diags d = CW_DIAGS_INIT, fd = CW_DIAGS_INIT;
	cw_error err = {0};
	char dir[256], p[512];
	cw_folder f;

	write_folder(dir, sizeof(dir), "gone", m, 3);
	ck_assert_int_eq(unlink(unit_path(p, sizeof(p), "gone/0001_b.sql")),
			 0);
	ck_assert_int_eq(cw_folder_load(&f, dir, &lenient, &fd, &err), 0);
	ck_assert_int_eq(cw_check_pieces(&d, &f, NULL, &err), 0);
	ck_assert_uint_eq(d.n, 1);
	ck_assert_str_eq(d.items[0].code, "S004");
	ck_assert_str_eq(d.items[0].tag, "0002_c");
	cw_diags_free(&d);
	cw_diags_free(&fd);
	cw_folder_free(&f);
}
END_TEST

static Suite *pieces_suite(void)
{
	Suite *s = suite_create("pieces");
	TCase *tc = tcase_create("markers");

	tcase_add_checked_fixture(tc, make_tmp, unit_tmp_remove);
	tcase_add_test(tc, test_marker_inside);
	tcase_add_test(tc, test_marker_unterminated);
	tcase_add_test(tc, test_marker_not_at_line_end);
	suite_add_tcase(s, tc);
	tc = tcase_create("run");
	tcase_add_checked_fixture(tc, make_tmp, unit_tmp_remove);
	tcase_add_test(tc, test_two_statements);
	tcase_add_test(tc, test_later_failures_marked);
	tcase_add_test(tc, test_txn_control_left_to_l001);
	tcase_add_test(tc, test_own_commit_fails);
	tcase_add_test(tc, test_engine_findings_passed_on);
	tcase_add_test(tc, test_unreadable_file_passed_over);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(pieces_suite());
}
