/*
** check_schema_oom.c - the schema model when memory runs out: every
** allocation of an introspection, a snapshot read and a comparison is
** made to fail in turn; each time the call either succeeds whole or fails
** with CW_ENOMEM (CW_ESQL when SQLite's own allocation failed) leaving an
** empty result, and nothing leaks.
**
** As in check_folder_oom.c, malloc, calloc, realloc and free are defined
** here, in the test program, and forward to glibc's allocator while
** counting; libcw knows nothing of it.  Under AddressSanitizer they are
** left out and each call is checked once, which LeakSanitizer watches.
*/
#include "unit.h"
#include "../../lib/db.h"
#include "../../lib/schema.h"

#include <string.h>

#include "unit_oom.h"

static const char schema_sql[] =
	"CREATE TABLE p(id INTEGER PRIMARY KEY, code TEXT UNIQUE);"
	"CREATE TABLE t(id INTEGER PRIMARY KEY AUTOINCREMENT,"
	" name TEXT NOT NULL DEFAULT 'x' COLLATE NOCASE,"
	" g INT AS (id + 1) VIRTUAL,"
	" p_id INT REFERENCES p(id) ON DELETE CASCADE,"
	" q_id INT REFERENCES p DEFERRABLE INITIALLY DEFERRED,"
	" a INT, b INT, CONSTRAINT c1 CHECK (a > 0), CHECK (b < 5),"
	" FOREIGN KEY (a, b) REFERENCES t2(x, y));"
	"CREATE TABLE t2(x INT, y INT, t_id INT REFERENCES t,"
	" PRIMARY KEY (x, y)) WITHOUT ROWID;"
	"CREATE UNIQUE INDEX t_name ON t(lower(name), a) WHERE a > 0;"
	"CREATE VIEW v AS SELECT id FROM t;"
	"CREATE TRIGGER tr AFTER INSERT ON t BEGIN SELECT 1; END;"
	"CREATE VIRTUAL TABLE ft USING fts5(a);";

static const char other_sql[] =
	"CREATE TABLE p(id INTEGER PRIMARY KEY, code TEXT);"
	"CREATE TABLE t(id INTEGER PRIMARY KEY, name VARCHAR(3),"
	" g INT AS (id + 2) STORED, p_id INT REFERENCES p(id),"
	" c INT, CHECK (c > 0));"
	"CREATE INDEX t_c ON t(c);"
	"CREATE TABLE n(x);"
	"CREATE VIEW v AS SELECT 1;"
	"CREATE VIEW w AS SELECT 2;"
	"CREATE TRIGGER tr2 AFTER INSERT ON t BEGIN SELECT 1; END;";

static const char snapshot[] =
	"{\"version\": \"6\", \"dialect\": \"sqlite\", \"tables\": {"
	"\"p\": {\"name\": \"p\", \"columns\": {\"id\": {\"name\": \"id\", "
	"\"type\": \"integer\", \"primaryKey\": true, \"notNull\": true, "
	"\"default\": 1.5}, \"g\": {\"name\": \"g\", \"type\": \"text\", "
	"\"primaryKey\": false, \"notNull\": false, \"default\": \"'x'\", "
	"\"generated\": {\"as\": \"(1)\", \"type\": \"stored\"}}}, "
	"\"indexes\": {\"i\": {\"name\": \"i\", \"columns\": [\"g\"], "
	"\"isUnique\": true, \"where\": \"g > 1\"}}, \"foreignKeys\": {\"f\":"
	" {\"name\": \"f\", \"tableFrom\": \"p\", \"columnsFrom\": [\"g\"], "
	"\"tableTo\": \"p\", \"columnsTo\": [\"id\"], \"onDelete\": "
	"\"cascade\"}}, \"compositePrimaryKeys\": {\"k\": {\"columns\": "
	"[\"id\", \"g\"]}}, \"uniqueConstraints\": {\"u\": {\"name\": \"u\","
	" \"columns\": [\"g\"]}}, \"checkConstraints\": {\"c\": {\"name\": "
	"\"c\", \"value\": \"g > 0\"}}}}, \"views\": {\"v\": {\"name\": "
	"\"v\", \"columns\": {}, \"definition\": \"select 1\", "
	"\"isExisting\": false}}}";

static int is_empty(const cw_schema *s)
{
	return s->tables == NULL && s->n_tables == 0 && s->views == NULL &&
	       s->triggers == NULL && s->virtual_tables == NULL &&
	       s->order == NULL && s->is_cyclic == NULL;
}

static sqlite3 *open_with(const char *sql)
{
	cw_error err = {0};
	sqlite3 *db = NULL;

	ck_assert_int_eq(cw_db_open_memory(&db, &err), 0);
	ck_assert_int_eq(cw_db_exec(db, sql, &err), 0);
	return db;
}

/* One introspection with allocation nth failing; returns how many
** allocations it asked for. */
static long read_db_failing(sqlite3 *db, long nth, size_t n_tables)
{
	cw_error err = {0};
	cw_schema s;
	long live, calls;
	int rc;

	/* SQLite may drop its parsed schema after a failure: read once
	** unhindered so that what it keeps is counted before. */
	ck_assert_int_eq(cw_schema_read_db(&s, db, NULL, &err), 0);
	cw_schema_free(&s);
	live = n_live;
	n_calls = 0;
	fail_after = nth;
	rc = cw_schema_read_db(&s, db, NULL, &err);
	fail_after = -1;
	calls = n_calls;
	if (rc == 0) {
		ck_assert_uint_eq(s.n_tables, n_tables);
		ck_assert_uint_eq(s.n_order, n_tables);
	} else {
		ck_assert_msg(rc == CW_ENOMEM || rc == CW_ESQL,
			      "allocation %ld: rc %d", nth, rc);
		ck_assert_msg(is_empty(&s), "allocation %ld: rc %d left a "
			      "model behind", nth, rc);
	}
	cw_schema_free(&s);
	if (rc != 0) {
		/* what SQLite dropped, parsed again */
		ck_assert_int_eq(cw_schema_read_db(&s, db, NULL, &err), 0);
		cw_schema_free(&s);
	}
	ck_assert_msg(n_live == live, "allocation %ld: %ld block(s) leaked",
		      nth, n_live - live);
	return calls;
}

START_TEST(test_read_db)
{
	sqlite3 *db = open_with(schema_sql);
	long total, k;

	total = read_db_failing(db, -1, 3);
	ck_assert(!INJECT || total > 0);
	for (k = 0; INJECT && k < total; k++)
		(void)read_db_failing(db, k, 3);
	sqlite3_close(db);
}
END_TEST

static long snapshot_failing(long nth)
{
	cw_error err = {0};
	cw_schema s;
	long live = n_live, calls;
	int rc;

	n_calls = 0;
	fail_after = nth;
	rc = cw_schema_read_snapshot(&s, "s.json", snapshot,
				     strlen(snapshot), &err);
	fail_after = -1;
	calls = n_calls;
	if (rc == 0) {
		ck_assert_uint_eq(s.n_tables, 1);
		ck_assert_uint_eq(s.n_views, 1);
	} else {
		ck_assert_msg(rc == CW_ENOMEM, "allocation %ld: rc %d (%s)",
			      nth, rc, err.message);
		ck_assert(is_empty(&s));
	}
	cw_schema_free(&s);
	ck_assert_msg(n_live == live, "allocation %ld: %ld block(s) leaked",
		      nth, n_live - live);
	return calls;
}

START_TEST(test_read_snapshot)
{
	long total = snapshot_failing(-1), k;

	ck_assert(!INJECT || total > 0);
	for (k = 0; INJECT && k < total; k++)
		(void)snapshot_failing(k);
}
END_TEST

static long compare_failing(const cw_schema *a, const cw_schema *b,
			    long nth, size_t *n_diff)
{
	cw_schema_diff_options o = CW_SCHEMA_DIFF_OPTIONS_INIT;
	cw_error err = {0};
	cw_schema_diff d;
	long live = n_live, calls;
	int rc;

	n_calls = 0;
	fail_after = nth;
	rc = cw_schema_compare(&d, a, b, &o, &err);
	fail_after = -1;
	calls = n_calls;
	if (rc == 0) {
		if (*n_diff == 0)
			*n_diff = d.n;
		ck_assert_uint_eq(d.n, *n_diff);
	} else {
		ck_assert_int_eq(rc, CW_ENOMEM);
		ck_assert_uint_eq(d.n, 0);
		ck_assert_ptr_null(d.items);
	}
	cw_schema_diff_free(&d);
	ck_assert_msg(n_live == live, "allocation %ld: %ld block(s) leaked",
		      nth, n_live - live);
	return calls;
}

START_TEST(test_compare)
{
	sqlite3 *da = open_with(schema_sql), *db = open_with(other_sql);
	cw_error err = {0};
	cw_schema a, b, s;
	size_t n_diff = 0, n_snap = 0;
	long total, k;

	ck_assert_int_eq(cw_schema_read_db(&a, da, NULL, &err), 0);
	ck_assert_int_eq(cw_schema_read_db(&b, db, NULL, &err), 0);
	ck_assert_int_eq(cw_schema_read_snapshot(&s, "s.json", snapshot,
						 strlen(snapshot), &err), 0);
	total = compare_failing(&a, &b, -1, &n_diff);
	ck_assert_uint_gt(n_diff, 20);
	for (k = 0; INJECT && k < total; k++)
		(void)compare_failing(&a, &b, k, &n_diff);
	total = compare_failing(&s, &a, -1, &n_snap);
	for (k = 0; INJECT && k < total; k++)
		(void)compare_failing(&s, &a, k, &n_snap);
	cw_schema_free(&a);
	cw_schema_free(&b);
	cw_schema_free(&s);
	sqlite3_close(da);
	sqlite3_close(db);
}
END_TEST

START_TEST(test_order)
{
	sqlite3 *db = open_with(schema_sql);
	cw_error err = {0};
	cw_schema s;
	long k, total;

	ck_assert_int_eq(cw_schema_read_db(&s, db, NULL, &err), 0);
	n_calls = 0;
	k = cw_schema_order(&s, &err);
	total = n_calls;
	ck_assert_int_eq(k, 0);
	for (k = 0; INJECT && k < total; k++) {
		long live = n_live;
		int rc;
		fail_after = k;
		rc = cw_schema_order(&s, &err);
		fail_after = -1;
		ck_assert_int_eq(rc, CW_ENOMEM);
		ck_assert_uint_eq(s.n_order, 0);
		ck_assert_ptr_null(s.order);
		ck_assert_int_le(n_live, live);
		ck_assert_int_eq(cw_schema_order(&s, &err), 0);
		ck_assert_uint_eq(s.n_order, 3);
	}
	cw_schema_free(&s);
	sqlite3_close(db);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("schema_oom");
	TCase *tc = tcase_create("schema_oom");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_read_db);
	tcase_add_test(tc, test_read_snapshot);
	tcase_add_test(tc, test_compare);
	tcase_add_test(tc, test_order);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
