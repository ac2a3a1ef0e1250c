/*
** report_markdown.c - the diagnostics report as GitHub-flavoured
** Markdown, for a job summary ($GITHUB_STEP_SUMMARY) or a pull-request
** comment: a verdict line, the findings as a table, replay's matrix.
**
** A reader sees the errors first and scrolls little: findings are ordered
** errors, warnings, notes, and past the first MD_SHOWN (and a matrix past
** MD_SHOWN rows) go inside <details>.  Whatever a message holds, it
** cannot break the table or inject markup: see md_put.
*/
#include "report.h"
#include "../lib/text.h"

#include <stdlib.h>
#include <string.h>

#define REPLACEMENT "\xEF\xBF\xBD"  /* U+FFFD in UTF-8 */

/* Findings and matrix rows shown before the rest is folded. */
#define MD_SHOWN 10

/*
** s as the text of a table cell.  GitHub renders inline HTML, so <, >
** and & become references; the punctuation that starts emphasis, code,
** links, strikethrough, a cell boundary or a mention is backslash-
** escaped; a line break becomes <br> (a raw one would end the row);
** other control characters and invalid UTF-8 become U+FFFD.
*/
static void md_put(FILE *out, const char *s)
{
	size_t len = s ? strlen(s) : 0, i = 0;

	while (i < len) {
		size_t at = i;
		long c = cw_text_utf8_next(s, len, &i);
		if (c == '&')
			fputs("&amp;", out);
		else if (c == '<')
			fputs("&lt;", out);
		else if (c == '>')
			fputs("&gt;", out);
		else if (c == '\n')
			fputs("<br>", out);
		else if (c == '\t' || c == '\r')
			fputc(' ', out);
		else if (c < 0x20 || c == 0x7F)
			fputs(REPLACEMENT, out);
		else if (c < 0x80 && strchr("\\`*_[]|~@#!", (int)c))
			fprintf(out, "\\%c", (int)c);
		else
			fwrite(s + at, 1, i - at, out);
	}
}

const char *report_cell_word(char c)
{
	switch (c) {
	case '.': return "ok";
	case 'E': return "error";
	case 'w': return "warning";
	case 'n': return "note";
	case '-': return "not checked";
	default: return "?";
	}
}

static void md_table_head(FILE *out)
{
	fputs("| code | severity | file:line | message |\n"
	      "|---|---|---|---|\n", out);
}

/* One finding as a table row; the hint follows the message. */
static void md_row(FILE *out, const cw_diag *g)
{
	fputs("| ", out);
	md_put(out, g->code);
	fprintf(out, " | %s%s%s | ", g->severity == CW_SEV_ERROR ? "**" : "",
		cw_codes_severity_name(g->severity),
		g->severity == CW_SEV_ERROR ? "**" : "");
	md_put(out, g->file);
	if (g->line > 0)
		fprintf(out, ":%d", g->line);
	fputs(" | ", out);
	md_put(out, g->message);
	if (g->hint != NULL && g->hint[0]) {
		fputs("<br>hint: ", out);
		md_put(out, g->hint);
	}
	fputs(" |\n", out);
}

static int md_findings(FILE *out, const diag_report *r)
{
	size_t *idx, i, n = r->diags->n;

	if (n == 0) {
		fputs("No findings.\n", out);
		return 0;
	}
	idx = report_diag_order(r);
	if (idx == NULL)
		return -1;
	md_table_head(out);
	for (i = 0; i < n; i++) {
		if (i == MD_SHOWN) {
			/* The blank lines let GitHub read Markdown inside. */
			fprintf(out, "\n<details><summary>%zu more "
				"finding%s</summary>\n\n", n - i,
				n - i == 1 ? "" : "s");
			md_table_head(out);
		}
		md_row(out, &r->diags->items[idx[i]]);
	}
	if (n > MD_SHOWN)
		fputs("\n</details>\n", out);
	free(idx);
	return 0;
}

int report_matrix_checked(const diag_report *r, size_t k)
{
	size_t s;

	for (s = 0; s < r->matrix->n_rows; s++)
		if (r->matrix->cell(r->ctx, s, k) != '-')
			return 1;
	return 0;
}

/* The matrix with a row per column-unit (prefix) and a column per row
** (step), which reads on a phone; folded when long. */
static void md_matrix(FILE *out, const diag_report *r)
{
	const report_matrix *m = r->matrix;
	size_t k, s, n_bad = 0, n = 0;

	for (k = 0; k < m->n_cols; k++) {
		n += (size_t)report_matrix_checked(r, k);
		for (s = 0; s < m->n_rows; s++)
			if (m->cell(r->ctx, s, k) == 'E') {
				n_bad++;
				break;
			}
	}
	fputc('\n', out);
	if (n > MD_SHOWN)
		fputs("<details><summary>", out);
	md_put(out, m->title);
	fprintf(out, ": %zu %s%s, %zu with an error", n,
		r->unit ? r->unit : "row", n == 1 ? "" : "s", n_bad);
	fputs(n > MD_SHOWN ? "</summary>\n\n" : "\n\n", out);
	fputs("| |", out);
	for (s = 0; s < m->n_rows; s++) {
		fputc(' ', out);
		md_put(out, m->row_name(r->ctx, s));
		fputs(" |", out);
	}
	fputs("\n|---|", out);
	for (s = 0; s < m->n_rows; s++)
		fputs("---|", out);
	fputc('\n', out);
	for (k = 0; k < m->n_cols; k++) {
		if (!report_matrix_checked(r, k))
			continue;
		fputs("| ", out);
		md_put(out, m->col_name(r->ctx, k));
		fputs(" |", out);
		for (s = 0; s < m->n_rows; s++) {
			char c = m->cell(r->ctx, s, k);
			fprintf(out, c == 'E' ? " **%s** |" : " %s |",
				report_cell_word(c));
		}
		fputc('\n', out);
	}
	if (n > MD_SHOWN)
		fputs("\n</details>\n", out);
}

int report_diag_markdown(FILE *out, const diag_report *r)
{
	fputs("### ", out);
	md_put(out, r->title ? r->title : r->command);
	fprintf(out, ": %s\n\n", report_verdict_word(r->status));
	fputs("**", out);
	report_counts(out, r);
	fputs("**", out);
	if (r->subject != NULL && r->subject[0]) {
		fputs(" (", out);
		md_put(out, r->subject);
		fputc(')', out);
	}
	fputs("\n\n", out);
	if (md_findings(out, r) != 0)
		return -1;
	if (r->matrix != NULL && r->matrix->n_cols > 0)
		md_matrix(out, r);
	/* A blank line ends the last table, so that summaries appended one
	** after another ($GITHUB_STEP_SUMMARY) stay apart. */
	fputc('\n', out);
	return 0;
}
