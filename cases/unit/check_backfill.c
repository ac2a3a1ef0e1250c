/*
** check_backfill.c - lib/backfill.c and lib/verify_metrics.c end to end:
** a fixture database from the data generator is backfilled to exactly its
** .expected.json; a second run is refused and changes nothing; a forced
** second run is found by verify as exact doubles; --until with a live
** writer that counted the later chunks ends exact; a hand-built
** adversarial database (non-text content, escapes) counts as written; a
** missing file, a file that is no database, a missing table, wrong
** columns and a locked database fail with the database bytes unchanged.
*/
#include "unit_fs.h"
#include "check_agentlog_count.h"
#include "../../lib/backfill.h"
#include "../../lib/datagen.h"
#include "../../lib/db.h"
#include "../../lib/text.h"
#include "../../lib/verify_metrics.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char fixture[512], db[256];

/* The whole file at an absolute path (caller frees); *len its size. */
static char *slurp(const char *path, size_t *len)
{
	cw_bytes b = {NULL, 0};
	cw_error err = {0};

	ck_assert_msg(cw_text_read_file(&b, path, &err) == 0, "%s",
		      err.message);
	if (len)
		*len = b.len;
	return b.data;
}

static void exec_sql(const char *path, const char *sql)
{
	sqlite3 *h = NULL;
	char *msg = NULL;

	ck_assert_int_eq(sqlite3_open(path, &h), SQLITE_OK);
	ck_assert_msg(sqlite3_exec(h, sql, NULL, NULL, &msg) == SQLITE_OK,
		      "%s: %s", sql, msg ? msg : "");
	sqlite3_close(h);
}

/* A fixture database with 200 rows a table; agent_metrics emptied, as
** the migration that creates it leaves it. */
static void setup(void)
{
	cw_datagen_build_options o = CW_DATAGEN_BUILD_OPTIONS_INIT;
	cw_folder_options fo = CW_FOLDER_OPTIONS_INIT;
	cw_diags diags = CW_DIAGS_INIT;
	cw_datagen_build_result r;
	cw_error err = {0};
	cw_folder f;

	unit_tmp_make("backfill");
	unit_fixture(fixture, sizeof(fixture),
		     "codewalkers/apps/server/drizzle");
	ck_assert_int_eq(cw_folder_load(&f, fixture, &fo, &diags, &err), 0);
	o.gen.rows = 200;
	unit_path(db, sizeof(db), "f.db");
	ck_assert_msg(cw_datagen_build(&r, db, &f, &o, &err) == 0, "%s",
		      err.message);
	cw_datagen_build_result_free(&r);
	cw_folder_free(&f);
	cw_diags_free(&diags);
	exec_sql(db, "DELETE FROM agent_metrics");
}

static void teardown(void)
{
	unit_tmp_remove();
}

static int backfill(const char *path, int force, int has_until,
		    int64_t until, cw_error *err)
{
	cw_backfill_options o = CW_BACKFILL_OPTIONS_INIT;
	cw_backfill_result r;
	int rc;

	o.force = force;
	o.has_until = has_until;
	o.until_ms = until;
	o.batch_size = 7;   /* many batches, ties across their edges */
	o.busy_timeout_ms = 100;
	rc = cw_backfill_run(&r, path, &o, err);
	cw_backfill_result_free(&r);
	return rc;
}

static void verify(cw_verify_result *v, cw_diags *d, const char *path)
{
	cw_verify_options o = CW_VERIFY_OPTIONS_INIT;
	cw_error err = {0};

	ck_assert_msg(cw_verify_metrics(v, d, path, &o, &err) == 0, "%s",
		      err.message);
}

/* agent_metrics holds exactly the expected counts of every agent. */
static void assert_expected(const char *path)
{
	char exp[300];
	char *text;
	cJSON *root, *a;
	sqlite3 *h = NULL;
	sqlite3_stmt *st = NULL;
	size_t n = 0;

	snprintf(exp, sizeof(exp), "%s.expected.json", path);
	text = slurp(exp, NULL);
	ck_assert_ptr_nonnull(text);
	root = cJSON_Parse(text);
	ck_assert_ptr_nonnull(root);
	ck_assert_int_eq(sqlite3_open(path, &h), SQLITE_OK);
	ck_assert_int_eq(sqlite3_prepare_v2(h, "SELECT questions_count, "
			 "subagents_count, compactions_count FROM "
			 "agent_metrics WHERE agent_id = ?", -1, &st, NULL),
			 SQLITE_OK);
	cJSON_ArrayForEach(a, cJSON_GetObjectItem(root, "agents")) {
		const char *id = cJSON_GetObjectItem(a, "agent_id")->valuestring;
		sqlite3_reset(st);
		sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
		ck_assert_msg(sqlite3_step(st) == SQLITE_ROW, "no row for %s",
			      id);
		ck_assert_int_eq(sqlite3_column_int64(st, 0),
			cJSON_GetObjectItem(a, "questions")->valueint);
		ck_assert_int_eq(sqlite3_column_int64(st, 1),
			cJSON_GetObjectItem(a, "subagents")->valueint);
		ck_assert_int_eq(sqlite3_column_int64(st, 2),
			cJSON_GetObjectItem(a, "compactions")->valueint);
		n++;
	}
	ck_assert_uint_gt(n, 10);
	sqlite3_finalize(st);
	sqlite3_close(h);
	cJSON_Delete(root);
	free(text);
}

START_TEST(test_fixture_exact_then_refused)
{
	cw_verify_result v;
	cw_diags d = CW_DIAGS_INIT;
	cw_error err = {0};
	char *before, *after;
	size_t n_before, n_after;

	ck_assert_msg(backfill(db, 0, 0, 0, &err) == 0, "%s", err.message);
	assert_expected(db);
	verify(&v, &d, db);
	ck_assert_uint_eq(d.n, 0);
	ck_assert_uint_eq(v.n_exact, v.n_agents);
	cw_verify_result_free(&v);
	/* again: refused, naming the run, bytes unchanged */
	before = slurp(db, &n_before);
	ck_assert_int_eq(backfill(db, 0, 0, 0, &err), CW_EINVAL);
	ck_assert_str_eq(err.diag, CW_B005);
	ck_assert_ptr_nonnull(strstr(err.message, "run 1 at"));
	after = slurp(db, &n_after);
	ck_assert(n_before == n_after && memcmp(before, after, n_after) == 0);
	free(before);
	free(after);
	/* forced: every agent with counts is an exact double */
	cw_error_clear(&err);
	ck_assert_int_eq(backfill(db, 1, 0, 0, &err), 0);
	verify(&v, &d, db);
	ck_assert_uint_gt(v.n_doubled, 10);
	ck_assert_uint_eq(v.n_doubled + v.n_exact, v.n_agents);
	ck_assert_uint_eq(d.n, v.n_doubled);
	ck_assert_str_eq(d.items[0].code, CW_B003);
	cw_verify_result_free(&v);
	cw_diags_free(&d);
}
END_TEST

/* The live path counted every chunk from the cutoff on; --until counts
** the rest; the sum is exact. */
START_TEST(test_until_with_live_writer)
{
	cw_verify_result v;
	cw_diags d = CW_DIAGS_INIT;
	cw_error err = {0};
	sqlite3 *h = NULL;
	sqlite3_stmt *st = NULL, *up = NULL;
	int64_t cutoff;

	ck_assert_int_eq(sqlite3_open(db, &h), SQLITE_OK);
	ck_assert_int_eq(sqlite3_prepare_v2(h, "SELECT created_at FROM "
			 "agent_log_chunks ORDER BY created_at LIMIT 1 OFFSET "
			 "100", -1, &st, NULL), SQLITE_OK);
	ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
	cutoff = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	ck_assert_int_eq(sqlite3_prepare_v2(h, "SELECT agent_id, content FROM "
			 "agent_log_chunks WHERE created_at >= ?", -1, &st,
			 NULL), SQLITE_OK);
	sqlite3_bind_int64(st, 1, cutoff);
	ck_assert_int_eq(sqlite3_prepare_v2(h, "INSERT INTO agent_metrics "
			 "VALUES (?1, ?2, ?3, ?4, 0) ON CONFLICT(agent_id) DO "
			 "UPDATE SET questions_count = questions_count + "
			 "?2, subagents_count = subagents_count + ?3, "
			 "compactions_count = compactions_count + ?4", -1,
			 &up, NULL), SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW) {
		cw_agentlog_counts c;
		count_chunk((const char *)sqlite3_column_text(st, 1),
			    (size_t)sqlite3_column_bytes(st, 1), &c);
		sqlite3_reset(up);
		sqlite3_bind_value(up, 1, sqlite3_column_value(st, 0));
		sqlite3_bind_int64(up, 2, (int64_t)c.questions);
		sqlite3_bind_int64(up, 3, (int64_t)c.subagents);
		sqlite3_bind_int64(up, 4, (int64_t)c.compactions);
		ck_assert_int_eq(sqlite3_step(up), SQLITE_DONE);
	}
	sqlite3_finalize(st);
	sqlite3_finalize(up);
	sqlite3_close(h);
	/* rows but no record: refused without --until */
	ck_assert_int_eq(backfill(db, 0, 0, 0, &err), CW_EINVAL);
	ck_assert_str_eq(err.diag, CW_B006);
	cw_error_clear(&err);
	ck_assert_msg(backfill(db, 0, 1, cutoff, &err) == 0, "%s",
		      err.message);
	assert_expected(db);
	verify(&v, &d, db);
	ck_assert_uint_eq(d.n, 0);
	ck_assert(v.has_split && v.split_ms == cutoff);
	cw_verify_result_free(&v);
	cw_diags_free(&d);
}
END_TEST

/* Non-text values and escapes in a hand-built database. */
START_TEST(test_adversarial_database)
{
	const char *compact = "{\"type\":\"system\",\"subtype\":"
			      "\"compact_boundary\"}\n";
	char path[256];
	sqlite3 *h = NULL;
	sqlite3_stmt *st = NULL;
	cw_backfill_options o = CW_BACKFILL_OPTIONS_INIT;
	cw_backfill_result r;
	cw_error err = {0};
	const cw_metrics_agent *a;

	unit_path(path, sizeof(path), "adv.db");
	exec_sql(path, "CREATE TABLE agent_log_chunks (id text PRIMARY KEY, "
		 "agent_id text NOT NULL, content text, created_at integer "
		 "NOT NULL); CREATE TABLE agent_metrics (agent_id text "
		 "PRIMARY KEY, questions_count integer, subagents_count "
		 "integer, compactions_count integer, updated_at integer);"
		 "INSERT INTO agent_log_chunks VALUES ('1', 'x', 42, 1), "
		 "('2', 'x', NULL, 1), ('3', 'x', '{\"type\":\"assistant\","
		 "\"message\":{\"content\":[{\"type\":\"tool_use\",\"name\":"
		 "\"\\u0041gent\"}]}}', 2), ('4', 'y', '', 3)");
	ck_assert_int_eq(sqlite3_open(path, &h), SQLITE_OK);
	ck_assert_int_eq(sqlite3_prepare_v2(h, "INSERT INTO agent_log_chunks "
			 "VALUES ('5', 'y', ?, 4)", -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_blob(st, 1, compact, (int)strlen(compact), SQLITE_STATIC);
	ck_assert_int_eq(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
	sqlite3_close(h);
	o.dry_run = 1;
	ck_assert_msg(cw_backfill_run(&r, path, &o, &err) == 0, "%s",
		      err.message);
	ck_assert_uint_eq(r.tally.chunks, 5);
	ck_assert_uint_eq(r.tally.counts.malformed, 0);
	a = cw_metrics_tally_find(&r.tally, "x");
	ck_assert(a && a->n[CW_METRIC_SUBAGENTS] == 1 && a->chunks == 3);
	a = cw_metrics_tally_find(&r.tally, "y");
	ck_assert(a && a->n[CW_METRIC_COMPACTIONS] == 1 && a->chunks == 2);
	ck_assert_int_eq(r.written, 0);
	cw_backfill_result_free(&r);
}
END_TEST

/* A failure that must leave the file's bytes as they were. */
static void assert_refused_unchanged(const char *path, int want_rc,
				     const char *want_diag)
{
	size_t n1, n2;
	char *b1 = slurp(path, &n1), *b2;
	cw_error err = {0};

	ck_assert_int_eq(backfill(path, 0, 0, 0, &err), want_rc);
	ck_assert_str_eq(err.diag, want_diag);
	b2 = slurp(path, &n2);
	ck_assert(n1 == n2 && memcmp(b1, b2, n1) == 0);
	free(b1);
	free(b2);
}

START_TEST(test_refusals_leave_database_unchanged)
{
	char path[256];
	cw_error err = {0};
	sqlite3 *h = NULL;

	unit_path(path, sizeof(path), "nope.db");
	ck_assert_int_eq(backfill(path, 0, 0, 0, &err), CW_ENOTFOUND);
	ck_assert_int_ne(access(path, F_OK), 0);
	unit_path(path, sizeof(path), "notes.txt");
	unit_put("notes.txt", "notes, not a database\n");
	assert_refused_unchanged(path, CW_EINVAL, CW_R005);
	unit_path(path, sizeof(path), "half.db");
	exec_sql(path, "CREATE TABLE agent_log_chunks (id text PRIMARY KEY, "
		 "agent_id text, content text, created_at integer)");
	assert_refused_unchanged(path, CW_EINVAL, CW_B007);
	exec_sql(path, "CREATE TABLE agent_metrics (agent_id text, "
		 "questions_count integer)");
	assert_refused_unchanged(path, CW_EINVAL, CW_B008);
	/* locked: another connection holds the write lock */
	ck_assert_int_eq(sqlite3_open(db, &h), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(h, "BEGIN EXCLUSIVE; INSERT INTO "
			 "agent_metrics VALUES ('zz', 1, 1, 1, 1)", NULL, NULL,
			 NULL), SQLITE_OK);
	assert_refused_unchanged(db, CW_EBUSY, CW_R004);
	sqlite3_exec(h, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_close(h);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("backfill");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 120);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_fixture_exact_then_refused);
	tcase_add_test(tc, test_until_with_live_writer);
	tcase_add_test(tc, test_adversarial_database);
	tcase_add_test(tc, test_refusals_leave_database_unchanged);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(suite());
}
