/*
** check_lint_probe.c - lib/lint.c's data-loss probe, which applies the
** history to a scratch database, fills the tables a rebuild touches and
** counts what survives: L009 (rows lost via CASCADE or SET NULL, down to
** grandchildren), L008 (the PRAGMA pattern with nothing lost, or not
** measured), L010 (a DROP blocked by NO ACTION, RESTRICT or a deferred
** key), the near-misses (hand-made backups, unreferenced tables), and
** the probe on the bundled fixture and the real histories under
** $SHARED/realworld.  Single statements are check_lint.c.
*/
#include "unit_lint.h"

/* Unchecked-fixture setup: the folder the tests' folders sit in. */
static void make_root(void)
{
	lint_root_make("lint-probe");
}

/* The finding with this code; fails the test if there is none. */
static const cw_diag *find(const cw_diags *d, const char *code)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		if (strcmp(d->items[i].code, code) == 0)
			return &d->items[i];
	ck_abort_msg("no %s finding", code);
	return NULL;
}

/* ---- rebuilds of a referenced table ---- */

/* users, referenced by posts with the ON DELETE action that follows, and
** drizzle-kit's rebuild of users (with or without the PRAGMA around it):
** the shape of the codewalkers fixture's first rebuild, cut down. */
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

/* The one finding linting sql after before gives, which must have this
** code: anything else would hide a second, unwanted finding. */
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

/* The probe keeps going past a migration that fails, like the rest of
** check: a later rebuild is still measured, and its loss reported. */
START_TEST(test_probe_stops)
{
	cw_diags d = CW_DIAGS_INIT;
	const char *sql[] = {CASCADE, "ALTER TABLE nope ADD x int;",
			     REBUILD_USERS(OFF) ON, NULL};

	lint_dir(&d, folder("stops", sql));
	if (d.n != 1)
		dump(&d);
	ck_assert_uint_eq(d.n, 1);
	ck_assert_str_eq(d.items[0].code, "L009");
	ck_assert_ptr_nonnull(strstr(d.items[0].message, "deletes 1 of 1 "
				     "rows of posts via ON DELETE CASCADE"));
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
	const cw_diag *g;

	/* posts can hold no row at all (CHECK (0)): nothing is measured,
	** and the L008 says which table could not be filled. */
	g = one_finding(&d, USERS "CREATE TABLE `posts` (`id` integer "
			"PRIMARY KEY, `u` integer REFERENCES users(id) ON "
			"DELETE CASCADE, `t` text NOT NULL CHECK (0));",
			REBUILD_USERS(OFF) ON, "L008");
	ck_assert_msg(strstr(g->message, "but posts could not be filled") !=
		      NULL, "%s", g->message);
	cw_diags_free(&d);
	/* A CHECK the generator meets (t = 'zz') is filled, and the
	** cascade measured. */
	g = one_finding(&d, USERS "CREATE TABLE `posts` (`id` integer "
			"PRIMARY KEY, `u` integer REFERENCES users(id) ON "
			"DELETE CASCADE, `t` text NOT NULL CHECK (t = 'zz'));",
			REBUILD_USERS(OFF) ON, "L009");
	ck_assert_int_eq(g->line, 5);
	ck_assert_msg(strstr(g->message, "rows of posts") != NULL, "%s",
		      g->message);
	cw_diags_free(&d);
}
END_TEST

/* The probe's rows never reach later migrations: a NOT NULL column
** added after the rebuild applies on the schema alone, as in production,
** so the probe goes on and measures the second rebuild too.  The second
** rebuild copies id and name only, so the email the first one added is
** reset on every row: the evidence with rows says so (L012). */
START_TEST(test_rows_rolled_back)
{
	cw_diags d = CW_DIAGS_INIT;
	const char *sql[] = {CASCADE, REBUILD_USERS(OFF) ON,
			     "ALTER TABLE posts ADD z int NOT NULL;",
			     REBUILD_USERS(OFF) ON, NULL};

	lint_dir(&d, folder("rolled", sql));
	if (d.n != 4)
		dump(&d);
	ck_assert_uint_eq(d.n, 4);
	ck_assert_uint_eq(count_code(&d, "L009"), 2);
	ck_assert_uint_eq(count_code(&d, "L002"), 1);
	ck_assert_uint_eq(count_code(&d, "L012"), 1);
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

	/* users.email was nullable; the rebuild copies it into a NOT NULL
	** column, so a user without an email stops the migration (L010,
	** the INSERT); with emails everywhere it cascades into posts
	** (L009, the DROP). */
	lint_sql(&d, CW_0000, CW_0001);
	if (d.n != 2)
		dump(&d);
	ck_assert_uint_eq(d.n, 2);
	cw_diags_sort(&d);
	ck_assert_str_eq(d.items[0].code, "L010");
	ck_assert_int_eq(d.items[0].line, 8);
	ck_assert_ptr_nonnull(strstr(d.items[0].message,
				     "NOT NULL constraint failed: "
				     "__new_users.email"));
	ck_assert_str_eq(d.items[1].code, "L009");
	ck_assert_int_eq(d.items[1].line, 9);
	ck_assert_ptr_nonnull(strstr(d.items[1].message, "rows of posts"));
	cw_diags_free(&d);
}
END_TEST

/* ---- real histories ---- */

/* $SHARED/rel into buf (../shared when unset); whether it exists, since
** the real histories are not bundled and a checkout may lack them. */
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

static Suite *lint_probe_suite(void)
{
	Suite *s = suite_create("lint_probe");
	TCase *tc = tcase_create("probe");
	TCase *th = tcase_create("histories");

	tcase_add_unchecked_fixture(tc, make_root, lint_root_remove);
	tcase_add_checked_fixture(tc, lint_tmp_make, unit_tmp_remove);
	tcase_set_timeout(tc, 30);
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
	suite_add_tcase(s, tc);
	/* Folders read in place: nothing written, no scratch folder. */
	tcase_set_timeout(th, 30);
	tcase_add_test(th, test_karakeep);
	tcase_add_test(th, test_dyad);
	tcase_add_test(th, test_fixture);
	suite_add_tcase(s, th);
	return s;
}

int main(void)
{
	return unit_run(lint_probe_suite());
}
