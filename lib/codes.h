/*
** codes.h - the table of stable diagnostic codes.
**
** Codes never change meaning and are never reused; retired ones stay in the
** table marked obsolete.  The README's rule list is generated from this
** table (`make readme-codes`), so a code, its severity, its fix and a
** failing example are written once, here.
*/
#ifndef CW_CODES_H
#define CW_CODES_H

#include <stddef.h>

typedef enum cw_severity {
	CW_SEV_NOTE = 0,
	CW_SEV_WARNING = 1,
	CW_SEV_ERROR = 2
} cw_severity;

typedef struct cw_code_info {
	const char *code;     /* "J001" */
	cw_severity severity; /* default severity of its findings */
	const char *title;    /* what is wrong, in a few words */
	const char *hint;     /* how to fix it */
	const char *example;  /* a minimal input that triggers it */
} cw_code_info;

/* The entry for code, or NULL if there is none. */
const cw_code_info *cw_code_lookup(const char *code);

/* The whole table, in code order; *out_n receives its length. */
const cw_code_info *cw_code_table(size_t *out_n);

/* "error", "warning" or "note". */
const char *cw_severity_name(cw_severity sev);

#endif
