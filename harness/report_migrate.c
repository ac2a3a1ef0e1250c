/*
** report_migrate.c - `cw migrate` results as text and as JSON.
*/
#include "report.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *status_label(cw_mig_status s, int dry)
{
	switch (s) {
	case CW_MIG_APPLIED: return "applied";
	case CW_MIG_WOULD_APPLY: return "would apply";
	case CW_MIG_ALREADY_APPLIED: return "already applied";
	case CW_MIG_SKIPPED: return "SKIPPED";
	case CW_MIG_PENDING: return "pending";
	case CW_MIG_PARTIAL: return "PARTIALLY applied";
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
	fprintf(out, "profile: %s\n", res->profile);
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
					cw_codes_severity_name(g->severity));
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

/* A JSON string of s[0..n), NUL bytes included (cJSON's strings end at
** the first NUL, and a piece may hold one: SQLite stops reading there). */
static cJSON *string_with_nul(const char *s, size_t n)
{
	char *buf = malloc(n * 6 + 3);
	size_t i, o = 0;
	cJSON *item;

	if (buf == NULL)
		return NULL;
	buf[o++] = '"';
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '"' || c == '\\') {
			buf[o++] = '\\';
			buf[o++] = (char)c;
		} else if (c < 0x20) {
			o += (size_t)snprintf(buf + o, 7, "\\u%04x", c);
		} else {
			buf[o++] = (char)c;
		}
	}
	buf[o++] = '"';
	buf[o] = '\0';
	item = cJSON_CreateRaw(buf);
	free(buf);
	return item;
}

static cJSON *failure_json(const migrate_report *r)
{
	const cw_migrate_failure *fl = &r->result->failure;
	cJSON *o = cJSON_CreateObject();
	int own = fl->entry == CW_MIGRATE_OWN;

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
	if (fl->sql && memchr(fl->sql, '\0', fl->sql_len))
		cJSON_AddItemToObject(o, "sql", string_with_nul(fl->sql,
							       fl->sql_len));
	else
		cJSON_AddStringToObject(o, "sql", fl->sql ? fl->sql : "");
	cJSON_AddStringToObject(o, "reason", fl->verdict ==
		CW_PIECE_PARAMETERS ? "parameters" : fl->verdict ==
		CW_PIECE_MULTIPLE ? "more-than-one-statement" : fl->verdict ==
		CW_PIECE_NO_STATEMENT ? "no-statement" : "sqlite");
	cJSON_AddBoolToObject(o, "rollback_failed",
			      r->result->rollback_failed);
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
	if (res)
		cJSON_AddStringToObject(root, "profile", res->profile);
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
					cw_plan_status_name(e->status));
		if (e->status == CW_MIG_ALREADY_APPLIED)
			cJSON_AddStringToObject(o, "matched_hash",
				cw_plan_variant_name(e->matched));
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
	cJSON_AddItemToObject(root, "diagnostics", diags);
	if (report_json_repair(root) != 0) {
		cJSON_Delete(root);
		return -1;
	}
	return report_print_json(out, root);
}
