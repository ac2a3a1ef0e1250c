/*
** codes.h - the table of stable diagnostic codes.
**
** Codes never change meaning and are never reused; retired ones stay in the
** table marked obsolete.  The table itself is in codes.c; the README's
** rule list (`make readme-codes`) and the constants below (`make codes-h`)
** are generated from it, so a code, its severity, its fix and a failing
** example are written once, there.  `make codes-check` (part of `make
** unit`) fails when the constants and the table drift apart.
**
** Code that reports a finding names its code by constant (CW_J001), never
** by a literal ("J001"), so a mistyped code is a compile error; `make
** codes-check` refuses literals in lib/ and harness/.
*/
#ifndef CW_CODES_H
#define CW_CODES_H

#include <stddef.h>

/* codes:begin - generated from codes.c by `make codes-h`; do not edit */
#define CW_J001 "J001"
#define CW_J002 "J002"
#define CW_J003 "J003"
#define CW_J004 "J004"
#define CW_J005 "J005"
#define CW_J006 "J006"
#define CW_J007 "J007"
#define CW_J008 "J008"
#define CW_J009 "J009"
#define CW_J010 "J010"
#define CW_J011 "J011"
#define CW_J012 "J012"
#define CW_J013 "J013"
#define CW_J014 "J014"
#define CW_J015 "J015"
#define CW_J016 "J016"
#define CW_S001 "S001"
#define CW_S002 "S002"
#define CW_S003 "S003"
#define CW_S004 "S004"
#define CW_S005 "S005"
#define CW_S006 "S006"
#define CW_S007 "S007"
#define CW_S008 "S008"
#define CW_H001 "H001"
#define CW_H002 "H002"
#define CW_H003 "H003"
#define CW_H004 "H004"
#define CW_H005 "H005"
#define CW_H006 "H006"
#define CW_H007 "H007"
#define CW_H008 "H008"
#define CW_L001 "L001"
#define CW_L002 "L002"
#define CW_L003 "L003"
#define CW_L004 "L004"
#define CW_L005 "L005"
#define CW_L006 "L006"
#define CW_L007 "L007"
#define CW_L008 "L008"
#define CW_L009 "L009"
#define CW_L010 "L010"
#define CW_L011 "L011"
#define CW_L012 "L012"
#define CW_L013 "L013"
#define CW_N001 "N001"
#define CW_N002 "N002"
#define CW_N003 "N003"
#define CW_N004 "N004"
#define CW_N005 "N005"
#define CW_N006 "N006"
#define CW_N007 "N007"
#define CW_R001 "R001"
#define CW_R002 "R002"
#define CW_R003 "R003"
#define CW_R004 "R004"
#define CW_R005 "R005"
#define CW_R006 "R006"
#define CW_R007 "R007"
#define CW_R008 "R008"
#define CW_R009 "R009"
#define CW_R010 "R010"
#define CW_R011 "R011"
#define CW_R012 "R012"
#define CW_R013 "R013"
#define CW_R014 "R014"
#define CW_R015 "R015"
#define CW_A001 "A001"
#define CW_A002 "A002"
#define CW_A003 "A003"
#define CW_A004 "A004"
#define CW_A005 "A005"
#define CW_A006 "A006"
#define CW_A007 "A007"
#define CW_A008 "A008"
#define CW_A009 "A009"
#define CW_A010 "A010"
#define CW_A011 "A011"
#define CW_A012 "A012"
#define CW_A013 "A013"
#define CW_B001 "B001"
#define CW_B002 "B002"
#define CW_B003 "B003"
#define CW_B004 "B004"
#define CW_B005 "B005"
#define CW_B006 "B006"
#define CW_B007 "B007"
#define CW_B008 "B008"
/* codes:end */

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
const cw_code_info *cw_codes_lookup(const char *code);

/* The whole table, in code order; *out_n receives its length. */
const cw_code_info *cw_codes_table(size_t *out_n);

/* "error", "warning" or "note". */
const char *cw_codes_severity_name(cw_severity sev);

#endif
