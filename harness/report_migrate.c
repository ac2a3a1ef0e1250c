/*
** report_migrate.c - `cw migrate` results as text and as JSON.
*/
#include "report.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdlib.h>

static const char *status_label(cw_mig_status s, int dry)
{
	switch (s) {
	case CW_MIG_APPLIED: return "applied";
	case CW_MIG_WOULD_APPLY: return "would apply";
	case CW_MIG_ALREADY_APPLIED: return "already applied";
	case CW_MIG_SKIPPED: return "SKIPPED";
	case CW_MIG_NOT_RUN: return dry ? "would fail" : "not applied";
	}
	return "?";
}

void report_migrate_text(FILE *out, const migrate_report *r)
{
	const cw_migrate_result *res = r->result;
	size_t k;

	fprintf(out, "cw migrate%s: %s -> %s (table %s)\n",
		r->dry_run ? " --dry-run" : "", r->migrations, r->db,
		r->table);
	if (res == NULL)
		return;
	for (k = 0; k < res->n_entries; k++) {
		const cw_migrate_entry *e = &res->entries[k];
		fprintf(out, "  %-16s %s\n", status_label(e->status,
							   r->dry_run),
			e->migration->entry->tag);
	}
	fprintf(out, "%s %zu, already applied %zu, skipped %zu",
		r->dry_run ? "would apply" : "applied", res->n_applied,
		res->n_already, res->n_skipped);
	if (res->has_high_water)
		fprintf(out, " (high-water mark before the run: %.17g)",
			res->high_water);
	fputc('\n', out);
	if (res->failure.has_failure)
		fprintf(out, "FAILED: %s\n", r->err ? r->err->message : "");
}

int report_print_json(FILE *out, struct cJSON *root)
{
	char *text = cJSON_Print(root);

	cJSON_Delete(root);
	if (text == NULL)
		return -1;
	fprintf(out, "%s\n", text);
	free(text);
	return 0;
}

cJSON *report_diags_json(const cw_diags *d)
{
	cJSON *arr = cJSON_CreateArray();
	size_t i;

	for (i = 0; arr && i < d->n; i++) {
		const cw_diag *g = &d->items[i];
		cJSON *o = cJSON_CreateObject();
		if (o == NULL)
			break;
		cJSON_AddStringToObject(o, "code", g->code);
		cJSON_AddStringToObject(o, "severity",
					cw_severity_name(g->severity));
		cJSON_AddStringToObject(o, "file", g->file);
		cJSON_AddNumberToObject(o, "line", g->line);
		cJSON_AddNumberToObject(o, "column", g->column);
		if (g->tag)
			cJSON_AddStringToObject(o, "tag", g->tag);
		else
			cJSON_AddNullToObject(o, "tag");
		cJSON_AddStringToObject(o, "message", g->message);
		cJSON_AddStringToObject(o, "hint", g->hint);
		cJSON_AddItemToArray(arr, o);
	}
	return arr;
}

static cJSON *failure_json(const migrate_report *r)
{
	const cw_migrate_failure *fl = &r->result->failure;
	cJSON *o = cJSON_CreateObject();
	int own = fl->entry == (size_t)-1;

	if (own) {
		cJSON_AddNullToObject(o, "tag");
		cJSON_AddNullToObject(o, "entry");
		cJSON_AddNullToObject(o, "file");
	} else {
		const cw_migration *m = &r->folder->migrations[fl->entry];
		cJSON_AddStringToObject(o, "tag", m->entry->tag);
		cJSON_AddNumberToObject(o, "entry", (double)fl->entry);
		cJSON_AddStringToObject(o, "file", m->path);
	}
	cJSON_AddNumberToObject(o, "piece", (double)fl->piece);
	cJSON_AddNumberToObject(o, "line", fl->line);
	cJSON_AddStringToObject(o, "message", fl->message);
	cJSON_AddStringToObject(o, "sql", fl->sql ? fl->sql : "");
	cJSON_AddBoolToObject(o, "rollback_failed", fl->rollback_failed);
	return o;
}

int report_migrate_json(FILE *out, const migrate_report *r)
{
	const cw_migrate_result *res = r->result;
	cJSON *root = cJSON_CreateObject(), *arr, *diags;
	size_t k;

	if (root == NULL)
		return -1;
	cJSON_AddStringToObject(root, "command", "migrate");
	cJSON_AddBoolToObject(root, "ok", res && !res->failure.has_failure &&
			      (r->err == NULL || r->err->code == 0));
	cJSON_AddStringToObject(root, "db", r->db);
	cJSON_AddStringToObject(root, "migrations", r->migrations);
	cJSON_AddStringToObject(root, "table", r->table);
	cJSON_AddBoolToObject(root, "dry_run", r->dry_run);
	if (res && res->has_high_water && isfinite(res->high_water))
		cJSON_AddNumberToObject(root, "high_water", res->high_water);
	else
		cJSON_AddNullToObject(root, "high_water");
	arr = cJSON_AddArrayToObject(root, "entries");
	for (k = 0; res && arr && k < res->n_entries; k++) {
		const cw_migrate_entry *e = &res->entries[k];
		const cw_migration *m = e->migration;
		cJSON *o = cJSON_CreateObject();
		cJSON_AddNumberToObject(o, "idx", (double)k);
		cJSON_AddStringToObject(o, "tag", m->entry->tag);
		cJSON_AddNumberToObject(o, "when", m->entry->when);
		cJSON_AddStringToObject(o, "hash", m->hashes.drizzle);
		cJSON_AddStringToObject(o, "status",
					cw_mig_status_name(e->status));
		cJSON_AddItemToArray(arr, o);
	}
	if (res && res->failure.has_failure)
		cJSON_AddItemToObject(root, "failure", failure_json(r));
	else
		cJSON_AddNullToObject(root, "failure");
	if (r->err && r->err->code != 0 &&
	    !(res && res->failure.has_failure))
		cJSON_AddStringToObject(root, "error", r->err->message);
	diags = report_diags_json(r->diags);
	if (res && diags) {
		cw_diags tmp = res->diags;
		cJSON *more = report_diags_json(&tmp), *it;
		while (more && (it = cJSON_DetachItemFromArray(more, 0)))
			cJSON_AddItemToArray(diags, it);
		cJSON_Delete(more);
	}
	cJSON_AddItemToObject(root, "diagnostics", diags);
	return report_print_json(out, root);
}
