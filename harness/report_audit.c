/*
** report_audit.c - cw audit's part of the diagnostics report (report.h):
** the verdict and the numbers behind it, first and on one screen, before
** the findings; and the same as members of the JSON object.
*/
#include "report.h"
#include "../lib/audit.h"

#include <cjson/cJSON.h>
#include <string.h>

static void deploy_text(FILE *out, const cw_audit_result *r)
{
	size_t i;

	if (!r->deploy_ran) {
		fprintf(out, "  next deploy   nothing to apply\n");
		return;
	}
	if (r->deploy_failed) {
		fprintf(out, "  next deploy   FAILS: %s\n", r->deploy_failure);
		return;
	}
	fprintf(out, "  next deploy   succeeds on a copy (%zu migration%s)\n",
		r->n_pending, r->n_pending == 1 ? "" : "s");
	for (i = 0; i < r->n_tables; i++) {
		const cw_audit_table *t = &r->tables[i];
		long long gained = t->after < 0 ? 0 :
				   t->after - (t->before - t->lost);
		if (t->after == t->before && t->lost == 0 && t->changed == 0)
			continue;
		if (t->after < 0)
			fprintf(out, "    %-24s %lld rows, table dropped\n",
				t->name, t->before);
		else
			fprintf(out, "    %-24s %lld -> %lld rows (-%lld "
				"deleted, +%lld added, %lld values "
				"changed)\n", t->name, t->before, t->after,
				t->lost, gained, t->changed);
	}
}

void report_audit_head(FILE *out, const void *ctx)
{
	const audit_report *a = ctx;
	const cw_audit_result *r = a->result;

	fprintf(out, "%s\n", cw_audit_verdict_name(r->verdict));
	fprintf(out, "  database      %s against %s (table %s)\n", a->db,
		a->migrations, a->table);
	if (r->read_copy)
		fprintf(out, "  read from     a private copy (%s%lld bytes "
			"of -wal read with it)\n", r->is_wal ? "WAL mode, " :
			"", r->wal_bytes);
	else
		fprintf(out, "  read from     the file itself, read-only%s\n",
			r->is_wal ? " (WAL mode, no frames beside it)" : "");
	fprintf(out, "  applied       %zu of %zu entries; %zu pending, %zu "
		"never to be applied, %zu unknown row%s\n", r->n_applied,
		r->plan.n_entries, r->n_pending, r->n_skipped, r->n_unknown,
		r->n_unknown == 1 ? "" : "s");
	deploy_text(out, r);
	fprintf(out, "  schema drift  %zu difference%s\n", r->n_drift,
		r->n_drift == 1 ? "" : "s");
	fprintf(out, "  health        %s %s; %lld row%s pointing at "
		"nothing\n", a->quick ? "quick_check" : "integrity_check",
		r->integrity_ok ? "ok" : "FAILS", r->fk_violations,
		r->fk_violations == 1 ? "" : "s");
	if (r->has_metrics)
		fprintf(out, "  metrics       %zu of %zu agents exact\n",
			r->metrics_exact, r->metrics_agents);
	fprintf(out, "\n");
}

static cJSON *tables_json(const cw_audit_result *r)
{
	cJSON *a = cJSON_CreateArray();
	size_t i;

	for (i = 0; a != NULL && i < r->n_tables; i++) {
		const cw_audit_table *t = &r->tables[i];
		cJSON *o = cJSON_CreateObject();
		if (o == NULL)
			break;
		cJSON_AddStringToObject(o, "table", t->name);
		cJSON_AddNumberToObject(o, "before", (double)t->before);
		if (t->after < 0)
			cJSON_AddNullToObject(o, "after");
		else
			cJSON_AddNumberToObject(o, "after", (double)t->after);
		cJSON_AddNumberToObject(o, "deleted", (double)t->lost);
		cJSON_AddNumberToObject(o, "values_changed",
					(double)t->changed);
		cJSON_AddItemToArray(a, o);
	}
	return a;
}

int report_audit_json(cJSON *root, const void *ctx)
{
	const audit_report *a = ctx;
	const cw_audit_result *r = a->result;
	cJSON *dep = cJSON_CreateObject();

	if (dep == NULL)
		return -1;
	cJSON_AddStringToObject(root, "verdict",
				cw_audit_verdict_name(r->verdict));
	cJSON_AddStringToObject(root, "db", a->db);
	cJSON_AddStringToObject(root, "migrations", a->migrations);
	cJSON_AddStringToObject(root, "table", a->table);
	cJSON_AddBoolToObject(root, "read_copy", r->read_copy);
	cJSON_AddBoolToObject(root, "wal", r->is_wal);
	cJSON_AddNumberToObject(root, "wal_bytes", (double)r->wal_bytes);
	cJSON_AddNumberToObject(root, "entries", (double)r->plan.n_entries);
	cJSON_AddNumberToObject(root, "applied", (double)r->n_applied);
	cJSON_AddNumberToObject(root, "pending", (double)r->n_pending);
	cJSON_AddNumberToObject(root, "never_applied", (double)r->n_skipped);
	cJSON_AddNumberToObject(root, "unknown_rows", (double)r->n_unknown);
	cJSON_AddBoolToObject(dep, "ran", r->deploy_ran);
	cJSON_AddBoolToObject(dep, "fails", r->deploy_failed);
	if (r->deploy_failed)
		cJSON_AddStringToObject(dep, "failure", r->deploy_failure);
	cJSON_AddItemToObject(dep, "tables", tables_json(r));
	cJSON_AddItemToObject(root, "deploy", dep);
	cJSON_AddNumberToObject(root, "schema_differences",
				(double)r->n_drift);
	cJSON_AddBoolToObject(root, "integrity_ok", r->integrity_ok);
	cJSON_AddNumberToObject(root, "foreign_key_violations",
				(double)r->fk_violations);
	if (r->has_metrics)
		cJSON_AddNumberToObject(root, "metrics_exact_agents",
					(double)r->metrics_exact);
	return 0;
}
