/*
** pathscope.h - does a file of the migrations folder resolve outside it?
**
** A .sql file or journal that is a symbolic link to somewhere else is read
** through by drizzle, so what runs is whatever that path holds on the
** machine running it: not what the repository reviewed and hashed.
*/
#ifndef CW_PATHSCOPE_H
#define CW_PATHSCOPE_H

#include "diag.h"
#include "error.h"

/* 1 when path resolves (through symbolic links, at any component) to a
** place outside the folder root, with *target the resolved path (the
** caller frees it); 0 when it stays inside or cannot be resolved (a
** missing or unreadable file is reported by whoever reads it);
** CW_ENOMEM. */
int cw_path_outside(const char *path, const char *root, char **target,
		    cw_error *err);

/* J016 into diags when path resolves outside root; 0 or CW_ENOMEM. */
int cw_path_scope_check(cw_diags *diags, const char *path, const char *root,
			cw_error *err);

#endif
