/*
** error.c - filling a cw_error once, where the failure happens.
*/
#include "error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int cw_error_set(cw_error *err, int code, const char *diag, const char *path,
		 int line, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL || err->code != 0)
		return code;
	err->code = code;
	snprintf(err->diag, sizeof(err->diag), "%s", diag ? diag : "");
	snprintf(err->path, sizeof(err->path), "%s", path ? path : "");
	err->line = line;
	err->column = 0;
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof(err->message), fmt, ap);
	va_end(ap);
	return code;
}

void cw_error_clear(cw_error *err)
{
	if (err != NULL)
		memset(err, 0, sizeof(*err));
}

const char *cw_error_name(int code)
{
	switch (code) {
	case CW_OK: return "no error";
	case CW_EINVAL: return "invalid input";
	case CW_ENOTFOUND: return "not found";
	case CW_EIO: return "input/output error";
	case CW_ESQL: return "SQLite error";
	case CW_ENOMEM: return "out of memory";
	case CW_EBUSY: return "database busy";
	}
	return "unknown error";
}
