/*
** report_check.c - the diagnostics report: any command's findings as
** compiler-style text, a JSON object, JUnit XML and GitHub workflow
** annotations (see diag_report in report.h), and `cw check`'s use of it.
**
** Messages may quote a file, so they can hold any bytes.  The machine
** formats never pass them on raw: invalid UTF-8 becomes U+FFFD, and each
** format escapes what its readers would otherwise misread.  The text
** format is for people and prints the findings as they are.
*/
#include "report.h"
#include "msg.h"
#include "../lib/text.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define REPLACEMENT "\xEF\xBF\xBD"  /* U+FFFD in UTF-8 */

/* ---- escaping ---- */

/*
** s as XML 1.0 character data, inside a double-quoted attribute value
** (is_attr) or an element.  What XML cannot carry at all (invalid UTF-8,
** control characters other than tab, LF and CR, U+FFFE, U+FFFF) becomes
** U+FFFD.  In an attribute, tab, LF and CR are character references: a
** parser turns the raw characters into spaces (attribute-value
** normalisation).  CR is one in an element too, or CR LF would read as LF.
*/
void report_xml_put(FILE *out, const char *s, int is_attr)
{
	size_t len = s ? strlen(s) : 0, i = 0;

	while (i < len) {
		size_t at = i;
		long c = cw_text_utf8_next(s, len, &i);
		switch (c) {
		case '&': fputs("&amp;", out); break;
		case '<': fputs("&lt;", out); break;
		case '>': fputs("&gt;", out); break;
		case '"': fputs("&quot;", out); break;
		case '\r': fputs("&#13;", out); break;
		case '\n': fputs(is_attr ? "&#10;" : "\n", out); break;
		case '\t': fputs(is_attr ? "&#9;" : "\t", out); break;
		default:
			if (c < 0x20 || c == 0xFFFE || c == 0xFFFF)
				fputs(REPLACEMENT, out);
			else
				fwrite(s + at, 1, i - at, out);
		}
	}
}

/* Workflow commands need %, CR and LF escaped; properties also : and ,.
** Invalid UTF-8 becomes U+FFFD. */
static void gh_put(FILE *out, const char *s, int is_property)
{
	size_t len = s ? strlen(s) : 0, i = 0;

	while (i < len) {
		size_t at = i;
		long c = cw_text_utf8_next(s, len, &i);
		if (c < 0)
			fputs(REPLACEMENT, out);
		else if (c == '%')
			fputs("%25", out);
		else if (c == '\r')
			fputs("%0D", out);
		else if (c == '\n')
			fputs("%0A", out);
		else if (is_property && c == ':')
			fputs("%3A", out);
		else if (is_property && c == ',')
			fputs("%2C", out);
		else
			fwrite(s + at, 1, i - at, out);
	}
}

/* A valid UTF-8 copy of s in cJSON's memory, or NULL if out of memory. */
static char *json_fixed(const char *s)
{
	cw_bytes b;
	char *copy;

	if (cw_text_utf8_sanitize(&b, s, strlen(s), NULL, NULL) != 0)
		return NULL;
	copy = cJSON_malloc(b.len + 1);
	if (copy != NULL)
		memcpy(copy, b.data, b.len + 1);
	cw_bytes_free(&b);
	return copy;
}

static int is_valid(const char *s)
{
	return cw_text_utf8_is_valid(s, strlen(s));
}

int report_json_repair(cJSON *node)
{
	for (; node != NULL; node = node->next) {
		if (node->string != NULL && !is_valid(node->string)) {
			char *k = json_fixed(node->string);
			if (k == NULL)
				return -1;
			if (!(node->type & cJSON_StringIsConst))
				cJSON_free(node->string);
			node->string = k;
			node->type &= ~cJSON_StringIsConst;
		}
		if ((cJSON_IsString(node) || cJSON_IsRaw(node)) &&
		    node->valuestring != NULL &&
		    !is_valid(node->valuestring)) {
			char *v = json_fixed(node->valuestring);
			if (v == NULL)
				return -1;
			if (!(node->type & cJSON_IsReference))
				cJSON_free(node->valuestring);
			node->valuestring = v;  /* now this node's own */
			node->type &= ~cJSON_IsReference;
		}
		if (report_json_repair(node->child) != 0)
			return -1;
	}
	return 0;
}

/* ---- the generic writers ---- */

static void counts(FILE *out, const cw_diags *d, const char *unit,
		   size_t n_units)
{
	size_t e = cw_diags_count(d, CW_SEV_ERROR);
	size_t w = cw_diags_count(d, CW_SEV_WARNING);
	size_t n = cw_diags_count(d, CW_SEV_NOTE);

	fprintf(out, "%zu error%s, %zu warning%s, %zu note%s", e,
		e == 1 ? "" : "s", w, w == 1 ? "" : "s", n,
		n == 1 ? "" : "s");
	if (unit != NULL)
		fprintf(out, " in %zu %s%s", n_units, unit,
			n_units == 1 ? "" : "s");
}

static void summary(FILE *out, const char *what, const cw_diags *d,
		    const char *unit, size_t n_units)
{
	fprintf(out, "%s: ", what);
	counts(out, d, unit, n_units);
	fputc('\n', out);
}

void report_counts(FILE *out, const diag_report *r)
{
	counts(out, r->diags, r->unit, r->n_units);
}

const char *report_verdict_word(int status)
{
	return status == 0 ? "passed" : status == 1 ? "failed" :
	       "could not run";
}

size_t *report_diag_order(const diag_report *r)
{
	static const cw_severity order[] = {CW_SEV_ERROR, CW_SEV_WARNING,
					    CW_SEV_NOTE};
	size_t *idx = malloc((r->diags->n ? r->diags->n : 1) *
			     sizeof(*idx));
	size_t n = 0, i, s;

	if (idx == NULL)
		return NULL;
	for (s = 0; s < 3; s++)
		for (i = 0; i < r->diags->n; i++)
			if (r->diags->items[i].severity == order[s])
				idx[n++] = i;
	/* A severity outside the three still gets its row, last. */
	for (i = 0; i < r->diags->n && n < r->diags->n; i++)
		if (r->diags->items[i].severity != CW_SEV_ERROR &&
		    r->diags->items[i].severity != CW_SEV_WARNING &&
		    r->diags->items[i].severity != CW_SEV_NOTE)
			idx[n++] = i;
	return idx;
}

void report_summary_line(FILE *out, const char *what, const cw_diags *d,
			 size_t n_migrations)
{
	summary(out, what, d, "migration", n_migrations);
}

int report_format_known(const char *format)
{
	return format == NULL || strcmp(format, "text") == 0 ||
	       strcmp(format, "json") == 0 || strcmp(format, "junit") == 0 ||
	       strcmp(format, "github") == 0 ||
	       strcmp(format, "markdown") == 0;
}

int report_format_ok(const char *format)
{
	if (report_format_known(format))
		return 1;
	msg_error("unknown --format '%s' (" REPORT_FORMATS ")", format);
	return 0;
}

void report_diag_print(FILE *out, const char *format, const diag_report *r)
{
	if (format == NULL || strcmp(format, "text") == 0)
		report_diag_text(out, r);
	else if (strcmp(format, "json") == 0)
		report_diag_json(out, r);
	else if (strcmp(format, "junit") == 0)
		report_diag_junit(out, r);
	else if (strcmp(format, "markdown") == 0)
		report_diag_markdown(out, r);
	else
		report_diag_github(out, r);
}

int report_diag_status(int rc, const cw_diags *d, int strict)
{
	if (rc != 0)
		return 2;
	if (cw_diags_count(d, CW_SEV_ERROR) > 0)
		return 1;
	if (strict && cw_diags_count(d, CW_SEV_WARNING) > 0)
		return 1;
	return 0;
}

void report_diag_text(FILE *out, const diag_report *r)
{
	size_t i;

	if (r->text_head != NULL)
		r->text_head(out, r->ctx);
	for (i = 0; i < r->diags->n; i++)
		msg_diag(out, &r->diags->items[i]);
	if (r->title != NULL)
		summary(out, r->title, r->diags, r->unit, r->n_units);
}

int report_diag_json(FILE *out, const diag_report *r)
{
	cJSON *root = cJSON_CreateObject(), *counts = NULL, *arr;
	int ok = root != NULL;

	ok = ok && cJSON_AddStringToObject(root, "command", r->command ?
					   r->command : "") != NULL;
	if (ok && r->json_fields != NULL)
		ok = r->json_fields(root, r->ctx) == 0;
	ok = ok && cJSON_AddBoolToObject(root, "ok", r->status == 0);
	ok = ok && cJSON_AddNumberToObject(root, "exit", r->status);
	if (ok)
		counts = cJSON_AddObjectToObject(root, "counts");
	ok = counts != NULL &&
	     cJSON_AddNumberToObject(counts, "error", (double)
		cw_diags_count(r->diags, CW_SEV_ERROR)) &&
	     cJSON_AddNumberToObject(counts, "warning", (double)
		cw_diags_count(r->diags, CW_SEV_WARNING)) &&
	     cJSON_AddNumberToObject(counts, "note", (double)
		cw_diags_count(r->diags, CW_SEV_NOTE));
	arr = ok ? report_diags_json(r->diags) : NULL;
	if (arr == NULL || !cJSON_AddItemToObject(root, "diagnostics", arr)) {
		cJSON_Delete(arr);
		ok = 0;
	}
	if (!ok || report_json_repair(root) != 0) {
		cJSON_Delete(root);
		return -1;
	}
	return report_print_json(out, root);
}

int report_case_has(const report_case *c, const cw_diag *g)
{
	if (c->codes && !strstr(c->codes, g->code))
		return 0;
	if (c->family)
		return g->code[0] == c->family;
	if (g->tag && c->tag)
		return strcmp(g->tag, c->tag) == 0;
	return c->file && strcmp(g->file, c->file) == 0;
}

/* One <testcase> with a <failure> per failing finding in it; returns
** whether it failed. */
static int junit_case(FILE *out, const diag_report *r, const report_case *c)
{
	size_t i, n_fail = 0;

	fputs("    <testcase classname=\"", out);
	report_xml_put(out, c->classname, 1);
	fputs("\" name=\"", out);
	report_xml_put(out, c->name, 1);
	fputs("\">\n", out);
	for (i = 0; i < r->diags->n; i++) {
		const cw_diag *g = &r->diags->items[i];
		int fails = g->severity == CW_SEV_ERROR ||
			    (r->strict && g->severity == CW_SEV_WARNING);
		if (!fails || !report_case_has(c, g))
			continue;
		n_fail++;
		fputs("      <failure type=\"", out);
		report_xml_put(out, g->code, 1);
		fputs("\" message=\"", out);
		report_xml_put(out, g->message, 1);
		fputs("\">", out);
		report_xml_put(out, g->file, 0);
		fprintf(out, ":%d: ", g->line);
		report_xml_put(out, g->hint, 0);
		fputs("</failure>\n", out);
	}
	fputs("    </testcase>\n", out);
	return n_fail > 0;
}

int report_diag_junit(FILE *out, const diag_report *r)
{
	size_t n_failed = 0, len = 0, i;
	char *cases = NULL;
	FILE *buf = open_memstream(&cases, &len);

	/* Test cases first, into memory: the suite's header counts them. */
	if (buf == NULL)
		return -1;
	for (i = 0; i < r->n_cases; i++)
		n_failed += (size_t)junit_case(buf, r, &r->cases[i]);
	if (fclose(buf) != 0) {
		free(cases);
		return -1;
	}
	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", out);
	fputs("<testsuites name=\"", out);
	report_xml_put(out, r->title, 1);
	fprintf(out, "\" tests=\"%zu\" failures=\"%zu\">\n", r->n_cases,
		n_failed);
	fputs("  <testsuite name=\"", out);
	report_xml_put(out, r->subject, 1);
	fprintf(out, "\" tests=\"%zu\" failures=\"%zu\" errors=\"0\">\n",
		r->n_cases, n_failed);
	fwrite(cases, 1, len, out);
	free(cases);
	fputs("  </testsuite>\n</testsuites>\n", out);
	return 0;
}

void report_diag_github(FILE *out, const diag_report *r)
{
	size_t i;

	for (i = 0; i < r->diags->n; i++) {
		const cw_diag *g = &r->diags->items[i];
		const char *level = g->severity == CW_SEV_ERROR ? "error" :
				    g->severity == CW_SEV_WARNING ? "warning" :
				    "notice";
		fprintf(out, "::%s file=", level);
		gh_put(out, g->file, 1);
		if (g->line > 0)
			fprintf(out, ",line=%d", g->line);
		if (g->column > 0)
			fprintf(out, ",col=%d", g->column);
		fputs(",title=", out);
		gh_put(out, g->code, 1);
		fputs("::", out);
		gh_put(out, g->message, 0);
		fputs("%0A", out);
		gh_put(out, g->hint, 0);
		fputc('\n', out);
	}
}

/* ---- cw check ---- */

static int check_fields(cJSON *root, const void *ctx)
{
	const check_report *r = ctx;

	if (cJSON_AddStringToObject(root, "folder", r->dir) == NULL ||
	    cJSON_AddStringToObject(root, "profile", r->profile[0] ?
				    r->profile : "stock better-sqlite3 "
				    "migrator (foreign keys ON)") == NULL ||
	    cJSON_AddNumberToObject(root, "migrations", r->folder ?
				    (double)r->folder->n_migrations : 0) ==
	    NULL)
		return -1;
	return 0;
}

/* Which migrator profile the folder was checked against. */
static void check_head(FILE *out, const void *ctx)
{
	const check_report *r = ctx;

	if (r->profile[0])
		fprintf(out, "profile: %s\n", r->profile);
}

/*
** The diagnostics report of a check run.  Its JUnit test cases, one per
** migration and then one per rule family, go to *out_cases (the caller
** frees it); NULL if out of memory, when the report has none.
*/
static diag_report as_diag_report(const check_report *r,
				   report_case **out_cases)
{
	static const report_case fam[] = {
		{"rules", "J journal", 'J', NULL, NULL, NULL},
		{"rules", "S breakpoints", 'S', NULL, NULL, NULL},
		{"rules", "H immutability", 'H', NULL, NULL, NULL},
		{"rules", "N snapshots", 'N', NULL, NULL, NULL},
		{"rules", "L lint", 'L', NULL, NULL, NULL},
	};
	size_t n_fam = sizeof(fam) / sizeof(*fam), i;
	size_t n_mig = r->folder ? r->folder->n_migrations : 0;
	report_case *cases = calloc(n_mig + n_fam, sizeof(*cases));
	diag_report d;

	memset(&d, 0, sizeof(d));
	d.title = r->title;
	d.command = "check";
	d.subject = r->dir;
	d.diags = r->diags;
	d.strict = r->strict;
	d.status = r->status;
	d.unit = "migration";
	d.n_units = n_mig;
	d.json_fields = check_fields;
	d.text_head = check_head;
	d.ctx = r;
	*out_cases = cases;
	if (cases == NULL)
		return d;
	for (i = 0; i < n_mig; i++) {
		const cw_migration *m = &r->folder->migrations[i];
		cases[i].classname = "migrations";
		cases[i].name = m->entry->tag ? m->entry->tag : "?";
		cases[i].tag = m->entry->tag;
		cases[i].file = m->path;
	}
	memcpy(cases + n_mig, fam, sizeof(fam));
	d.cases = cases;
	d.n_cases = n_mig + n_fam;
	return d;
}

void report_check_print(FILE *out, const char *format,
			const check_report *r)
{
	report_case *cases;
	diag_report d = as_diag_report(r, &cases);

	/* JUnit without its test cases would be a wrong report. */
	if (cases != NULL || format == NULL || strcmp(format, "junit") != 0)
		report_diag_print(out, format, &d);
	free(cases);
}

/* cmd_check reports a failure with strerror(errno), so errno must survive
** to the caller; err's message (which file) goes unused there. */
int report_check_dir(const char *dir, const check_report *r)
{
	report_case *cases;
	diag_report d = as_diag_report(r, &cases);
	cw_error err = {0};
	int rc = CW_ENOMEM, e = ENOMEM;

	if (cases != NULL) {
		rc = report_diag_dir(dir, &d, &err);
		e = errno;
	}
	free(cases);
	errno = e;
	return rc == 0 ? 0 : -1;
}
