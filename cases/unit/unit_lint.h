/*
** unit_lint.h - what the lint suites share (check_lint.c,
** check_lint_probe.c): scratch migration folders written from a list of
** SQL texts, cw_lint_check run on them, and the findings counted or
** compared as "CODE:line" lists.
**
** Scratch folders come from unit_fs.h, one level down: each suite's
** tcase makes /tmp/cw-check-<suite>-XXXXXX once, in the runner's own
** process, and each test a folder of its own inside it.  A failing check
** ends its forked child before the checked teardown runs, so without the
** outer folder every failure would leave its files in /tmp; the outer
** folder's teardown runs in the runner whatever the tests did.
*/
#ifndef CW_UNIT_LINT_H
#define CW_UNIT_LINT_H

#include "unit_fs.h"
#include "../../lib/folder.h"
#include "../../lib/lint.h"

#define BP "--> statement-breakpoint\n"

/* The tcase's outer folder, made before any test forks, so that every
** child inherits its name. */
static char lint_root[48];

/* Unchecked-fixture setup: a fresh /tmp/cw-check-<suite>-XXXXXX. */
static inline void lint_root_make(const char *suite)
{
	snprintf(lint_root, sizeof(lint_root), "/tmp/cw-check-%s-XXXXXX",
		 suite);
	ck_assert_ptr_nonnull(mkdtemp(lint_root));
}

/* Unchecked-fixture teardown: the outer folder and all below it, which
** includes what failed tests left. */
static inline void lint_root_remove(void)
{
	if (lint_root[0] != '\0' && strstr(lint_root, "XXXXXX") == NULL)
		nftw(lint_root, unit_rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* Checked-fixture setup: the test's own folder inside the outer one,
** in unit_fs.h's unit_tmp, so that unit_tmp_remove tears it down. */
static inline void lint_tmp_make(void)
{
	snprintf(unit_tmp, sizeof(unit_tmp), "%s/t-XXXXXX", lint_root);
	ck_assert_ptr_nonnull(mkdtemp(unit_tmp));
	snprintf(unit_dir, sizeof(unit_dir), "%s", unit_tmp);
}

/* A migration folder <unit_tmp>/<name> with one file per NULL-terminated
** sql[], tagged 0000_m, 0001_m, ...; returns its path (unit_dir, valid
** until the next call). */
static inline const char *folder(const char *name,
				 const char *const *sql)
{
	unit_journal j = {0};
	char tag[32], file[40], when[32];
	size_t k;

	/* unit_dir_make starts from unit_dir, which the last call moved. */
	snprintf(unit_dir, sizeof(unit_dir), "%s", unit_tmp);
	unit_dir_make(name, 0755);
	for (k = 0; sql[k] != NULL; k++) {
		snprintf(tag, sizeof(tag), "%04zu_m", k);
		snprintf(file, sizeof(file), "%s.sql", tag);
		snprintf(when, sizeof(when), "%zu", 1700000000000 + k * 1000);
		unit_put(file, sql[k]);
		unit_journal_add(&j, tag, when);
	}
	unit_put("meta/_journal.json", unit_journal_end(&j));
	free(j.text);
	return unit_dir;
}

/* Lint dir into d (with the migrations table `table`, or drizzle's).
** The folder need not be complete: real histories may lack snapshots. */
static inline void lint_dir_table(cw_diags *d, const char *dir,
				  const char *table)
{
	cw_folder f;
	cw_folder_options fo = CW_FOLDER_OPTIONS_INIT;
	cw_check_options o = CW_CHECK_OPTIONS_INIT;
	cw_diags load = CW_DIAGS_INIT;
	cw_error err = {0};

	memset(&f, 0, sizeof(f));
	fo.require_complete = 0;
	o.table = table;
	ck_assert_int_eq(cw_folder_load(&f, dir, &fo, &load, &err), 0);
	ck_assert_int_eq(cw_lint_check(d, &f, &o, &err), 0);
	ck_assert_int_eq(err.code, 0);
	cw_diags_free(&load);
	cw_folder_free(&f);
}

static inline void lint_dir(cw_diags *d, const char *dir)
{
	lint_dir_table(d, dir, NULL);
}

/* Lint one migration (after the given setup migration, if any).  Each
** call gets a folder of its own, so a test may lint several. */
static inline void lint_sql(cw_diags *d, const char *before,
			    const char *sql)
{
	const char *two[] = {before, sql, NULL}, *one[] = {sql, NULL};
	static int n;
	char name[32];

	snprintf(name, sizeof(name), "f%d", n++);
	lint_dir(d, folder(name, before ? two : one));
}

static inline size_t count_code(const cw_diags *d, const char *code)
{
	size_t i, n = 0;

	for (i = 0; i < d->n; i++)
		n += strcmp(d->items[i].code, code) == 0;
	return n;
}

/* Print the findings: a failed count says how many, this says which. */
static inline void dump(const cw_diags *d)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		fprintf(stderr, "  %s %s:%d %s\n", d->items[i].code,
			d->items[i].file, d->items[i].line,
			d->items[i].message);
}

/* Exactly `want` findings, each "CODE:line", in cw_diags_sort's order
** (file, line, column, code): the order written is the order expected. */
static inline void expect(const char *before, const char *sql,
			       const char *want)
{
	cw_diags d = CW_DIAGS_INIT;
	char got[2048] = "";
	size_t i, o = 0;

	lint_sql(&d, before, sql);
	cw_diags_sort(&d);
	for (i = 0; i < d.n; i++)
		o += (size_t)snprintf(got + o, sizeof(got) - o, "%s%s:%d",
				      i ? " " : "", d.items[i].code,
				      d.items[i].line);
	if (strcmp(got, want) != 0)
		dump(&d);
	ck_assert_str_eq(got, want);
	cw_diags_free(&d);
}

#endif
