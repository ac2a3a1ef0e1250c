/*
** report.h - writers that turn lib results into text or JSON for people
** and machines.  They only format; every decision is made in lib/.
*/
#ifndef CW_REPORT_H
#define CW_REPORT_H

#include <stdio.h>
#include "../lib/diag.h"
#include "../lib/migrate.h"

struct cJSON;

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

/* Print root as indented JSON and a newline, then free it.  Returns 0,
** or -1 if out of memory. */
int report_print_json(FILE *out, struct cJSON *root);

/* A cJSON array of diagnostics, shared by every JSON writer. */
struct cJSON *report_diags_json(const cw_diags *d);

/* What `cw check` hands its writers. */
typedef struct check_report {
	const char *title;        /* "cw check" */
	const char *dir;
	const cw_folder *folder;  /* NULL when the folder could not load */
	const cw_diags *diags;
	int strict;
	int status;               /* the exit status chosen */
} check_report;

void report_summary_line(FILE *out, const char *what, const cw_diags *d,
			 size_t n_migrations);
void report_check_text(FILE *out, const check_report *r);
int report_check_json(FILE *out, const check_report *r);
void report_check_junit(FILE *out, const check_report *r);
void report_check_github(FILE *out, const check_report *r);

/* Write summary.txt, report.json, junit.xml and github.txt under dir
** (created if needed), each atomically.  Returns 0 or -1 (errno set). */
int report_check_dir(const char *dir, const check_report *r);

#endif
