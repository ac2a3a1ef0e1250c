/*
** report_html.c - the diagnostics report as one self-contained HTML page
** (index.html in --report DIR): the verdict, the migrations as a
** timeline with each one's status and findings, the command's matrix if
** it has one (replay's prefix x step), and the findings no migration
** owns.
**
** The page is read where CI keeps artifacts, often offline or on a
** phone: no script, no external resource (a Content-Security-Policy
** forbids loading any, so a mistake shows up as a console error that the
** browser test catches), inline CSS that stacks on a narrow screen and
** prints in black on white.  Every string from the run goes through
** report_xml_put, so a tag or message holding <, &, quotes or invalid
** UTF-8 is text, never markup.
*/
#include "report.h"

#include <stdlib.h>
#include <string.h>

static const char css[] =
	":root{--ok:#1a7f37;--warn:#9a6700;--err:#cf222e;--note:#0969da;"
	"--mute:#57606a;--line:#d0d7de}\n"
	"*{box-sizing:border-box}\n"
	"body{font:15px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif;"
	"color:#1f2328;background:#fff;margin:0 auto;max-width:62rem;"
	"padding:1rem}\n"
	"h1{font-size:1.4rem;margin:0}h2{font-size:1.15rem;margin:1.6rem 0 "
	".6rem}\n"
	".subject{color:var(--mute);margin:.2rem 0 .8rem;"
	"overflow-wrap:anywhere}\n"
	".verdict{font-size:1.1rem;font-weight:600;padding:.6rem .8rem;"
	"border-left:.4rem solid;border-radius:.3rem;background:#f6f8fa}\n"
	".verdict.passed{border-color:var(--ok)}"
	".verdict.failed{border-color:var(--err)}"
	".verdict.broken{border-color:var(--warn)}\n"
	".timeline{list-style:none;margin:0;padding:0 0 0 1rem;"
	"border-left:2px solid var(--line)}\n"
	".migration{position:relative;margin:0 0 .5rem;padding:.3rem .6rem;"
	"break-inside:avoid}\n"
	".migration::before{content:'';position:absolute;left:-1.4rem;"
	"top:.65rem;width:.7rem;height:.7rem;border-radius:50%;"
	"background:var(--ok)}\n"
	".migration.error::before{background:var(--err)}"
	".migration.warning::before{background:var(--warn)}"
	".migration.note::before{background:var(--note)}\n"
	".tag{font:600 .95rem ui-monospace,monospace;"
	"overflow-wrap:anywhere}\n"
	".status{font-size:.8rem;padding:0 .4rem;border-radius:.6rem;"
	"margin-left:.4rem;border:1px solid}\n"
	".error .status,.sev-error{color:var(--err)}"
	".warning .status,.sev-warning{color:var(--warn)}"
	".note .status,.sev-note{color:var(--note)}"
	".passed .status{color:var(--ok)}\n"
	".findings{margin:.3rem 0 0;padding-left:1.1rem}"
	".findings li{margin:.2rem 0;overflow-wrap:anywhere}\n"
	".hint{color:var(--mute);display:block}"
	"code{font:.9em ui-monospace,monospace}\n"
	".wrap{overflow-x:auto}"
	"table{border-collapse:collapse;width:100%}\n"
	"th,td{border:1px solid var(--line);padding:.25rem .45rem;"
	"text-align:left;vertical-align:top;overflow-wrap:anywhere}\n"
	"th{background:#f6f8fa}"
	"td.c-ok{color:var(--ok)}td.c-error{color:var(--err);"
	"font-weight:600}td.c-warning{color:var(--warn)}"
	"td.c-note{color:var(--note)}td.c-none{color:var(--mute)}\n"
	"footer{margin-top:2rem;color:var(--mute);font-size:.8rem}\n"
	"@media (max-width:40rem){body{font-size:14px;padding:.6rem}"
	".findings-table thead{display:none}"
	".findings-table tr{display:block;border-bottom:2px solid "
	"var(--line)}.findings-table td{display:block;border:0}}\n"
	"@media print{body{max-width:none;font-size:10pt;color:#000}"
	".verdict{background:none}.wrap{overflow:visible}"
	"tr,.migration{break-inside:avoid}footer{display:none}}\n";

/* "error", "warning" or "note" for a finding's severity. */
static const char *sev_name(const cw_diag *g)
{
	return cw_codes_severity_name(g->severity);
}

/* A finding's message, then its hint on a line of its own. */
static void html_message(FILE *out, const cw_diag *g)
{
	fputs("<span class=\"message\">", out);
	report_xml_put(out, g->message, 0);
	fputs("</span>", out);
	if (g->hint != NULL && g->hint[0]) {
		fputs("<span class=\"hint\">hint: ", out);
		report_xml_put(out, g->hint, 0);
		fputs("</span>", out);
	}
}

/* One finding as a list item of a migration: code, line, message,
** hint. */
static void html_item(FILE *out, const cw_diag *g)
{
	fprintf(out, "<li class=\"finding sev-%s\"><code>", sev_name(g));
	report_xml_put(out, g->code, 0);
	fprintf(out, "</code> %s", sev_name(g));
	if (g->line > 0)
		fprintf(out, " (line %d)", g->line);
	fputs(": ", out);
	html_message(out, g);
	fputs("</li>\n", out);
}

/* Is tag the first case's tag with this value (so it gets one entry)? */
static int first_of_tag(const diag_report *r, size_t i)
{
	size_t j;

	for (j = 0; j < i; j++)
		if (r->cases[j].tag &&
		    strcmp(r->cases[j].tag, r->cases[i].tag) == 0)
			return 0;
	return 1;
}

/* Mark (owner[g] = stamp) the findings of every case tagged tag that no
** earlier migration owns; returns the worst severity among them, or -1
** when there are none. */
static int own_findings(const diag_report *r, const char *tag,
			size_t *owner, size_t stamp)
{
	size_t i, g;
	int worst = -1;

	for (i = 0; i < r->n_cases; i++) {
		const report_case *c = &r->cases[i];
		if (!c->tag || strcmp(c->tag, tag) != 0)
			continue;
		for (g = 0; g < r->diags->n; g++) {
			const cw_diag *d = &r->diags->items[g];
			if (owner[g] != 0 || !report_case_has(c, d))
				continue;
			owner[g] = stamp;
			if ((int)d->severity > worst)
				worst = (int)d->severity;
		}
	}
	return worst;
}

/* The timeline: one entry per tagged case (a migration, or replay's
** prefix), in order, with its status and findings.  owner records which
** entry took each finding.  Returns the number of entries. */
static size_t html_timeline(FILE *out, const diag_report *r, size_t *owner)
{
	size_t i, g, n = 0;

	for (i = 0; i < r->n_cases; i++) {
		const char *tag = r->cases[i].tag, *st;
		int worst;
		if (tag == NULL || !first_of_tag(r, i))
			continue;
		if (n++ == 0)
			fputs("<section id=\"timeline\"><h2>Migrations</h2>\n"
			      "<ol class=\"timeline\">\n", out);
		worst = own_findings(r, tag, owner, n);
		st = worst == CW_SEV_ERROR ? "error" : worst ==
		     CW_SEV_WARNING ? "warning" : worst == CW_SEV_NOTE ?
		     "note" : "passed";
		fprintf(out, "<li class=\"migration %s\" data-status=\"%s\">"
			"<span class=\"tag\">", st, st);
		report_xml_put(out, tag, 0);
		fprintf(out, "</span><span class=\"status\">%s</span>\n", st);
		if (worst >= 0) {
			fputs("<ul class=\"findings\">\n", out);
			for (g = 0; g < r->diags->n; g++)
				if (owner[g] == n)
					html_item(out, &r->diags->items[g]);
			fputs("</ul>\n", out);
		}
		fputs("</li>\n", out);
	}
	if (n > 0)
		fputs("</ol></section>\n", out);
	return n;
}

/* The matrix with a row per prefix and a column per step (a prefix
** not checked at any step, another shard's, has none). */
static void html_matrix(FILE *out, const diag_report *r)
{
	const report_matrix *m = r->matrix;
	size_t k, s;

	fputs("<section id=\"matrix\"><h2>", out);
	report_xml_put(out, m->title, 0);
	fputs("</h2>\n<div class=\"wrap\"><table class=\"matrix\"><thead>"
	      "<tr><th></th>", out);
	for (s = 0; s < m->n_rows; s++) {
		fputs("<th>", out);
		report_xml_put(out, m->row_name(r->ctx, s), 0);
		fputs("</th>", out);
	}
	fputs("</tr></thead>\n<tbody>\n", out);
	for (k = 0; k < m->n_cols; k++) {
		if (!report_matrix_checked(r, k))
			continue;
		fputs("<tr><th class=\"tag\">", out);
		report_xml_put(out, m->col_name(r->ctx, k), 0);
		fputs("</th>", out);
		for (s = 0; s < m->n_rows; s++) {
			const char *w = report_cell_word(
				m->cell(r->ctx, s, k));
			/* "not checked" as a dash keeps the columns narrow;
			** the title still says it. */
			fprintf(out, "<td class=\"c-%s\" title=\"%s\">%s</td>",
				strcmp(w, "not checked") == 0 ? "none" : w,
				w, strcmp(w, "not checked") == 0 ? "&#8211;" :
				w);
		}
		fputs("</tr>\n", out);
	}
	fputs("</tbody></table></div></section>\n", out);
}

/* The findings no timeline entry took (all of them when there is no
** timeline), errors first. */
static int html_rest(FILE *out, const diag_report *r, const size_t *owner,
		     int has_timeline)
{
	size_t *idx, i, n = 0;

	for (i = 0; i < r->diags->n; i++)
		n += owner[i] == 0;
	if (n == 0 && has_timeline)
		return 0;
	fprintf(out, "<section id=\"findings\"><h2>%s</h2>\n",
		has_timeline ? "Other findings" : "Findings");
	if (n == 0) {
		fputs("<p>No findings.</p></section>\n", out);
		return 0;
	}
	idx = report_diag_order(r);
	if (idx == NULL)
		return -1;
	fputs("<div class=\"wrap\"><table class=\"findings-table\"><thead><tr>"
	      "<th>code</th><th>severity</th><th>file:line</th>"
	      "<th>message</th></tr></thead>\n<tbody>\n", out);
	for (i = 0; i < r->diags->n; i++) {
		const cw_diag *g = &r->diags->items[idx[i]];
		if (owner[idx[i]] != 0)
			continue;
		fputs("<tr class=\"finding\"><td><code>", out);
		report_xml_put(out, g->code, 0);
		fprintf(out, "</code></td><td class=\"sev-%s\">%s</td><td>"
			"<code>", sev_name(g), sev_name(g));
		report_xml_put(out, g->file, 0);
		if (g->line > 0)
			fprintf(out, ":%d", g->line);
		fputs("</code></td><td>", out);
		html_message(out, g);
		fputs("</td></tr>\n", out);
	}
	fputs("</tbody></table></div></section>\n", out);
	free(idx);
	return 0;
}

/* <head> and the verdict. */
static void html_head(FILE *out, const diag_report *r, const char *title)
{
	const char *verdict = report_verdict_word(r->status);

	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
	      "<meta charset=\"utf-8\">\n"
	      "<meta name=\"viewport\" content=\"width=device-width, "
	      "initial-scale=1\">\n"
	      "<meta http-equiv=\"Content-Security-Policy\" content=\""
	      "default-src 'none'; style-src 'unsafe-inline'\">\n<title>",
	      out);
	report_xml_put(out, title, 0);
	fprintf(out, ": %s</title>\n<style>\n%s</style>\n</head>\n<body>\n"
		"<header>\n<h1>", verdict, css);
	report_xml_put(out, title, 0);
	fputs("</h1>\n<p class=\"subject\">", out);
	report_xml_put(out, r->subject, 0);
	fprintf(out, "</p>\n<p id=\"verdict\" class=\"verdict %s\">%s: ",
		r->status == 0 ? "passed" : r->status == 1 ? "failed" :
		"broken", verdict);
	report_counts(out, r);
	fputs("</p>\n</header>\n", out);
}

int report_diag_html(FILE *out, const diag_report *r)
{
	const char *title = r->title ? r->title : r->command;
	size_t *owner = calloc(r->diags->n + 1, sizeof(*owner));
	size_t n_timeline;
	int rc;

	if (owner == NULL)
		return -1;
	html_head(out, r, title);
	n_timeline = html_timeline(out, r, owner);
	if (r->matrix != NULL && r->matrix->n_cols > 0)
		html_matrix(out, r);
	rc = html_rest(out, r, owner, n_timeline > 0);
	fputs("<footer>Written by ", out);
	report_xml_put(out, title, 0);
	fputs(": one self-contained page, nothing loaded from "
	      "elsewhere.</footer>\n</body>\n</html>\n", out);
	free(owner);
	return rc;
}
