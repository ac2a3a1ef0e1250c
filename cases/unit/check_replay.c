/*
** check_replay.c - lib/replay.c: the one pass stands for the per-prefix
** runs.  For each history, the schema and the migrations-table rows the
** pass holds after migration k are compared with a fresh database that
** the engine migrated up to k in a run of its own (the naive, quadratic
** way); they must be identical for every k.  Along the way, a schema read
** through the cache (schema_cache.c) must equal a read without it at
** every prefix.  Then the data pass against the literal per-prefix
** upgrades (--exhaustive) on folders built to break it: the same
** findings.
*/
#include "unit.h"
#include "../../lib/db.h"
#include "../../lib/folder.h"
#include "../../lib/migrate.h"
#include "../../lib/replay.h"
#include "../../lib/schema.h"

#include <string.h>
#include <sys/stat.h>

typedef struct pass {
	cw_schema *states;    /* schema after each migration */
	long long *rows;      /* migrations-table rows after each */
	size_t n;
	cw_schema_cache *cache;
} pass;

static long long table_rows(sqlite3 *db)
{
	sqlite3_stmt *st = NULL;
	long long n = -1;

	if (sqlite3_prepare_v2(db, "SELECT count(*) FROM "
			       "\"__drizzle_migrations\"", -1, &st, NULL) ==
	    SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

static void read_state(sqlite3 *db, cw_schema *out)
{
	cw_schema_options so = CW_SCHEMA_OPTIONS_INIT;
	cw_error err = {0};

	so.skip_table = "__drizzle_migrations";
	ck_assert_msg(cw_schema_read_db(out, db, &so, &err) == 0, "%s",
		      err.message);
}

static int keep_state(void *ctx, sqlite3 *db, size_t k, int is_trial,
		      int failed, cw_error *err)
{
	pass *p = ctx;

	cw_schema_options so = CW_SCHEMA_OPTIONS_INIT;
	cw_schema_diff_options dopt = CW_SCHEMA_DIFF_OPTIONS_INIT;
	cw_schema cached;
	cw_schema_diff d;
	cw_error e = {0};
	char line[1024];

	(void)err;
	if (is_trial || failed)
		return 0;
	read_state(db, &p->states[k]);
	p->rows[k] = table_rows(db);
	p->n = k + 1;
	/* The cached read equals the plain one, table for table. */
	so.skip_table = "__drizzle_migrations";
	so.cache = p->cache;
	ck_assert_int_eq(cw_schema_read_db(&cached, db, &so, &e), 0);
	ck_assert_uint_eq(cached.n_tables, p->states[k].n_tables);
	ck_assert_int_eq(cw_schema_compare(&d, &cached, &p->states[k], &dopt,
					   &e), 0);
	if (d.n > 0)
		cw_schema_difference_text(line, sizeof(line), &d.items[0]);
	ck_assert_msg(d.n == 0, "after migration %zu the cached schema read "
		      "differs: %s", k, d.n ? line : "");
	cw_schema_diff_free(&d);
	cw_schema_free(&cached);
	return 0;
}

static size_t stop_at;

static int stop_after(void *ctx, sqlite3 *db, size_t k, int is_trial,
		      cw_error *err)
{
	(void)ctx;
	(void)db;
	(void)err;
	return !is_trial && k > stop_at ? CW_HOOK_STOP : CW_HOOK_CONTINUE;
}

static void load(cw_folder *f, const char *dir)
{
	cw_folder_options fo = CW_FOLDER_OPTIONS_INIT;
	cw_diags d = CW_DIAGS_INIT;
	cw_error err = {0};

	ck_assert_msg(cw_folder_load(f, dir, &fo, &d, &err) == 0, "%s",
		      err.message);
	cw_diags_free(&d);
}

/* Every prefix of dir, one pass against fresh runs. */
static void equivalence(const char *dir)
{
	cw_migrate_hooks hooks = {NULL, NULL, NULL, NULL, keep_state, NULL};
	cw_migrate_hooks stop = {NULL, stop_after, NULL, NULL, NULL, NULL};
	cw_migrate_options mo = CW_MIGRATE_OPTIONS_INIT;
	cw_migrate_result r;
	cw_folder f;
	cw_error err = {0};
	sqlite3 *db;
	char *path;
	pass p;
	size_t k, i;

	load(&f, dir);
	memset(&p, 0, sizeof(p));
	p.cache = cw_schema_cache_new();
	p.states = calloc(f.n_migrations + 1, sizeof(*p.states));
	p.rows = calloc(f.n_migrations + 1, sizeof(*p.rows));
	hooks.ctx = &p;
	mo.hooks = &hooks;
	ck_assert_int_eq(cw_db_open_scratch(&db, &path, NULL, &err), 0);
	ck_assert_int_eq(cw_migrate_db(&r, db, &f, &mo, &err), 0);
	cw_migrate_result_free(&r);
	cw_db_close_scratch(db, path);
	ck_assert_uint_eq(p.n, f.n_migrations);
	mo.hooks = &stop;
	for (k = 0; k < p.n; k++) {
		cw_schema_diff_options dopt = CW_SCHEMA_DIFF_OPTIONS_INIT;
		cw_schema fresh;
		cw_schema_diff d;
		char line[1024];
		stop_at = k;
		ck_assert_int_eq(cw_db_open_scratch(&db, &path, NULL, &err),
				 0);
		ck_assert_int_eq(cw_migrate_db(&r, db, &f, &mo, &err), 0);
		cw_migrate_result_free(&r);
		read_state(db, &fresh);
		ck_assert_int_eq(table_rows(db), p.rows[k]);
		ck_assert_int_eq(cw_schema_compare(&d, &p.states[k], &fresh,
						   &dopt, &err), 0);
		if (d.n > 0)
			cw_schema_difference_text(line, sizeof(line),
						  &d.items[0]);
		ck_assert_msg(d.n == 0, "%s after %s: the pass and a fresh run "
			      "differ: %s", dir, f.migrations[k].entry->tag,
			      d.n ? line : "");
		cw_schema_diff_free(&d);
		cw_schema_free(&fresh);
		cw_db_close_scratch(db, path);
	}
	for (i = 0; i < p.n; i++)
		cw_schema_free(&p.states[i]);
	free(p.states);
	free(p.rows);
	cw_schema_cache_free(p.cache);
	cw_folder_free(&f);
}

static int shared_dir(char *buf, size_t n, const char *rel)
{
	const char *root = getenv("SHARED");
	struct stat st;

	snprintf(buf, n, "%s/%s", root ? root : "../shared", rel);
	return stat(buf, &st) == 0;
}

START_TEST(test_one_pass_fixture)
{
	char dir[512];

	equivalence(unit_fixture(dir, sizeof(dir),
				 "codewalkers/apps/server/drizzle"));
}
END_TEST

START_TEST(test_one_pass_real)
{
	static const char *const hist[] = {
		"examples/drizzle-kit-0.31",
		"realworld/dyad-sh__dyad",
		"realworld/karakeep-app__karakeep",
	};
	char dir[512];
	size_t i;

	for (i = 0; i < sizeof(hist) / sizeof(*hist); i++) {
		if (!shared_dir(dir, sizeof(dir), hist[i])) {
			fprintf(stderr, "SKIP replay %s: %s not found\n",
				hist[i], dir);
			continue;
		}
		equivalence(dir);
	}
}
END_TEST

/* The replay's own numbers on the bundled fixture: every prefix, its
** 12 snapshots equal, no skipped upgrade, no finding. */
START_TEST(test_replay_fixture)
{
	cw_replay_result res;
	cw_diags d = CW_DIAGS_INIT;
	cw_error err = {0};
	cw_folder f;
	char dir[512];

	load(&f, unit_fixture(dir, sizeof(dir),
			      "codewalkers/apps/server/drizzle"));
	ck_assert_int_eq(cw_replay_run(&res, &d, &f, NULL, &err), 0);
	ck_assert_uint_eq(res.n_prefixes, f.n_migrations);
	ck_assert_uint_eq(res.n_snapshots, 12);
	ck_assert_uint_eq(res.n_snapshots_equal, 12);
	ck_assert_uint_eq(res.n_upgrades_run, 0);
	ck_assert_uint_eq(d.n, 0);
	cw_replay_result_free(&res);
	cw_diags_free(&d);
	cw_folder_free(&f);
}
END_TEST

/* The codes of the errors a replay of dir reports, sorted: "R011 R012". */
static void error_codes(const char *dir, int exhaustive, char *out,
			size_t n)
{
	cw_replay_options o = CW_REPLAY_OPTIONS_INIT;
	cw_replay_result res;
	cw_diags d = CW_DIAGS_INIT;
	cw_error err = {0};
	cw_folder f;
	size_t i, len = 0;

	load(&f, dir);
	o.rows = 20;
	o.exhaustive = exhaustive;
	ck_assert_int_eq(cw_replay_run(&res, &d, &f, &o, &err), 0);
	cw_diags_sort(&d);
	out[0] = '\0';
	for (i = 0; i < d.n; i++)
		if (d.items[i].severity == CW_SEV_ERROR &&
		    !strstr(out, d.items[i].code))
			len += (size_t)snprintf(out + len, n - len, "%s ",
						d.items[i].code);
	cw_replay_result_free(&res);
	cw_diags_free(&d);
	cw_folder_free(&f);
}

/* The one data pass finds what the literal per-prefix upgrades find, on
** folders that lose rows through a cascade, lose a column's values, fail
** on rows older than a column, leave deferred keys dangling (and repair
** them in the same batch: nothing), and on the healthy fixture. */
START_TEST(test_data_pass_agrees)
{
	static const char *const cases[][2] = {
		{"replay/006-cascade-rebuild/input", "R012 "},
		{"replay/007-commit-pragma-rebuild/input", ""},
		{"replay/008-forgotten-column/input", "R013 "},
		{"replay/009-old-rows-fail/input", "R011 "},
		{"replay/010-deferred-repaired/input", ""},
		{"replay/011-deferred-dangling/input", "R011 "},
	};
	char dir[512], one[128], all[128];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		snprintf(dir, sizeof(dir), "cases/%s", cases[i][0]);
		error_codes(dir, 0, one, sizeof(one));
		error_codes(dir, 1, all, sizeof(all));
		ck_assert_msg(strcmp(one, cases[i][1]) == 0, "%s: the data "
			      "pass reports '%s', not '%s'", dir, one,
			      cases[i][1]);
		ck_assert_msg(strcmp(one, all) == 0, "%s: one pass '%s', "
			      "per-prefix upgrades '%s'", dir, one, all);
	}
	error_codes(unit_fixture(dir, sizeof(dir),
				 "codewalkers/apps/server/drizzle"), 0, one,
		    sizeof(one));
	ck_assert_str_eq(one, "");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("replay");
	TCase *tc = tcase_create("replay");

	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, test_one_pass_fixture);
	tcase_add_test(tc, test_one_pass_real);
	tcase_add_test(tc, test_replay_fixture);
	tcase_add_test(tc, test_data_pass_agrees);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
