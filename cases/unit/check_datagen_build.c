/*
** check_datagen_build.c - cw_datagen_build: the bundled fixture project
** at head and at earlier prefixes, filled, with its expected backfill
** counts beside it (true by an independent count); the same bytes twice;
** refusals that leave nothing behind (a prefix beyond the journal, a file
** that exists, a failing migration, a failing seed file); seed SQL run
** after its entry, found beside fixtures/<project>/apps/server/drizzle.
*/
#include "unit_fs.h"
#include "check_agentlog_count.h"
#include "../../lib/datagen.h"
#include "../../lib/db.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>

static char fixture[512];

static void setup(void)
{
	unit_tmp_make("datagen_build");
	unit_fixture(fixture, sizeof(fixture),
		     "codewalkers/apps/server/drizzle");
}

static void load(cw_folder *f, const char *dir)
{
	cw_folder_options fo = CW_FOLDER_OPTIONS_INIT;
	cw_diags diags = CW_DIAGS_INIT;
	cw_error err = {0};

	ck_assert_msg(cw_folder_load(f, dir, &fo, &diags, &err) == 0, "%s",
		      err.message);
	cw_diags_free(&diags);
}

static int build(cw_datagen_build_result *r, const char *dir,
		 const char *out, size_t prefix, size_t rows, int force,
		 const char *seed_dir, cw_error *err)
{
	cw_datagen_build_options o = CW_DATAGEN_BUILD_OPTIONS_INIT;
	char path[256];
	cw_folder f;
	int rc;

	load(&f, dir);
	o.prefix = prefix;
	o.gen.rows = rows;
	o.force = force;
	o.seed_dir = seed_dir;
	rc = cw_datagen_build(r, unit_path(path, sizeof(path), out), &f, &o,
			      err);
	cw_folder_free(&f);
	return rc;
}

/* The names in the scratch folder, sorted, joined by spaces. */
static const char *listing(char *buf, size_t n)
{
	struct dirent **names = NULL;
	int k, m = scandir(unit_tmp, &names, NULL, alphasort);
	size_t at = 0;

	buf[0] = '\0';
	for (k = 0; k < m; k++) {
		if (names[k]->d_name[0] != '.')
			at += (size_t)snprintf(buf + at, n - at, "%s%s",
					       at ? " " : "",
					       names[k]->d_name);
		free(names[k]);
	}
	free(names);
	return buf;
}

static long long one_int(const char *file, const char *sql)
{
	char path[256];
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	cw_error err = {0};
	long long v;

	ck_assert_int_eq(cw_db_open_readonly(&db, unit_path(path, sizeof(path),
				file), &err), 0);
	ck_assert_msg(sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK,
		      "%s", sqlite3_errmsg(db));
	ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
	v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

/* expected.json equals a count of the database's chunks by the
** contract, written the same way. */
static void assert_expected_true(const char *file)
{
	cw_agentlog_tally t = CW_AGENTLOG_TALLY_INIT;
	char path[256], exp[300], *want, *got;
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	cw_error err = {0};
	size_t len;

	ck_assert_int_eq(cw_db_open_readonly(&db, unit_path(path, sizeof(path),
				file), &err), 0);
	ck_assert_int_eq(sqlite3_prepare_v2(db, "SELECT agent_id, content "
			 "FROM agent_log_chunks ORDER BY created_at, id", -1,
			 &st, NULL), SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW) {
		cw_agentlog_counts c;
		count_chunk((const char *)sqlite3_column_text(st, 1),
			    (size_t)sqlite3_column_bytes(st, 1), &c);
		ck_assert_int_eq(cw_agentlog_tally_add(&t, (const char *)
			sqlite3_column_text(st, 0), &c, &err), 0);
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
	ck_assert_int_eq(cw_agentlog_expected_json(&want, &len, &t, &err), 0);
	snprintf(exp, sizeof(exp), "%s.expected.json", file);
	got = unit_slurp(exp, NULL);
	ck_assert_ptr_nonnull(got);
	ck_assert_str_eq(got, want);
	free(want);
	free(got);
	cw_agentlog_tally_free(&t);
}

START_TEST(test_head)
{
	cw_datagen_build_result r;
	cw_error err = {0};
	char buf[512];

	ck_assert_msg(build(&r, fixture, "out.db", CW_DATAGEN_ALL, 15, 0, NULL,
			    &err) == 0, "%s", err.message);
	ck_assert_uint_eq(r.n_entries, 36);
	ck_assert_uint_eq(r.prefix, 36);
	ck_assert_uint_eq(r.fill.n_tables, 17);
	ck_assert_uint_eq(r.fill.n_unfilled, 0);
	ck_assert_ptr_nonnull(r.expected_path);
	ck_assert(unit_ends_with(r.expected_path, "/out.db.expected.json"));
	ck_assert_uint_eq(r.fill.tally.chunks, 15);
	ck_assert_str_eq(listing(buf, sizeof(buf)),
			 "out.db out.db.expected.json");
	ck_assert_int_eq(one_int("out.db", "SELECT count(*) FROM "
				 "__drizzle_migrations"), 36);
	ck_assert_int_eq(one_int("out.db", "SELECT count(*) FROM "
				 "agent_metrics"), 15);
	ck_assert_int_eq(one_int("out.db", "SELECT count(*) FROM "
				 "pragma_foreign_key_check"), 0);
	assert_expected_true("out.db");
	cw_datagen_build_result_free(&r);
}
END_TEST

/* An earlier prefix: only its tables; the migrations table is not one. */
START_TEST(test_prefix)
{
	cw_datagen_build_result r;
	cw_error err = {0};
	size_t i;

	ck_assert_int_eq(build(&r, fixture, "p5.db", 5, 10, 0, NULL, &err), 0);
	ck_assert_uint_eq(r.prefix, 5);
	ck_assert_uint_eq(r.fill.n_tables, 7);
	for (i = 0; i < r.fill.n_tables; i++)
		ck_assert_str_ne(r.fill.tables[i].name, "__drizzle_migrations");
	ck_assert_int_eq(one_int("p5.db", "SELECT count(*) FROM "
				 "__drizzle_migrations"), 5);
	ck_assert_int_eq(one_int("p5.db", "SELECT count(*) FROM sqlite_master "
				 "WHERE name = 'agent_metrics'"), 0);
	assert_expected_true("p5.db");
	cw_datagen_build_result_free(&r);
	/* prefix 0: the migrations table alone, no expected counts */
	ck_assert_int_eq(build(&r, fixture, "p0.db", 0, 10, 0, NULL, &err), 0);
	ck_assert_uint_eq(r.fill.n_tables, 0);
	ck_assert_ptr_null(r.expected_path);
	ck_assert_ptr_null(unit_slurp("p0.db.expected.json", NULL));
	cw_datagen_build_result_free(&r);
}
END_TEST

START_TEST(test_same_bytes)
{
	cw_datagen_build_result r;
	cw_error err = {0};
	size_t la, lb;
	char *a, *b;

	ck_assert_int_eq(build(&r, fixture, "a.db", 20, 25, 0, NULL, &err), 0);
	cw_datagen_build_result_free(&r);
	ck_assert_int_eq(build(&r, fixture, "b.db", 20, 25, 0, NULL, &err), 0);
	cw_datagen_build_result_free(&r);
	a = unit_slurp("a.db", &la);
	b = unit_slurp("b.db", &lb);
	ck_assert(la == lb && memcmp(a, b, la) == 0);
	free(a);
	free(b);
	a = unit_slurp("a.db.expected.json", NULL);
	b = unit_slurp("b.db.expected.json", NULL);
	ck_assert_str_eq(a, b);
	free(a);
	free(b);
}
END_TEST

/* Refusals leave no file: a prefix beyond the journal, an existing file
** without force (kept as it was); force replaces it. */
START_TEST(test_refusals)
{
	cw_datagen_build_result r;
	cw_error err = {0};
	char buf[512], *keep;

	ck_assert_int_eq(build(&r, fixture, "x.db", 37, 10, 0, NULL, &err),
			 CW_EINVAL);
	ck_assert_ptr_nonnull(strstr(err.message, "prefix 37 is beyond the "
				     "36 journal entries"));
	cw_datagen_build_result_free(&r);
	ck_assert_str_eq(listing(buf, sizeof(buf)), "");
	unit_put("x.db", "not a database");
	memset(&err, 0, sizeof(err));
	ck_assert_int_eq(build(&r, fixture, "x.db", 3, 10, 0, NULL, &err),
			 CW_EINVAL);
	cw_datagen_build_result_free(&r);
	keep = unit_slurp("x.db", NULL);
	ck_assert_str_eq(keep, "not a database");
	free(keep);
	unit_put("x.db.expected.json", "stale");
	ck_assert_int_eq(build(&r, fixture, "x.db", 1, 10, 1, NULL, &err), 0);
	cw_datagen_build_result_free(&r);
	ck_assert_int_eq(one_int("x.db", "SELECT count(*) FROM agents"), 10);
	/* no agent_log_chunks at prefix 1: the stale counts are gone */
	ck_assert_str_eq(listing(buf, sizeof(buf)), "x.db");
}
END_TEST

/* A migration that fails: the engine's failure, and nothing left. */
START_TEST(test_failing_migration)
{
	cw_datagen_build_result r;
	unit_journal j = {NULL, 0, 0, 0};
	cw_error err = {0};
	char dir[256], buf[512], *text;

	unit_dir_make("drizzle", 0755);
	unit_journal_add(&j, "0000_a", "1700000000000");
	unit_journal_add(&j, "0001_b", "1700000000001");
	text = unit_journal_end(&j);
	unit_put("meta/_journal.json", text);
	free(text);
	unit_put("0000_a.sql", "CREATE TABLE t(id INTEGER PRIMARY KEY);");
	unit_put("0001_b.sql", "INSERT INTO nope VALUES (1);");
	snprintf(dir, sizeof(dir), "%s", unit_dir);
	snprintf(unit_dir, sizeof(unit_dir), "%s", unit_tmp);
	ck_assert_int_eq(build(&r, dir, "f.db", CW_DATAGEN_ALL, 5, 0, NULL,
			       &err), CW_ESQL);
	ck_assert(r.migrated && r.migrate.failure.has_failure);
	ck_assert_str_eq(r.migrate.failure.message, "no such table: nope");
	cw_datagen_build_result_free(&r);
	ck_assert_str_eq(listing(buf, sizeof(buf)), "drizzle");
	/* the prefix before it builds */
	ck_assert_int_eq(build(&r, dir, "f.db", 1, 5, 0, NULL, &err), 0);
	ck_assert_uint_eq(r.fill.n_tables, 1);
	cw_datagen_build_result_free(&r);
}
END_TEST

/* Seed SQL runs right after its entry, inside the migration run; a seed
** past the prefix does not run; a failing one names its file and leaves
** nothing.  fixtures/<project>/seed is found on its own. */
START_TEST(test_seed_sql)
{
	cw_datagen_build_result r;
	cw_error err = {0};
	char seeds[256], buf[512];

	unit_mkdir("seed", 0755);
	unit_put("seed/0000.sql", "INSERT INTO projects (id, name, repo_path, "
		 "default_branch, created_at, updated_at) VALUES "
		 "('prj_seeded', 'seeded', '/srv/repos/seeded', 'trunk', "
		 "1783000000000, 1783000000000);");
	unit_put("seed/0004.sql", "INSERT INTO settings (key, value, "
		 "updated_at) VALUES ('max_concurrent_agents', '8', 1);");
	unit_put("seed/0030.sql", "this is not SQL;");
	unit_path(seeds, sizeof(seeds), "seed");
	ck_assert_msg(build(&r, fixture, "s.db", 20, 12, 0, seeds, &err) == 0,
		      "%s", err.message);
	ck_assert_uint_eq(r.n_seeds, 2);
	ck_assert_int_eq(one_int("s.db", "SELECT count(*) FROM projects WHERE "
				 "id = 'prj_seeded' AND default_branch = "
				 "'trunk'"), 1);
	ck_assert_int_eq(one_int("s.db", "SELECT count(*) FROM projects"), 12);
	/* 0012's INSERT OR IGNORE kept the value the seed set before it */
	ck_assert_int_eq(one_int("s.db", "SELECT count(*) FROM settings WHERE "
				 "key = 'max_concurrent_agents' AND value = "
				 "'8'"), 1);
	cw_datagen_build_result_free(&r);
	memset(&err, 0, sizeof(err));
	ck_assert_int_eq(build(&r, fixture, "t.db", 31, 12, 0, seeds, &err),
			 CW_EINVAL);
	ck_assert(unit_ends_with(err.path, "seed/0030.sql"));
	ck_assert_ptr_nonnull(strstr(err.message, "syntax error"));
	cw_datagen_build_result_free(&r);
	ck_assert_str_eq(listing(buf, sizeof(buf)), "s.db s.db.expected.json "
			 "seed");
}
END_TEST

/* Chunks that were there before the generator have unknown counts: no
** expected file, and the result says how many. */
START_TEST(test_chunks_before)
{
	cw_datagen_build_result r;
	cw_error err = {0};
	char seeds[256], buf[512];

	unit_mkdir("seed", 0755);
	unit_put("seed/0003.sql", "INSERT INTO agent_log_chunks (id, "
		 "agent_id, session_number, content, created_at) VALUES "
		 "('alc_1', 'agt_old_crane', 1, '{\"type\":\"system\"}', "
		 "1784377201200);");
	unit_path(seeds, sizeof(seeds), "seed");
	ck_assert_msg(build(&r, fixture, "c.db", 5, 6, 0, seeds, &err) == 0,
		      "%s", err.message);
	ck_assert(r.fill.has_agentlog);
	ck_assert_uint_eq(r.fill.n_agentlog_before, 1);
	ck_assert_ptr_null(r.expected_path);
	ck_assert_str_eq(listing(buf, sizeof(buf)), "c.db seed");
	cw_datagen_build_result_free(&r);
}
END_TEST

START_TEST(test_project_seed_dir)
{
	cw_datagen_build_result r;
	unit_journal j = {NULL, 0, 0, 0};
	cw_error err = {0};
	char dir[256], *text;

	unit_mkdir("fixtures", 0755);
	unit_mkdir("fixtures/proj", 0755);
	unit_mkdir("fixtures/proj/seed", 0755);
	unit_mkdir("fixtures/proj/apps", 0755);
	unit_mkdir("fixtures/proj/apps/server", 0755);
	unit_put("fixtures/proj/seed/0000.sql",
		 "INSERT INTO t VALUES (42, 'seeded');");
	unit_dir_make("fixtures/proj/apps/server/drizzle", 0755);
	unit_journal_add(&j, "0000_a", "1700000000000");
	text = unit_journal_end(&j);
	unit_put("meta/_journal.json", text);
	free(text);
	unit_put("0000_a.sql", "CREATE TABLE t(id INTEGER PRIMARY KEY, name "
		 "TEXT NOT NULL);");
	snprintf(dir, sizeof(dir), "%s", unit_dir);
	snprintf(unit_dir, sizeof(unit_dir), "%s", unit_tmp);
	ck_assert_msg(build(&r, dir, "p.db", CW_DATAGEN_ALL, 4, 0, NULL, &err)
		      == 0, "%s", err.message);
	ck_assert_ptr_nonnull(r.seed_dir);
	ck_assert(unit_ends_with(r.seed_dir, "/fixtures/proj/seed"));
	ck_assert_uint_eq(r.n_seeds, 1);
	ck_assert_int_eq(one_int("p.db", "SELECT count(*) FROM t WHERE id = 42 "
				 "AND name = 'seeded'"), 1);
	ck_assert_int_eq(one_int("p.db", "SELECT count(*) FROM t"), 4);
	cw_datagen_build_result_free(&r);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("datagen_build");
	TCase *tc = tcase_create("datagen_build");

	tcase_add_checked_fixture(tc, setup, unit_tmp_remove);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_head);
	tcase_add_test(tc, test_prefix);
	tcase_add_test(tc, test_same_bytes);
	tcase_add_test(tc, test_refusals);
	tcase_add_test(tc, test_failing_migration);
	tcase_add_test(tc, test_seed_sql);
	tcase_add_test(tc, test_chunks_before);
	tcase_add_test(tc, test_project_seed_dir);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
