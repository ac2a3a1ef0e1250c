/*
** check_schema_history.c - the schema model against real histories.
**
** Each folder is applied with the engine (migrate.h) on a scratch file
** database, stopping before migration k + 1 (CW_HOOK_STOP) for every k
** that has meta/NNNN_snapshot.json; the live schema there is compared
** with that snapshot, and the next run of the engine on the same file
** goes on from there, as an app's migrator would.  Every difference must be one pinned below with its reason
** (a migration that does not do what its snapshot says is a finding of
** the history, not of the model), and every pinned one must occur.
** The real histories live in $SHARED/realworld (skipped with a message
** when absent); the drizzle-kit example and the bundled fixture project
** are always there.
*/
#include "unit.h"
#include "../../lib/db.h"
#include "../../lib/migrate.h"
#include "../../lib/schema.h"

#include <string.h>
#include <sys/stat.h>

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

/* A difference a history is known to have: at every snapshot from
** migration `from` to `to` (their NNNN prefixes), the line
** cw_schema_difference_text gives (the live database on the left). */
typedef struct expected {
	const char *from, *to;
	const char *text;
	const char *why;
} expected;

/* 1 if the tag's NNNN prefix is within e's range. */
static int in_range(const expected *e, const char *tag)
{
	return strncmp(tag, e->from, strlen(e->from)) >= 0 &&
	       strncmp(tag, e->to, strlen(e->to)) <= 0;
}

typedef struct stop_at {
	size_t k;              /* stop before this migration */
} stop_at;

static int before(void *ctx, sqlite3 *db, size_t k, int is_trial,
		  cw_error *err)
{
	const stop_at *s = ctx;

	(void)db;
	(void)is_trial;
	(void)err;
	return k == s->k ? CW_HOOK_STOP : CW_HOOK_CONTINUE;
}

static int exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

/* $SHARED/rel (../shared when unset) into buf; whether it exists. */
static int shared_dir(char *buf, size_t n, const char *rel)
{
	const char *root = getenv("SHARED");

	snprintf(buf, n, "%s/%s", root ? root : "../shared", rel);
	return exists(buf);
}

/* Compare the live schema with the snapshot of migration k. */
static size_t compare_at(sqlite3 *db, const char *snap_path,
			 const char *tag, const expected *exp, size_t n_exp,
			 size_t *seen, size_t *n_unexpected)
{
	cw_schema_options so = CW_SCHEMA_OPTIONS_INIT;
	cw_schema_diff_options dopt = CW_SCHEMA_DIFF_OPTIONS_INIT;
	cw_schema live, snap;
	cw_schema_diff d;
	cw_error err = {0};
	char line[2048];
	size_t i, e;

	so.skip_table = "__drizzle_migrations";
	ck_assert_msg(cw_schema_read_db(&live, db, &so, &err) == 0, "%s",
		      err.message);
	ck_assert_msg(cw_schema_read_snapshot_file(&snap, snap_path, &err)
		      == 0, "%s:%d: %s", err.path, err.line, err.message);
	ck_assert_int_eq(cw_schema_compare(&d, &live, &snap, &dopt, &err), 0);
	for (i = 0; i < d.n; i++) {
		cw_schema_difference_text(line, sizeof(line), &d.items[i]);
		for (e = 0; e < n_exp; e++)
			if (in_range(&exp[e], tag) &&
			    strcmp(exp[e].text, line) == 0)
				break;
		if (e < n_exp) {
			seen[e]++;
			continue;
		}
		fprintf(stderr, "unexpected difference at %s: %s\n", tag,
			line);
		(*n_unexpected)++;
	}
	i = d.n;
	cw_schema_diff_free(&d);
	cw_schema_free(&live);
	cw_schema_free(&snap);
	return i;
}

/* How many differences the schema on db and the snapshot at path a have,
** and how many the snapshots at b and a have. */
static void moved(sqlite3 *db, const char *a, const char *b,
		  size_t *n_live, size_t *n_snap)
{
	cw_schema_options so = CW_SCHEMA_OPTIONS_INIT;
	cw_schema live, sa, sb;
	cw_schema_diff d;
	cw_error err = {0};

	so.skip_table = "__drizzle_migrations";
	ck_assert_int_eq(cw_schema_read_db(&live, db, &so, &err), 0);
	ck_assert_int_eq(cw_schema_read_snapshot_file(&sa, a, &err), 0);
	ck_assert_int_eq(cw_schema_read_snapshot_file(&sb, b, &err), 0);
	ck_assert_int_eq(cw_schema_compare(&d, &live, &sa, NULL, &err), 0);
	*n_live = d.n;
	cw_schema_diff_free(&d);
	ck_assert_int_eq(cw_schema_compare(&d, &sb, &sa, NULL, &err), 0);
	*n_snap = d.n;
	cw_schema_diff_free(&d);
	cw_schema_free(&live);
	cw_schema_free(&sa);
	cw_schema_free(&sb);
}

/* Apply dir up to each snapshot in turn; every difference expected.
** Where nothing is pinned, each migration also moves the database away
** from the previous snapshot exactly as far as its own snapshot moved:
** the comparison sees every change, snapshot against snapshot too. */
static void history(const char *name, const char *dir, const expected *exp,
		    size_t n_exp)
{
	cw_migrate_options mo = CW_MIGRATE_OPTIONS_INIT;
	cw_migrate_hooks hooks = {0};
	cw_folder f;
	cw_diags fd = CW_DIAGS_INIT;
	cw_error err = {0};
	sqlite3 *db = NULL;
	char *db_path = NULL, snap[1024], prev[1024] = "";
	size_t seen[32] = {0}, in[32] = {0};
	size_t k, n_snap = 0, n_same = 0, n_unexpected = 0, e, n_moves = 0;
	stop_at at;

	ck_assert_uint_le(n_exp, N_OF(seen));
	ck_assert_msg(cw_folder_load(&f, dir, NULL, &fd, &err) == 0, "%s",
		      err.message);
	ck_assert_int_eq(cw_db_open_scratch(&db, &db_path, NULL, &err), 0);
	hooks.ctx = &at;
	hooks.before_migration = before;
	mo.hooks = &hooks;
	for (k = 0; k < f.n_migrations; k++) {
		const char *tag = f.migrations[k].entry->tag;
		cw_migrate_result r;
		size_t len = strcspn(tag, "_");
		snprintf(snap, sizeof(snap), "%s/meta/%.*s_snapshot.json", dir,
			 (int)len, tag);
		if (!exists(snap))
			continue;
		at.k = k + 1;
		ck_assert_msg(cw_migrate_db(&r, db, &f, &mo, &err) == 0,
			      "%s: %s", tag, err.message);
		cw_migrate_result_free(&r);
		n_snap++;
		for (e = 0; e < n_exp; e++)
			in[e] += in_range(&exp[e], tag);
		if (compare_at(db, snap, tag, exp, n_exp, seen,
			       &n_unexpected) == 0)
			n_same++;
		if (n_exp == 0 && prev[0]) {
			size_t n_live, n_snaps;
			moved(db, prev, snap, &n_live, &n_snaps);
			ck_assert_msg(n_live == n_snaps, "%s: %zu differences "
				      "from the previous snapshot, its "
				      "snapshot %zu", tag, n_live, n_snaps);
			n_moves += n_live;
		}
		snprintf(prev, sizeof(prev), "%s", snap);
	}
	/* Each pinned difference at every snapshot of its range. */
	for (e = 0; e < n_exp; e++)
		if (seen[e] != in[e] || in[e] == 0) {
			fprintf(stderr, "expected difference at %zu of the %zu "
				"snapshots %s..%s: %s\n", seen[e], in[e],
				exp[e].from, exp[e].to, exp[e].text);
			n_unexpected++;
		}
	printf("schema history %s: %zu snapshots, %zu identical to the "
	       "database, %zu with expected differences\n", name, n_snap,
	       n_same, n_snap - n_same);
	cw_db_close_scratch(db, db_path);
	cw_folder_free(&f);
	cw_diags_free(&fd);
	ck_assert_uint_gt(n_snap, 0);
	ck_assert(n_exp > 0 || n_snap < 2 || n_moves > 0);
	ck_assert_uint_eq(n_unexpected, 0);
}

static const expected none[1] = {{"", "", "", ""}};

/* karakeep: its migrations and snapshots disagree where the history was
** edited by hand, or where drizzle-kit wrote no SQL for a change. */
static const expected karakeep[] = {
	{"0001", "0093", "tagsOnBookmarks.attachedAt: type: 'TEXT' vs "
	 "'integer'", "0001's snapshot turns attachedAt from text into "
	 "integer, but 0001_dapper_trauma.sql has no statement for it (the "
	 "drizzle-kit of the time wrote nothing for a changed SQLite "
	 "column); no later migration rebuilds the table"},
	{"0001", "0093", "tagsOnBookmarks.attachedBy: not null: '' vs "
	 "'NOT NULL'", "the same 0001 change makes attachedBy NOT NULL in "
	 "the snapshot only"},
	{"0025", "0093", "bookmarks.type: default: '\"text\"' vs ''",
	 "0025 was edited to add the column with DEFAULT \"text\" so that "
	 "existing rows get a type; the schema has no default"},
	{"0029", "0029", "assets.bookmarkId: not null: '' vs 'NOT NULL'",
	 "0029 is a hand-written rebuild of assets that makes bookmarkId "
	 "nullable; its snapshot still says NOT NULL, 0030's catches up"},
	{"0037", "0093", "bookmarkLists.type: default: '\"manual\"' vs ''",
	 "0037 was edited to add the column with DEFAULT \"manual\" for "
	 "existing lists; the schema has no default"},
	{"0038", "0038", "customPrompts.appliesTo: extra column: 'appliesTo "
	 "TEXT NOT NULL' vs ''", "0038 is hand-written (RENAME COLUMN "
	 "attachedBy TO appliesTo) and its snapshot is a copy of 0037's; "
	 "0039's snapshot has the new name"},
	{"0038", "0038", "customPrompts.attachedBy: missing column: '' vs "
	 "'attachedBy text NOT NULL'", "the other side of 0038's rename"},
	{"0083", "0093", "apiKey.scopes: default: ''[\"fullaccess\"]'' "
	 "vs ''", "0083 was edited to add the column with a default for "
	 "existing keys; the schema has none"},
	{"0092", "0093", "bookmarks.lastSavedAt: default: '0' vs ''",
	 "0092 was edited to add the NOT NULL column with DEFAULT 0 (then "
	 "filled from createdAt); the schema has no default"},
};

START_TEST(test_example)
{
	char dir[512];

	unit_fixture(dir, sizeof(dir), "examples/drizzle-kit-0.31");
	history("drizzle-kit-0.31", dir, none, 0);
}
END_TEST

START_TEST(test_fixture)
{
	char dir[512];

	unit_fixture(dir, sizeof(dir), "codewalkers/apps/server/drizzle");
	history("codewalkers", dir, none, 0);
}
END_TEST

START_TEST(test_karakeep)
{
	char dir[512];

	if (!shared_dir(dir, sizeof(dir),
			"realworld/karakeep-app__karakeep")) {
		fprintf(stderr, "SKIP schema history karakeep: %s not found\n",
			dir);
		return;
	}
	history("karakeep", dir, karakeep, N_OF(karakeep));
}
END_TEST

START_TEST(test_dyad)
{
	char dir[512];

	if (!shared_dir(dir, sizeof(dir), "realworld/dyad-sh__dyad")) {
		fprintf(stderr, "SKIP schema history dyad: %s not found\n",
			dir);
		return;
	}
	history("dyad", dir, none, 0);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("schema_history");
	TCase *tc = tcase_create("histories");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_example);
	tcase_add_test(tc, test_fixture);
	tcase_add_test(tc, test_karakeep);
	tcase_add_test(tc, test_dyad);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(suite());
}
