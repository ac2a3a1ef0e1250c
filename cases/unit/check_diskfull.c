/*
** check_diskfull.c - a full disk during cw migrate's engine and during
** the backfill: every run ends with an error naming the database, and
** leaves it as it was (same bytes, integrity_check ok).
**
** A SQLite VFS shim wraps the default one and is registered as the
** default, so that lib opens everything through it (the database, its
** journal and SQLite's temporary files) with no option in lib.  Writes
** that grow a file are charged against a byte budget; a write past it
** fails with SQLITE_FULL, as a full file system does.  Overwriting bytes
** a file already has is free: a rollback restores pages in place, which
** a full disk allows too.  Each sweep first measures what a whole run
** grows files by, then runs again with N bytes allowed, for SWEEP values
** of N from 0 up to just below that.
*/
#include "unit.h"
#include "unit_fs.h"
#include "../../lib/backfill.h"
#include "../../lib/datagen.h"
#include "../../lib/folder.h"
#include "../../lib/migrate.h"

#include <sqlite3.h>
#include <string.h>

#define SWEEP 40
#define UNLIMITED (-1)

/* ---- the shim ---- */

typedef struct full_file {
	sqlite3_file base;
	sqlite3_file *real;    /* the wrapped file, allocated after this */
} full_file;

static sqlite3_vfs full_vfs, *real_vfs;
static sqlite3_int64 budget = UNLIMITED;   /* bytes files may still grow */
static sqlite3_int64 grown;                /* bytes they grew, in total */
static int n_full;                         /* writes refused */

#define REAL(f) (((full_file *)(f))->real)

static int f_close(sqlite3_file *f)
{
	int rc = REAL(f)->pMethods ? REAL(f)->pMethods->xClose(REAL(f)) :
		 SQLITE_OK;
	return rc;
}
static int f_read(sqlite3_file *f, void *b, int n, sqlite3_int64 off)
{
	return REAL(f)->pMethods->xRead(REAL(f), b, n, off);
}
static int f_write(sqlite3_file *f, const void *b, int n,
		   sqlite3_int64 off)
{
	sqlite3_int64 size = 0, growth;

	if (REAL(f)->pMethods->xFileSize(REAL(f), &size) != SQLITE_OK)
		size = 0;
	growth = off + n > size ? off + n - size : 0;
	if (budget != UNLIMITED && growth > budget) {
		n_full++;
		return SQLITE_FULL;
	}
	if (budget != UNLIMITED)
		budget -= growth;
	grown += growth;
	return REAL(f)->pMethods->xWrite(REAL(f), b, n, off);
}
static int f_truncate(sqlite3_file *f, sqlite3_int64 size)
{
	return REAL(f)->pMethods->xTruncate(REAL(f), size);
}
static int f_sync(sqlite3_file *f, int flags)
{
	return REAL(f)->pMethods->xSync(REAL(f), flags);
}
static int f_size(sqlite3_file *f, sqlite3_int64 *out)
{
	return REAL(f)->pMethods->xFileSize(REAL(f), out);
}
static int f_lock(sqlite3_file *f, int l)
{
	return REAL(f)->pMethods->xLock(REAL(f), l);
}
static int f_unlock(sqlite3_file *f, int l)
{
	return REAL(f)->pMethods->xUnlock(REAL(f), l);
}
static int f_check(sqlite3_file *f, int *out)
{
	return REAL(f)->pMethods->xCheckReservedLock(REAL(f), out);
}
static int f_control(sqlite3_file *f, int op, void *arg)
{
	return REAL(f)->pMethods->xFileControl(REAL(f), op, arg);
}
static int f_sector(sqlite3_file *f)
{
	return REAL(f)->pMethods->xSectorSize(REAL(f));
}
static int f_caps(sqlite3_file *f)
{
	return REAL(f)->pMethods->xDeviceCharacteristics(REAL(f));
}
static int f_shm_map(sqlite3_file *f, int pg, int sz, int ext,
		     void volatile **pp)
{
	return REAL(f)->pMethods->xShmMap(REAL(f), pg, sz, ext, pp);
}
static int f_shm_lock(sqlite3_file *f, int off, int n, int flags)
{
	return REAL(f)->pMethods->xShmLock(REAL(f), off, n, flags);
}
static void f_shm_barrier(sqlite3_file *f)
{
	REAL(f)->pMethods->xShmBarrier(REAL(f));
}
static int f_shm_unmap(sqlite3_file *f, int del)
{
	return REAL(f)->pMethods->xShmUnmap(REAL(f), del);
}

/* Version 2: no memory-mapped I/O, whose writes would bypass xWrite. */
static const sqlite3_io_methods full_io = {
	2, f_close, f_read, f_write, f_truncate, f_sync, f_size, f_lock,
	f_unlock, f_check, f_control, f_sector, f_caps, f_shm_map,
	f_shm_lock, f_shm_barrier, f_shm_unmap, NULL, NULL
};

static int full_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *f,
		     int flags, int *out_flags)
{
	full_file *ff = (full_file *)f;
	int rc;

	(void)vfs;
	ff->real = (sqlite3_file *)(ff + 1);
	memset(ff->real, 0, (size_t)real_vfs->szOsFile);
	rc = real_vfs->xOpen(real_vfs, name, ff->real, flags, out_flags);
	/* xClose is called even after a failed open when pMethods is set */
	f->pMethods = &full_io;
	return rc;
}

static void full_register(void)
{
	if (real_vfs != NULL)
		return;
	real_vfs = sqlite3_vfs_find(NULL);
	ck_assert_ptr_nonnull(real_vfs);
	full_vfs = *real_vfs;
	full_vfs.zName = "cw-full";
	full_vfs.szOsFile = (int)sizeof(full_file) + real_vfs->szOsFile;
	full_vfs.xOpen = full_open;
	full_vfs.pAppData = NULL;
	ck_assert_int_eq(sqlite3_vfs_register(&full_vfs, 1), SQLITE_OK);
}

/* ---- databases ---- */

static char fixture[512];

/* The fixture folder's database at entry prefix with rows rows a table. */
static void build(const char *path, size_t prefix, int rows)
{
	cw_datagen_build_options o = CW_DATAGEN_BUILD_OPTIONS_INIT;
	cw_folder_options fo = CW_FOLDER_OPTIONS_INIT;
	cw_diags diags = CW_DIAGS_INIT;
	cw_datagen_build_result r;
	cw_error err = {0};
	cw_folder f;

	ck_assert_int_eq(cw_folder_load(&f, fixture, &fo, &diags, &err), 0);
	o.prefix = prefix;
	o.gen.rows = rows;
	o.force = 1;
	ck_assert_msg(cw_datagen_build(&r, path, &f, &o, &err) == 0, "%s",
		      err.message);
	cw_datagen_build_result_free(&r);
	cw_folder_free(&f);
	cw_diags_free(&diags);
}

static char *slurp(const char *path, size_t *len)
{
	cw_bytes b = {NULL, 0};
	cw_error err = {0};

	ck_assert_msg(cw_text_read_file(&b, path, &err) == 0, "%s",
		      err.message);
	*len = b.len;
	return b.data;
}

static void put(const char *path, const char *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(data, 1, len, f), len);
	ck_assert_int_eq(fclose(f), 0);
}

/* Opening the file (which rolls a hot journal back, as the next user
** would) finds it intact. */
static void assert_usable(const char *path, sqlite3_int64 n)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;

	ck_assert_int_eq(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE,
					 NULL), SQLITE_OK);
	ck_assert_int_eq(sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1,
					    &st, NULL), SQLITE_OK);
	ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
	ck_assert_msg(strcmp((const char *)sqlite3_column_text(st, 0), "ok")
		      == 0, "N=%lld: %s", (long long)n,
		      sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	sqlite3_close(db);
}

/* One run of the operation under test on path; 0 or a CW_E* code. */
typedef int (*run_fn)(const char *path, cw_error *err);

/* Sweep: measure a whole run, then SWEEP runs with less room.  Each
** must fail naming the database, or (if it needed less this time)
** succeed with the same bytes as the whole run; a failure leaves the
** bytes of before. */
static void sweep(const char *what, const char *base, run_fn run)
{
	char work[256];
	char *before, *after, *now;
	size_t n_before, n_after, n_now;
	sqlite3_int64 total;
	cw_error err = {0};
	int k, n_failed = 0, code = 0;

	unit_path(work, sizeof(work), "work.db");
	before = slurp(base, &n_before);
	put(work, before, n_before);
	budget = UNLIMITED;
	grown = 0;
	ck_assert_msg(run(work, &err) == 0, "%s: %s", what, err.message);
	total = grown;
	ck_assert_int_gt(total, 0);
	after = slurp(work, &n_after);
	for (k = 0; k < SWEEP; k++) {
		sqlite3_int64 n = total * k / SWEEP;
		int rc;

		memset(&err, 0, sizeof(err));
		put(work, before, n_before);
		budget = n;
		n_full = 0;
		rc = run(work, &err);
		budget = UNLIMITED;
		assert_usable(work, n);
		now = slurp(work, &n_now);
		if (rc == 0) {
			ck_assert_msg(n_now == n_after &&
				      memcmp(now, after, n_now) == 0,
				      "%s N=%lld: succeeded, not the after-"
				      "state", what, (long long)n);
		} else {
			n_failed++;
			code = rc;
			ck_assert_msg(n_full > 0, "%s N=%lld: %s", what,
				      (long long)n, err.message);
			ck_assert_msg(strstr(err.path, "work.db") ||
				      strstr(err.message, "work.db"),
				      "%s N=%lld: error names no database: "
				      "%s: %s", what, (long long)n, err.path,
				      err.message);
			ck_assert_msg(n_now == n_before &&
				      memcmp(now, before, n_now) == 0,
				      "%s N=%lld: failed (%s) and changed "
				      "the database", what, (long long)n,
				      err.message);
		}
		free(now);
	}
	/* Below what a whole run needs, nearly every run must fail. */
	ck_assert_int_ge(n_failed, SWEEP / 2);
	fprintf(stderr, "diskfull %s: %d of %d runs under %lld bytes "
		"failed (%s: %s), database unchanged\n", what, n_failed,
		SWEEP, (long long)total, cw_error_name(code), err.message);
	free(before);
	free(after);
}

static int run_migrate(const char *path, cw_error *err)
{
	cw_migrate_options o = CW_MIGRATE_OPTIONS_INIT;
	cw_folder_options fo = CW_FOLDER_OPTIONS_INIT;
	cw_diags diags = CW_DIAGS_INIT;
	cw_migrate_result r;
	cw_folder f;
	int rc;

	ck_assert_int_eq(cw_folder_load(&f, fixture, &fo, &diags, NULL), 0);
	o.busy_timeout_ms = 100;
	rc = cw_migrate_path(&r, path, &f, &o, err);
	cw_migrate_result_free(&r);
	cw_folder_free(&f);
	cw_diags_free(&diags);
	return rc;
}

static int run_backfill(const char *path, cw_error *err)
{
	cw_backfill_options o = CW_BACKFILL_OPTIONS_INIT;
	cw_backfill_result r;
	int rc;

	o.busy_timeout_ms = 100;
	rc = cw_backfill_run(&r, path, &o, err);
	cw_backfill_result_free(&r);
	return rc;
}

static void setup(void)
{
	unit_tmp_make("diskfull");
	unit_fixture(fixture, sizeof(fixture),
		     "codewalkers/apps/server/drizzle");
	full_register();
}

/* Half the fixture's migrations applied with data; migrate the rest. */
START_TEST(test_migrate_full_disk)
{
	char base[256];

	unit_path(base, sizeof(base), "base.db");
	build(base, 18, 100);
	sweep("migrate", base, run_migrate);
}
END_TEST

START_TEST(test_backfill_full_disk)
{
	char base[256];
	sqlite3 *db = NULL;

	unit_path(base, sizeof(base), "base.db");
	build(base, CW_DATAGEN_ALL, 100);
	ck_assert_int_eq(sqlite3_open(base, &db), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(db, "DELETE FROM agent_metrics", NULL,
				      NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	sweep("backfill", base, run_backfill);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("diskfull");
	TCase *tc = tcase_create("sweep");

	tcase_set_timeout(tc, 120);
	tcase_add_checked_fixture(tc, setup, unit_tmp_remove);
	tcase_add_test(tc, test_migrate_full_disk);
	tcase_add_test(tc, test_backfill_full_disk);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(suite());
}
