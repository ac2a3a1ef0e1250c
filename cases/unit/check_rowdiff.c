/*
** check_rowdiff.c - lib/rowdiff.c: the digests and the detailed
** comparison agree.  Each change runs twice on a fresh database, once
** measured with digests (same or not) and once with rows copied aside
** (the losses found); a change that loses nothing must leave the digests
** equal, and one that deletes a row or changes a value must not, while
** the detailed comparison names exactly that loss.
*/
#include "unit.h"
#include "../../lib/db.h"
#include "../../lib/rowdiff.h"
#include "../../lib/schema.h"

#include <string.h>

static const char setup[] =
	"CREATE TABLE p (id TEXT PRIMARY KEY, v INTEGER, s TEXT);"
	"WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n "
	"WHERE i < 50) INSERT INTO p SELECT 'k' || i, i, 'text ' || i FROM n;"
	"CREATE TABLE q (a INTEGER, b TEXT);"
	"INSERT INTO q SELECT v, s FROM p;";

static sqlite3 *fresh(void)
{
	sqlite3 *db = NULL;
	cw_error err = {0};

	ck_assert_int_eq(cw_db_open_memory(&db, &err), 0);
	ck_assert_int_eq(sqlite3_exec(db, setup, NULL, NULL, NULL), SQLITE_OK);
	return db;
}

static void model(sqlite3 *db, cw_schema *s)
{
	cw_error err = {0};

	ck_assert_int_eq(cw_schema_read_db(s, db, NULL, &err), 0);
}

typedef struct found {
	int rows, values;
	char last[128];
} found;

static int on_loss(void *ctx, const cw_rowdiff_loss *l)
{
	found *f = ctx;

	if (l->column)
		f->values += (int)l->lost;
	else
		f->rows += (int)l->lost;
	snprintf(f->last, sizeof(f->last), "%s.%s", l->table,
		 l->column ? l->column : "*");
	return 0;
}

/* Apply change twice: digests' verdict into *same, losses into *f. */
static void measure(const char *change, int *same, found *f)
{
	cw_rowdigests dg = CW_ROWDIGESTS_INIT;
	cw_rowdiff rd = CW_ROWDIFF_INIT;
	cw_schema before, after;
	cw_error err = {0};
	sqlite3 *db = fresh();

	model(db, &before);
	ck_assert_int_eq(cw_rowdiff_digest(&dg, db, &before, NULL, &err), 0);
	ck_assert_int_eq(sqlite3_exec(db, change, NULL, NULL, NULL), SQLITE_OK);
	model(db, &after);
	ck_assert_int_eq(cw_rowdiff_digest_same(&dg, db, &after, NULL, NULL,
						same, &err), 0);
	cw_schema_free(&after);
	cw_schema_free(&before);
	cw_rowdigests_free(&dg);
	sqlite3_close(db);

	memset(f, 0, sizeof(*f));
	db = fresh();
	model(db, &before);
	ck_assert_int_eq(cw_rowdiff_save(&rd, db, &before, NULL, &err), 0);
	ck_assert_int_eq(sqlite3_exec(db, change, NULL, NULL, NULL), SQLITE_OK);
	model(db, &after);
	ck_assert_int_eq(cw_rowdiff_compare(&rd, db, &after, NULL, NULL,
					    on_loss, f, NULL, 0, &err), 0);
	cw_rowdiff_drop(&rd, db);
	cw_schema_free(&after);
	cw_schema_free(&before);
	sqlite3_close(db);
}

START_TEST(test_digest_agrees)
{
	static const struct {
		const char *change;
		int same, rows, values;
	} t[] = {
		{"SELECT 1", 1, 0, 0},
		{"UPDATE p SET v = v + 1 WHERE id = 'k7'", 0, 0, 1},
		{"UPDATE p SET s = NULL WHERE id IN ('k1', 'k2')", 0, 0, 2},
		{"DELETE FROM p WHERE id = 'k9'", 0, 1, 0},
		{"DELETE FROM q WHERE a > 45", 0, 5, 0},
		{"INSERT INTO p VALUES ('z1', 1, 'new'), ('z2', 2, 'new')", 1,
		 0, 0},
		/* A rebuild that keeps every row and value. */
		{"CREATE TABLE n (id TEXT PRIMARY KEY, v INTEGER, s TEXT, "
		 "extra TEXT DEFAULT 'x'); INSERT INTO n (id, v, s) SELECT id, "
		 "v, s FROM p; DROP TABLE p; ALTER TABLE n RENAME TO p", 1, 0,
		 0},
		/* A new affinity converts 1 to '1': the same value. */
		{"CREATE TABLE n (id TEXT PRIMARY KEY, v TEXT, s TEXT); "
		 "INSERT INTO n SELECT * FROM p; DROP TABLE p; "
		 "ALTER TABLE n RENAME TO p", 1, 0, 0},
		/* A rebuild that forgets a column: its default replaces it. */
		{"CREATE TABLE n (id TEXT PRIMARY KEY, v INTEGER, s TEXT "
		 "DEFAULT 'gone'); INSERT INTO n (id, v) SELECT id, v FROM p; "
		 "DROP TABLE p; ALTER TABLE n RENAME TO p", 0, 0, 50},
		/* A rowid table rebuilt in order keeps its rows. */
		{"CREATE TABLE n (a INTEGER, b TEXT); INSERT INTO n SELECT * "
		 "FROM q; DROP TABLE q; ALTER TABLE n RENAME TO q", 1, 0, 0},
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(*t); i++) {
		found f;
		int same = -1;
		measure(t[i].change, &same, &f);
		ck_assert_msg(same == t[i].same, "%s: digests say %s",
			      t[i].change, same ? "same" : "changed");
		ck_assert_msg(f.rows == t[i].rows && f.values == t[i].values,
			      "%s: %d rows and %d values lost (%s), want %d "
			      "and %d", t[i].change, f.rows, f.values, f.last,
			      t[i].rows, t[i].values);
		/* Digests never call a loss "same". */
		ck_assert(!(same && (f.rows || f.values)));
	}
}
END_TEST

int main(void)
{
	Suite *s = suite_create("rowdiff");
	TCase *tc = tcase_create("rowdiff");

	tcase_add_test(tc, test_digest_agrees);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
