/*
** unit_lock.h - what the lock suites share (check_lock.c,
** check_lockfile.c, check_gitbase.c): a scratch migration folder
** <tmp>/mig written from a list of tags, `cw lock` and cw_lock_check run
** on it, and the findings looked up by code.
**
** The folder sits one level down so that check_gitbase.c can make <tmp>
** a git work tree with the folder in a subdirectory, as in a real project.
*/
#ifndef CW_UNIT_LOCK_H
#define CW_UNIT_LOCK_H

#include "unit_fs.h"
#include "../../lib/lock.h"

/* Tags of a linear history; tests take the first n. */
static const char *const abc[] = {"0000_a", "0001_b", "0002_c", "0003_d"};

/* Checked-fixture setup: <tmp>/mig/meta, with unit_dir at <tmp>/mig. */
static inline void lock_tmp_make(const char *suite)
{
	unit_tmp_make(suite);
	unit_dir_make("mig", 0755);
}

/* meta/_journal.json for tags[0..n); entry k's when is whens[k], or
** 1750000000000 + 1000k when whens is NULL. */
static inline void journal(const char *const *tags, const double *whens,
			   size_t n)
{
	unit_journal j = {0};
	char when[32];
	size_t k;

	for (k = 0; k < n; k++) {
		snprintf(when, sizeof(when), "%.17g",
			 whens ? whens[k] : 1750000000000.0 + 1000.0 * k);
		unit_journal_add(&j, tags[k], when);
	}
	unit_put("meta/_journal.json", unit_journal_end(&j));
	free(j.text);
}

/* A journal of tags, each with a small multi-line migration file. */
static inline void folder(const char *const *tags, size_t n)
{
	char rel[128], sql[256];
	size_t k;

	for (k = 0; k < n; k++) {
		snprintf(rel, sizeof(rel), "%s.sql", tags[k]);
		snprintf(sql, sizeof(sql), "CREATE TABLE `t%zu` (\n\t`id` "
			 "integer PRIMARY KEY NOT NULL\n);\n", k);
		unit_put(rel, sql);
	}
	journal(tags, NULL, n);
}

/* The text of meta/cw.lock (the caller frees), NULL if there is none. */
static inline char *lock_text(void)
{
	return unit_slurp("meta/cw.lock", NULL);
}

/* `cw lock` on the folder as it is now; returns its code. */
static inline int lock_with(cw_lock_summary *sum, const cw_lock_options *o,
			    cw_diags *d, cw_error *err)
{
	cw_folder_options fo = {0};
	cw_diags load = CW_DIAGS_INIT;
	cw_folder f;
	int rc = cw_folder_load(&f, unit_dir, &fo, &load, err);

	if (rc == 0)
		rc = cw_lock_write(sum, &f, o, d, err);
	cw_folder_free(&f);
	cw_diags_free(&load);
	return rc;
}

/* `cw lock` that must succeed, appending want_appended lines. */
static inline void lock_ok(size_t want_appended)
{
	cw_lock_summary sum;
	cw_diags d = CW_DIAGS_INIT;
	cw_error err = {0};

	ck_assert_msg(lock_with(&sum, NULL, &d, &err) == 0, "%s",
		      err.message);
	ck_assert_uint_eq(sum.n_appended, want_appended);
	ck_assert_uint_eq(d.n, 0);
}

/* cw_lock_check on the folder as it is now; returns its code. */
static inline int check_with(cw_diags *d, const cw_check_options *o,
			     cw_error *err)
{
	cw_folder_options fo = {0};
	cw_diags load = CW_DIAGS_INIT;
	cw_folder f;
	int rc = cw_folder_load(&f, unit_dir, &fo, &load, err);

	if (rc == 0)
		rc = cw_lock_check(d, &f, o, err);
	cw_folder_free(&f);
	cw_diags_free(&load);
	return rc;
}

/* Check with default options; fails the test if the check cannot run. */
static inline void check(cw_diags *d)
{
	cw_error err = {0};

	ck_assert_msg(check_with(d, NULL, &err) == 0, "%s", err.message);
}

/* How many findings have this code. */
static inline size_t count(const cw_diags *d, const char *code)
{
	size_t i, n = 0;

	for (i = 0; i < d->n; i++)
		n += strcmp(d->items[i].code, code) == 0;
	return n;
}

/* The first finding with this code; fails the test if there is none. */
static inline const cw_diag *first(const cw_diags *d, const char *code)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		if (strcmp(d->items[i].code, code) == 0)
			return &d->items[i];
	ck_abort_msg("no %s among %zu findings", code, d->n);
	return NULL;
}

#endif
