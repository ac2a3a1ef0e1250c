/*
** cmd_verify_metrics.c - `cw verify-metrics [--db FILE]`: recount
** agent_log_chunks and compare with agent_metrics (lib/verify_metrics.h),
** reported like check's findings in every format.
*/
#include "cmds.h"
#include "metrics_opts.h"
#include "msg.h"
#include "opts.h"
#include "report.h"
#include "../lib/verify_metrics.h"

#include <string.h>

static const char usage[] =
	"cw verify-metrics [--db FILE] "
	"[--format text|json|junit|github|markdown] [--report DIR] "
	"[--batch-size N] [--busy-timeout MS] "
	"[--migrations DIR]";

int cmd_verify_metrics(int argc, char **argv)
{
	const char *db = NULL, *format = NULL, *report = NULL;
	const char *batch = NULL, *busy = NULL, *dir = NULL;
	const opt table[] = {
		{"--db", "FILE", "database file (default: $CW_DB, else "
		 CW_DEFAULT_DB ")", &db},
		{"--format", "FMT", "text (default), json, junit, github or "
		 "markdown",
		 &format},
		{"--report", "DIR", "also write summary.txt, report.json, "
		 "junit.xml, github.txt, summary.md and index.html "
		 "there", &report},
		{"--batch-size", "N", "chunks per keyset query (default "
		 "500)", &batch},
		{"--busy-timeout", "MS", "wait this long for a locked "
		 "database (default 60000)", &busy},
		{"--migrations", "DIR", "migrations folder, to name the "
		 "migration that creates a missing table", &dir},
	};
	static const report_case cases[] = {
		{"agent_metrics", "recount", 'B', NULL, NULL, NULL},
	};
	cw_verify_options o = CW_VERIFY_OPTIONS_INIT;
	cw_diags diags = CW_DIAGS_INIT;
	cw_verify_result res;
	cw_error err = {0};
	metrics_progress prog;
	diag_report d;
	long long n_batch = CW_METRICS_BATCH, n_busy = 60000;
	size_t n_pos;
	int rc;

	rc = opts_parse(argc, argv, table, sizeof(table) / sizeof(*table),
			NULL, 0, &n_pos, usage);
	if (rc != 0)
		return rc == 1 ? 0 : 2;
	if (!report_format_ok(format))
		return 2;
	db = metrics_db_path(db);
	if (db == NULL ||
	    metrics_number(batch, "--batch-size", 1, &n_batch) ||
	    metrics_number(busy, "--busy-timeout", 0, &n_busy))
		return 2;
	o.batch_size = (int)(n_batch > 1000000 ? 1000000 : n_batch);
	o.busy_timeout_ms = (int)(n_busy > 86400000 ? 86400000 : n_busy);
	o.migrations_dir = dir;
	metrics_progress_start(&prog, "verify-metrics");
	o.progress = metrics_progress_cb;
	o.progress_ctx = &prog;

	rc = cw_verify_metrics(&res, &diags, db, &o, &err);
	if (rc != 0 && !cw_diags_add_error(&diags, &err, db))
		msg_cw_error(&err);
	memset(&d, 0, sizeof(d));
	d.title = "cw verify-metrics";
	d.command = "verify-metrics";
	d.subject = db;
	d.diags = &diags;
	d.unit = "agent";
	d.n_units = res.n_agents;
	d.cases = cases;
	d.n_cases = 1;
	if (rc == 0) {
		d.text_head = report_verify_head;
		d.json_fields = report_verify_json;
		d.ctx = &res;
	}
	d.status = report_diag_status(rc, &diags, 0);
	report_diag_print(stdout, format, &d);
	if (report && report_diag_dir(report, &d, &err) != 0) {
		msg_cw_error(&err);
		d.status = 2;
	}
	cw_verify_result_free(&res);
	cw_diags_free(&diags);
	return d.status;
}
