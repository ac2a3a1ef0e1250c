/*
** report.h - writers that turn lib results into text or JSON for people
** and machines.  They only format; every decision is made in lib/.
*/
#ifndef CW_REPORT_H
#define CW_REPORT_H

#include <stdio.h>
#include "../lib/diag.h"
#include "../lib/migrate.h"

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

/* A cJSON array of diagnostics, shared by every JSON writer. */
struct cJSON *report_diags_json(const cw_diags *d);

#endif
