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

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
	"cw check [DIR] [--format text|json|junit|github] [--report DIR] "
	"[--strict] [--lock FILE] [--base GIT_REV]";

int cmd_check(int argc, char **argv)
{
	const char *format = NULL, *report = NULL, *strict = NULL;
	const char *lock = NULL, *base = NULL, *now = NULL, *table = NULL;
	profile_opts po = {NULL, NULL, NULL};
	const opt table_[] = {
		{"--format", "FMT", "text (default), json, junit or github",
		 &format},
		{"--report", "DIR", "also write summary.txt, report.json, "
		 "junit.xml and github.txt there", &report},
		{"--strict", NULL, "warnings fail the check too", &strict},
		{"--lock", "FILE", "lock file (default DIR/meta/cw.lock)",
		 &lock},
		{"--base", "GIT_REV", "without a lock file, compare the "
		 "migrations with this git revision", &base},
		{"--table", "NAME", "migrations table name", &table},
		{"--now", "MS", "the time " CW_J008 " compares with (ms "
		 "since the epoch; for reproducible runs)", &now},
		PROFILE_OPTS_TABLE(po),
	};
	cw_profile profile = CW_PROFILE_INIT;
	cw_check_options o = CW_CHECK_OPTIONS_INIT;
	cw_diags diags = CW_DIAGS_INIT;
	cw_error err = {0};
	cw_folder folder;
	check_report r;
	const char *pos[1] = {NULL};
	size_t n_pos;
	int rc;

	rc = opts_parse(argc, argv, table_, sizeof(table_) / sizeof(*table_),
			pos, 1, &n_pos, usage);
	if (rc != 0)
		return rc == 1 ? 0 : 2;
	if (!report_format_known(format)) {
		msg_error("unknown --format '%s' (text, json, junit, github)",
			  format);
		return 2;
	}
	if (now && (o.now_ms = (double)opts_number(now)) < 0) {
		msg_error("--now needs milliseconds since the epoch");
		return 2;
	}
	o.lock_path = lock;
	o.base_rev = base;
	memset(&folder, 0, sizeof(folder));
	memset(&r, 0, sizeof(r));
	r.dir = n_pos ? pos[0] : CW_DEFAULT_MIGRATIONS;
	if (profile_opts_resolve(&profile, &po, r.dir) != 0)
		return 2;
	o.table = table ? table : profile.table;
	o.profile = &profile;
	cw_profile_describe(&profile, r.profile, sizeof(r.profile));
	rc = cw_check_folder(&diags, &folder, r.dir, &o, &err);
	r.title = "cw check";
	r.folder = rc == 0 ? &folder : NULL;
	r.diags = &diags;
	r.strict = strict != NULL;
	r.status = report_diag_status(rc, &diags, r.strict);
	if (!format || strcmp(format, "text") == 0)
		report_check_text(stdout, &r);
	else if (strcmp(format, "json") == 0)
		report_check_json(stdout, &r);
	else if (strcmp(format, "junit") == 0)
		report_check_junit(stdout, &r);
	else
		report_check_github(stdout, &r);
	/* Exit 2 always says why, whatever findings were printed before:
	** a bad --base or --lock must not hide behind a lint warning. */
	if (rc != 0)
		msg_cw_error(&err);
	if (report && report_check_dir(report, &r) != 0) {
		msg_error("cannot write reports to %s: %s", report,
			  strerror(errno));
		r.status = 2;
	}
	cw_folder_free(&folder);
	cw_diags_free(&diags);
	cw_profile_free(&profile);
	return r.status;
}
