/*
** report.h - writers that turn lib results into text or JSON for people
** and machines.  They only format; every decision is made in lib/.
**
** The diagnostics report (report_check.c, report_markdown.c,
** report_html.c, report_dir.c) is the one writer of findings for every
** command: compiler-style text, a JSON object, JUnit XML, GitHub workflow
** annotations, Markdown for a job summary, and `--report DIR` holding
** those and a self-contained index.html, each file replaced atomically.
** A command describes its run in a diag_report and hands it to a writer.
** Whatever a finding's message holds, the machine formats come out
** valid: invalid UTF-8 becomes U+FFFD, JSON escapes control characters,
** XML escapes line breaks in attributes and drops the characters XML 1.0
** cannot carry, HTML and Markdown turn markup characters into text.
*/
#ifndef CW_REPORT_H
#define CW_REPORT_H

#include <stdio.h>
#include "../lib/diag.h"
#include "../lib/error.h"
#include "../lib/backfill.h"
#include "../lib/migrate.h"
#include "../lib/verify_metrics.h"

struct cJSON;

/* ---- the diagnostics report, for any command ---- */

/* One JUnit <testcase>: the failing findings that belong to it are its
** <failure>s.  A finding belongs by its code's family letter when family
** is set; otherwise by migration tag when both it and the case have one;
** otherwise by file. */
typedef struct report_case {
	const char *classname;   /* "migrations", "rules" */
	const char *name;        /* the test case's name */
	char family;             /* 'J', 'S', ... or 0 */
	const char *tag;         /* migration tag, or NULL */
	const char *file;        /* path findings name, or NULL */
	const char *codes;       /* "R009,N006": only findings with one of
				    these codes belong (with the tag), or
				    NULL */
} report_case;

/*
** A grid of results with one column per unit, drawn by the Markdown and
** HTML writers (replay's prefix x step matrix).  Both draw it with a row
** per column-unit (a prefix per row reads on a phone).  Each hook gets
** diag_report's ctx.  A cell is '.' passed, 'E' error, 'w' warning, 'n'
** note or '-' not checked; anything else is drawn as '?'.
*/
typedef struct report_matrix {
	const char *title;        /* "prefix x step" */
	size_t n_rows;            /* steps */
	size_t n_cols;            /* prefixes */
	const char *(*row_name)(const void *ctx, size_t row);
	const char *(*col_name)(const void *ctx, size_t col);
	char (*cell)(const void *ctx, size_t row, size_t col);
} report_matrix;

/*
** What a command hands the writers.  Everything is borrowed.
**
**   text:   text_head lines, one compiler-style finding after another,
**           then `TITLE: 1 error, 0 warnings, 0 notes in N UNITs`.
**   JSON:   {"command": COMMAND, <json_fields>, "ok": status == 0,
**            "exit": status, "counts": {...}, "diagnostics": [...]}
**   JUnit:  <testsuites name=TITLE><testsuite name=SUBJECT> with one
**           <testcase> per report_case; errors fail them (warnings too
**           when strict).
**   GitHub: one ::error/::warning/::notice line per finding.
**   Markdown: a verdict line, the findings as a table (errors first; past
**           the first few, folded in <details>), then the matrix if any.
**   HTML:   (index.html in --report DIR) the verdict, a timeline of the
**           report_cases that carry a tag (a migration each, in order),
**           each with its status and findings, the matrix, every finding.
**
** cw migrate, for one, would fill title "cw migrate", command "migrate",
** subject the database, unit "migration", a json_fields hook adding db,
** table, dry_run, entries and failure, and a text_head hook printing the
** status of each migration.
*/
typedef struct diag_report {
	const char *title;        /* "cw check" */
	const char *command;      /* "check" */
	const char *subject;      /* the folder or database the run is about */
	const cw_diags *diags;
	int strict;               /* warnings fail JUnit test cases too */
	int status;               /* the exit status the command chose */
	const char *unit;         /* "migration": summary "in N migrations";
				     NULL leaves that part out */
	size_t n_units;
	const report_case *cases; /* the JUnit test cases */
	size_t n_cases;
	/* Optional: add the command's own members to the JSON object,
	** right after "command".  Returns 0, or -1 if out of memory. */
	int (*json_fields)(struct cJSON *root, const void *ctx);
	/* Optional: lines the text writer prints before the findings. */
	void (*text_head)(FILE *out, const void *ctx);
	const report_matrix *matrix;  /* optional, see report_matrix */
	const void *ctx;          /* handed to every hook */
} diag_report;

/* The formats --format takes, for usage and error messages. */
#define REPORT_FORMATS "text, json, junit, github or markdown"

/* 1 if format is text, json, junit, github or markdown (NULL: text). */
int report_format_known(const char *format);

/* report_format_known, and when it is not: an error naming the formats
** on stderr.  1 if format is usable. */
int report_format_ok(const char *format);

/* r in that format (NULL: text); format must be known. */
void report_diag_print(FILE *out, const char *format, const diag_report *r);

/* The exit status of a run that found d: 2 when it could not run (rc),
** 1 with errors (or, strict, warnings), else 0. */
int report_diag_status(int rc, const cw_diags *d, int strict);

void report_diag_text(FILE *out, const diag_report *r);

/* Returns 0, or -1 if out of memory (nothing is written then). */
int report_diag_json(FILE *out, const diag_report *r);

/* Returns 0, or -1 if out of memory (nothing is written then). */
int report_diag_junit(FILE *out, const diag_report *r);

void report_diag_github(FILE *out, const diag_report *r);

/* report_markdown.c.  Returns 0, or -1 if out of memory. */
int report_diag_markdown(FILE *out, const diag_report *r);

/* A matrix cell in words: "ok", "error", "warning", "note", "not
** checked", or "?" for anything else. */
const char *report_cell_word(char c);

/* Was column k of r's matrix checked at any step (a cell not '-')?  The
** writers leave out the others: a shard's report lists its own. */
int report_matrix_checked(const diag_report *r, size_t k);

/* report_html.c: one self-contained page (no network, no script).
** Returns 0, or -1 if out of memory. */
int report_diag_html(FILE *out, const diag_report *r);

/* Does finding g belong to test case c?  See report_case. */
int report_case_has(const report_case *c, const cw_diag *g);

/* The verdict of a run with this exit status: "passed" (0), "failed"
** (1), "could not run" (2, or anything else). */
const char *report_verdict_word(int status);

/* `1 error, 0 warnings, 0 notes in N UNITs`, no newline (the "in" part
** only when r has a unit). */
void report_counts(FILE *out, const diag_report *r);

/* Findings in the order people read them: errors, then warnings, then
** notes, each in the report's order.  A malloc'd array of indexes into
** r->diags (the caller frees it), or NULL if out of memory (or none). */
size_t *report_diag_order(const diag_report *r);

/* s as XML/HTML character data (see report_check.c): &, <, >, " become
** references, invalid UTF-8 and control characters U+FFFD; in an
** attribute (is_attr) LF, CR and tab become references. */
void report_xml_put(FILE *out, const char *s, int is_attr);

/* Write summary.txt, report.json, junit.xml, github.txt, summary.md and
** index.html under dir (made if needed).  Every file is written to a
** temporary file beside it and all are fsynced before the first is
** renamed into place, so a failure while writing leaves dir as it was
** and none is ever seen half written.  Returns 0 or a negative CW_E*
** code; err names the file and what the OS said, and errno is left as
** the failing call set it. */
int report_diag_dir(const char *dir, const diag_report *r, cw_error *err);

/* Make every string of a cJSON tree, keys too, valid UTF-8: invalid
** sequences become U+FFFD.  cJSON escapes quotes, backslashes and control
** characters itself, so the printed tree is then valid JSON.  Every JSON
** writer calls this before report_print_json.  Returns 0, or -1 if out of
** memory. */
int report_json_repair(struct cJSON *root);

/* Print root as indented JSON and a newline, then free it.  Returns 0,
** or -1 if out of memory. */
int report_print_json(FILE *out, struct cJSON *root);

/* A cJSON array of diagnostics, shared by every JSON writer. */
struct cJSON *report_diags_json(const cw_diags *d);

/* `WHAT: 1 error, 0 warnings, 0 notes in N migrations` and a newline. */
void report_summary_line(FILE *out, const char *what, const cw_diags *d,
			 size_t n_migrations);

/* ---- cw migrate ---- */

typedef struct migrate_report {
	const char *db;
	const char *migrations;
	const char *table;
	int dry_run;
	const cw_folder *folder;
	const cw_migrate_result *result;  /* NULL if the run never started */
	const cw_error *err;              /* the error if rc != 0 */
	const cw_diags *diags;            /* findings from loading */
} migrate_report;

void report_migrate_text(FILE *out, const migrate_report *r);

/* Returns 0, or -1 if out of memory. */
int report_migrate_json(FILE *out, const migrate_report *r);

/* ---- cw backfill-metrics and cw verify-metrics (report_metrics.c) ---- */

typedef struct backfill_report {
	const char *db;
	int dry_run;
	int profile;                       /* print where the time went */
	const cw_backfill_result *result;  /* NULL if it never ran */
	const cw_diags *diags;             /* the error, as a finding */
	int status;
} backfill_report;

/* Dry run: a line per agent; then the summary (chunks, malformed lines,
** agents, totals, time, the recorded run) and any finding. */
void report_backfill_text(FILE *out, const backfill_report *r);

/* Returns 0, or -1 if out of memory. */
int report_backfill_json(FILE *out, const backfill_report *r);

/* diag_report hooks of verify-metrics; ctx is a cw_verify_result. */
void report_verify_head(FILE *out, const void *ctx);
int report_verify_json(struct cJSON *root, const void *ctx);

/* ---- cw audit (report_audit.c): diag_report hooks ---- */

struct cw_audit_result;

typedef struct audit_report {
	const char *db;
	const char *migrations;
	const char *table;
	int quick;
	const struct cw_audit_result *result;
} audit_report;

/* The verdict and its numbers, before the findings; ctx: audit_report. */
void report_audit_head(FILE *out, const void *ctx);
int report_audit_json(struct cJSON *root, const void *ctx);

/* ---- cw check: the diagnostics report with check's test cases ---- */

/* What `cw check` hands its writers. */
typedef struct check_report {
	const char *title;        /* "cw check" */
	const char *dir;
	const cw_folder *folder;  /* NULL when the folder could not load */
	const cw_diags *diags;
	int strict;
	int status;               /* the exit status chosen */
	char profile[512];        /* the migrator profile checked against */
} check_report;

/* r in format (NULL: text); format must be known. */
void report_check_print(FILE *out, const char *format,
			const check_report *r);

/* report_diag_dir for check.  Returns 0 or -1 (errno set). */
int report_check_dir(const char *dir, const check_report *r);

#endif
