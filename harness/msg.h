/*
** msg.h - everything cw writes to stderr goes through here.
**
** Fatal problems print `cw: message`; findings print like a compiler
** (`file:line:col: severity: CODE message` and an indented hint) so that
** editors and CI annotate them; progress lines go to stderr only.
*/
#ifndef CW_MSG_H
#define CW_MSG_H

#include <stdio.h>
#include "../lib/diag.h"
#include "../lib/error.h"

void msg_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void msg_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void msg_progress(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

/* Print a lib error as `cw: [CODE] message`. */
void msg_cw_error(const cw_error *err);

/* One finding in compiler form, to f. */
void msg_diag(FILE *f, const cw_diag *d);

#endif
