/*
** journal.h - reading meta/_journal.json.
**
** The text is read as drizzle reads it: invalid UTF-8 repaired as
** Buffer#toString repairs it, then validated as strictly as JSON.parse
** (jsonstrict.h) before cJSON parses it.  Entries are kept in array order,
** the order drizzle applies them in.  Every field's presence and JSON type
** is recorded and checked; nothing is defaulted.  Problems become
** diagnostics in the caller's list, each with the journal line of the
** offending value: J003 and J011 (a field; the load goes on), J001, J002
** and J014 (no journal to use: the load fails too).  A key given twice
** takes its last value, as JSON.parse does (cJSON alone would keep the
** first).  What drizzle ignores (idx, version, dialect) is still read so
** that `cw check` can judge it.
*/
#ifndef CW_JOURNAL_H
#define CW_JOURNAL_H

#include <stddef.h>
#include "diag.h"
#include "error.h"

typedef struct cw_journal_entry {
	size_t pos;          /* index in entries[] */
	int line;            /* journal line of the entry's '{' */
	int has_idx, idx_line;
	double idx;
	int has_version, version_line;
	char *version;
	int has_when, when_line;
	double when;         /* drizzle's folderMillis, a JS number */
	int has_tag, tag_line;
	char *tag;           /* NULL unless a JSON string */
	int is_tag_safe;     /* tag usable as a file name
			     ** (cw_journal_tag_is_safe) */
	int tag_has_nul;     /* the JSON text escapes a NUL inside the tag */
	int has_breakpoints, breakpoints_line;
	int breakpoints;
} cw_journal_entry;

typedef struct cw_journal {
	char *path;          /* the journal file as named */
	char *version;       /* top-level "version" if a string, else NULL */
	char *dialect;       /* "dialect" if a string, else NULL */
	int dialect_line;
	cw_journal_entry *entries;
	size_t n_entries;
	int is_usable;       /* every entry has a string safe tag and a
			     ** number when: the migrator can run it */
} cw_journal;

/* Read and parse <dir>/meta/_journal.json.  Returns CW_ENOTFOUND (J001) if
** it is missing, CW_EINVAL (J002/J014) if it is not a JSON object with an
** entries array, CW_EIO if unreadable; field problems go to diags and leave
** is_usable 0.  Free with cw_journal_free. */
int cw_journal_load(cw_journal *out, const char *dir, cw_diags *diags,
		    cw_error *err);

/* Parse journal text already in memory and already decoded (path is used
** in messages only).  text[len] must be a NUL byte: cJSON reads it to
** find the end.  Returns 0, CW_EINVAL (J002/J014) or CW_ENOMEM. */
int cw_journal_parse(cw_journal *out, const char *path, const char *text,
		     size_t len, cw_diags *diags, cw_error *err);

void cw_journal_free(cw_journal *j);

/* 1 if tag can name a file inside the folder: non-empty, no '/', '\\',
** "..", NUL or control characters (bytes < 0x20 and 0x7f). */
int cw_journal_tag_is_safe(const char *tag, size_t len);

#endif
