/*
** check_lint_fill.c - lib/evidence_fill.c through the data-loss probe:
** the synthetic row fits child tables of every declared type (SQLite's
** affinity rules, STRICT tables), CHECK constraints met by the small
** variants, defaults left to the table, NULL where only NULL passes, a
** UNIQUE column already holding the usual values, generated columns left
** out, keys without a column list and composite keys.  Each test reads
** the L009 finding: "deletes 1 of N rows" says the row went in and was
** counted.  Which findings a rebuild gets is check_lint_probe.c.
*/
#include "unit_lint.h"

static void make_root(void)
{
	lint_root_make("lint-fill");
}

/* users, and drizzle-kit's rebuild of it between PRAGMAs. */
#define USERS "CREATE TABLE `users` (`id` integer PRIMARY KEY NOT NULL, " \
	"`name` text NOT NULL);\n" BP
#define REBUILD_USERS \
	"PRAGMA foreign_keys=OFF;--> statement-breakpoint\n" \
	"CREATE TABLE `__new_users` (`id` integer PRIMARY KEY NOT NULL, " \
	"`name` text NOT NULL, `email` text DEFAULT '' NOT NULL);\n" BP \
	"INSERT INTO `__new_users`(\"id\", \"name\") SELECT \"id\", " \
	"\"name\" FROM `users`;--> statement-breakpoint\n" \
	"DROP TABLE `users`;--> statement-breakpoint\n" \
	"ALTER TABLE `__new_users` RENAME TO `users`;" \
	"--> statement-breakpoint\nPRAGMA foreign_keys=ON;"
/* A cascading key to users, the column kids' rows hang on. */
#define KEY "`u` integer NOT NULL REFERENCES `users`(`id`) ON DELETE " \
	"CASCADE"

/* The L009 of rebuilding users after `kids` (made by before); its
** message must hold want. */
static void expect_loss(const char *before, const char *want)
{
	cw_diags d = CW_DIAGS_INIT;
	size_t i;

	lint_sql(&d, before, REBUILD_USERS);
	for (i = 0; i < d.n; i++)
		if (strcmp(d.items[i].code, "L009") == 0 &&
		    strstr(d.items[i].message, want) != NULL)
			break;
	if (i == d.n)
		dump(&d);
	ck_assert_msg(i < d.n, "no L009 with \"%s\"", want);
	cw_diags_free(&d);
}

/* Every declared type gets a value of its affinity, whatever its case
** and spelling. */
START_TEST(test_affinities)
{
	expect_loss(USERS "CREATE TABLE `kids` (`id` integer PRIMARY KEY, "
		    KEY ", `r` real NOT NULL, `f` FLOAT NOT NULL, `d` double "
		    "precision NOT NULL, `b` blob NOT NULL, `n` numeric NOT "
		    "NULL, `m` DECIMAL(10,2) NOT NULL, `v` varchar(20) NOT "
		    "NULL, `c` Clob NOT NULL, `x` NOT NULL, `big` BigInt NOT "
		    "NULL, `day` date NOT NULL);",
		    "deletes 1 of 1 rows of kids via ON DELETE CASCADE");
}
END_TEST

/* A STRICT table takes only values of the declared type. */
START_TEST(test_strict_table)
{
	expect_loss(USERS "CREATE TABLE `kids` (`id` INTEGER PRIMARY KEY, "
		    "`u` INTEGER NOT NULL REFERENCES users(id) ON DELETE "
		    "CASCADE, `r` REAL NOT NULL, `b` BLOB NOT NULL, `t` TEXT "
		    "NOT NULL, `a` ANY NOT NULL) STRICT;",
		    "deletes 1 of 1 rows of kids");
}
END_TEST

/* CHECK constraints the first row fails: the small variants ('', 0;
** 'a', 1; '{}'), a default the table supplies, NULL where only NULL
** passes. */
START_TEST(test_check_variants)
{
	static const char *const kids[] = {
		"`t` text NOT NULL CHECK (`t` = ''), `i` integer NOT NULL "
		"CHECK (`i` = 0)",
		"`t` text NOT NULL CHECK (length(`t`) = 1), `i` integer NOT "
		"NULL CHECK (`i` = 1)",
		"`j` text NOT NULL CHECK (json_valid(`j`) AND `j` = '{}')",
		"`s` text DEFAULT 'ok' NOT NULL CHECK (`s` = 'ok'), `w` real "
		"DEFAULT 2.5 CHECK (`w` = 2.5)",
		"`o` text CHECK (`o` IS NULL), `p` integer CHECK (`p` IS "
		"NULL)",
	};
	char sql[1024];
	size_t i;

	for (i = 0; i < sizeof(kids) / sizeof(*kids); i++) {
		snprintf(sql, sizeof(sql), USERS "CREATE TABLE `kids` (`id` "
			 "integer PRIMARY KEY, " KEY ", %s);", kids[i]);
		expect_loss(sql, "deletes 1 of 1 rows of kids");
	}
}
END_TEST

/* The migrations already put the usual values in a UNIQUE column: the
** last variant takes another number. */
START_TEST(test_unique_taken)
{
	expect_loss(USERS "CREATE TABLE `kids` (`id` integer PRIMARY KEY, "
		    "`u` integer REFERENCES `users`(`id`) ON DELETE CASCADE, "
		    "`code` integer NOT NULL UNIQUE, `tag` text NOT NULL "
		    "UNIQUE);\n" BP "INSERT INTO `kids` (`code`, `tag`) "
		    "VALUES (1000003, 'cw-1000003'), (1, 'a'), (0, ''), "
		    "(2, '{}');",
		    "deletes 1 of 5 rows of kids");
}
END_TEST

/* Generated columns cannot be written and are left out. */
START_TEST(test_generated_columns)
{
	expect_loss(USERS "CREATE TABLE `kids` (`id` integer PRIMARY KEY, "
		    KEY ", `twice` integer GENERATED ALWAYS AS (`id` * 2) "
		    "VIRTUAL, `kept` text GENERATED ALWAYS AS ('k' || `id`) "
		    "STORED NOT NULL);",
		    "deletes 1 of 1 rows of kids");
}
END_TEST

/* A key without a column list references the parent's primary key. */
START_TEST(test_key_without_columns)
{
	expect_loss(USERS "CREATE TABLE `kids` (`id` integer PRIMARY KEY, "
		    "`u` integer NOT NULL REFERENCES `users` ON DELETE "
		    "CASCADE);",
		    "deletes 1 of 1 rows of kids");
}
END_TEST

/* A composite key takes both columns from one parent row; a kid of the
** kid is deleted too. */
START_TEST(test_composite_key)
{
	expect_loss("CREATE TABLE `users` (`org` integer NOT NULL, `id` "
		    "integer NOT NULL, `name` text NOT NULL, PRIMARY KEY "
		    "(`org`, `id`));\n" BP "CREATE TABLE `kids` (`id` integer "
		    "PRIMARY KEY, `o` integer NOT NULL, `u` integer NOT NULL, "
		    "FOREIGN KEY (`o`, `u`) REFERENCES `users`(`org`, `id`) "
		    "ON DELETE CASCADE);\n" BP "CREATE TABLE `grandkids` (`k` "
		    "integer NOT NULL REFERENCES `kids` ON DELETE CASCADE);",
		    "deletes 1 of 1 rows of kids, grandkids via ON DELETE "
		    "CASCADE");
}
END_TEST

/* A table referencing itself: its first row has no parent row to take a
** key from, and NULL will do. */
START_TEST(test_self_reference)
{
	expect_loss(USERS "CREATE TABLE `kids` (`id` integer PRIMARY KEY, "
		    KEY ", `up` integer REFERENCES `kids`(`id`));",
		    "deletes 1 of 1 rows of kids");
}
END_TEST

static Suite *lint_fill_suite(void)
{
	Suite *s = suite_create("lint_fill");
	TCase *tc = tcase_create("fill");

	tcase_add_unchecked_fixture(tc, make_root, lint_root_remove);
	tcase_add_checked_fixture(tc, lint_tmp_make, unit_tmp_remove);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_affinities);
	tcase_add_test(tc, test_strict_table);
	tcase_add_test(tc, test_check_variants);
	tcase_add_test(tc, test_unique_taken);
	tcase_add_test(tc, test_generated_columns);
	tcase_add_test(tc, test_key_without_columns);
	tcase_add_test(tc, test_composite_key);
	tcase_add_test(tc, test_self_reference);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(lint_fill_suite());
}
