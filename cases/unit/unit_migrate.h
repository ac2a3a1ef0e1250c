/*
** unit_migrate.h - what the migrate suites share (check_migrate*.c):
** drizzle-kit folders written from a table of migrations, the migrator
** run on a database file in the scratch folder, and that file read back
** with plain SQLite so that what is checked is what drizzle would see.
*/
#ifndef CW_UNIT_MIGRATE_H
#define CW_UNIT_MIGRATE_H

#include "unit_fs.h"
#include "../../lib/migrate.h"
#include "../../lib/db.h"

/* One migration of a generated folder. */
typedef struct mig {
	const char *tag;
	const char *when;   /* JSON text of the number */
	const char *sql;
} mig;

/* drizzle's CREATE TABLE for its migrations table, as sqlite_master
** keeps it after a real run. */
#define TABLE_SQL "CREATE TABLE \"__drizzle_migrations\" (\n" \
	"\t\t\t\tid SERIAL PRIMARY KEY,\n\t\t\t\thash text NOT NULL,\n" \
	"\t\t\t\tcreated_at numeric\n\t\t\t)"

/* Every recorded row, with the storage classes drizzle leaves. */
#define ROWS "SELECT hash, created_at, typeof(created_at), " \
	"typeof(id) FROM __drizzle_migrations ORDER BY rowid"

/* Two applied migrations, newest when 3000. */
static const mig base_pair[] = {
	{"0000_a", "1000", "CREATE TABLE a(x);"},
	{"0001_b", "3000", "CREATE TABLE b(x);"},
};

/* Three migrations making tables a, b and c. */
static const mig three[] = {
	{"0000_a", "10", "CREATE TABLE a(x);"},
	{"0001_b", "2000", "CREATE TABLE b(x);"},
	{"0002_c", "3000", "CREATE TABLE c(x);"},
};

/* Checked-fixture setup: a fresh scratch folder. */
static inline void migrate_tmp_make(void)
{
	unit_tmp_make("migrate");
}

/* A drizzle-kit shaped folder <tmp>/<name> holding migrations m[0..n);
** its path goes into dir, which is returned. */
static inline const char *write_folder(char *dir, size_t dn,
				       const char *name, const mig *m,
				       size_t n)
{
	unit_journal j = {0};
	char rel[256], p[512];
	size_t k;

	/* A folder written before under this name is written over. */
	mkdir(unit_path(dir, dn, name), 0700);
	snprintf(rel, sizeof(rel), "%s/meta", name);
	mkdir(unit_path(p, sizeof(p), rel), 0700);
	for (k = 0; k < n; k++) {
		snprintf(rel, sizeof(rel), "%s/%s.sql", name, m[k].tag);
		unit_put(rel, m[k].sql);
		unit_journal_add(&j, m[k].tag, m[k].when);
	}
	snprintf(rel, sizeof(rel), "%s/meta/_journal.json", name);
	unit_put(rel, unit_journal_end(&j));
	free(j.text);
	return dir;
}

/* Load a folder that must load without an error. */
static inline void load(cw_folder *f, const char *dir)
{
	cw_diags d = CW_DIAGS_INIT;
	cw_error err = {0};

	ck_assert_msg(cw_folder_load(f, dir, NULL, &d, &err) == 0,
		      "loading %s: %s", dir, err.message);
	cw_diags_free(&d);
}

/* The usual start: folder <tmp>/<name> from m[0..n) loaded into f, and
** the path of the database <tmp>/<name>.db (not created) in db. */
static inline void setup(cw_folder *f, char *db, size_t dn,
			 const char *name, const mig *m, size_t n)
{
	char dir[256], rel[128];

	load(f, write_folder(dir, sizeof(dir), name, m, n));
	snprintf(rel, sizeof(rel), "%s.db", name);
	unit_path(db, dn, rel);
}

/* Rows of a query on the database file, "a|b" per row, one per line,
** NULL as "NULL", into out. */
static inline const char *dump(char *out, size_t n, const char *db_path,
			       const char *sql)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	size_t o = 0;
	int c;

	out[0] = '\0';
	ck_assert_int_eq(sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READONLY,
					 NULL), SQLITE_OK);
	ck_assert_msg(sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK,
		      "%s: %s", sql, sqlite3_errmsg(db));
	while (sqlite3_step(st) == SQLITE_ROW) {
		for (c = 0; c < sqlite3_column_count(st); c++) {
			const unsigned char *v = sqlite3_column_text(st, c);
			o += (size_t)snprintf(out + o, n - o, "%s%s",
					      c ? "|" : "",
					      v ? (const char *)v : "NULL");
			ck_assert_uint_lt(o, n);
		}
		o += (size_t)snprintf(out + o, n - o, "\n");
		ck_assert_uint_lt(o, n);
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
	return out;
}

/* The integer a one-value query returns. */
static inline long long count(const char *db_path, const char *sql)
{
	char buf[64];

	return atoll(dump(buf, sizeof(buf), db_path, sql));
}

/* How many rows drizzle's migrations table holds. */
static inline long long n_recorded(const char *db_path)
{
	return count(db_path, "SELECT count(*) FROM __drizzle_migrations");
}

static inline int has_table(const char *db_path, const char *name)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	int found;

	ck_assert_int_eq(sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READONLY,
					 NULL), SQLITE_OK);
	sqlite3_prepare_v2(db, "SELECT 1 FROM sqlite_master WHERE type = "
			   "'table' AND name = ?", -1, &st, NULL);
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	found = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	sqlite3_close(db);
	return found;
}

/* Statements run on the file by another connection, before a test. */
static inline void exec_on(const char *db_path, const char *sql)
{
	sqlite3 *db = NULL;
	cw_error err = {0};

	ck_assert_int_eq(cw_db_open(&db, db_path, 1000, &err), 0);
	ck_assert_msg(cw_db_exec(db, sql, &err) == 0, "%s", err.message);
	sqlite3_close(db);
}

/* Run the migrator on a file; returns its code. */
static inline int run(cw_migrate_result *r, const char *db_path,
		      const cw_folder *f, const cw_migrate_options *o,
		      cw_error *err)
{
	return cw_migrate_path(r, db_path, f, o, err);
}

/* Apply f to db_path and expect success. */
static inline void apply_ok(const char *db_path, const cw_folder *f,
			    const cw_migrate_options *o)
{
	cw_migrate_result r;
	cw_error err = {0};

	ck_assert_msg(run(&r, db_path, f, o, &err) == 0, "%s", err.message);
	cw_migrate_result_free(&r);
}

/* One run of the migrator and all it leaves for the test to examine. */
typedef struct attempt {
	char db[256];
	cw_folder f;
	cw_migrate_options o;
	cw_migrate_result r;
	cw_error err;
} attempt;

/* Folder <name> from m[0..n) and its database, with pre_sql (unless
** NULL) already run on it, and default options. */
static inline void prepare(attempt *x, const char *name, const mig *m,
			   size_t n, const char *pre_sql)
{
	cw_migrate_options o = CW_MIGRATE_OPTIONS_INIT;

	memset(x, 0, sizeof(*x));
	setup(&x->f, x->db, sizeof(x->db), name, m, n);
	if (pre_sql)
		exec_on(x->db, pre_sql);
	x->o = o;
}

/* The migrator's code for the prepared run; a result left by an earlier
** run is freed first. */
static inline int attempt_run(attempt *x)
{
	cw_migrate_result_free(&x->r);
	return run(&x->r, x->db, &x->f, &x->o, &x->err);
}

static inline void attempt_free(attempt *x)
{
	cw_migrate_result_free(&x->r);
	cw_folder_free(&x->f);
}

/* A database with v1 applied, and x prepared with the folder as it is
** later (v2): how a team's history moves on. */
static inline void prepare_applied(attempt *x, const mig *v1, size_t n1,
				   const mig *v2, size_t n2)
{
	char dir[256];

	prepare(x, "v1", v1, n1, NULL);
	apply_ok(x->db, &x->f, NULL);
	cw_folder_free(&x->f);
	load(&x->f, write_folder(dir, sizeof(dir), "v2", v2, n2));
}

/* The findings of x's run, as every command reports them. */
static inline void diags_of(cw_diags *d, const attempt *x, int rc)
{
	ck_assert_int_eq(cw_migrate_diags(d, &x->r, &x->f, rc, &x->err,
					  "app.db"), 0);
}

/* The only finding with this code. */
static inline const cw_diag *only(const cw_diags *d, const char *code)
{
	const cw_diag *g = NULL;
	size_t i;

	for (i = 0; i < d->n; i++)
		if (strcmp(d->items[i].code, code) == 0) {
			ck_assert_msg(g == NULL, "two %s findings", code);
			g = &d->items[i];
		}
	ck_assert_msg(g != NULL, "no %s finding", code);
	return g;
}

#endif
