/*
** cmd_lock.c - `cw lock [DIR]`: write or extend the immutability lock.
**
** Exit status: 0 when the lock is up to date (written or unchanged), 1
** when a locked migration changed and no --rehash names it (the findings
** are printed like `cw check` prints them), 2 when it could not run.
*/
#include "cmds.h"
#include "msg.h"
#include "opts.h"
#include "../lib/folder.h"
#include "../lib/lock.h"

#include <stdio.h>
#include <string.h>

static const char usage[] =
	"cw lock [DIR] [--lock FILE] [--rehash TAG --reason TEXT]";

/* Findings go to stdout like cw check's, so editors and CI read both. */
static void print_diags(const cw_diags *d)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		msg_diag(stdout, &d->items[i]);
}

static int run(const char *dir, const cw_lock_options *lo)
{
	cw_folder_options fo = CW_FOLDER_OPTIONS_INIT;
	cw_diags diags = CW_DIAGS_INIT;
	cw_lock_summary sum;
	cw_error err = {0};
	cw_folder folder;
	char shown[4096];
	int rc, status, loaded;

	if (lo->lock_path != NULL)
		snprintf(shown, sizeof(shown), "%s", lo->lock_path);
	else
		snprintf(shown, sizeof(shown), "%s/meta/%s", dir,
			 CW_LOCK_FILE);

	rc = cw_folder_load(&folder, dir, &fo, &diags, &err);
	loaded = rc == 0;
	if (rc == 0) {
		cw_diags_free(&diags);
		rc = cw_lock_write(&sum, &folder, lo, &diags, &err);
	}
	if (rc == 0) {
		printf("%s: %zu kept, %zu appended, %zu rehashed%s\n",
		       shown, sum.n_locked,
		       sum.n_appended, sum.n_rehashed,
		       sum.n_appended + sum.n_rehashed ? "" :
		       " (unchanged)");
		status = 0;
	} else if (rc == CW_EINVAL && diags.n > 0) {
		/* Findings: a locked migration changed, or the lock is
		** malformed.  The lock file was left as it was. */
		print_diags(&diags);
		msg_cw_error(&err);
		/* A folder that cannot be read (a malformed journal) means
		** cw lock could not run: 2, as cw check and cw migrate say. */
		status = loaded ? 1 : 2;
	} else {
		msg_cw_error(&err);
		status = 2;
	}
	cw_folder_free(&folder);
	cw_diags_free(&diags);
	return status;
}

int cmd_lock(int argc, char **argv)
{
	const char *lock = NULL, *rehash = NULL, *reason = NULL;
	const opt table_[] = {
		{"--lock", "FILE", "lock file (default DIR/meta/"
		 CW_LOCK_FILE ")", &lock},
		{"--rehash", "TAG", "accept the changed file or when of this"
		 " locked migration", &rehash},
		{"--reason", "TEXT", "why (required with --rehash; recorded "
		 "in the lock file)", &reason},
	};
	cw_lock_options lo = CW_LOCK_OPTIONS_INIT;
	const char *pos[1] = {NULL};
	size_t n_pos;
	int rc;

	rc = opts_parse(argc, argv, table_, sizeof(table_) / sizeof(*table_),
			pos, 1, &n_pos, usage);
	if (rc != 0)
		return rc == 1 ? 0 : 2;
	if ((rehash != NULL) != (reason != NULL) ||
	    (reason != NULL && reason[0] == '\0')) {
		msg_error("--rehash TAG and --reason TEXT go together\n"
			  "usage: %s", usage);
		return 2;
	}
	lo.lock_path = lock;
	lo.rehash_tag = rehash;
	lo.reason = reason;
	return run(n_pos ? pos[0] : CW_DEFAULT_MIGRATIONS, &lo);
}
