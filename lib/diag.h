/*
** diag.h - findings: what a check reports, as opposed to errors that stop it.
**
** A diagnostic has a stable code (codes.h), a severity taken from the code
** table, a file, a line and column, a message and a hint saying how to fix
** it.  A list owns every string in it; cw_diags_free releases them all.
** Messages are kept whole, byte for byte as formatted: one that quotes a
** file may hold invalid UTF-8 or control characters, and the report
** writers are what make each output format valid.
*/
#ifndef CW_DIAG_H
#define CW_DIAG_H

#include <stddef.h>
#include "codes.h"
#include "error.h"

typedef struct cw_diag {
	char code[8];
	cw_severity severity;
	char *file;      /* as the user named it; "" if none */
	int line;        /* 1-based, 0 if the finding is about a whole file */
	int column;      /* 1-based, 0 if unknown */
	char *tag;       /* migration tag the finding is about, or NULL */
	char *message;
	char *hint;
} cw_diag;

typedef struct cw_diags {
	cw_diag *items;
	size_t n;
	size_t cap;
	int oom;         /* set when an add failed for lack of memory */
} cw_diags;

#define CW_DIAGS_INIT {NULL, 0, 0, 0}

/* Append a finding; severity and default hint come from the code table.
** Returns the new entry (to adjust its hint or tag) or NULL if out of
** memory, in which case d->oom is set. */
cw_diag *cw_diags_add(cw_diags *d, const char *code, const char *file,
		      int line, int column, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

/* A finding from an error that carries a diagnostic code (err->diag),
** about err->path or else file; NULL when it has none or memory ran
** out. */
cw_diag *cw_diags_add_error(cw_diags *d, const cw_error *err,
			    const char *file);

/* Replace the hint of diag with a formatted one. */
void cw_diag_set_hint(cw_diag *diag, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Attach the migration tag a finding is about. */
void cw_diag_set_tag(cw_diag *diag, const char *tag);

/* Number of findings of exactly this severity. */
size_t cw_diags_count(const cw_diags *d, cw_severity sev);

/* Stable order: file, line, column, code. */
void cw_diags_sort(cw_diags *d);

/* Keep, of the findings from index `from` on, those keep() accepts
** (in order); the others are freed. */
void cw_diags_filter(cw_diags *d, size_t from,
		     int (*keep)(void *ctx, const cw_diag *g), void *ctx);

/* Move every finding of src to the end of dst (src ends empty). */
int cw_diags_take(cw_diags *dst, cw_diags *src);

/* Remove finding i (freeing its strings); later ones move up by one. */
void cw_diags_remove(cw_diags *d, size_t i);

void cw_diags_free(cw_diags *d);

#endif
