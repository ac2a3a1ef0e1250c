/*
** audit_int.h - what the parts of cw audit share (audit.h): one run's
** context, handed from audit.c to the deploy dry run and the drift.
*/
#ifndef CW_AUDIT_INT_H
#define CW_AUDIT_INT_H

#include "audit.h"
#include "dbread.h"
#include "migrate.h"
#include "schema.h"

typedef struct cw_audit_ctx {
	cw_audit_result *res;
	cw_diags *d;
	const char *path;           /* the database as the user named it */
	const cw_folder *f;
	const cw_audit_options *o;
	const char *table;          /* the migrations table */
	cw_dbread rd;               /* the read connection */
	unsigned char *ran;         /* per entry: this database ran it (a
				    ** row carries it, A012 included) */
	cw_schema live;             /* its schema, the migrations table left
				    ** out */
	cw_error *err;
} cw_audit_ctx;

/* Report a step of long work. */
void cw_audit_step(const cw_audit_ctx *x, const char *step);

/* The options for running the engine as drizzle does on this database. */
void cw_audit_engine_options(const cw_audit_ctx *x, cw_migrate_options *mo);

/* The pending entries on a scratch copy (audit_deploy.c).  0 or a
** negative CW_E* code. */
int cw_audit_deploy(cw_audit_ctx *x);

/* integrity_check, foreign_key_check and the recount (audit_health.c). */
int cw_audit_health(cw_audit_ctx *x);

/* The live schema against the applied entries' (audit_drift.c). */
int cw_audit_drift(cw_audit_ctx *x);

#endif
