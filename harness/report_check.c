/*
** report_check.c - findings of `cw check` as text, JSON, JUnit XML and
** GitHub workflow annotations.
*/
#include "report.h"
#include "msg.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

void report_summary_line(FILE *out, const char *what, const cw_diags *d,
			 size_t n_migrations)
{
	size_t e = cw_diags_count(d, CW_SEV_ERROR);
	size_t w = cw_diags_count(d, CW_SEV_WARNING);
	size_t n = cw_diags_count(d, CW_SEV_NOTE);

	fprintf(out, "%s: %zu error%s, %zu warning%s, %zu note%s in %zu "
		"migration%s\n", what, e, e == 1 ? "" : "s", w,
		w == 1 ? "" : "s", n, n == 1 ? "" : "s", n_migrations,
		n_migrations == 1 ? "" : "s");
}

void report_check_text(FILE *out, const check_report *r)
{
	size_t i;

	for (i = 0; i < r->diags->n; i++)
		msg_diag(out, &r->diags->items[i]);
	report_summary_line(out, r->title, r->diags, r->folder ?
			    r->folder->n_migrations : 0);
}

int report_check_json(FILE *out, const check_report *r)
{
	cJSON *root = cJSON_CreateObject(), *counts;

	if (root == NULL)
		return -1;
	cJSON_AddStringToObject(root, "command", "check");
	cJSON_AddStringToObject(root, "folder", r->dir);
	cJSON_AddNumberToObject(root, "migrations", r->folder ?
				(double)r->folder->n_migrations : 0);
	cJSON_AddBoolToObject(root, "ok", r->status == 0);
	cJSON_AddNumberToObject(root, "exit", r->status);
	counts = cJSON_AddObjectToObject(root, "counts");
	cJSON_AddNumberToObject(counts, "error",
				(double)cw_diags_count(r->diags, CW_SEV_ERROR));
	cJSON_AddNumberToObject(counts, "warning",
				(double)cw_diags_count(r->diags,
						       CW_SEV_WARNING));
	cJSON_AddNumberToObject(counts, "note",
				(double)cw_diags_count(r->diags, CW_SEV_NOTE));
	cJSON_AddItemToObject(root, "diagnostics",
			      report_diags_json(r->diags));
	return report_print_json(out, root);
}

static void xml_text(FILE *out, const char *s)
{
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;
		switch (c) {
		case '&': fputs("&amp;", out); break;
		case '<': fputs("&lt;", out); break;
		case '>': fputs("&gt;", out); break;
		case '"': fputs("&quot;", out); break;
		default:
			/* XML 1.0 forbids most control characters. */
			if (c < 0x20 && c != '\n' && c != '\t' && c != '\r')
				fprintf(out, "?");
			else
				fputc(c, out);
		}
	}
}

/* Does finding g belong to migration m?  By tag, else by file. */
static int belongs(const cw_diag *g, const cw_migration *m)
{
	if (g->tag && m->entry->tag)
		return strcmp(g->tag, m->entry->tag) == 0;
	return m->path && strcmp(g->file, m->path) == 0;
}

static int junit_case(FILE *out, const char *classname, const char *name,
		       const cw_diags *d, const cw_migration *m, char family,
		       int strict)
{
	size_t i, n_fail = 0;

	fputs("    <testcase classname=\"", out);
	xml_text(out, classname);
	fputs("\" name=\"", out);
	xml_text(out, name);
	fputs("\">\n", out);
	for (i = 0; i < d->n; i++) {
		const cw_diag *g = &d->items[i];
		int fails = g->severity == CW_SEV_ERROR ||
			    (strict && g->severity == CW_SEV_WARNING);
		if (!fails || (m && !belongs(g, m)) ||
		    (!m && g->code[0] != family))
			continue;
		n_fail++;
		fprintf(out, "      <failure type=\"%s\" message=\"",
			g->code);
		xml_text(out, g->message);
		fputs("\">", out);
		xml_text(out, g->file);
		fprintf(out, ":%d: ", g->line);
		xml_text(out, g->hint);
		fputs("</failure>\n", out);
	}
	fputs("    </testcase>\n", out);
	return n_fail > 0;
}

void report_check_junit(FILE *out, const check_report *r)
{
	static const struct { char c; const char *name; } fam[] = {
		{'J', "J journal"}, {'S', "S breakpoints"},
		{'H', "H immutability"}, {'N', "N snapshots"},
		{'L', "L lint"},
	};
	size_t n_mig = r->folder ? r->folder->n_migrations : 0, i;
	size_t n_failed = 0, len = 0;
	char *cases = NULL;
	FILE *buf = open_memstream(&cases, &len);

	/* Test cases first, into memory: the suite's header counts them. */
	if (buf == NULL)
		return;
	for (i = 0; i < n_mig; i++) {
		const cw_migration *m = &r->folder->migrations[i];
		n_failed += (size_t)junit_case(buf, "migrations",
			m->entry->tag ? m->entry->tag : "?", r->diags, m, 0,
			r->strict);
	}
	for (i = 0; i < sizeof(fam) / sizeof(*fam); i++)
		n_failed += (size_t)junit_case(buf, "rules", fam[i].name,
			r->diags, NULL, fam[i].c, r->strict);
	fclose(buf);
	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", out);
	fprintf(out, "<testsuites name=\"cw check\" tests=\"%zu\" "
		"failures=\"%zu\">\n", n_mig + 5, n_failed);
	fputs("  <testsuite name=\"", out);
	xml_text(out, r->dir);
	fprintf(out, "\" tests=\"%zu\" failures=\"%zu\" errors=\"0\">\n",
		n_mig + 5, n_failed);
	fwrite(cases, 1, len, out);
	free(cases);
	fputs("  </testsuite>\n</testsuites>\n", out);
}

/* Workflow commands need %, CR and LF escaped; properties also : and ,. */
static void gh_escape(FILE *out, const char *s, int is_property)
{
	for (; s && *s; s++) {
		if (*s == '%')
			fputs("%25", out);
		else if (*s == '\r')
			fputs("%0D", out);
		else if (*s == '\n')
			fputs("%0A", out);
		else if (is_property && *s == ':')
			fputs("%3A", out);
		else if (is_property && *s == ',')
			fputs("%2C", out);
		else
			fputc(*s, out);
	}
}

void report_check_github(FILE *out, const check_report *r)
{
	size_t i;

	for (i = 0; i < r->diags->n; i++) {
		const cw_diag *g = &r->diags->items[i];
		const char *level = g->severity == CW_SEV_ERROR ? "error" :
				    g->severity == CW_SEV_WARNING ? "warning" :
				    "notice";
		fprintf(out, "::%s file=", level);
		gh_escape(out, g->file, 1);
		if (g->line > 0)
			fprintf(out, ",line=%d", g->line);
		if (g->column > 0)
			fprintf(out, ",col=%d", g->column);
		fprintf(out, ",title=%s::", g->code);
		gh_escape(out, g->message, 0);
		fputs("%0A", out);
		gh_escape(out, g->hint, 0);
		fputc('\n', out);
	}
}
