/*
** cmd_audit.c - `cw audit --db FILE [DIR]`: where a copy of a production
** database stands against a migrations folder and what the next deploy
** will do to it, without changing a byte of it (lib/audit.h); the
** verdict first, then the findings, in every report format.
*/
#include "cmds.h"
#include "metrics_opts.h"
#include "msg.h"
#include "opts.h"
#include "profile_opts.h"
#include "report.h"
#include "../lib/audit.h"
#include "../lib/codes.h"

#include <string.h>

static const char usage[] =
	"cw audit --db FILE [DIR] [--table NAME] [--quick] "
	"[--format text|json|junit|github] [--report DIR] [--config FILE] "
	"[--foreign-keys on|off] [--functions NAME/ARITY,...]";

static void progress(void *ctx, const char *step)
{
	(void)ctx;
	msg_progress("audit: %s", step);
}

/* Load the folder; findings of loading are kept, a failure is rc. */
static int load(cw_folder *f, const char *dir, cw_diags *d, cw_error *err)
{
	cw_folder_options fo = CW_FOLDER_OPTIONS_INIT;

	return cw_folder_load(f, dir, &fo, d, err);
}

int cmd_audit(int argc, char **argv)
{
	const char *db = NULL, *format = NULL, *report = NULL;
	const char *table = NULL, *quick = NULL, *busy = NULL;
	const char *pos[1] = {NULL};
	profile_opts po = {NULL, NULL, NULL};
	const opt opts[] = {
		{"--db", "FILE", "the database copy (default: $CW_DB, else "
		 CW_DEFAULT_DB "); never changed", &db},
		{"--table", "NAME", "migrations table (default: the "
		 "profile's, else " CW_MIGRATIONS_TABLE ")", &table},
		{"--quick", NULL, "PRAGMA quick_check instead of "
		 "integrity_check", &quick},
		{"--format", "FMT", "text (default), json, junit or github",
		 &format},
		{"--report", "DIR", "also write summary.txt, report.json, "
		 "junit.xml and github.txt there", &report},
		PROFILE_OPTS_TABLE(po),
		{"--busy-timeout", "MS", "wait this long for a locked "
		 "database (default 60000)", &busy},
	};
	static const report_case cases[] = {
		{"audit", "migrations table", 'A', NULL, NULL,
		 CW_A001 "," CW_A002 "," CW_A003 "," CW_A004 "," CW_A005},
		{"audit", "next deploy", 'A', NULL, NULL,
		 CW_A006 "," CW_A007 "," CW_A008},
		{"audit", "schema drift", 'A', NULL, NULL, CW_A009},
		{"audit", "health", 'A', NULL, NULL, CW_A010 "," CW_A011},
		{"audit", "metrics recount", 'B', NULL, NULL, NULL},
	};
	cw_audit_options o = CW_AUDIT_OPTIONS_INIT;
	cw_diags diags = CW_DIAGS_INIT;
	cw_profile profile = CW_PROFILE_INIT;
	cw_audit_result res;
	cw_folder folder;
	cw_error err = {0};
	audit_report a;
	diag_report d;
	long long n_busy = 60000;
	size_t n_pos;
	int rc;

	rc = opts_parse(argc, argv, opts, sizeof(opts) / sizeof(*opts), pos,
			1, &n_pos, usage);
	if (rc != 0)
		return rc == 1 ? 0 : 2;
	if (!report_format_ok(format))
		return 2;
	db = metrics_db_path(db);
	if (db == NULL || metrics_number(busy, "--busy-timeout", 0, &n_busy))
		return 2;
	if (pos[0] == NULL)
		pos[0] = CW_DEFAULT_MIGRATIONS;
	if (profile_opts_resolve(&profile, &po, pos[0]) != 0)
		return 2;
	o.table = table;
	o.quick = quick != NULL;
	o.profile = &profile;
	o.busy_timeout_ms = (int)(n_busy > 86400000 ? 86400000 : n_busy);
	o.progress = progress;

	memset(&res, 0, sizeof(res));
	rc = load(&folder, pos[0], &diags, &err);
	if (rc == 0)
		rc = cw_audit_run(&res, &diags, db, &folder, &o, &err);
	if (rc != 0 && !cw_diags_add_error(&diags, &err, db))
		msg_cw_error(&err);
	memset(&a, 0, sizeof(a));
	a.db = db;
	a.migrations = pos[0];
	a.table = table ? table : profile.table ? profile.table :
		  CW_MIGRATIONS_TABLE;
	a.quick = o.quick;
	a.result = &res;
	memset(&d, 0, sizeof(d));
	d.title = "cw audit";
	d.command = "audit";
	d.subject = db;
	d.diags = &diags;
	d.unit = "migration";
	d.n_units = folder.n_migrations;
	d.cases = cases;
	d.n_cases = sizeof(cases) / sizeof(*cases);
	if (rc == 0) {
		d.text_head = report_audit_head;
		d.json_fields = report_audit_json;
		d.ctx = &a;
	}
	d.status = rc != 0 ? 2 : res.verdict == CW_AUDIT_SAFE ? 0 : 1;
	report_diag_print(stdout, format, &d);
	if (report && report_diag_dir(report, &d, &err) != 0) {
		msg_cw_error(&err);
		d.status = 2;
	}
	cw_audit_result_free(&res);
	cw_folder_free(&folder);
	cw_diags_free(&diags);
	cw_profile_free(&profile);
	return d.status;
}
