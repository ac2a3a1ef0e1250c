/*
** report_metrics.c - what cw backfill-metrics prints (text or JSON), and
** the parts of cw verify-metrics's diagnostics report that are its own
** (the summary before the findings, its JSON members).
*/
#include "report.h"
#include "msg.h"

#include <cjson/cJSON.h>
#include <stdlib.h>

static double secs(uint64_t ns)
{
	return (double)ns / 1e9;
}

/* The totals of counts as "N questions, N subagents, N compactions". */
static void totals_text(FILE *out, const uint64_t *n)
{
	fprintf(out, "%llu questions, %llu subagents, %llu compactions",
		(unsigned long long)n[0], (unsigned long long)n[1],
		(unsigned long long)n[2]);
}

static void agents_text(FILE *out, const cw_metrics_tally *t)
{
	size_t i;

	fprintf(out, "%-40s %9s %9s %11s %7s\n", "agent_id", "questions",
		"subagents", "compactions", "chunks");
	for (i = 0; i < t->n_agents; i++) {
		const cw_metrics_agent *a = &t->agents[i];
		fprintf(out, "%-40s %9llu %9llu %11llu %7llu\n", a->agent_id,
			(unsigned long long)a->n[0],
			(unsigned long long)a->n[1],
			(unsigned long long)a->n[2],
			(unsigned long long)a->chunks);
	}
}

/* Where the time went: SQLite reading (its own thread, overlapped with
** the rest), the pre-filter scan and cJSON parsing (summed over both
** threads), how long counting waited for rows, the write transaction. */
static void profile_text(FILE *out, const cw_backfill_result *r)
{
	const cw_metrics_tally *t = &r->tally;
	uint64_t parse = t->counts.parse_ns;
	uint64_t scan = t->count_ns > parse ? t->count_ns - parse : 0;

	fprintf(out, "time: reading %.3f s (own thread), pre-filter %.3f s, "
		"parsing %.3f s (%llu of %llu lines parsed; %llu chunks "
		"counted on the reading thread), waiting for rows %.3f s, "
		"writing %.3f s, total %.3f s\n",
		secs(t->read_ns), secs(scan), secs(parse),
		(unsigned long long)t->counts.parsed,
		(unsigned long long)t->counts.lines,
		(unsigned long long)t->helped, secs(t->wait_ns),
		secs(r->write_ns), secs(r->total_ns));
}

void report_backfill_text(FILE *out, const backfill_report *r)
{
	const cw_backfill_result *res = r->result;
	size_t i;

	if (res && r->dry_run)
		agents_text(out, &res->tally);
	if (res && (res->written || r->dry_run)) {
		fprintf(out, "%s: %llu chunks read, %llu malformed lines "
			"skipped, %zu agents %s: ", r->db,
			(unsigned long long)res->tally.chunks,
			(unsigned long long)res->tally.counts.malformed,
			res->tally.n_agents,
			r->dry_run ? "would be updated" : "updated");
		totals_text(out, res->tally.counts.n);
		fprintf(out, " in %.2f s\n", secs(res->total_ns));
		if (res->run.has_until)
			fprintf(out, "only chunks created before %lld "
				"(--until)\n", (long long)res->run.until_ms);
		if (res->written)
			fprintf(out, "recorded as run %lld in "
				CW_METRICS_RUNS_TABLE "\n",
				(long long)res->run.id);
		else
			fprintf(out, "dry run: nothing written\n");
		if (r->profile)
			profile_text(out, res);
	}
	for (i = 0; r->diags && i < r->diags->n; i++)
		msg_diag(out, &r->diags->items[i]);
}

static cJSON *counts_json(const uint64_t *n)
{
	cJSON *o = cJSON_CreateObject();
	int k;

	for (k = 0; o && k < CW_METRIC_N; k++)
		cJSON_AddNumberToObject(o, cw_metric_name((cw_metric)k),
					(double)n[k]);
	return o;
}

static cJSON *agents_json(const cw_metrics_tally *t)
{
	cJSON *arr = cJSON_CreateArray();
	size_t i;

	for (i = 0; arr && i < t->n_agents; i++) {
		cJSON *o = counts_json(t->agents[i].n);
		if (o == NULL)
			break;
		cJSON_AddStringToObject(o, "agent_id", t->agents[i].agent_id);
		cJSON_AddNumberToObject(o, "chunks",
					(double)t->agents[i].chunks);
		cJSON_AddItemToArray(arr, o);
	}
	return arr;
}

static cJSON *seconds_json(const cw_backfill_result *res)
{
	const cw_metrics_tally *t = &res->tally;
	cJSON *o = cJSON_CreateObject();

	cJSON_AddNumberToObject(o, "total", secs(res->total_ns));
	cJSON_AddNumberToObject(o, "reading", secs(t->read_ns));
	cJSON_AddNumberToObject(o, "pre_filter",
				secs(t->count_ns - t->counts.parse_ns));
	cJSON_AddNumberToObject(o, "parsing", secs(t->counts.parse_ns));
	cJSON_AddNumberToObject(o, "waiting", secs(t->wait_ns));
	cJSON_AddNumberToObject(o, "writing", secs(res->write_ns));
	return o;
}

int report_backfill_json(FILE *out, const backfill_report *r)
{
	const cw_backfill_result *res = r->result;
	cJSON *root = cJSON_CreateObject();

	if (root == NULL)
		return -1;
	cJSON_AddStringToObject(root, "command", "backfill-metrics");
	cJSON_AddStringToObject(root, "db", r->db);
	cJSON_AddBoolToObject(root, "dry_run", r->dry_run);
	cJSON_AddBoolToObject(root, "written", res && res->written);
	if (res && res->written)
		cJSON_AddNumberToObject(root, "run_id", (double)res->run.id);
	else
		cJSON_AddNullToObject(root, "run_id");
	if (res && res->run.has_until)
		cJSON_AddNumberToObject(root, "until_ms",
					(double)res->run.until_ms);
	else
		cJSON_AddNullToObject(root, "until_ms");
	if (res && (res->written || r->dry_run)) {
		cJSON_AddNumberToObject(root, "chunks",
					(double)res->tally.chunks);
		cJSON_AddNumberToObject(root, "malformed_lines",
					(double)res->tally.counts.malformed);
		cJSON_AddNumberToObject(root, "agents_updated",
					(double)res->tally.n_agents);
		cJSON_AddItemToObject(root, "totals",
				      counts_json(res->tally.counts.n));
		cJSON_AddItemToObject(root, "seconds", seconds_json(res));
		if (r->dry_run)
			cJSON_AddItemToObject(root, "agents",
					      agents_json(&res->tally));
	}
	cJSON_AddBoolToObject(root, "ok", r->status == 0);
	cJSON_AddNumberToObject(root, "exit", r->status);
	cJSON_AddItemToObject(root, "diagnostics", report_diags_json(r->diags));
	if (report_json_repair(root) != 0) {
		cJSON_Delete(root);
		return -1;
	}
	return report_print_json(out, root);
}

/* ---- cw verify-metrics ---- */

void report_verify_head(FILE *out, const void *ctx)
{
	const cw_verify_result *v = ctx;
	char run[400];

	if (v->n_runs > 0) {
		cw_metrics_run_describe(run, sizeof(run), &v->last_run);
		fprintf(out, "backfill runs recorded: %zu (last: %s)\n",
			v->n_runs, run);
	} else {
		fprintf(out, "no backfill run recorded\n");
	}
	fprintf(out, "recounted %llu chunks (%llu malformed lines): ",
		(unsigned long long)v->tally.chunks,
		(unsigned long long)v->tally.counts.malformed);
	totals_text(out, v->tally.counts.n);
	fprintf(out, "\n%zu agents compared with %zu agent_metrics rows: %zu "
		"exact, %zu missing, %zu without chunks, %zu doubled, %zu "
		"different\n", v->n_agents, v->n_rows, v->n_exact,
		v->n_missing, v->n_extra, v->n_doubled, v->n_differ);
}

int report_verify_json(cJSON *root, const void *ctx)
{
	const cw_verify_result *v = ctx;
	cJSON *o = cJSON_CreateObject();

	if (o == NULL)
		return -1;
	cJSON_AddNumberToObject(o, "chunks", (double)v->tally.chunks);
	cJSON_AddNumberToObject(o, "malformed_lines",
				(double)v->tally.counts.malformed);
	cJSON_AddItemToObject(o, "totals", counts_json(v->tally.counts.n));
	cJSON_AddNumberToObject(o, "agents", (double)v->n_agents);
	cJSON_AddNumberToObject(o, "rows", (double)v->n_rows);
	cJSON_AddNumberToObject(o, "exact", (double)v->n_exact);
	cJSON_AddNumberToObject(o, "missing", (double)v->n_missing);
	cJSON_AddNumberToObject(o, "without_chunks", (double)v->n_extra);
	cJSON_AddNumberToObject(o, "doubled", (double)v->n_doubled);
	cJSON_AddNumberToObject(o, "different", (double)v->n_differ);
	cJSON_AddNumberToObject(o, "runs", (double)v->n_runs);
	if (v->has_split)
		cJSON_AddNumberToObject(o, "cutoff_ms", (double)v->split_ms);
	else
		cJSON_AddNullToObject(o, "cutoff_ms");
	cJSON_AddItemToObject(root, "recount", o);
	return 0;
}
