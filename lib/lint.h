/*
** lint.h - statements that pass review and fail, or lose data, in
** production: L checks.  (Contract; implementation in lint.c.)
*/
#ifndef CW_LINT_H
#define CW_LINT_H

#include "check.h"

int cw_lint_check(cw_diags *out, const cw_folder *f,
		  const cw_check_options *o, cw_error *err);

#endif
