/*
** cmd_check.c - `cw check [DIR]`: static verification of a folder.
*/
#include "cmds.h"
#include "msg.h"
#include "opts.h"
#include "profile_opts.h"
#include "report.h"
#include "../lib/check.h"
#include "../lib/codes.h"
#include "../lib/staged.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
	"cw check [DIR] [--format text|json|junit|github|markdown] "
	"[--report DIR] [--strict] [--lock FILE] [--base GIT_REV] "
	"[--schema-sql FILE] [--staged]";

/* What every folder of one run shares. */
typedef struct run_opts {
	const char *format, *report, *strict, *lock, *base, *table;
	const char *schema_sql;
	double now_ms;
	profile_opts po;
} run_opts;

/* Check one folder: dir is read, shown is how findings name it (they
** differ for a staged snapshot, which st then relabels).  Returns the
** exit status. */
static int check_one(const char *dir, const char *shown, const run_opts *ro,
		     const cw_staged *st)
{
	cw_profile profile = CW_PROFILE_INIT;
	cw_check_options o = CW_CHECK_OPTIONS_INIT;
	cw_diags diags = CW_DIAGS_INIT;
	cw_error err = {0};
	cw_folder folder;
	check_report r;
	int rc;

	memset(&folder, 0, sizeof(folder));
	memset(&r, 0, sizeof(r));
	r.dir = shown;
	/* The config belongs to the work tree, not to the snapshot. */
	if (profile_opts_resolve(&profile, &ro->po, shown) != 0)
		return 2;
	o.now_ms = ro->now_ms;
	o.lock_path = ro->lock;
	o.base_rev = ro->base;
	o.schema_sql = ro->schema_sql;
	o.table = ro->table ? ro->table : profile.table;
	o.profile = &profile;
	cw_profile_describe(&profile, r.profile, sizeof(r.profile));
	rc = cw_check_folder(&diags, &folder, dir, &o, &err);
	if (st != NULL)
		cw_staged_relabel(st, &diags, &folder);
	r.title = st ? "cw check --staged" : "cw check";
	r.folder = rc == 0 ? &folder : NULL;
	r.diags = &diags;
	r.strict = ro->strict != NULL;
	r.status = report_diag_status(rc, &diags, r.strict);
	report_check_print(stdout, ro->format, &r);
	/* Exit 2 always says why, whatever findings were printed before:
	** a bad --base or --lock must not hide behind a lint warning. */
	if (rc != 0)
		msg_cw_error(&err);
	if (ro->report && report_check_dir(ro->report, &r) != 0) {
		msg_error("cannot write reports to %s: %s", ro->report,
			  strerror(errno));
		r.status = 2;
	}
	cw_folder_free(&folder);
	cw_diags_free(&diags);
	cw_profile_free(&profile);
	return r.status;
}

/* --staged: each migration folder as the index holds it (the pre-commit
** hook's check).  No folder touched is a clean run that prints nothing,
** so the hook stays quiet on commits that do not touch migrations. */
static int check_staged(const char *folder, const run_opts *ro)
{
	const char *tmp = env_or_null("TMPDIR");
	cw_staged st;
	cw_error err = {0};
	size_t i;
	int status = 0, one;

	if (cw_staged_load(&st, ".", folder, tmp ? tmp : "/tmp", &err) != 0) {
		msg_cw_error(&err);
		cw_staged_free(&st);
		return 2;
	}
	for (i = 0; i < st.n_folders; i++) {
		char *dir = cw_staged_snapshot_dir(&st, i);
		char *shown = cw_staged_shown_dir(&st, i);
		if (dir == NULL || shown == NULL) {
			msg_error("out of memory");
			one = 2;
		} else {
			one = check_one(dir, shown, ro, &st);
		}
		free(dir);
		free(shown);
		if (one > status)
			status = one;
	}
	cw_staged_free(&st);
	return status;
}


int cmd_check(int argc, char **argv)
{
	const char *now = NULL, *staged = NULL;
	run_opts ro;
	const opt table_[] = {
		{"--format", "FMT", "text (default), json, junit, github or "
		 "markdown", &ro.format},
		{"--report", "DIR", "also write summary.txt, report.json, "
		 "junit.xml, github.txt, summary.md and index.html there",
		 &ro.report},
		{"--strict", NULL, "warnings fail the check too", &ro.strict},
		{"--lock", "FILE", "lock file (default DIR/meta/cw.lock)",
		 &ro.lock},
		{"--base", "GIT_REV", "without a lock file, compare the "
		 "migrations with this git revision", &ro.base},
		{"--staged", NULL, "check what the index holds, not the work "
		 "tree: DIR, or every migration folder the staged changes "
		 "touch (the pre-commit hook)", &staged},
		{"--table", "NAME", "migrations table name", &ro.table},
		{"--schema-sql", "FILE", "compare the head schema with "
		 "schema.ts as `drizzle-kit export --sql` prints it",
		 &ro.schema_sql},
		{"--now", "MS", "the time " CW_J008 " compares with (ms "
		 "since the epoch; for reproducible runs)", &now},
		PROFILE_OPTS_TABLE(ro.po),
	};
	const char *pos[1] = {NULL};
	size_t n_pos;
	int rc;

	memset(&ro, 0, sizeof(ro));
	rc = opts_parse(argc, argv, table_, sizeof(table_) / sizeof(*table_),
			pos, 1, &n_pos, usage);
	if (rc != 0)
		return rc == 1 ? 0 : 2;
	if (!report_format_ok(ro.format))
		return 2;
	if (now && (ro.now_ms = (double)opts_number(now)) < 0) {
		msg_error("--now needs milliseconds since the epoch");
		return 2;
	}
	if (staged && (ro.base || ro.report)) {
		msg_error("--staged checks the index: it goes with neither "
			  "--base nor --report\nusage: %s", usage);
		return 2;
	}
	if (staged)
		return check_staged(n_pos ? pos[0] : NULL, &ro);
	return check_one(n_pos ? pos[0] : CW_DEFAULT_MIGRATIONS,
			 n_pos ? pos[0] : CW_DEFAULT_MIGRATIONS, &ro, NULL);
}
