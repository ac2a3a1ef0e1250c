/*
** check_lint.c - lib/lint.c and friends: every L code on its example and
** not on its near-misses (keywords in literals and comments, defaults,
** WHERE clauses, rebuilds, backups), the tokenizer, the data-loss probe
** (cascade, SET NULL, NO ACTION and RESTRICT, deferred keys, hand-made
** backups), line numbers, and the real histories under $SHARED/realworld.
*/
#ifndef _GNU_SOURCE
#define _GNU_SOURCE   /* mkdtemp, nftw */
#endif
#include "unit.h"
#include "../../lib/folder.h"
#include "../../lib/lint.h"
#include "../../lib/sqlscan.h"

#include <ftw.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define BP "--> statement-breakpoint\n"

static char tmpdir[64];

static int rm_one(const char *p, const struct stat *s, int f, struct FTW *w)
{
	(void)s;
	(void)f;
	(void)w;
	return remove(p);
}

static void setup(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/cw-check-lint-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void teardown(void)
{
	if (tmpdir[0] != '\0' && strstr(tmpdir, "XXXXXX") == NULL)
		nftw(tmpdir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static void write_file(const char *path, const char *text)
{
	FILE *fp = fopen(path, "wb");

	ck_assert_ptr_nonnull(fp);
	ck_assert_uint_eq(fwrite(text, 1, strlen(text), fp), strlen(text));
	fclose(fp);
}

/* A migration folder <tmpdir>/<name> with one file per NULL-terminated
** sql[], tagged 0000_m, 0001_m, ... */
static const char *folder(const char *name, const char *const *sql)
{
	static char dir[256];
	char path[512], journal[16384];
	size_t k, o;

	snprintf(dir, sizeof(dir), "%s/%s", tmpdir, name);
	mkdir(dir, 0755);
	snprintf(path, sizeof(path), "%s/meta", dir);
	mkdir(path, 0755);
	o = (size_t)snprintf(journal, sizeof(journal), "{\"version\":\"7\","
			     "\"dialect\":\"sqlite\",\"entries\":[");
	for (k = 0; sql[k] != NULL; k++) {
		o += (size_t)snprintf(journal + o, sizeof(journal) - o,
				      "%s{\"idx\":%zu,\"version\":\"6\","
				      "\"when\":%zu,\"tag\":\"%04zu_m\","
				      "\"breakpoints\":true}", k ? "," : "",
				      k, 1700000000000 + k * 1000, k);
		snprintf(path, sizeof(path), "%s/%04zu_m.sql", dir, k);
		write_file(path, sql[k]);
	}
	snprintf(journal + o, sizeof(journal) - o, "]}");
	snprintf(path, sizeof(path), "%s/meta/_journal.json", dir);
	write_file(path, journal);
	return dir;
}

/* Lint dir into d (with the migrations table `table`, or drizzle's). */
static void lint_dir_table(cw_diags *d, const char *dir, const char *table)
{
	cw_folder f;
	cw_folder_options fo = CW_FOLDER_OPTIONS_INIT;
	cw_check_options o = CW_CHECK_OPTIONS_INIT;
	cw_diags load = CW_DIAGS_INIT;
	cw_error err = {0};

	memset(&f, 0, sizeof(f));
	fo.require_complete = 0;
	o.table = table;
	ck_assert_int_eq(cw_folder_load(&f, dir, &fo, &load, &err), 0);
	ck_assert_int_eq(cw_lint_check(d, &f, &o, &err), 0);
	ck_assert_int_eq(err.code, 0);
	cw_diags_free(&load);
	cw_folder_free(&f);
}

static void lint_dir(cw_diags *d, const char *dir)
{
	lint_dir_table(d, dir, NULL);
}

/* Lint one migration (after the given setup migration, if any). */
static void lint_sql(cw_diags *d, const char *before, const char *sql)
{
	const char *two[] = {before, sql, NULL}, *one[] = {sql, NULL};
	static int n;
	char name[32];

	snprintf(name, sizeof(name), "f%d", n++);
	lint_dir(d, folder(name, before ? two : one));
}

static size_t count_code(const cw_diags *d, const char *code)
{
	size_t i, n = 0;

	for (i = 0; i < d->n; i++)
		n += strcmp(d->items[i].code, code) == 0;
	return n;
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

static void dump(const cw_diags *d)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		fprintf(stderr, "  %s %s:%d %s\n", d->items[i].code,
			d->items[i].file, d->items[i].line,
			d->items[i].message);
}

/* Exactly `want` findings, each "CODE:line", in any order. */
static void expect(const char *before, const char *sql, const char *want)
{
	cw_diags d = CW_DIAGS_INIT;
	char got[2048] = "";
	size_t i, o = 0;

	lint_sql(&d, before, sql);
	cw_diags_sort(&d);
	for (i = 0; i < d.n; i++)
		o += (size_t)snprintf(got + o, sizeof(got) - o, "%s%s:%d",
				      i ? " " : "", d.items[i].code,
				      d.items[i].line);
	if (strcmp(got, want) != 0)
		dump(&d);
	ck_assert_str_eq(got, want);
	cw_diags_free(&d);
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
	ck_assert(cw_name_eq("Users", "uSERS"));
	ck_assert(!cw_name_eq("users", "user"));
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
	expect(base, "ALTER TABLE t ADD x int NOT NULL AS (id + 1);", "");
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

/* ---- the data-loss probe ---- */

#define USERS "CREATE TABLE `users` (`id` integer PRIMARY KEY NOT NULL, " \
	"`name` text NOT NULL);\n" BP
#define POSTS(fk) "CREATE TABLE `posts` (`id` integer PRIMARY KEY NOT " \
	"NULL, `author_id` integer" fk ", `title` text DEFAULT 'x' NOT " \
	"NULL, FOREIGN KEY (`author_id`) REFERENCES `users`(`id`) ON " \
	"UPDATE no action ON DELETE "
#define CASCADE USERS POSTS(" NOT NULL") "cascade);"
#define SET_NULL USERS POSTS("") "set null);"
#define NO_ACTION USERS POSTS(" NOT NULL") "no action);"
#define REBUILD_USERS(pragma) \
	pragma "CREATE TABLE `__new_users` (`id` integer PRIMARY KEY NOT " \
	"NULL, `name` text NOT NULL, `email` text DEFAULT '' NOT NULL);\n" BP \
	"INSERT INTO `__new_users`(\"id\", \"name\") SELECT \"id\", " \
	"\"name\" FROM `users`;--> statement-breakpoint\n" \
	"DROP TABLE `users`;--> statement-breakpoint\n" \
	"ALTER TABLE `__new_users` RENAME TO `users`;"
#define OFF "PRAGMA foreign_keys=OFF;--> statement-breakpoint\n"
#define ON "--> statement-breakpoint\nPRAGMA foreign_keys=ON;"

static const cw_diag *one_finding(cw_diags *d, const char *before,
				  const char *sql, const char *code)
{
	lint_sql(d, before, sql);
	if (d->n != 1)
		dump(d);
	ck_assert_uint_eq(d->n, 1);
	ck_assert_str_eq(d->items[0].code, code);
	return &d->items[0];
}

START_TEST(test_l009_cascade)
{
	cw_diags d = CW_DIAGS_INIT;
	const cw_diag *g = one_finding(&d, CASCADE, REBUILD_USERS(OFF) ON,
				       "L009");

	ck_assert_int_eq(g->line, 5);
	ck_assert_int_eq(g->severity, CW_SEV_ERROR);
	ck_assert_msg(strstr(g->message, "rebuilding users in 0001_m "
			     "deletes 1 of 1 rows of posts via ON DELETE "
			     "CASCADE") != NULL, "%s", g->message);
	cw_diags_free(&d);
}
END_TEST

START_TEST(test_l009_set_null)
{
	cw_diags d = CW_DIAGS_INIT;
	const cw_diag *g = one_finding(&d, SET_NULL, REBUILD_USERS(OFF) ON,
				       "L009");

	ck_assert_msg(strstr(g->message, "sets 1 of 1 foreign-key values of "
			     "posts to NULL via ON DELETE SET NULL") != NULL,
		      "%s", g->message);
	ck_assert_ptr_null(strstr(g->message, "CASCADE"));
	cw_diags_free(&d);
}
END_TEST

/* Grandchildren go too, and are named. */
START_TEST(test_l009_grandchild)
{
	cw_diags d = CW_DIAGS_INIT;
	const cw_diag *g = one_finding(&d, CASCADE "--> statement-breakpoint"
		"\nCREATE TABLE c (id integer PRIMARY KEY, post_id integer "
		"NOT NULL REFERENCES posts(id) ON DELETE CASCADE);",
		REBUILD_USERS(OFF) ON, "L009");

	ck_assert_msg(strstr(g->message, "deletes 1 of 1 rows of posts, c "
			     "via ON DELETE CASCADE") != NULL, "%s",
		      g->message);
	cw_diags_free(&d);
}
END_TEST

/* Child rows copied aside and put back: the PRAGMA pattern is still
** there (L008), but nothing is lost. */
START_TEST(test_l008_backup)
{
	cw_diags d = CW_DIAGS_INIT;
	const cw_diag *g = one_finding(&d, CASCADE,
		"CREATE TABLE `__bak` AS SELECT * FROM `posts`;\n" BP
		REBUILD_USERS(OFF) "\n" BP
		"INSERT INTO `posts` SELECT * FROM `__bak`;\n" BP
		"DROP TABLE `__bak`;" ON, "L008");

	ck_assert_int_eq(g->line, 7);
	ck_assert_int_eq(g->severity, CW_SEV_WARNING);
	ck_assert_msg(strstr(g->message, "referenced by posts") &&
		      strstr(g->message, "child rows survived"), "%s",
		      g->message);
	cw_diags_free(&d);
}
END_TEST

/* ON DELETE NO ACTION children make the DROP itself fail once they hold
** rows ("FOREIGN KEY constraint failed"): an L010 error on the DROP, in
** place of the L008 warning about the PRAGMA. */
START_TEST(test_l010_no_action)
{
	cw_diags d = CW_DIAGS_INIT;
	const cw_diag *g = one_finding(&d, NO_ACTION, REBUILD_USERS(OFF) ON,
				       "L010");

	ck_assert_int_eq(g->line, 5);
	ck_assert_int_eq(g->severity, CW_SEV_ERROR);
	ck_assert_msg(strstr(g->message, "rebuilding users in 0001_m fails "
			     "on a populated database: rows in posts block") &&
		      strstr(g->message, "the DROP fails with \"FOREIGN KEY "
			     "constraint failed\"") &&
		      strstr(g->message, "PRAGMA foreign_keys is a no-op"),
		      "%s", g->message);
	ck_assert_ptr_nonnull(strstr(g->hint, "restore them after the "
				     "RENAME"));
	cw_diags_free(&d);
}
END_TEST

/* RESTRICT blocks like NO ACTION, PRAGMA or not; a plain DROP (L004)
** fails the same way and gets a hint without a RENAME. */
START_TEST(test_l010_restrict_and_plain_drop)
{
	cw_diags d = CW_DIAGS_INIT;
	const cw_diag *g;

	expect(USERS POSTS(" NOT NULL") "restrict);", REBUILD_USERS(""),
	       "L010:4");
	expect(NO_ACTION, "DROP TABLE users;", "L004:1 L010:1");
	lint_sql(&d, NO_ACTION, "DROP TABLE users;");
	g = find(&d, "L010");
	ck_assert_msg(strstr(g->message, "dropping users") &&
		      !strstr(g->message, "PRAGMA"), "%s", g->message);
	ck_assert_ptr_null(strstr(g->hint, "RENAME"));
	cw_diags_free(&d);
	/* A plain DROP of a table only CASCADE children reference stays
	** L004: loss on a plain DROP is not L009's business. */
	expect(CASCADE, "DROP TABLE users;", "L004:1");
}
END_TEST

/* A deferred key lets the DROP through; the COMMIT then fails. */
START_TEST(test_l010_deferred)
{
	cw_diags d = CW_DIAGS_INIT;
	const cw_diag *g = one_finding(&d, USERS POSTS(" NOT NULL") "no action"
		" DEFERRABLE INITIALLY DEFERRED);", REBUILD_USERS(OFF) ON,
		"L010");

	ck_assert_int_eq(g->line, 5);
	ck_assert_msg(strstr(g->message, "deferred foreign key, so the DROP "
			     "goes through but the COMMIT fails") != NULL,
		      "%s", g->message);
	cw_diags_free(&d);
}
END_TEST

/* What stops the DROP may sit below a CASCADE (comments under posts), or
** be a SET NULL into a NOT NULL column: SQLite's own words are quoted. */
START_TEST(test_l010_below_cascade)
{
	cw_diags d = CW_DIAGS_INIT;
	const cw_diag *g = one_finding(&d, CASCADE "--> statement-breakpoint"
		"\nCREATE TABLE comments (id integer PRIMARY KEY, post_id "
		"integer NOT NULL REFERENCES posts(id));",
		REBUILD_USERS(OFF) ON, "L010");

	ck_assert_msg(strstr(g->message, "rows in comments block") != NULL,
		      "%s", g->message);
	cw_diags_free(&d);
	g = one_finding(&d, USERS POSTS(" NOT NULL") "set null);",
			REBUILD_USERS(""), "L010");
	ck_assert_msg(strstr(g->message, "\"NOT NULL constraint failed: "
			     "posts.author_id\"") != NULL, "%s", g->message);
	cw_diags_free(&d);
}
END_TEST

/* Near-misses: child rows set aside and deleted before the DROP and put
** back after the RENAME (the hint's recipe); a second DROP after the one
** that fails gets no L008 repeating the failure; a rebuild that fails on
** an empty database too is S005's (L008 "not measured"). */
START_TEST(test_l010_near_misses)
{
	cw_diags d = CW_DIAGS_INIT;

	expect(NO_ACTION, "CREATE TABLE bak AS SELECT * FROM posts;\n" BP
	       "DELETE FROM posts;\n" BP REBUILD_USERS("") "\n" BP
	       "INSERT INTO posts SELECT * FROM bak;\n" BP "DROP TABLE bak;",
	       "");
	expect(NO_ACTION "--> statement-breakpoint\nCREATE TABLE tags (id "
	       "integer PRIMARY KEY, u integer REFERENCES users(id) ON "
	       "DELETE CASCADE);", REBUILD_USERS(OFF) "\n" BP
	       "DROP TABLE tags;" ON, "L010:5 L004:8");
	one_finding(&d, NO_ACTION, OFF "CREATE TABLE `__new_users` (`id` "
		"integer PRIMARY KEY, `name` text, `email` text);\n" BP
		"INSERT INTO `__new_users` SELECT `id`, `name`, `email` FROM "
		"`users`;" BP "DROP TABLE `users`;" BP "ALTER TABLE "
		"`__new_users` RENAME TO `users`;" ON, "L008");
	ck_assert_ptr_nonnull(strstr(d.items[0].message, "not measured"));
	cw_diags_free(&d);
}
END_TEST

/* A rebuild without the PRAGMA is probed too: loss is loss. */
START_TEST(test_rebuild_without_pragma)
{
	cw_diags d = CW_DIAGS_INIT;

	one_finding(&d, CASCADE, REBUILD_USERS(""), "L009");
	cw_diags_free(&d);
	expect(CASCADE, "CREATE TEMP TABLE b AS SELECT * FROM posts;\n" BP
	       REBUILD_USERS("") "\n" BP "INSERT INTO posts SELECT * FROM "
	       "b;", "");
	expect(USERS "SELECT 1;", REBUILD_USERS(""), "");
}
END_TEST

/* Nothing references the table, or only a table created in the same
** migration (empty in production): no finding. */
START_TEST(test_unreferenced)
{
	expect(USERS "SELECT 1;", REBUILD_USERS(OFF) ON, "");
	expect(USERS "SELECT 1;", "CREATE TABLE p (id integer PRIMARY KEY, "
	       "u integer REFERENCES users(id) ON DELETE CASCADE);\n" BP
	       REBUILD_USERS(OFF) ON, "");
}
END_TEST

/* A plain DROP of a referenced table next to the PRAGMA: L004 and L009. */
START_TEST(test_drop_with_pragma)
{
	expect(CASCADE, OFF "DROP TABLE users;" ON, "L004:2 L009:2");
}
END_TEST

/* The probe stops where the folder fails; later rebuilds fall back to
** the foreign keys the CREATE statements declared. */
START_TEST(test_probe_stops)
{
	cw_diags d = CW_DIAGS_INIT;
	const char *sql[] = {CASCADE, "ALTER TABLE nope ADD x int;",
			     REBUILD_USERS(OFF) ON, NULL};

	lint_dir(&d, folder("stops", sql));
	if (d.n != 1)
		dump(&d);
	ck_assert_uint_eq(d.n, 1);
	ck_assert_str_eq(d.items[0].code, "L008");
	ck_assert_ptr_nonnull(strstr(d.items[0].message, "not measured"));
	cw_diags_free(&d);
}
END_TEST

/* A rebuild that fails even without data (it copies a column that does
** not exist) is S005's business: the L008 says it was not measured. */
START_TEST(test_candidate_fails_plain)
{
	cw_diags d = CW_DIAGS_INIT;
	const cw_diag *g = one_finding(&d, CASCADE, OFF
		"CREATE TABLE `__new_users` (`id` integer PRIMARY KEY, `name` "
		"text, `email` text);\n" BP "INSERT INTO `__new_users` SELECT "
		"`id`, `name`, `email` FROM `users`;" BP "DROP TABLE `users`;"
		BP "ALTER TABLE `__new_users` RENAME TO `users`;" ON, "L008");

	ck_assert_ptr_nonnull(strstr(g->message, "not measured"));
	cw_diags_free(&d);
}
END_TEST

/* A child no variant of the synthetic row satisfies is named. */
START_TEST(test_unfillable_child)
{
	cw_diags d = CW_DIAGS_INIT;
	const cw_diag *g = one_finding(&d, USERS "CREATE TABLE `posts` (`id` "
		"integer PRIMARY KEY, `u` integer REFERENCES users(id) ON "
		"DELETE CASCADE, `t` text NOT NULL CHECK (t = 'zz'));",
		REBUILD_USERS(OFF) ON, "L008");

	ck_assert_msg(strstr(g->message, "but posts could not be filled") !=
		      NULL, "%s", g->message);
	cw_diags_free(&d);
}
END_TEST

/* The probe's rows never reach later migrations: a NOT NULL column
** added after the rebuild applies on the schema alone, as in production,
** so the probe goes on and measures the second rebuild too. */
START_TEST(test_rows_rolled_back)
{
	cw_diags d = CW_DIAGS_INIT;
	const char *sql[] = {CASCADE, REBUILD_USERS(OFF) ON,
			     "ALTER TABLE posts ADD z int NOT NULL;",
			     REBUILD_USERS(OFF) ON, NULL};

	lint_dir(&d, folder("rolled", sql));
	if (d.n != 3)
		dump(&d);
	ck_assert_uint_eq(count_code(&d, "L009"), 2);
	ck_assert_uint_eq(count_code(&d, "L002"), 1);
	cw_diags_free(&d);
}
END_TEST

/* The first codewalkers fixture: 0001 rebuilds users, which posts
** references ON DELETE CASCADE. */
#define CW_0000 "CREATE TABLE `posts` (\n" \
	"\t`id` integer PRIMARY KEY NOT NULL,\n" \
	"\t`author_id` integer NOT NULL,\n" \
	"\t`title` text DEFAULT 'untitled' NOT NULL,\n" \
	"\t`created_at` integer,\n" \
	"\tFOREIGN KEY (`author_id`) REFERENCES `users`(`id`) ON UPDATE " \
	"no action ON DELETE cascade\n);\n" BP \
	"CREATE INDEX `posts_author_idx` ON `posts` (`author_id`);" BP \
	"CREATE TABLE `users` (\n" \
	"\t`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,\n" \
	"\t`name` text NOT NULL,\n\t`email` text\n);\n"
#define CW_0001 OFF "CREATE TABLE `__new_users` (\n" \
	"\t`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,\n" \
	"\t`name` text NOT NULL,\n" \
	"\t`email` text DEFAULT '' NOT NULL\n);\n" BP \
	"INSERT INTO `__new_users`(\"id\", \"name\", \"email\") SELECT " \
	"\"id\", \"name\", \"email\" FROM `users`;" BP \
	"DROP TABLE `users`;" BP \
	"ALTER TABLE `__new_users` RENAME TO `users`;" BP \
	"PRAGMA foreign_keys=ON;" BP \
	"CREATE UNIQUE INDEX `users_email_unique_idx` ON `users` " \
	"(`email`);" BP "ALTER TABLE `posts` ADD `body` text;"

START_TEST(test_codewalkers_recreate_users)
{
	cw_diags d = CW_DIAGS_INIT;
	const cw_diag *g = one_finding(&d, CW_0000, CW_0001, "L009");

	ck_assert_int_eq(g->line, 9);
	ck_assert_ptr_nonnull(strstr(g->message, "rows of posts"));
	cw_diags_free(&d);
}
END_TEST

/* ---- real histories ---- */

static int shared_dir(char *buf, size_t n, const char *rel)
{
	const char *root = getenv("SHARED");
	struct stat st;

	snprintf(buf, n, "%s/%s", root ? root : "../shared", rel);
	return stat(buf, &st) == 0;
}

/* karakeep backs child rows up by hand around its one PRAGMA rebuild
** (0084): an L008, never an L009 or L010; its plain DROP of the
** referenced assets (0012) is probed and passes; no L001/L002/L003/L007
** either. */
START_TEST(test_karakeep)
{
	cw_diags d = CW_DIAGS_INIT;
	char dir[512];

	if (!shared_dir(dir, sizeof(dir),
			"realworld/karakeep-app__karakeep")) {
		fprintf(stderr, "SKIP karakeep: %s not found\n", dir);
		return;
	}
	lint_dir(&d, dir);
	ck_assert_uint_eq(count_code(&d, "L009"), 0);
	ck_assert_uint_eq(count_code(&d, "L010"), 0);
	ck_assert_uint_eq(cw_diags_count(&d, CW_SEV_ERROR), 0);
	ck_assert_uint_eq(count_code(&d, "L008"), 1);
	ck_assert_ptr_nonnull(strstr(find(&d, "L008")->file, "0084_"));
	ck_assert_uint_eq(count_code(&d, "L004"), 3);
	ck_assert_uint_eq(count_code(&d, "L005"), 7);
	ck_assert_uint_eq(d.n, 11);
	cw_diags_free(&d);
}
END_TEST

/* dyad: triggers with BEGIN ... END bodies, no rebuilds: nothing. */
START_TEST(test_dyad)
{
	cw_diags d = CW_DIAGS_INIT;
	char dir[512];

	if (!shared_dir(dir, sizeof(dir), "realworld/dyad-sh__dyad")) {
		fprintf(stderr, "SKIP dyad: %s not found\n", dir);
		return;
	}
	lint_dir(&d, dir);
	if (d.n != 0)
		dump(&d);
	ck_assert_uint_eq(d.n, 0);
	cw_diags_free(&d);
}
END_TEST

/* The bundled project: 0015 rebuilds tasks with a hand-made backup of
** its children (L008 only); the first version of the fixture rebuilt
** users with no backup (L009 naming posts). */
START_TEST(test_fixture)
{
	cw_diags d = CW_DIAGS_INIT;
	char dir[512], probe[600];
	struct stat st;

	unit_fixture(dir, sizeof(dir), "codewalkers/apps/server/drizzle");
	lint_dir(&d, dir);
	ck_assert_uint_eq(count_code(&d, "L010"), 0);
	snprintf(probe, sizeof(probe), "%s/0001_recreate_users.sql", dir);
	if (stat(probe, &st) == 0) {
		ck_assert_ptr_nonnull(strstr(find(&d, "L009")->message,
					     "rows of posts"));
	} else {
		ck_assert_uint_eq(count_code(&d, "L009"), 0);
		ck_assert_ptr_nonnull(strstr(find(&d, "L008")->message,
					     "rebuilding tasks"));
	}
	cw_diags_free(&d);
}
END_TEST

static Suite *lint_suite(void)
{
	Suite *s = suite_create("lint");
	TCase *tc = tcase_create("lint");

	tcase_add_checked_fixture(tc, setup, teardown);
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
	tcase_add_test(tc, test_l009_cascade);
	tcase_add_test(tc, test_l009_set_null);
	tcase_add_test(tc, test_l009_grandchild);
	tcase_add_test(tc, test_l008_backup);
	tcase_add_test(tc, test_l010_no_action);
	tcase_add_test(tc, test_l010_restrict_and_plain_drop);
	tcase_add_test(tc, test_l010_deferred);
	tcase_add_test(tc, test_l010_below_cascade);
	tcase_add_test(tc, test_l010_near_misses);
	tcase_add_test(tc, test_rebuild_without_pragma);
	tcase_add_test(tc, test_unreferenced);
	tcase_add_test(tc, test_drop_with_pragma);
	tcase_add_test(tc, test_probe_stops);
	tcase_add_test(tc, test_candidate_fails_plain);
	tcase_add_test(tc, test_unfillable_child);
	tcase_add_test(tc, test_rows_rolled_back);
	tcase_add_test(tc, test_codewalkers_recreate_users);
	tcase_add_test(tc, test_karakeep);
	tcase_add_test(tc, test_dyad);
	tcase_add_test(tc, test_fixture);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(lint_suite());
}
