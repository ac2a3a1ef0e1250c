/*
** cmd_replay.c - `cw replay [DIR]`: every journal prefix, schema only
** (lib/replay.h), reported like check's findings.
*/
#include "cmds.h"
#include "msg.h"
#include "opts.h"
#include "profile_opts.h"
#include "report.h"
#include "../lib/folder.h"
#include "../lib/replay.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char usage[] =
	"cw replay [DIR] [--format text|json|junit|github] [--report DIR] "
	"[--strict] [--table NAME] [--config FILE] [--foreign-keys on|off] "
	"[--functions LIST]";

typedef struct progress {
	struct timespec start;
	long shown_s;
} progress;

/* Progress on stderr, once a second, for long histories. */
static void on_progress(void *ctx, size_t k, size_t n)
{
	progress *p = ctx;
	struct timespec now;
	long s;

	clock_gettime(CLOCK_MONOTONIC, &now);
	s = (long)(now.tv_sec - p->start.tv_sec);
	if (s <= p->shown_s && k < n)
		return;
	if (s >= 1)
		msg_progress("replay: prefix %zu of %zu, %lds", k, n, s);
	p->shown_s = s;
}

static void head(FILE *out, const void *ctx)
{
	const cw_replay_result *r = ctx;

	fprintf(out, "replayed %zu prefixes; %zu snapshots compared, %zu "
		"equal; %zu upgrades with skipped entries run for real\n",
		r->n_prefixes, r->n_snapshots, r->n_snapshots_equal,
		r->n_upgrades_run);
}

int cmd_replay(int argc, char **argv)
{
	const char *format = NULL, *report = NULL, *strict = NULL;
	const char *table = NULL;
	profile_opts po = {NULL, NULL, NULL};
	const opt table_[] = {
		{"--format", "FMT", "text (default), json, junit or github",
		 &format},
		{"--report", "DIR", "also write summary.txt, report.json, "
		 "junit.xml and github.txt there", &report},
		{"--strict", NULL, "warnings fail the replay too", &strict},
		{"--table", "NAME", "migrations table name", &table},
		PROFILE_OPTS_TABLE(po),
	};
	cw_replay_options ro = CW_REPLAY_OPTIONS_INIT;
	cw_folder_options fo = CW_FOLDER_OPTIONS_INIT;
	cw_profile profile = CW_PROFILE_INIT;
	cw_diags diags = CW_DIAGS_INIT;
	cw_replay_result res;
	cw_error err = {0};
	cw_folder folder;
	diag_report d;
	report_case *cases = NULL;
	progress prog;
	const char *pos[1] = {NULL};
	const char *dir;
	size_t n_pos, i;
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
	dir = n_pos ? pos[0] : CW_DEFAULT_MIGRATIONS;
	if (profile_opts_resolve(&profile, &po, dir) != 0)
		return 2;
	memset(&res, 0, sizeof(res));
	memset(&prog, 0, sizeof(prog));
	clock_gettime(CLOCK_MONOTONIC, &prog.start);
	ro.table = table;
	ro.profile = &profile;
	ro.progress = on_progress;
	ro.progress_ctx = &prog;
	rc = cw_folder_load(&folder, dir, &fo, &diags, &err);
	if (rc == 0)
		rc = cw_replay_run(&res, &diags, &folder, &ro, &err);
	memset(&d, 0, sizeof(d));
	d.title = "cw replay";
	d.command = "replay";
	d.subject = dir;
	d.diags = &diags;
	d.strict = strict != NULL;
	d.unit = "migration";
	d.n_units = res.n_prefixes;
	d.text_head = head;
	d.ctx = &res;
	/* JUnit: one test case per prefix (the findings carry its tag). */
	cases = rc == 0 ? calloc(folder.n_migrations + 1, sizeof(*cases)) :
		NULL;
	for (i = 0; cases && i < folder.n_migrations; i++) {
		const cw_migration *m = &folder.migrations[i];
		cases[i].classname = "prefixes";
		cases[i].name = m->entry && m->entry->tag ? m->entry->tag : "?";
		cases[i].tag = m->entry ? m->entry->tag : NULL;
		cases[i].file = m->path;
	}
	d.cases = cases;
	d.n_cases = cases ? folder.n_migrations : 0;
	d.status = report_diag_status(rc, &diags, strict != NULL);
	cw_diags_sort(&diags);
	report_diag_print(stdout, format, &d);
	if (rc != 0)
		msg_cw_error(&err);
	if (report && report_diag_dir(report, &d, &err) != 0) {
		msg_cw_error(&err);
		d.status = 2;
	}
	free(cases);
	cw_folder_free(&folder);
	cw_diags_free(&diags);
	cw_profile_free(&profile);
	return d.status;
}
