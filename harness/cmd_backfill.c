/*
** cmd_backfill.c - `cw backfill-metrics [--db FILE]`: the agent_metrics
** backfill, exactly once (lib/backfill.h).
*/
#include "cmds.h"
#include "metrics_opts.h"
#include "msg.h"
#include "opts.h"
#include "report.h"
#include "../lib/backfill.h"

#include <string.h>

static const char usage[] =
	"cw backfill-metrics [--db FILE] [--dry-run] [--force] [--until MS] "
	"[--batch-size N] [--busy-timeout MS] [--migrations DIR] "
	"[--format text|json] [--profile]";

int cmd_backfill(int argc, char **argv)
{
	const char *db = NULL, *dry = NULL, *force = NULL, *until = NULL;
	const char *batch = NULL, *busy = NULL, *dir = NULL, *format = NULL;
	const char *profile = NULL;
	const opt table[] = {
		{"--db", "FILE", "database file (default: $CW_DB, else "
		 CW_DEFAULT_DB ")", &db},
		{"--dry-run", NULL, "print the per-agent counts; write "
		 "nothing (opens the database read-only)", &dry},
		{"--force", NULL, "run although a backfill is recorded or "
		 "agent_metrics has rows (adds to them)", &force},
		{"--until", "MS", "count only chunks created before this "
		 "time (ms; the deploy time of the live write path)", &until},
		{"--batch-size", "N", "chunks per keyset query (default "
		 "500)", &batch},
		{"--busy-timeout", "MS", "wait this long for a locked "
		 "database (default 60000)", &busy},
		{"--migrations", "DIR", "migrations folder, to name the "
		 "migration that creates a missing table", &dir},
		{"--format", "FMT", "text (default) or json", &format},
		{"--profile", NULL, "say where the time went", &profile},
	};
	cw_backfill_options o = CW_BACKFILL_OPTIONS_INIT;
	cw_backfill_result res;
	cw_diags diags = CW_DIAGS_INIT;
	cw_error err = {0};
	metrics_progress prog;
	backfill_report rep;
	long long n_batch = CW_METRICS_BATCH, n_busy = 60000, n_until = 0;
	size_t n_pos;
	int rc;

	rc = opts_parse(argc, argv, table, sizeof(table) / sizeof(*table),
			NULL, 0, &n_pos, usage);
	if (rc != 0)
		return rc == 1 ? 0 : 2;
	if (format && strcmp(format, "json") && strcmp(format, "text")) {
		msg_error("unknown --format '%s' (text or json)", format);
		return 2;
	}
	db = metrics_db_path(db);
	if (db == NULL ||
	    metrics_number(batch, "--batch-size", 1, &n_batch) ||
	    metrics_number(busy, "--busy-timeout", 0, &n_busy) ||
	    metrics_number(until, "--until", 0, &n_until))
		return 2;
	o.batch_size = (int)(n_batch > 1000000 ? 1000000 : n_batch);
	o.busy_timeout_ms = (int)(n_busy > 86400000 ? 86400000 : n_busy);
	o.has_until = until != NULL;
	o.until_ms = n_until;
	o.force = force != NULL;
	o.dry_run = dry != NULL;
	o.flags = profile ? CW_METRICS_PROFILE : 0;
	o.migrations_dir = dir;
	o.cw_version = CW_VERSION;
	metrics_progress_start(&prog, "backfill-metrics");
	o.progress = metrics_progress_cb;
	o.progress_ctx = &prog;

	rc = cw_backfill_run(&res, db, &o, &err);
	if (rc != 0 && !cw_diags_add_error(&diags, &err, db))
		msg_cw_error(&err);
	memset(&rep, 0, sizeof(rep));
	rep.db = db;
	rep.dry_run = o.dry_run;
	rep.profile = profile != NULL;
	rep.result = rc == 0 ? &res : NULL;
	rep.diags = &diags;
	rep.status = rc == 0 ? 0 : 2;
	if (format && strcmp(format, "json") == 0)
		report_backfill_json(stdout, &rep);
	else
		report_backfill_text(stdout, &rep);
	cw_backfill_result_free(&res);
	cw_diags_free(&diags);
	return rep.status;
}
