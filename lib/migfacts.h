/*
** migfacts.h - what each migration's statements say about tables, read
** once with lint's statement reader: whether a migration itself removes
** a table's rows (a DELETE of it) or changes a column's values (an UPDATE
** of it, or the INSERT ... SELECT filling its rebuild copy assigning the
** column), and which statement a finding about a table points at.  The
** one reading shared by check's evidence and replay's data pass.
*/
#ifndef CW_MIGFACTS_H
#define CW_MIGFACTS_H

#include <stddef.h>
#include "error.h"
#include "folder.h"

struct cw_lint_mig;

typedef struct cw_migfacts {
	struct cw_lint_mig *migs;   /* parallel to the folder's migrations */
	size_t n;
} cw_migfacts;

/* Read every readable migration of f.  0 or CW_ENOMEM. */
int cw_migfacts_read(cw_migfacts *out, const cw_folder *f,
		     const char *mtable, cw_error *err);

/* 1 if migration k says itself that rows of table go (column NULL), or
** that table.column's values change. */
int cw_migfacts_says_so(const cw_migfacts *mf, size_t k, const char *table,
			const char *column);

/* Where a finding about table in migration k points: the INSERT ...
** SELECT filling its rebuild copy, else the first statement about it,
** else (a cascade) the migration's first DROP TABLE, whose table goes to
** *dropped (NULL otherwise).  0 when migration k has none of them. */
int cw_migfacts_where(const cw_migfacts *mf, size_t k, const char *table,
		      int *line, int *column, const char **dropped);

void cw_migfacts_free(cw_migfacts *mf);

#endif
